"""Check the audit log's hash chain from the first entry to the last.

    python manage.py audit_verify

Prints each entry found edited, inserted or deleted, then how many entries were checked; exits 1
when there is any problem and 0 when the chain is intact. Reads the log in id order a chunk at a
time, so memory stays flat however long the log is.
"""

from django.core.management.base import BaseCommand, CommandError

from casework.audit import chain
from casework.audit.models import AuditChainHead, AuditEvent
from casework.audit.services import HEAD_ID


class Command(BaseCommand):
    help = "Verify the audit log's hash chain; exit 1 if any entry was edited, inserted or deleted"

    def handle(self, *args, **options):
        head = AuditChainHead.objects.filter(pk=HEAD_ID).values_list("last_event_id", "entry_hash").first()
        rows = AuditEvent.objects.order_by("pk").values_list("id", *chain.HASHED_FIELDS, "entry_hash")
        verdict = chain.verify((chain.Entry(*row) for row in rows.iterator(chunk_size=2000)), head=head)
        if head is None and verdict.checked:
            self.stderr.write("The chain head row is missing: entries deleted from the end would not show")
        for problem in verdict.problems:
            self.stdout.write(str(problem))
        if not verdict.intact:
            raise CommandError(
                f"{len(verdict.problems)} problem{'s' if len(verdict.problems) != 1 else ''} "
                f"in {verdict.checked} audit entries",
                returncode=1,
            )
        self.stdout.write(f"Audit log intact: {verdict.checked} entries checked, last hash {verdict.last_hash}")
