"""python manage.py api_token_revoke --prefix cw_XXXXXXXX | --user USERNAME

Revokes one token (by the prefix api_token_create and api_token_list show) or every active token
of a user. A revoked token is refused at once (401)."""

from django.core.management.base import BaseCommand, CommandError

from casework.api.models import ApiToken
from casework.api.services import api_token_revoke


class Command(BaseCommand):
    help = "Revoke an API token, or all of a user's"

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--prefix", help="The token's prefix, e.g. cw_AbCdEfGh")
        which.add_argument("--user", help="Revoke every active token of this user")

    def handle(self, *args, prefix, user, **options):
        tokens = ApiToken.objects.filter(revoked_at__isnull=True)
        tokens = tokens.filter(prefix=prefix) if prefix else tokens.filter(user__username=user)
        tokens = list(tokens)
        if not tokens:
            raise CommandError("No active token matches")
        for token in tokens:
            api_token_revoke(actor=None, token=token)
        self.stdout.write(f"Revoked {len(tokens)} token{'s' if len(tokens) != 1 else ''}")
