"""python manage.py api_token_create --user USERNAME [--name WHAT_FOR] [--can-write]

Issues an API token for a service account (or any user): the token reads what the user's role
and organisation may read, and writes only with --can-write. The token is printed once, here,
and stored only as a hash: keep it in the calling system's secret store."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from casework.api.services import api_token_issue


class Command(BaseCommand):
    help = "Issue an API token for a user (printed once)"

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, help="Username of the service account")
        parser.add_argument("--name", default="", help="What the token is for (default: the username)")
        parser.add_argument("--can-write", action="store_true", help="Let the token make the API's writes too")

    def handle(self, *args, user, name, can_write, **options):
        account = get_user_model().objects.filter(username=user).first()
        if account is None:
            raise CommandError(f"No user named {user}")
        try:
            token, raw = api_token_issue(actor=None, user=account, name=name or user, can_write=can_write)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        access = "reads and writes" if can_write else "reads only"
        self.stderr.write(
            f"Token {token.prefix}… for {user} ({account.get_role_display()}, {account.organisation}): {access}. "
            "It is shown once, below; revoke it with api_token_revoke --prefix " + token.prefix
        )
        self.stdout.write(raw)
