"""Structured logs: a request id on every response and every log line of the request, and no
personal data in any line (a search for a name leaves no trace of it)."""

import io
import json
import logging
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.conf import settings

from casework.accounts.models import Role
from casework.config.gunicorn import StructuredLogger
from casework.core.logs import JsonLineFormatter, RequestIdFilter

NAME = "Okafor"  # a person of practice A in the test world (tests/conftest.py)


@pytest.fixture
def log_lines():
    """Every log line written while the test runs, through the formatter and filter the settings
    name, at every level."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonLineFormatter())
    handler.addFilter(RequestIdFilter())
    # the root, and the loggers that do not pass their lines up to it
    loggers = [logging.getLogger(name) for name, config in settings.LOGGING["loggers"].items() if "handlers" in config]
    loggers.append(logging.getLogger())
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        for logger, level in zip(loggers, levels):
            logger.removeHandler(handler)
            logger.setLevel(level)


def test_the_settings_log_json_lines_with_the_request_id_first_thing():
    assert settings.MIDDLEWARE[0] == "casework.core.request_id.RequestIdMiddleware"
    console = settings.LOGGING["handlers"]["console"]
    assert settings.LOGGING["formatters"][console["formatter"]]["()"] == "casework.core.logs.JsonLineFormatter"
    assert [settings.LOGGING["filters"][name]["()"] for name in console["filters"]] == [
        "casework.core.logs.RequestIdFilter"
    ]
    for name, logger in settings.LOGGING["loggers"].items():
        assert logger.get("handlers", ["console"]) == ["console"], f"{name} logs elsewhere"


def test_a_well_formed_request_id_is_kept_and_anything_else_replaced(client):
    assert client.get("/healthz", HTTP_X_REQUEST_ID="proxy-7f3a.01").headers["X-Request-ID"] == "proxy-7f3a.01"
    for sent in ("", "two words", 'a"quote', "x" * 65, "line\nforged"):
        made = client.get("/healthz", HTTP_X_REQUEST_ID=sent).headers["X-Request-ID"]
        assert made != sent and len(made) == 32 and int(made, 16) >= 0
    assert client.get("/healthz").headers["X-Request-ID"] != client.get("/healthz").headers["X-Request-ID"]


@pytest.mark.django_db
def test_log_lines_written_during_a_request_carry_its_id(client, log_lines):
    # a bad Host header is logged inside the middleware; a 404 is logged by Django after it
    bad_host = client.get("/healthz", HTTP_HOST="not-ours.example")
    not_found = client.get("/no-such-page/")
    lines = log_lines()
    by_logger = {line["logger"]: line for line in lines}
    assert by_logger["django.security.DisallowedHost"]["request_id"] == bad_host.headers["X-Request-ID"]
    assert by_logger["django.request"]["request_id"] == not_found.headers["X-Request-ID"]
    assert by_logger["django.request"]["message"] == "Not Found: /no-such-page/"


@pytest.mark.django_db
def test_a_search_for_a_name_leaves_no_trace_of_it_in_the_logs(client, world, log_lines):
    client.force_login(world.a.users[Role.PRACTITIONER])
    found = client.get(f"/people/?name={NAME}")
    assert found.status_code == 200 and NAME in found.content.decode()  # the search did find her
    client.get(f"/no-such-page/?name={NAME}")  # a 404 quotes its path
    client.get(f"/people/?name={NAME}", HTTP_HOST="not-ours.example")  # a bad host quotes the request
    # the line runserver (make demo) writes for each request, as it writes it
    logging.getLogger("django.server").info('"%s" %s %s', f"GET /people/?name={NAME} HTTP/1.1", "200", "1234")
    text = "\n".join(json.dumps(line) for line in log_lines())
    assert "Not Found: /no-such-page/" in text and "GET /people/ HTTP/1.1" in text  # the lines were captured ...
    assert NAME not in text  # ... and the name is in none of them


def test_an_exception_is_logged_as_its_type_and_frames_not_its_message(log_lines):
    try:
        raise ValueError(f"duplicate key: (family_name)=({NAME})")
    except ValueError:
        logging.getLogger("casework.test").exception("saving failed")
    (line,) = [line for line in log_lines() if line["logger"] == "casework.test"]
    assert line["exception"] == "builtins.ValueError"
    assert line["frames"] and "test_request_logs.py" in line["frames"][0]
    assert NAME not in json.dumps(line)


def _gunicorn_access_line(path: str, query: str) -> dict:
    from gunicorn.config import Config

    config = Config()
    config.set("accesslog", "-")
    logger = StructuredLogger(config)
    stream = io.StringIO()
    for handler in logger.access_log.handlers:
        handler.setStream(stream)
    response = SimpleNamespace(status="200 OK", headers=[("X-Request-ID", "abc123")], sent=512)
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "RAW_URI": f"{path}?{query}",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_REFERER": f"http://127.0.0.1:8000{path}?{query}",
    }
    logger.access(response, SimpleNamespace(headers=[]), environ, timedelta(milliseconds=42))
    return json.loads(stream.getvalue())


def test_gunicorn_access_line_is_json_with_the_request_id_and_the_path_only():
    line = _gunicorn_access_line("/people/", f"name={NAME}")
    assert line["logger"] == "gunicorn.access"
    assert (line["method"], line["path"], line["status"], line["bytes"]) == ("GET", "/people/", 200, 512)
    assert line["request_id"] == "abc123" and line["duration_ms"] == 42.0
    assert NAME not in json.dumps(line)
