"""The who-viewed pages and the audit log page, for practice managers and auditors."""

from django import forms
from django.db import transaction
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from casework.audit import selectors
from casework.audit.forms import AuditLogFilterForm
from casework.audit.services import audit_record
from casework.core import access, downloads
from casework.core.forms import GdsForm
from casework.core.views import form_page, not_a_read, paginate


def person_who_viewed(request, person_id):
    person = selectors.person_for_audit(actor=request.user, person_id=person_id)
    if refused := not_a_read(request):
        return refused
    page = paginate(request, selectors.record_views(actor=request.user, person=person))
    return render(
        request,
        "audit/who_viewed.html",
        {"person": person, "page": page, "rows": selectors.view_rows(actor=request.user, events=list(page))},
    )


class LookupForm(GdsForm):
    submit_label = "Show who viewed it"
    form_method = "get"
    person_id = forms.IntegerField(
        label="Casework ID of the person", min_value=1, help_text="Shown under the name on the person's page"
    )


def who_viewed_lookup(request):
    """Auditors reach a record's who-viewed log by its Casework ID (they have no person pages)."""
    access.require(request.user, "audit.who_viewed")
    form = LookupForm(request.GET or None)
    if form.is_valid():
        person_id = form.cleaned_data["person_id"]
        if access.audit_people(request.user).filter(pk=person_id).exists():
            return redirect("person_who_viewed", person_id=person_id)
        form.add_error("person_id", "There is no one with that Casework ID in your practice's records")
    return form_page(request, form, title="Who viewed a record", back_url="/")


def audit_log(request):
    """The organisation's audit log, filtered, newest first, 25 to a page; ``format=csv`` downloads
    every entry the filters match (audited as an export). Reading the page writes nothing: it
    opens no one's record."""
    access.require(request.user, "audit.log")
    form = AuditLogFilterForm(request.GET or None, users=selectors.log_user_choices(actor=request.user))
    valid = not form.is_bound or form.is_valid()
    filters = _filters(form) if valid and form.is_bound else {}
    if valid and request.GET.get("format") == "csv":
        return _log_csv(request, filters)
    page = rows = None
    if valid:
        page = paginate(request, selectors.log_events(actor=request.user, **filters))
        rows = selectors.log_rows(actor=request.user, events=list(page))
    query = request.GET.copy()
    for key in ("page", "format"):
        query.pop(key, None)
    return render(
        request,
        "audit/log.html",
        {"form": form, "page": page, "rows": rows, "query": query.urlencode(), "valid": valid},
    )


def _filters(form) -> dict:
    data = form.cleaned_data
    return {
        "kind": data.get("kind") or "",
        "user": data.get("user"),
        "date_from": data.get("date_from"),
        "date_to": data.get("date_to"),
        "person_id": data.get("person_id"),
    }


def _log_csv(request, filters: dict) -> StreamingHttpResponse:
    # the entries written until now: the file holds exactly the rows audited, not the export's own entry
    events = selectors.log_export(actor=request.user, **filters)
    # the filters as ids and dates only, those that are set
    user, start, end = filters.get("user"), filters.get("date_from"), filters.get("date_to")
    used = {
        "kind": filters.get("kind") or None,
        "user": user.pk if user is not None else None,
        "date_from": start.isoformat() if start else None,
        "date_to": end.isoformat() if end else None,
        "person": filters.get("person_id"),
    }
    with transaction.atomic():
        audit_record(
            actor=request.user,
            action="export",
            object_type="audit.auditevent",
            format="csv",
            rows=events.count(),
            **{key: value for key, value in used.items() if value is not None},
        )
    response = StreamingHttpResponse(
        selectors.log_csv_lines(actor=request.user, events=events), content_type="text/csv; charset=utf-8"
    )
    stamp = timezone.localtime().strftime("%Y-%m-%d-%H%M")
    return downloads.attachment(response, f"audit-log-{stamp}.csv")
