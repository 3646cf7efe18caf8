"""An import's life on the page: preview, confirm once, reverse while nothing is built on it.

* ``import_preview`` reads and checks the files and matches the children (refusing as
  ``ReturnImportError`` with every problem), then writes them inside a transaction it rolls back,
  to show exactly what confirming would do: who will be created, who matched and by what, what
  changes on them, and the records of each kind. The files are kept on an ``ImportBatch`` of the
  practice (state "previewed").
* ``import_confirm`` writes them in one transaction. Once only: the batch's state moves from
  previewed to confirmed by one conditional UPDATE at the start, so a second press, or a second
  request at the same time, writes nothing. If what is recorded has changed since the preview so
  that the import would now do something else, it is refused (preview again). The batch records
  what it created and, for what it changed, the values before and after.
* ``import_reverse`` deletes what the import created and puts back what it changed, in one
  transaction, refused in plain English once anything has been recorded on what it created (a
  case note, a visit, a new episode ...), what it created has been changed since, or what it
  changed has been changed again.

Each step is audited (action import or delete on the batch; counts only).
"""

import io
import json
import zipfile
from collections import defaultdict
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from casework.audit.services import audit_record
from casework.core import access
from casework.looked_after import dues
from casework.looked_after.imports import audit_years, prepare, write_years
from casework.looked_after.imports.matching import BY_CHILD_ID, BY_UPN, HOW
from casework.looked_after.imports.models import ImportBatch
from casework.looked_after.imports.writing import RECORD_WORDS, WRITE_ORDER
from casework.looked_after.models import LookedAfterChild, StoredDues
from casework.people.models import Person

REVERSED_REASON = "SSDA903 import reversed"
NO_CHILDREN = "The files hold no children, so there is nothing to import. Check you chose the right files."
# What the preview names when it changes on a child already recorded.
SHOWN_FIELDS = {
    Person: ("sex", "date_of_birth", "ethnicity", "upn"),
    LookedAfterChild: ("upn_unknown_reason", "is_mother", "mother_child_dob", "uasc", "uasc_ceased"),
}
_MODELS = {model._meta.label: model for model in WRITE_ORDER}


class _Preview(Exception):
    """Raised inside the preview's transaction to roll it back, carrying what it would have done."""

    def __init__(self, plan):
        self.plan = plan


