"""Real servers for tests that need one (the browser tests, the demo's serving): a free port,
waiting for a started server to answer, and the command the Makefile's demo target serves with."""

import os
import shlex
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.request import urlopen

import pytest

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_answering(server: subprocess.Popen, url: str, seconds: float = 20) -> None:
    """Returns once ``url``/healthz answers; stops the server and fails the test if it never does."""
    for _ in range(int(seconds * 10)):
        try:
            urlopen(f"{url}/healthz", timeout=1)  # noqa: S310 (our own server on 127.0.0.1)
            return
        except OSError:
            time.sleep(0.1)
    server.kill()
    pytest.fail("the server did not start")


def demo_runserver(port: int) -> tuple[dict[str, str], list[str]]:
    """The environment and the command of the Makefile's demo target's runserver line (as
    ``make -n demo`` prints it), to serve on ``port`` without the autoreloader."""
    out = subprocess.run(["make", "-n", "demo"], cwd=ROOT, capture_output=True, text=True, timeout=60).stdout
    lines = [line for line in out.splitlines() if "manage.py runserver" in line]
    assert len(lines) == 1, out
    words = shlex.split(lines[0])
    env = {}
    while "=" in words[0]:
        name, _, value = words.pop(0).partition("=")
        env[name] = value
    assert "127.0.0.1:8000" in words, words
    command = [f"127.0.0.1:{port}" if word == "127.0.0.1:8000" else word for word in words]
    if not Path(command[0]).is_absolute():
        command[0] = str(ROOT / command[0])
    return env, [*command, "--noreload"]


@contextmanager
def serving_as_make_demo(db_path: Path, *, before: tuple[str, ...] = ()) -> Iterator[str]:
    """A server started as the Makefile's demo target starts it, on the SQLite file ``db_path``
    (after running the manage.py commands in ``before`` with the same environment); yields its
    address and stops it afterwards."""
    port = free_port()
    make_env, command = demo_runserver(port)
    env = {**os.environ, **make_env, "DATABASE_URL": f"sqlite:///{db_path}"}
    for name in before:
        subprocess.run([command[0], "manage.py", name], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_answering(server, url)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)
