"""gunicorn's configuration loads as gunicorn reads it, and serves on loopback unless told otherwise."""

import subprocess
import sys
from pathlib import Path

from django.conf import settings

GUNICORN = Path(sys.executable).parent / "gunicorn"


def _printed_config(**env) -> dict[str, str]:
    out = subprocess.run(
        [str(GUNICORN), "--print-config", "-c", "casework/config/gunicorn.py"],
        cwd=settings.BASE_DIR,
        env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    return {name.strip(): value.strip() for name, _, value in (line.partition("=") for line in out.splitlines())}


def test_gunicorn_reads_the_config_file():
    config = _printed_config()
    assert config["bind"] == "['127.0.0.1:8000']"  # loopback: the TLS proxy is the only way in
    assert config["wsgi_app"] == "casework.config.wsgi:application"
    assert config["logger_class"] == "<StructuredLogger()>"
    assert config["control_socket_disable"] == "True"
    assert config["forwarded_allow_ips"] == "['127.0.0.1', '::1']"
    assert (config["worker_class"], config["workers"], config["threads"]) == ("gthread", "3", "2")


def test_the_environment_overrides_bind_and_sizes():
    config = _printed_config(GUNICORN_BIND="127.0.0.1:9001", GUNICORN_WORKERS="5", GUNICORN_THREADS="1")
    assert (config["bind"], config["workers"], config["threads"]) == ("['127.0.0.1:9001']", "5", "1")