def pack(years: dict[int, dict[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for year, files in years.items():
            for name, data in files.items():
                archive.writestr(f"{year}/{name}", data)
    return buffer.getvalue()


def unpack(data: bytes) -> dict[int, dict[str, bytes]]:
    years: dict[int, dict[str, bytes]] = defaultdict(dict)
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        for member in archive.infolist():
            year, _, name = member.filename.partition("/")
            years[int(year)][name] = archive.read(member)
    return dict(years)


class _Encoder(DjangoJSONEncoder):
    """Times to the microsecond (Django's encoder keeps milliseconds), so a value put back is the same."""

    def default(self, o):
        if isinstance(o, datetime):
            return o.isoformat()
        return super().default(o)


def _json(value):
    return json.loads(json.dumps(value, cls=_Encoder))


def _plan(prepared, writers) -> dict:
    """What the import does, in words: per year, per child (how matched, what changes), and notes."""
    changed = defaultdict(set)
    for writer in writers:
        for model, shown in SHOWN_FIELDS.items():
            for obj, diff in writer.track.diffs(model):
                child = obj if model is LookedAfterChild else next(
                    (c for c in writer.child.values() if c.person is obj), None
                )
                if child is None:
                    continue
                for name in diff:
                    if name in shown:
                        changed[child.child_id].add(str(model._meta.get_field(name).verbose_name))
    children = []
    for code, match in sorted(prepared.matches.items()):
        entry = {"child": code, "how": match.how, "casework_id": match.person_id, "changed": sorted(changed[code])}
        if match.how == BY_CHILD_ID:
            entry["why"] = f"matched by {HOW[BY_CHILD_ID]}"
        elif match.how == BY_UPN:
            entry["why"] = f"matched to Casework ID {match.person_id} by {HOW[BY_UPN]}"
        else:
            entry["why"] = "not recorded yet: a new person, their names and address to complete"
        children.append(entry)
    return {
        "years": [writer.result.counts() for writer in writers],
        "notes": [note for writer in writers for note in writer.result.notes],
        "children": children,
    }


def _try(prepared, *, actor) -> dict:
    """What writing the files would do, worked out by writing them in a transaction rolled back."""
    try:
        with transaction.atomic():
            raise _Preview(_plan(prepared, write_years(prepared, actor=actor)))
    except _Preview as tried:
        return tried.plan


def import_dry_run(*, actor, commissioner, years: dict[int, dict[str, bytes]], into_practice=None) -> dict:
    """The preview alone, keeping nothing (``import_903 --dry-run``). Raises ReturnImportError."""
    prepared = prepare(actor=actor, commissioner=commissioner, years=years, into_practice=into_practice)
    return _try(prepared, actor=actor)


def import_preview(*, actor, commissioner, years: dict[int, dict[str, bytes]], into_practice=None) -> ImportBatch:
    """Check, match and try the files; keep them for confirming. Raises ReturnImportError (nothing kept)."""
    prepared = prepare(actor=actor, commissioner=commissioner, years=years, into_practice=into_practice)
    plan = _try(prepared, actor=actor)
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            organisation=prepared.practice,
            commissioner=commissioner,
            years=sorted(years),
            files=pack(years),
            preview=plan,
            previewed_by=actor,
        )
        audit_record(actor=actor, action="import", obj=batch, stage="previewed", children=len(plan["children"]))
    return batch


def _locked(actor, batch: ImportBatch) -> ImportBatch:
    rows = ImportBatch.objects.select_for_update()
    if actor is not None:
        rows = access.scoped(actor, ImportBatch, restricted="include").select_for_update()
    return rows.get(pk=batch.pk)


def _require(actor) -> None:
    if actor is not None:
        access.require(actor, "looked_after.record")
        access.require(actor, "case.manage")


def import_confirm(*, actor, batch: ImportBatch) -> ImportBatch:
    """Write the previewed files, once. A batch already confirmed (or reversed) is left as it is."""
    _require(actor)
    with transaction.atomic():
        batch = _locked(actor, batch)
        if not batch.preview.get("children"):
            # whoever calls: an import of no one would only leave an empty entry in the imports list
            raise ValidationError(NO_CHILDREN)
        moved = ImportBatch.objects.filter(pk=batch.pk, state=ImportBatch.State.PREVIEWED).update(
            state=ImportBatch.State.CONFIRMED
        )
        if not moved:
            return batch
        batch.state = ImportBatch.State.CONFIRMED
        practice = batch.organisation if actor is None else None
        prepared = prepare(
            actor=actor, commissioner=batch.commissioner, years=unpack(batch.files), into_practice=practice
        )
        writers = write_years(prepared, actor=actor)
        plan = _plan(prepared, writers)
        if plan != batch.preview:
            raise ValidationError(
                "What is recorded has changed since the preview, so the import would now do something else: "
                "nothing was imported. Upload the files again to see a new preview."
            )
        audit_years(prepared, writers, actor=actor)
        created, updated = _what_was_written(writers)
        batch.created_records, batch.updated_records = created, updated
        batch.confirmed_by, batch.confirmed_at = actor, timezone.now()
        batch.save(update_fields=["created_records", "updated_records", "confirmed_by", "confirmed_at"])
        audit_record(
            actor=actor,
            action="import",
            obj=batch,
            stage="confirmed",
            created=sum(len(pks) for pks in created.values()),
            updated=sum(len(rows) for rows in updated.values()),
        )
    return batch


def _what_was_written(writers) -> tuple[dict, dict]:
    created: dict[str, list[int]] = defaultdict(list)
    for writer in writers:
        for model in WRITE_ORDER:
            created[model._meta.label] += [obj.pk for obj in writer.track.new[model]]
    updated: dict[str, dict[str, list]] = defaultdict(dict)
    for writer in writers:
        for model in WRITE_ORDER:
            new = set(created[model._meta.label])
            for obj, diff in writer.track.diffs(model):
                if obj.pk in new:
                    continue
                rows = updated[model._meta.label].setdefault(str(obj.pk), {})
                for name, (before, after) in _json(diff).items():
                    rows[name] = [rows[name][0] if name in rows else before, after]
    return {k: v for k, v in created.items() if v}, dict(updated)


def _current(model, pks) -> dict[str, dict]:
    names = [f.attname for f in model._meta.concrete_fields]
    return {str(row["pk"]): _json(row) for row in model._default_manager.filter(pk__in=pks).values("pk", *names)}


def _reversal_problems(batch: ImportBatch) -> list[str]:
    """Why the import can no longer be undone, in words (nothing when it can)."""
    problems, built_on = [], set()
    created = {_MODELS[label]: set(pks) for label, pks in batch.created_records.items()}
    for model, pks in created.items():
        words = RECORD_WORDS[model]
        for relation in model._meta.related_objects:
            related = relation.related_model
            if relation.many_to_many or getattr(relation, "on_delete", None) is None:
                continue
            if relation.on_delete.__name__ == "DO_NOTHING" or related.__name__.startswith("Historical"):
                continue
            if related is StoredDues:  # worked out from the records, not recorded on them
                continue
            recorded = related._default_manager.filter(**{f"{relation.field.name}__in": pks}).exclude(
                pk__in=created.get(related, set())
            )
            if recorded.exists():
                built_on.add(RECORD_WORDS.get(related, str(related._meta.verbose_name_plural)))
        if model.history.filter(id__in=pks, history_date__gt=batch.confirmed_at).exists():
            problems.append(f"the {words} it created have been changed since")
    for label, rows in batch.updated_records.items():
        model = _MODELS[label]
        now = _current(model, [int(pk) for pk in rows])
        for pk, fields in rows.items():
            if pk not in now or any(now[pk].get(name) != after for name, (_before, after) in fields.items()):
                problems.append(f"the {RECORD_WORDS[model]} it changed have been changed again since")
                break
    if built_on:
        problems.insert(0, f"{' and '.join(sorted(built_on))} have been recorded on what it created")
    return list(dict.fromkeys(problems))


def _children_touched(batch: ImportBatch) -> set[int]:
    touched = set()
    for label, pks in [*batch.created_records.items(), *((k, list(v)) for k, v in batch.updated_records.items())]:
        model = _MODELS[label]
        ids = [int(pk) for pk in pks]
        if model is LookedAfterChild:
            touched.update(ids)
        elif any(f.name == "child" for f in model._meta.concrete_fields):
            touched.update(model._default_manager.filter(pk__in=ids).values_list("child_id", flat=True))
    return touched


def reversal_counts(batch: ImportBatch) -> dict[str, int]:
    """What reversing would undo, from what the batch recorded (reads nothing more): the children it
    created, the other records it created (their people, cases, episodes ...), and the records it changed."""
    children = len(batch.created_records.get(LookedAfterChild._meta.label, []))
    return {
        "children": children,
        "other_created": sum(len(pks) for pks in batch.created_records.values()) - children,
        "changed": sum(len(rows) for rows in batch.updated_records.values()),
    }


def import_reverse(*, actor, batch: ImportBatch) -> ImportBatch:
    """Undo a confirmed import as one action; refused (ValidationError) once anything is built on it."""
    _require(actor)
    with transaction.atomic():
        batch = _locked(actor, batch)
        if batch.state != ImportBatch.State.CONFIRMED:
            raise ValidationError(
                "Only an import that has been confirmed can be reversed"
                if batch.state == ImportBatch.State.PREVIEWED
                else "This import has been reversed already"
            )
        problems = _reversal_problems(batch)
        if problems:
            raise ValidationError(f"This import can no longer be reversed: {'; '.join(problems)}.")
        for label, rows in batch.updated_records.items():
            model = _MODELS[label]
            objects = list(model._default_manager.filter(pk__in=[int(pk) for pk in rows]))
            names = set()
            for obj in objects:
                for name, (before, _after) in rows[str(obj.pk)].items():
                    field = next(f for f in model._meta.concrete_fields if f.attname == name)
                    setattr(obj, name, field.to_python(before))
                    names.add(name)
            if objects:
                bulk_update_with_history(
                    objects, model, sorted(names), default_user=actor, default_change_reason=REVERSED_REASON
                )
        touched = _children_touched(batch)
        for model in reversed(WRITE_ORDER):
            pks = batch.created_records.get(model._meta.label)
            if pks:
                model._default_manager.filter(pk__in=pks).delete()
        # the due dates of the children it leaves, from their records as they are again
        dues.refresh(LookedAfterChild.objects.filter(pk__in=touched).values_list("pk", flat=True))
        batch.state, batch.reversed_by, batch.reversed_at = ImportBatch.State.REVERSED, actor, timezone.now()
        batch.save(update_fields=["state", "reversed_by", "reversed_at"])
        audit_record(
            actor=actor,
            action="delete",
            obj=batch,
            stage="reversed",
            deleted=sum(len(pks) for pks in batch.created_records.values()),
            restored=sum(len(rows) for rows in batch.updated_records.values()),
        )
    return batch
