from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.debug import sensitive_post_parameters

from casework.accounts import drafts
from casework.cases import rules, selectors, services
from casework.cases.forms import (
    AllocateForm,
    CaseNoteEditForm,
    CaseNoteForm,
    CaseOpenForm,
    CloseCaseForm,
    CloseLookedAfterCaseForm,
)
from casework.core import access
from casework.core.views import form_action, form_page, not_a_read, run_service
from casework.looked_after import selectors as looked_after_selectors
from casework.organisations import selectors as org_selectors
from casework.people import selectors as people_selectors


def my_caseload_page(request):
    sort = request.GET.get("sort", "name")
    sort = sort if sort in selectors.CASELOAD_SORTS else "name"
    worker, allocations, caseload = selectors.my_caseload(actor=request.user, sort=sort)
    by_service: dict[str, int] = {}
    for allocation in allocations:
        label = allocation.case.get_service_type_display()
        by_service[label] = by_service.get(label, 0) + 1
    return render(
        request,
        "cases/my_caseload.html",
        {
            "due_work": looked_after_selectors.my_due_work(actor=request.user),
            "worker": worker,
            "allocations": allocations,
            "caseload": caseload,
            "by_service": sorted(by_service.items()),
            "sort": sort,
        },
    )


def caseload_overview(request):
    """Practice managers see every team; team managers see their own team."""
    teams = selectors.team_caseloads(actor=request.user)
    return render(request, "cases/caseload.html", {"teams": teams, "title": "Team caseloads", "overview": True})


def team_caseload(request, team_id):
    team = selectors.team_get(actor=request.user, team_id=team_id)
    # one page of the team's workers; the team's totals count every worker
    teams, page, _ = selectors.team_caseloads_page(
        actor=request.user, team_id=team.pk, page_number=request.GET.get("page")
    )
    # the team's looked-after children a page at a time, most overdue first, counts for them all
    due = looked_after_selectors.team_due_page(
        actor=request.user, team_id=team.pk, page_number=request.GET.get("due_page")
    )
    return render(
        request,
        "cases/caseload.html",
        {"teams": teams, "page": page, "title": f"{team.name}: caseload", "due": due},
    )


def case_detail(request, case_id):
    case = selectors.case_get(actor=request.user, case_id=case_id)
    if refused := not_a_read(request):
        return refused
    may_change = selectors.case_may_change(actor=request.user, case=case)
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            "allocations": list(case.allocations.all()),
            "can": access.page_capabilities(request.user, changeable_now=may_change),
        },
    )


def _allocating_form(request, form_class, **kwargs):
    """The form with the worker picker (each worker's team and weighted caseload against the
    threshold); the box to allocate anyway is there once the over-threshold warning has been shown."""
    return form_class(
        request.POST or None,
        workers=org_selectors.workers_in_post(actor=request.user),
        caseloads=selectors.worker_picker(actor=request.user),
        show_confirm="confirm_over_threshold" in request.POST,
        **kwargs,
    )


def _over_threshold(request, form, service_type: str) -> str:
    """The warning to confirm when the chosen worker would go over the caseload threshold, or ""."""
    worker = form.cleaned_data.get("worker")
    row = form.fields["worker"].caseloads.get(worker.pk) if worker else None
    if row is None or form.cleaned_data.get("confirm_over_threshold"):
        return ""
    weight = selectors.case_weight(actor=request.user, service_type=service_type)
    if not row.figures.over_with(weight):
        return ""
    return (
        f"{worker} would go over the caseload threshold: weighted caseload {rules.figure(row.figures.weighted)} "
        f"of {rules.figure(row.figures.capacity)} now, {rules.figure(row.figures.weighted + weight)} with this "
        "case. Choose another worker, or tick the box to allocate anyway."
    )


def _warn_before_allocating(request, form, service_type: str, page: dict, **kwargs):
    """On a valid POST whose worker would go over the threshold (not yet confirmed): the page again
    with the warning and the box to allocate anyway. Otherwise None."""
    if request.method != "POST" or not form.is_valid():
        return None
    warning = _over_threshold(request, form, service_type or form.cleaned_data.get("service_type", ""))
    if not warning:
        return None
    form = type(form)(
        request.POST,
        workers=form.fields["worker"].queryset,
        caseloads=form.fields["worker"].caseloads,
        show_confirm=True,
        **kwargs,
    )
    form.is_valid()
    return form_page(request, form, **page, extra={"warnings": [warning]})


