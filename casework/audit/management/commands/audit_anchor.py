"""Print the audit log's latest entry (its id and hash) for an operator to keep outside the
database: an anchor.

    python manage.py audit_anchor [--output FILE]

Prints one line, ``ID:HASH taken YYYY-MM-DDTHH:MM:SSZ`` (UTC); with ``--output`` it appends the
line to FILE instead and prints nothing. Run it on a schedule (cron) into a place the database's
administrators cannot change (docs/security.md, "Audit"); later, ``audit_verify --anchor ID:HASH``
or ``--anchor-file FILE`` fails if the log no longer passes through what was kept.

It anchors the entry the chain head names, and refuses when the head is missing or does not fit
that entry (run audit_verify then): an anchor of a log already rewritten would vouch for it.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from casework.audit.models import AuditChainHead, AuditEvent
from casework.audit.services import HEAD_ID


class Command(BaseCommand):
    help = "Print the latest audit entry's id and hash, to keep outside the database (audit_verify --anchor)"

    def add_arguments(self, parser):
        parser.add_argument("--output", metavar="FILE", help="append the line to this file instead of printing it")

    def handle(self, *args, **options):
        head = AuditChainHead.objects.filter(pk=HEAD_ID).values_list("last_event_id", "entry_hash").first()
        if head is None:
            raise CommandError("The audit chain head is missing: run audit_verify before anchoring")
        last_id, head_hash = head
        if last_id is None:
            raise CommandError("The audit log is empty: there is nothing to anchor yet")
        stored = AuditEvent.objects.filter(pk=last_id).values_list("entry_hash", flat=True).first()
        if stored != head_hash:
            raise CommandError(f"The chain head does not fit entry {last_id}: run audit_verify before anchoring")
        line = f"{last_id}:{head_hash} taken {timezone.now():%Y-%m-%dT%H:%M:%SZ}"
        if options["output"]:
            try:
                with Path(options["output"]).open("a", encoding="utf-8") as kept:
                    kept.write(line + "\n")
            except OSError as error:
                raise CommandError(f"The anchor could not be written to {options['output']}: {error}") from None
        else:
            self.stdout.write(line)
