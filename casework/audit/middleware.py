"""The who-viewed log and the restricted-record page, for every page at once.

Object selectors open a person's records through ``access.open_record``, which notes each one
opened, or refused, during the request. When the request is answered, this middleware writes one
``view_refused`` entry per refusal, and, when the page was served (2xx), one ``view`` entry per
record opened: ids and the page's URL name only. A refusal raised to here is answered with "This
record is restricted" (403), the person's name and nothing else. Views need no audit code of
their own, so a new page that opens a record is logged the day it is added.
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
            self._log(request, response, access.OPENED_RECORDS.get())
            return response
        finally:
            access.OPENED_RECORDS.reset(token)

    def _log(self, request, response, openings):
        served = 200 <= response.status_code < 300
        entries = [o for o in openings if o.refused or served]
        if not entries:
            return
        # written before the answer leaves: a view that cannot be logged is not served
        with transaction.atomic(savepoint=False):
            for opening in entries:
                audit_record(
                    actor=request.user,
                    action="view_refused" if opening.refused else "view",
                    object_type=opening.obj._meta.label_lower,
                    object_id=opening.obj.pk,
                    person_id=opening.person_id,
                    page=_page(request),
                )

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
