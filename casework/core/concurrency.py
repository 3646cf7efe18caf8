"""No lost updates: optimistic locking for records people edit in forms.

A form carries the record's ``version`` from when it was opened. The service locks the row, and
if the version has moved on, someone else saved in between: the save is refused with a message
saying who changed what (read from the record's field history), never a silent overwrite. The
refused form keeps everything the user typed and now carries the current version, so saving again
is a deliberate choice made having seen the other change.

One lock order for changes to a person's registrations, cases and allocations (issue 13, finding 4).
Every service that changes them takes its row locks first, inside its transaction, in this order,
each table's rows in order of id, and only then reads the state it acts on and writes:

    1. the person (``people.Person``; several people, as a household's, in order of id)
    2. their registrations (``registration.Registration``)
    3. their looked-after records (``looked_after.LookedAfterChild``)
    4. their cases (``cases.Case``)
    5. the cases' allocations (``cases.Allocation``)

and the audit chain's head last (``audit_record`` takes it, so the audit entry is written after the
locks are held). Two services acting on one person then queue on the person's row instead of
taking each other's locks in opposite orders (a deadlock), and the second one, once it has the
locks, re-reads the state and refuses a change already made (``already_done``). ``lock_in_order``
refuses a call that would take the locks in another order, so a new service cannot get it wrong
quietly. On SQLite ``select_for_update`` does nothing: every transaction there starts with BEGIN
IMMEDIATE (``config/settings.py``), so writers run one at a time and the re-reads are enough.
"""

from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.text import capfirst

SOMEONE_ELSE = "someone else"
LOCK_ORDER = (
    "people.Person",
    "registration.Registration",
    "looked_after.LookedAfterChild",
    "cases.Case",
    "cases.Allocation",
)


class EditConflict(ValidationError):
    """Someone else saved the record after this form was opened."""

    def __init__(self, message: str, *, current_version: int):
        super().__init__(message, code="edit_conflict")
        self.current_version = current_version


def lock_current(obj: Model) -> Model:
    """The row as it is now, locked until the transaction ends (call inside ``transaction.atomic``)."""
    return type(obj)._default_manager.select_for_update().get(pk=obj.pk)


def lock_in_order(*querysets: QuerySet) -> list[list[Model]]:
    """Lock the rows of each queryset, in the order given (which must follow ``LOCK_ORDER``) and each
    queryset's rows in order of id, until the transaction ends; returns them as they are now.
    Call inside ``transaction.atomic`` before reading the state to change."""
    ranks = [LOCK_ORDER.index(qs.model._meta.label) for qs in querysets]
    if ranks != sorted(ranks):
        raise ValueError(f"Locks must be taken in the order {LOCK_ORDER}")
    return [list(qs.select_for_update().order_by("pk")) for qs in querysets]


def already_done(current: Model, done: str) -> str:
    """The refusal for a change someone made while this request waited for the lock:
    "This registration was ended by Sam Jones at 10:31 on 07/12/2026: nothing was changed"."""
    return f"This {current._meta.verbose_name} was {done} by {last_saved(current)}: nothing was changed"


def last_saved(current: Model) -> str:
    """Who saved ``current`` last, and when: "Sam Jones at 10:31 on 07/12/2026"."""
    who, when = _last_saved(current)
    return who + when


def _last_saved(current: Model) -> tuple[str, str]:
    """Who saved ``current`` last and " at HH:MM on dd/mm/YYYY", from its field history."""
    history = getattr(current, "history", None)
    newest = None
    if history is not None:
        newest = history.order_by("-history_date", "-history_id").select_related("history_user").first()
    if newest is None:
        return SOMEONE_ELSE, ""
    user = newest.history_user
    who = (user.get_full_name() or user.username) if user is not None else SOMEONE_ELSE
    return who, f" at {timezone.localtime(newest.history_date):%H:%M on %d/%m/%Y}"


def check_version(current: Model, expected_version: int | None, *, hidden: tuple[str, ...] = ()) -> None:
    """Refuse the save when ``current`` (locked) is no longer at ``expected_version``.

    ``None`` means the caller is not a form opened at a version (a system job, an import): nothing
    to compare. ``hidden`` names fields whose values must not be shown (the message goes on a page).
    """
    if expected_version is None or current.version == expected_version:
        return
    raise EditConflict(_conflict_message(current, expected_version, hidden), current_version=current.version)


def bump(obj: Model) -> None:
    obj.version = obj.version + 1


def _conflict_message(current: Model, expected_version: int, hidden: tuple[str, ...]) -> str:
    history = getattr(current, "history", None)
    changes: list[str] = []
    who, when = _last_saved(current)
    if history is not None:
        newest = history.order_by("-history_date", "-history_id").first()
        opened_at = history.filter(version=expected_version).order_by("-history_date", "-history_id").first()
        if newest is not None and opened_at is not None:
            for change in newest.diff_against(opened_at).changes:
                if change.field == "version":
                    continue
                label = capfirst(current._meta.get_field(change.field).verbose_name)
                if change.field in hidden:
                    changes.append(f"{label} changed")
                else:
                    changes.append(f"{label}: '{_shown(change.old)}' is now '{_shown(change.new)}'")
    detail = "; ".join(changes) if changes else "the record changed"
    who = capfirst(who) if who == SOMEONE_ELSE else who
    return (
        f"{who} saved this record{when}, after you opened it ({detail}). Nothing of yours has been saved "
        "and your changes are still below: check them against theirs, then save again to keep yours."
    )


def _shown(value) -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    text = "" if value is None else str(value)
    return text if len(text) <= 80 else text[:77] + "..."
