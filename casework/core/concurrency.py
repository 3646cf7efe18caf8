"""No lost updates: optimistic locking for records people edit in forms.

A form carries the record's ``version`` from when it was opened. The service locks the row, and
if the version has moved on, someone else saved in between: the save is refused with a message
saying who changed what (read from the record's field history), never a silent overwrite. The
refused form keeps everything the user typed and now carries the current version, so saving again
is a deliberate choice made having seen the other change.
"""

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils.text import capfirst


class EditConflict(ValidationError):
    """Someone else saved the record after this form was opened."""

    def __init__(self, message: str, *, current_version: int):
        super().__init__(message, code="edit_conflict")
        self.current_version = current_version


def lock_current(obj: Model) -> Model:
    """The row as it is now, locked until the transaction ends (call inside ``transaction.atomic``)."""
    return type(obj)._default_manager.select_for_update().get(pk=obj.pk)


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
    who = "Someone else"
    if history is not None:
        newest = history.order_by("-history_date", "-history_id").select_related("history_user").first()
        opened_at = history.filter(version=expected_version).order_by("-history_date", "-history_id").first()
        if newest is not None and newest.history_user is not None:
            user = newest.history_user
            who = user.get_full_name() or user.username
        if newest is not None and opened_at is not None:
            for change in newest.diff_against(opened_at).changes:
                if change.field == "version":
                    continue
                label = capfirst(current._meta.get_field(change.field).verbose_name)
                if change.field in hidden:
                    changes.append(f"{label} changed")
                else:
                    changes.append(f"{label}: '{_shown(change.old)}' is now '{_shown(change.new)}'")
    when = ""
    if history is not None and (newest := history.order_by("-history_date").first()) is not None:
        from django.utils import timezone

        when = f" at {timezone.localtime(newest.history_date):%H:%M on %d/%m/%Y}"
    detail = "; ".join(changes) if changes else "the record changed"
    return (
        f"{who} saved this record{when}, after you opened it ({detail}). Nothing of yours has been saved "
        "and your changes are still below: check them against theirs, then save again to keep yours."
    )


def _shown(value) -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    text = "" if value is None else str(value)
    return text if len(text) <= 80 else text[:77] + "..."
