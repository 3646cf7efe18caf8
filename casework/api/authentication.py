"""How a request to the API says who it is.

* Service accounts send ``Authorization: Bearer <token>``; the token is looked up by its SHA-256
  hash, never stored or logged itself. A request authenticated this way carries no session and
  no CSRF cookie, so ``request.auth`` is the ``ApiToken`` and the MFA check for staff sessions
  does not apply to it (tokens are issued by a system administrator on the server).
* Signed-in staff use their session, with Django's CSRF check on writes (DRF's
  ``SessionAuthentication``).
"""

from datetime import timedelta

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from casework.api.models import ApiToken
from casework.api.services import token_hash

# Recording every use would be a write per request; to the nearest few minutes is enough to see
# which tokens are still in use before revoking them.
LAST_USED_RESOLUTION = timedelta(minutes=5)


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Send the token as 'Authorization: Bearer <token>'")
        try:
            raw = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("The token is not valid") from None
        token = ApiToken.objects.select_related("user", "user__organisation").filter(key_hash=token_hash(raw)).first()
        # one message for unknown, revoked and deactivated: the answer must not help guess tokens
        if token is None or token.revoked_at is not None or not token.user.is_active:
            raise exceptions.AuthenticationFailed("The token is not valid")
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = BearerTokenAuthentication
    name = "bearerToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A service account's token from `manage.py api_token_create --user USERNAME`.",
        }
