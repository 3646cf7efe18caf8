"""Pages for looked-after children: the child's record, one form per recording action, the
manager's check of the 903 return before it goes, and the commissioner's download."""

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from tempfile import TemporaryDirectory

from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone

from casework.contracts.child_facts import child_outcome_facts
from casework.core import access
from casework.core.views import form_action, not_a_read
from casework.jobs import selectors as job_selectors
from casework.jobs import services as job_services
from casework.looked_after import forms, rules, selectors, services
from casework.looked_after.export import FILE_NAMES, build_return
from casework.looked_after.validation import (
    ValidationResult,
    confirm_against_history,
    set_apart_not_yet_due,
    validate_directory,
)
from casework.organisations import selectors as org_selectors
from casework.people import selectors as people_selectors


@dataclass(frozen=True)
class Recording:
    """One recording action: its form, the service it calls, and where on the child's page it shows."""

    title: str
    form: type
    service: Callable
    anchor: str
    form_kwargs: Callable = lambda actor, child: {}
    intro: str = ""
    banner: str = ""  # the success banner; "<title>: saved" unless given


def _status_now(*fields: str) -> Callable:
    """A status form opens showing the child's record as it is, at its version (no lost updates)."""

    def shown(value):
        # a yes/no question's radios are "yes" and "no"; not yet answered is neither
        return {True: "yes", False: "no"}.get(value, value) if isinstance(value, bool) else value

    return lambda actor, child: {"initial": {f: shown(getattr(child, f)) for f in fields} | {"version": child.version}}


RECORDING = {
    "care-start": Recording("Start a period of care", forms.CareStartForm, services.care_start, "episodes"),
    "change": Recording(
        "Change of placement or legal status",
        forms.EpisodeChangeForm,
        services.episode_change,
        "episodes",
        intro="The current episode ends on the date of the change and the next one starts that day, "
        "with the reason for the new episode worked out from what changed.",
    ),
    "care-end": Recording("Care ended", forms.CareEndForm, services.care_end, "episodes"),
    "review": Recording("Record a review", forms.ReviewForm, services.review_record, "reviews"),
    "visit": Recording("Record a visit", forms.VisitForm, services.visit_record, "visits"),
    "health": Recording("Record a health check", forms.HealthCheckForm, services.health_check_record, "health"),
    "sdq": Recording(
        "Record a Strengths and Difficulties Questionnaire",
        forms.StrengthsDifficultiesForm,
        services.sdq_record,
        "health",
    ),
    "substance-misuse": Recording(
        "Record substance misuse", forms.SubstanceMisuseForm, services.substance_misuse_record, "health"
    ),
    "conviction": Recording("Record a conviction", forms.ConvictionForm, services.conviction_record, "health"),
    "missing": Recording(
        "Record a missing episode",
        forms.MissingForm,
        services.missing_record,
        "missing",
        intro="If the child is missing now, leave the return blank and record it when they are back.",
        banner="Missing episode recorded",
    ),
    "missing-return": Recording(
        "Record the child's return",
        forms.MissingReturnForm,
        services.missing_return,
        "missing",
        intro="The child was missing or away: record the day they came back and the return interview.",
        banner="Return recorded: the missing episode is closed",
    ),
    "uasc": Recording(
        "Unaccompanied asylum-seeking child",
        forms.UascForm,
        services.uasc_update,
        "summary",
        form_kwargs=_status_now("uasc", "uasc_ceased"),
    ),
    "mother": Recording(
        "Motherhood",
        forms.MotherForm,
        services.mother_update,
        "summary",
        form_kwargs=_status_now("is_mother", "mother_child_dob"),
    ),
    "adoption-decision": Recording(
        "Decision to place for adoption", forms.AdoptionDecisionForm, services.adoption_decision_record, "adoption"
    ),
    "adoption-decision-ceased": Recording(
        "The adoption decision ceased",
        forms.AdoptionDecisionCeasedForm,
        services.adoption_decision_cease,
        "adoption",
    ),
    "adoption": Recording("Adoption details", forms.AdoptionForm, services.adoption_record, "adoption"),
    "care-leaver": Recording(
        "Care leaver contact", forms.CareLeaverContactForm, services.care_leaver_contact_record, "care-leaver"
    ),
    "dolo": Recording(
        "Deprivation of liberty order", forms.DeprivationOfLibertyForm, services.deprivation_of_liberty_record, "dolo"
    ),
    "dolo-end": Recording(
        "Deprivation of liberty order ended",
        forms.DeprivationOfLibertyEndForm,
        services.deprivation_of_liberty_end,
        "dolo",
    ),
}


