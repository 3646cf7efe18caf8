from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from casework.core.permissions import matrix_markdown


class Command(BaseCommand):
    help = "Write the permission matrix (role x capability) to docs/permissions.md from the access module"

    def add_arguments(self, parser):
        parser.add_argument("--out", type=Path, default=Path(settings.BASE_DIR) / "docs" / "permissions.md")

    def handle(self, *args, out: Path, **options):
        out.write_text(matrix_markdown(), encoding="utf-8")
        self.stdout.write(f"wrote {out}")