def case_open(request, person_id):
    person = people_selectors.person_get_for_change(actor=request.user, person_id=person_id)
    access.require(request.user, "case.manage")
    commissioners = org_selectors.our_commissioners(actor=request.user)
    page = {"title": "Open a case", "caption": person.full_name, "back_url": reverse("person_detail", args=[person.pk])}
    form = _allocating_form(request, CaseOpenForm, commissioners=commissioners)
    warned = _warn_before_allocating(request, form, "", page, commissioners=commissioners)
    if warned:
        return warned
    if request.method == "POST" and form.is_valid():
        case = run_service(form, lambda: services.case_open(actor=request.user, person=person, **form.service_fields()))
        if case is not None:
            messages.success(request, f"{case} opened")
            return redirect("case_detail", case_id=case.pk)
    return form_page(request, form, **page)


def case_allocate(request, case_id):
    case = selectors.case_get_for_change(actor=request.user, case_id=case_id)
    access.require(request.user, "allocation.manage")
    page = {
        "title": "Allocate a worker",
        "caption": f"{case.person.full_name}: {case}",
        "intro": "The current worker's allocation ends on the date the new worker starts.",
        "back_url": reverse("case_detail", args=[case.pk]),
    }
    form = _allocating_form(request, AllocateForm)
    warned = _warn_before_allocating(request, form, case.service_type, page)
    if warned:
        return warned
    return form_action(
        request,
        form,
        lambda: services.allocation_change(actor=request.user, case=case, **form.service_fields()),
        done=lambda: redirect("case_detail", case_id=case.pk),
        success=lambda allocation: f"{allocation.worker} allocated from {allocation.start_date:%-d %B %Y}",
        **page,
    )


def case_close(request, case_id):
    case = selectors.case_get_for_change(actor=request.user, case_id=case_id)
    access.require(request.user, "case.manage")
    in_care = selectors.case_child_in_care(actor=request.user, case=case)
    form = (CloseLookedAfterCaseForm if in_care else CloseCaseForm)(request.POST or None)

    banner = []

    def close():
        data = dict(form.cleaned_data)
        if data.pop("end_care", False):
            banner.append("Care ended and the case closed")
            return services.case_close_ending_care(actor=request.user, case=case, **data)
        data.pop("reason_ceased", None)
        banner.append("Case closed")
        return services.case_close(actor=request.user, case=case, **data)

    return form_action(
        request,
        form,
        close,
        done=lambda: redirect("case_detail", case_id=case.pk),
        success=lambda _: banner[-1],
        title="Close the case",
        caption=f"{case.person.full_name}: {case}",
        intro="This child is looked after now: the case closes when the period of care ends. "
        "Tick 'End care and close the case' to do both on the same date."
        if in_care
        else "",
        back_url=reverse("case_detail", args=[case.pk]),
    )


KEPT_NOTE = "We kept the note you were writing"


def _note_data(request):
    """The POST; or, on the page a signed-out save sent the person away from, the note they were
    writing (casework/accounts/drafts.py), offered back once with a banner."""
    if request.method == "POST":
        return request.POST
    draft = drafts.take(request)
    if draft is not None:
        messages.info(request, f"{KEPT_NOTE}. Your session ended before it was saved: check it and save it.")
    return draft


@drafts.keeps_draft
@sensitive_post_parameters("summary", "text")
def case_note_add(request, person_id):
    person = people_selectors.person_get_for_change(actor=request.user, person_id=person_id)
    access.require(request.user, "note.add")
    form = CaseNoteForm(_note_data(request), cases=selectors.person_open_cases(actor=request.user, person=person))
    return form_action(
        request,
        form,
        lambda: services.case_note_add(actor=request.user, person=person, **form.cleaned_data),
        done=lambda: redirect(reverse("person_detail", args=[person.pk]) + "#chronology"),
        success="Case note added",
        title="Add a case note",
        caption=person.full_name,
        back_url=reverse("person_detail", args=[person.pk]),
    )


@drafts.keeps_draft
@sensitive_post_parameters("summary", "text")
def case_note_edit(request, note_id):
    note = selectors.note_get_for_change(actor=request.user, note_id=note_id)
    form = CaseNoteEditForm(
        _note_data(request), initial={"summary": note.summary, "text": note.text, "version": note.version}
    )
    return form_action(
        request,
        form,
        lambda: services.case_note_edit(actor=request.user, note=note, **form.cleaned_data),
        done=lambda: redirect(reverse("person_detail", args=[note.person_id]) + "#chronology"),
        success="Case note corrected",
        title="Correct a case note",
        caption=note.person.full_name,
        back_url=reverse("person_detail", args=[note.person_id]),
    )
