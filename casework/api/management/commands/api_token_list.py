"""python manage.py api_token_list [--user USERNAME]: every token's prefix, holder, purpose and use
(never the token, which is not kept)."""

from django.core.management.base import BaseCommand

from casework.api.models import ApiToken


class Command(BaseCommand):
    help = "List API tokens (prefixes only)"

    def add_arguments(self, parser):
        parser.add_argument("--user", help="Only this user's tokens")

    def handle(self, *args, user, **options):
        tokens = ApiToken.objects.select_related("user").order_by("user__username", "created_at")
        if user:
            tokens = tokens.filter(user__username=user)
        for t in tokens:
            state = f"revoked {t.revoked_at:%Y-%m-%d %H:%M}" if t.revoked_at else "active"
            used = f"{t.last_used_at:%Y-%m-%d %H:%M}" if t.last_used_at else "never"
            write = "read-write" if t.can_write else "read-only"
            self.stdout.write(f"{t.prefix}  {t.user.username}  {t.name}  {write}  last used {used}  {state}")