def url_name(action: str) -> str:
    return "looked_after_" + action.replace("-", "_")


def child_page(request, looked_after_child_id):
    child = selectors.child_page_get(actor=request.user, looked_after_child_id=looked_after_child_id)
    if refused := not_a_read(request):
        return refused
    today = timezone.localdate()
    may_change = selectors.child_may_change(actor=request.user, child=child)
    record = selectors.child_record(actor=request.user, child=child)
    actions = {action.replace("-", "_"): reverse(url_name(action), args=[child.pk]) for action in RECORDING}
    outcome_year, outcomes = child_outcome_facts(child, today)
    return render(
        request,
        "looked_after/child.html",
        {
            "child": child,
            "dues": selectors.child_page_dues(child, today),
            "today": today,
            "actions": actions,
            "outcome_year": outcome_year,
            "outcomes": outcomes,
            # the start of the current period of care, not of the latest episode
            "looked_after_since": rules.looked_after_since(record["episodes"]),
            "missing_now": next((m for m in record["missing"] if m.end_date is None), None),
            # another practice holds the child now: no recording action is offered
            "can": access.page_capabilities(request.user, changeable_now=may_change),
            **record,
        },
    )


def child_create(request, person_id):
    person = people_selectors.person_get_for_change(actor=request.user, person_id=person_id)
    access.require(request.user, "looked_after.record")
    form = forms.LookedAfterChildForm(
        request.POST or None, commissioners=org_selectors.our_commissioners(actor=request.user)
    )
    created = {}

    def create():
        created["child"] = services.looked_after_child_create(actor=request.user, person=person, **form.cleaned_data)
        return created["child"]

    return form_action(
        request,
        form,
        create,
        done=lambda: redirect("looked_after_child", looked_after_child_id=created["child"].pk),
        success=lambda child: f"{person.full_name} recorded as looked after by {child.commissioner}",
        title="Record that the child is looked after",
        caption=person.full_name,
        intro="The 903 return names the child by the authority's own identifier, the same every year.",
        back_url=reverse("person_detail", args=[person.pk]),
    )


def record(request, looked_after_child_id, *, action: str):
    child = selectors.child_get_for_change(actor=request.user, looked_after_child_id=looked_after_child_id)
    access.require(request.user, "looked_after.record")
    spec = RECORDING[action]
    form = spec.form(request.POST or None, **spec.form_kwargs(request.user, child))
    child_url = reverse("looked_after_child", args=[child.pk])
    return form_action(
        request,
        form,
        lambda: spec.service(actor=request.user, child=child, **form.cleaned_data),
        done=lambda: redirect(f"{child_url}#{spec.anchor}"),
        success=spec.banner or f"{spec.title}: saved",
        title=spec.title,
        caption=f"{child.person.full_name} ({child.child_id})",
        intro=spec.intro,
        back_url=child_url,
    )


def recording_urls() -> list:
    return [
        path(f"looked-after/<int:looked_after_child_id>/{action}/", record, {"action": action}, name=url_name(action))
        for action in RECORDING
    ]


# Which part of the child's page holds the record a DfE error is about.
TABLE_ANCHORS = {
    "Header": "summary",
    "Episodes": "episodes",
    "Reviews": "reviews",
    "OC2": "health",
    "OC3": "care-leaver",
    "AD1": "adoption",
    "PlacedAdoption": "adoption",
    "PrevPerm": "episodes",
    "Missing": "missing",
    "UASC": "summary",
    "SWEpisodes": "summary",
    "DoLo": "dolo",
}


