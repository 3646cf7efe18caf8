"""Nothing the application answers is kept by a browser or a shared cache (docs/security.md,
issue 13 finding 12).

Pages about people, case notes, the audit log as CSV, the 903 zip, contract reports as CSV or
XLSX, the API: every response that comes from a view, a redirect or an error page gets Django's
``add_never_cache_headers`` (``Cache-Control: max-age=0, no-cache, no-store, must-revalidate,
private`` and an ``Expires`` in the past), so the back button on a shared computer, the browser's
disk cache and any proxy in between keep no copy of personal data. One rule for everything rather
than a list of pages, so a new page or download is covered the day it is added; the public
sign-in page and the health check get it too (nothing there is worth caching).

It sits just after WhiteNoise in ``MIDDLEWARE``: static files (the stylesheet, the script, fonts,
the favicon) are answered by WhiteNoise before they reach it and keep WhiteNoise's own caching
(they hold nothing personal).
"""

from django.utils.cache import add_never_cache_headers


class NoStoreMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        add_never_cache_headers(response)
        return response
