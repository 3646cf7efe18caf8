"""Reading imports for the import pages: a practice's batches, and the people its imports created
whose details are still to complete."""

from django.db.models import Q
from django.shortcuts import get_object_or_404

from casework.core import access
from casework.looked_after.imports.models import ImportBatch
from casework.looked_after.imports.writing import UNKNOWN_GIVEN_NAME
from casework.people.models import Person

RECENT_BATCHES = 20


def _batches(actor):
    # a batch is about many children, none by name: restrictions apply to the children's own pages
    return access.scoped(actor, ImportBatch, restricted="include")


def import_batch_get(*, actor, import_batch_id: int) -> ImportBatch:
    return get_object_or_404(_batches(actor).select_related("commissioner"), pk=import_batch_id)


def import_batch_list(*, actor) -> list[ImportBatch]:
    return list(_batches(actor).select_related("commissioner").defer("files")[:RECENT_BATCHES])


def details_to_complete(*, actor) -> list[Person]:
    """People the practice's imports created whose names or address are still to record: the 903
    files carry neither."""
    created = set()
    for records in _batches(actor).filter(state=ImportBatch.State.CONFIRMED).values_list("created_records", flat=True):
        created.update(records.get("people.Person", []))
    incomplete = Q(given_name=UNKNOWN_GIVEN_NAME) | Q(postcode="") | Q(address_line_1="")
    return list(
        access.scoped(actor, Person, restricted="exclude")
        .filter(incomplete, pk__in=created)
        .prefetch_related("looked_after_records")
        .order_by("family_name", "pk")
    )
