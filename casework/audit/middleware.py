"""The who-viewed log and the restricted-record page, for every page at once.

Object selectors open a person's records through ``access.open_record``, which notes each one
opened, or refused, during the request; lists that show person-level records (the API's) note the
rows of the page they answer with through ``note_listed``. When the request is answered, this
middleware writes one ``view_refused`` entry per refusal and, when the page was served (2xx), one
``view`` entry per record opened and one per person and kind of record listed (the records' ids,
never what they hold): ids and the page's URL name only, all in one append to the chain. A
refusal raised to here is answered with "This record is restricted" (403), the person's name and
nothing else. Views need no audit code of their own, so a new page that opens a record is logged
the day it is added.
"""

from contextvars import ContextVar

from django.db import transaction
from django.shortcuts import render

from casework.audit.services import Entry, audit_record_many
from casework.core import access

# The rows lists answered with during the request (see ``note_listed``); None outside a request.
LISTED_RECORDS: ContextVar[list | None] = ContextVar("listed_records", default=None)


def note_listed(rows) -> None:
    """Note the rows a list answers with, for the audit log: when the answer is served, each
    person's records among them are logged as one ``view`` of that person (rows about no one, such
    as contracts, are not). The rows' relations to their person must be loaded (``person_of``)."""
    listed = LISTED_RECORDS.get()
    if listed is not None:
        listed.extend(rows)


def _page(request) -> str:
    match = getattr(request, "resolver_match", None)
    return (match.url_name or "") if match else ""


class RecordViewMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        opened = access.OPENED_RECORDS.set([])
        listed = LISTED_RECORDS.set([])
        memo = access.REQUEST_MEMO.set({})
        try:
            response = self.get_response(request)
            self._log(request, response, access.OPENED_RECORDS.get(), LISTED_RECORDS.get())
            return response
        finally:
            access.REQUEST_MEMO.reset(memo)
            LISTED_RECORDS.reset(listed)
            access.OPENED_RECORDS.reset(opened)

    def _log(self, request, response, openings, listed):
        served = 200 <= response.status_code < 300
        page = _page(request)
        entries = [
            Entry(
                "view_refused" if o.refused else "view",
                o.obj._meta.label_lower,
                o.obj.pk,
                o.person_id,
                {"page": page},
            )
            for o in openings
            if o.refused or served
        ]
        if served:
            entries += _listed_entries(listed, page)
        if not entries:
            return
        # written before the answer leaves: a view that cannot be logged is not served
        with transaction.atomic(savepoint=False):
            audit_record_many(actor=request.user, entries=entries)

    def process_exception(self, request, exception):
        if not isinstance(exception, access.RecordRestricted):
            return None
        from casework.people.models import Person

        person = Person.objects.filter(pk=exception.person_id).only("given_name", "family_name").first()
        return render(
            request,
            "people/restricted.html",
            {
                "name": person.full_name if person else "",
                "person_id": exception.person_id,
                "can_manage": access.can(request.user, "person.restrict"),
                "can_audit": access.can(request.user, "audit.who_viewed"),
            },
            status=403,
        )


def _listed_entries(rows, page: str) -> list[Entry]:
    """One ``view`` per person and kind of record listed, naming the records by id, in the order
    the list showed them."""
    grouped: dict[tuple[str, int], list[int]] = {}
    for row in rows:
        person_id = access.person_of(row)
        if person_id is not None:
            grouped.setdefault((row._meta.label_lower, person_id), []).append(row.pk)
    return [
        Entry("view", kind, "", person_id, {"page": page, "ids": ids}) for (kind, person_id), ids in grouped.items()
    ]
