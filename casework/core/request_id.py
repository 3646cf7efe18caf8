"""A request id on every request: taken from ``X-Request-ID`` when a proxy sent a well-formed one
(so the proxy's log and ours name the same request), made here otherwise; returned on the
response's ``X-Request-ID`` and put on every log line written while the request is served
(``casework/core/logs.py``). gunicorn's access line reads it from the response header.

First in ``MIDDLEWARE``, so redirects to HTTPS, static files and error pages carry it too.
"""

import re
import uuid

from casework.core import logs

HEADER = "X-Request-ID"
# Letters, digits and - _ . : up to 64: a UUID, a proxy's hex id or a trace id fit; anything else
# (spaces, quotes, a line break that could forge a log line, an overlong value) is replaced.
WELL_FORMED = re.compile(r"[A-Za-z0-9._:-]{1,64}")


def request_id_for(value: str | None) -> str:
    if value and WELL_FORMED.fullmatch(value):
        return value
    return uuid.uuid4().hex


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request_id_for(request.headers.get(HEADER))
        request.request_id = request_id
        token = logs.set_request_id(request_id)
        try:
            response = self.get_response(request)
        finally:
            logs.reset_request_id(token)
        response[HEADER] = request_id
        return response