def return_check(request):
    """A manager runs the DfE rules over the practice's part of an authority's return before it goes:
    the form starts a background job (looked_after/jobs.py: check_return) and the job's page shows
    its progress, then the result."""
    access.require(request.user, "looked_after.return_check")
    form = forms.ReturnCheckForm(
        request.POST if request.method == "POST" else None,
        commissioners=org_selectors.our_commissioners(actor=request.user),
    )
    if request.method == "POST" and form.is_valid():
        job = job_services.job_start(
            actor=request.user,
            kind="903_check",
            parameters={"commissioner_id": form.cleaned_data["commissioner"].pk, "year": form.cleaned_data["year"]},
        )
        return redirect("job_detail", job_id=job.pk)
    return render(
        request,
        "looked_after/return_check.html",
        {"form": form, "recent_jobs": job_selectors.recent_jobs(actor=request.user, kind="903_check", limit=5)},
    )


def return_check_result(job, actor) -> dict:
    """The stored result of a check, its children looked up again in the viewer's scope now: a child
    restricted from them is named only, as on the page before the check was a job."""
    result = ValidationResult(**job.result["validation"])
    children = selectors.practice_return_children(actor=actor, commissioner=job.parameters["commissioner_id"])
    known = {c.child_id: c for c in children.select_related("person")}
    commissioner = org_selectors.our_commissioners(actor=actor).filter(pk=job.parameters["commissioner_id"]).first()
    return {
        "result": result,
        "commissioner_name": commissioner.name if commissioner else "the authority",
        "children_checked": result.rows.get("Header", 0),  # the return's one row per child
        "by_child": _by_child(result.errors, known),
        "due_by_child": _by_child(result.due_by_year_end, known),
    }


def _by_child(items: list[dict], known: dict) -> list[tuple]:
    """(child id, child, items each with a link to the part of the child's page to fix), by child."""
    grouped: dict[str, list[dict]] = {}
    for item in items:
        grouped.setdefault(item["child"], []).append(item)
    rows = []
    for child_id, errors in sorted(grouped.items()):
        child = known.get(child_id)
        links = [
            {**e, "url": f"{reverse('looked_after_child', args=[child.pk])}#{TABLE_ANCHORS.get(e['table'], '')}"}
            if child
            else e
            for e in errors
        ]
        rows.append((child_id, child, links))
    return rows


def _no_progress(step: str, percent: int) -> None:
    pass


def validate_return(children, authority: str, year: int, progress: Callable = _no_progress):
    """Build this year's and last year's return for ``children`` and run the DfE rules on them;
    ``progress(step, percent)`` hears each step (the job's page shows them)."""
    with TemporaryDirectory(prefix="903-check-") as scratch:
        # last year's return as well, so the year-on-year rules run
        progress("Building last year's return", 5)
        previous = Path(scratch) / str(year - 1)
        build_return(children=children, year=year - 1).write(previous)
        progress("Building this year's return", 25)
        current = Path(scratch) / str(year)
        build_return(children=children, year=year).write(current)
        progress("Running the DfE rules", 45)
        result = validate_directory(current, year=year, authority=authority, previous=previous)
    progress("Checking care leavers against their full history", 90)
    confirm_against_history(result, children=children)
    # a year still running: what the DfE judges on 31 March is due, not wrong (looked_after/year_end.py)
    return set_apart_not_yet_due(result, as_of=timezone.localdate())


def return_download(request):
    """A commissioner officer downloads the authority's 903 files as a zip: only their own children.
    The zip is made by a background job (looked_after/jobs.py: download_return); the job's page
    links to it, and taking the file is audited (jobs/views.py: job_file)."""
    access.require(request.user, "looked_after.return_download")
    form = forms.ReturnDownloadForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        job = job_services.job_start(
            actor=request.user, kind="903_download", parameters={"year": form.cleaned_data["year"]}
        )
        return redirect("job_detail", job_id=job.pk)
    return render(
        request,
        "looked_after/return_download.html",
        {"form": form, "recent_jobs": job_selectors.recent_jobs(actor=request.user, kind="903_download", limit=5)},
    )


def return_zip(*, actor, year: int, progress: Callable = _no_progress) -> tuple[bytes, str, dict]:
    """The authority's 903 files for ``year`` as a zip: (bytes, file name, counts per table)."""
    progress("Building the return from every practice's records", 10)
    exported = build_return(children=selectors.commissioner_return_children(actor=actor), year=year)
    progress("Writing the files into a zip", 70)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for table in exported.tables:
            archive.writestr(FILE_NAMES[table], exported.csv_text(table))
    return buffer.getvalue(), f"ssda903-{actor.organisation.ons_code}-{year}.zip", exported.counts()
