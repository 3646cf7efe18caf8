"""Who may call the API at all. What each caller may see is decided by ``core/access.py``."""

from django.conf import settings
from rest_framework import permissions, throttling

from casework.api.models import ApiToken


class TokenMayWrite(permissions.BasePermission):
    """A token reads only, unless it was issued with ``--can-write``."""

    message = "This token may only read: ask for a token that may write"

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS or not isinstance(request.auth, ApiToken):
            return True
        if not hasattr(view, request.method.lower()):
            return True  # the view answers 405 (or 404 for a record out of scope) whoever asks
        return request.auth.can_write


class UserRateThrottle(throttling.UserRateThrottle):
    """Per user (a service account or a signed-in person); the rate is read from settings on each
    request, so an operator (or a test) can change it."""

    def get_rate(self):
        return settings.API_THROTTLE_RATE
