"""Check the audit log's hash chain from the first entry to the last.

    python manage.py audit_verify [--anchor ID:HASH ...] [--anchor-file FILE ...] [--from ID:HASH]

Prints each entry found edited, inserted or deleted, a chain head that is missing or does not fit,
and each anchor the log no longer matches, then how many entries were checked; exits 1 when there
is any problem and 0 when the chain is intact. Reads the log in id order a chunk at a time, so
memory stays flat however long the log is.

An anchor is what ``audit_anchor`` printed earlier and the operator kept outside the database
(``ID:HASH``, the first word of each of its lines; blank lines and lines starting with ``#`` in a
file are skipped). The entry must still be there with that hash: this catches a tail rewritten
consistently, every hash recomputed from some entry on, which the chain alone cannot show.

``--from ID:HASH`` starts the walk after that entry, the last one of the oldest months once they
are archived and their partitions detached (PostgreSQL, docs/security.md "Audit"): the first
entry left must link to it, and entries up to it are not read.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from casework.audit import chain
from casework.audit.models import AuditChainHead, AuditEvent
from casework.audit.services import HEAD_ID


def anchors_from(texts: list[str], files: list[str]) -> list[tuple[int, str]]:
    anchors = []
    for text in texts:
        try:
            anchors.append(chain.parse_anchor(text))
        except ValueError as error:
            raise CommandError(f"--anchor {text!r}: {error}") from None
    for name in files:
        try:
            lines = Path(name).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"The anchor file {name} cannot be read: {error}") from None
        for number, line in enumerate(lines, start=1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            try:
                anchors.append(chain.parse_anchor(line.split()[0]))
            except ValueError as error:
                raise CommandError(f"{name}, line {number}: {error}") from None
    return anchors


class Command(BaseCommand):
    help = (
        "Verify the audit log's hash chain (and anchors kept outside the database); "
        "exit 1 if any entry was edited, inserted or deleted"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--anchor", action="append", default=[], metavar="ID:HASH", help="an anchor audit_anchor printed"
        )
        parser.add_argument(
            "--anchor-file", action="append", default=[], metavar="FILE", help="a file of audit_anchor's lines"
        )
        parser.add_argument(
            "--from",
            dest="start",
            metavar="ID:HASH",
            help="start after this entry: the last entry of the months archived (docs/security.md, 'Audit')",
        )

    def handle(self, *args, **options):
        anchors = anchors_from(options["anchor"], options["anchor_file"])
        start = None
        if options["start"]:
            try:
                start = chain.parse_anchor(options["start"])
            except ValueError as error:
                raise CommandError(f"--from {options['start']!r}: {error}") from None
        head = AuditChainHead.objects.filter(pk=HEAD_ID).values_list("last_event_id", "entry_hash").first()
        rows = AuditEvent.objects.order_by("pk").values_list("id", *chain.HASHED_FIELDS, "entry_hash")
        if start is not None:
            rows = rows.filter(pk__gt=start[0])
        entries = (chain.Entry(*row) for row in rows.iterator(chunk_size=2000))
        verdict = chain.verify(entries, head=head, anchors=anchors, start=start)
        for problem in verdict.problems:
            self.stdout.write(str(problem))
        if not verdict.intact:
            raise CommandError(
                f"{len(verdict.problems)} problem{'s' if len(verdict.problems) != 1 else ''} "
                f"in {verdict.checked} audit entries",
                returncode=1,
            )
        checked = f"; {len(anchors)} anchor{'s' if len(anchors) != 1 else ''} checked" if anchors else ""
        self.stdout.write(
            f"Audit log intact: {verdict.checked} entries checked, last hash {verdict.last_hash}{checked}"
        )
