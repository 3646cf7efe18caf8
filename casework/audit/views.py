"""The who-viewed pages, for practice managers and auditors."""

from django import forms
from django.shortcuts import redirect, render

from casework.audit import selectors
from casework.core import access
from casework.core.forms import GdsForm
from casework.core.views import form_page, paginate


def person_who_viewed(request, person_id):
    person = selectors.person_for_audit(actor=request.user, person_id=person_id)
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
