"""The who-viewed log and the restricted-record page, for every page at once.

Object selectors open a person's records through ``access.open_record``, which notes each one
opened during the request. When the page is served (2xx), this middleware writes one ``view``
entry per record opened: ids and the page's URL name only. When ``open_record`` refuses a
restricted record, it writes a ``view_refused`` entry and answers "This record is restricted"
(403) with the person's name and nothing else. Views need no audit code of their own, so a new
page that opens a record is logged the day it is added.
"""

from django.db import transaction
from django.shortcuts import render

from casework.audit.services import audit_record
from casework.core import access


def _page(request) -> str:
    match = getattr(request, "resolver_match", None)
    return (match.url_name or "") if match else ""


class RecordViewMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = access.OPENED_RECORDS.set([])
        try:
            response = self.get_response(request)
            opened = access.OPENED_RECORDS.get()
            if opened and 200 <= response.status_code < 300:
                # written before the page leaves: a view that cannot be logged is not served
                with transaction.atomic(savepoint=False):
                    for obj in opened:
                        audit_record(
                            actor=request.user,
                            action="view",
                            obj=obj,
                            person_id=access.person_of(obj),
                            page=_page(request),
                        )
            return response
        finally:
            access.OPENED_RECORDS.reset(token)

    def process_exception(self, request, exception):
        if not isinstance(exception, access.RecordRestricted):
            return None
        from casework.people.models import Person

        obj = exception.obj
        with transaction.atomic(savepoint=False):
            audit_record(
                actor=request.user,
                action="view_refused",
                object_type=obj._meta.label_lower,
                object_id=obj.pk,
                person_id=exception.person_id,
                page=_page(request),
            )
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
