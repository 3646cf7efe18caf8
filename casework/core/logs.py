"""Structured logs: one JSON object a line, each carrying the request id, never personal data.

Every log line of a request (Django's, ours, gunicorn's access line) carries the id that
``casework.core.request_id.RequestIdMiddleware`` put on the response's ``X-Request-ID``, so one
request can be followed through the logs and matched to what a user or a proxy saw.

What keeps personal data out:

* query strings are cut from every message: a search page's ``?name=`` holds a person's name,
  and Django's ``django.server`` and ``django.request`` lines quote the request line;
* an exception is logged as its type and the code's frames (file, line, function), never its
  message: a database error's message quotes the row's values (PostgreSQL's ``DETAIL: Key
  (nhs_number)=(...)``), a form error quotes what was typed;
* only the fields named in ``EXTRA_FIELDS`` are copied from a record's ``extra``; anything else
  passed to a logger stays out of the line.

This module imports neither Django's models nor gunicorn: gunicorn's master process loads it
(``casework/config/gunicorn.py``) before Django is set up.
"""

import contextvars
import json
import logging
import re
import traceback
from datetime import UTC, datetime

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("casework_request_id", default="")

# The fields a record may add to its line (gunicorn's access line sets these; anything else is dropped).
EXTRA_FIELDS = ("method", "path", "status", "duration_ms", "bytes", "pid")

# "/people/?name=Maya+Hughes" -> "/people/": a query string is cut wherever a path carries one.
_QUERY_STRING = re.compile(r"\?[^\s\"']*")


def current_request_id() -> str:
    return _request_id.get()


def set_request_id(value: str) -> contextvars.Token:
    return _request_id.set(value)


def reset_request_id(token: contextvars.Token) -> None:
    _request_id.reset(token)


def without_query_string(text: str) -> str:
    return _QUERY_STRING.sub("", text)


class RequestIdFilter(logging.Filter):
    """Puts the current request's id on every record (empty outside a request: the worker, commands)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", ""):
            # Django logs a 4xx or 5xx response (django.request) after the middleware has
            # answered, so the id is read from the request it passes along
            from_request = getattr(getattr(record, "request", None), "request_id", "")
            record.request_id = current_request_id() or from_request
        return True


class JsonLineFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a message whose arguments do not fit it: its template only
            message = str(record.msg)
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": without_query_string(message),
        }
        request_id = getattr(record, "request_id", "") or current_request_id()
        if request_id:
            line["request_id"] = request_id
        for field in EXTRA_FIELDS:
            value = getattr(record, field, None)
            if value is not None:
                line[field] = without_query_string(value) if isinstance(value, str) else value
        if record.exc_info and record.exc_info[0] is not None:
            kind, _, trace = record.exc_info
            line["exception"] = f"{kind.__module__}.{kind.__qualname__}"
            line["frames"] = [
                f"{frame.filename}:{frame.lineno} in {frame.name}" for frame in traceback.extract_tb(trace)
            ]
        return json.dumps(line, ensure_ascii=False, default=str)
