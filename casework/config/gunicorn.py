"""gunicorn's configuration: ``gunicorn -c casework/config/gunicorn.py`` (``make serve``, the systemd
unit in README.md, ``bench/loadtest/run.py``).

Every value can be changed from the environment without editing this file:

* ``GUNICORN_BIND`` (default ``127.0.0.1:8000``: loopback only; a TLS proxy in front forwards to it)
* ``GUNICORN_WORKERS``, ``GUNICORN_THREADS``: processes, and threads in each (sizing below)
* ``GUNICORN_TIMEOUT``: seconds a request may take before its worker is killed and restarted
* ``FORWARDED_ALLOW_IPS``: which addresses may tell us the original scheme (below)

Sizing for two cores (docs/benchmarks.md "Load test (gunicorn, locust)"): a request spends most
of its time on the CPU (templates, the ORM) and some waiting on the database, which shares the
same cores. Python runs one thread at a time per process, so the processes are what use both
cores; a couple of threads in each keep a core busy while one request waits on the database or
the client: 3 workers x 2 threads (``gthread``). One slow page then holds one thread of six, not a
whole worker. ``bench/loadtest/run.py --workers N --threads M`` compares sizes on the machine at
hand (the comparison could not be measured while this was written: the two cores were shared by
several other jobs, docs/benchmarks.md "Load test (gunicorn, locust)").

Long work (the 903 check, imports, reports) runs in the job worker, not here, so the timeout can
stay short: a request still running after 30 s is a fault, and its worker is replaced.
"""

import os

from gunicorn import glogging

from casework.core.logs import JsonLineFormatter, RequestIdFilter

wsgi_app = "casework.config.wsgi:application"
bind = [os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")]
worker_class = "gthread"
workers = int(os.environ.get("GUNICORN_WORKERS", "3"))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30  # a restart lets requests in flight finish
keepalive = 5  # seconds an idle keep-alive connection from the proxy is held
# A worker is replaced after this many requests (staggered by the jitter so they do not all
# restart at once): whatever memory a long-running process gathers is given back.
max_requests = 5000
max_requests_jitter = 500
# Only the proxy in front may say the original request came over HTTPS (X-Forwarded-Proto):
# gunicorn believes those headers from these addresses only, so a client reaching gunicorn
# directly cannot pretend its plain-HTTP request was secure. The default is the proxy on the
# same machine; set FORWARDED_ALLOW_IPS to the proxy's address when it runs elsewhere. Django
# reads the scheme through DJANGO_SECURE_PROXY_SSL_HEADER (casework/config/settings.py).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# No control socket (gunicorn 25's runtime-management interface): nothing here uses it, and its
# one default path in the home directory would be shared by every gunicorn on the machine (make
# serve and the load test's server at once). Restart and reload with signals, as systemd does.
control_socket_disable = True
# gunicorn writes the access log (one line per request) to stdout and its own messages to
# stderr, as JSON lines in the same shape as the application's (casework/core/logs.py).
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")


class StructuredLogger(glogging.Logger):
    """gunicorn's logger, writing JSON lines: the access line has the method, the path without its
    query string (a search holds a name), the status, the time taken and the response's
    X-Request-ID, which RequestIdMiddleware set; no client address, user agent or referrer (the
    referrer is a page address with its query string; the audit log records who did what)."""

    def setup(self, cfg):
        super().setup(cfg)
        formatter = JsonLineFormatter()
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                handler.setFormatter(formatter)
                handler.addFilter(RequestIdFilter())

    def access(self, resp, req, environ, request_time):
        if not self.access_log_enabled:
            return
        headers = resp.headers.items() if hasattr(resp.headers, "items") else resp.headers
        request_id = next((value for name, value in headers if name.lower() == "x-request-id"), "")
        self.access_log.info(
            "request",
            extra={
                "method": environ.get("REQUEST_METHOD"),
                "path": environ.get("PATH_INFO"),
                "status": int(str(resp.status).split(None, 1)[0]),
                "duration_ms": round(request_time.total_seconds() * 1000, 1),
                "bytes": getattr(resp, "sent", None),
                "request_id": request_id,
            },
        )


logger_class = StructuredLogger
