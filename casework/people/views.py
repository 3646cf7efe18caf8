from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from casework.cases import selectors as case_selectors
from casework.cases.forms import CaseNoteForm
from casework.cases.services import case_note_is_editable
from casework.core import access
from casework.core.views import PAGE_SIZE, form_action, form_page, not_a_read, paginate, run_service
from casework.people import selectors, services
from casework.people.forms import (
    HouseholdForm,
    HouseholdMemberForm,
    LiftRestrictionForm,
    NamedUsersForm,
    PersonEditForm,
    PersonForm,
    PersonInHouseholdForm,
    PersonSearchForm,
    RelationshipForm,
    RestrictForm,
)
from casework.people.models import Relationship
from casework.registration import selectors as registration_selectors


def person_search(request):
    access.require(request.user, "person.view")
    form = PersonSearchForm(request.GET or None)
    results = None
    if form.is_valid():
        matches = selectors.person_search_matches(
            actor=request.user, shown=selectors.SHOWN_ON_PAGE, **form.cleaned_data
        )
        if isinstance(matches, selectors.SearchMatches):
            matches.expect_page(request.GET.get("page"), PAGE_SIZE)
        results = paginate(request, matches)
    return render(request, "people/search.html", {"form": form, "results": results})


def _add_person_page(request, *, form_class, create, done, success, title: str, back_url: str, caption: str = ""):
    """The add-person form: check for likely duplicates first (the user may go on once they have
    looked), then call ``create`` with the person's fields and the form; the banner says who was added."""
    duplicates = []
    form = form_class(request.POST or None, show_confirm="confirm_not_duplicate" in request.POST)
    if request.method == "POST" and form.is_valid():
        data = form.person_fields()
        checked = run_service(
            form,
            lambda: services.person_create_unless_recorded(
                actor=request.user,
                fields=data,
                confirmed_not_duplicate=bool(form.cleaned_data.get("confirm_not_duplicate")),
                create=lambda: create(data, form),
            ),
        )
        person, duplicates = checked or (None, [])
        if person is not None:
            messages.success(request, success(person))
            return done(person)
        if duplicates:
            form = form_class(request.POST, show_confirm=True)
            form.is_valid()
            form.add_error(None, "This person may already be recorded: check the matches below before creating")
    return form_page(
        request,
        form,
        title=title,
        caption=caption,
        back_url=back_url,
        template="people/person_form.html",
        extra={"duplicates": duplicates},
    )


def person_create(request):
    access.require(request.user, "person.create")

    return _add_person_page(
        request,
        form_class=PersonForm,
        create=lambda data, form: services.person_create(actor=request.user, **data),
        done=lambda person: redirect("person_detail", person_id=person.pk),
        success=lambda person: f"{person.full_name} added",
        title="Add a person",
        back_url=reverse("person_search"),
    )


def household_person_create(request, household_id):
    """Someone new who lives in the household: recorded and added to it in one action."""
    household = registration_selectors.household_get_for_change(actor=request.user, household_id=household_id)
    access.require(request.user, "household.manage")
    access.require(request.user, "person.create")

    return _add_person_page(
        request,
        form_class=PersonInHouseholdForm,
        create=lambda data, form: services.person_create_in_household(
            actor=request.user, household=household, joined_on=form.cleaned_data["joined_on"], **data
        ),
        done=lambda person: redirect("household_detail", household_id=household.pk),
        success=lambda person: f"{person.full_name} added to {household.name}",
        title="Add someone new to the household",
        caption=household.name,
        back_url=reverse("household_member_add", args=[household.pk]),
    )


def household_member_add(request, household_id):
    """Find someone already recorded by name (misspellings found too) and add them to the household."""
    household = registration_selectors.household_get_for_change(actor=request.user, household_id=household_id)
    access.require(request.user, "household.manage")
    name = request.GET.get("name", "").strip()
    candidates = selectors.household_member_candidates(actor=request.user, household=household, name=name)
    form = HouseholdMemberForm(
        request.POST or None, candidates=candidates, people=selectors.person_list_for_choice(actor=request.user)
    )

    return form_action(
        request,
        form,
        lambda: services.household_member_add(
            actor=request.user,
            household=household,
            person=form.cleaned_data["person"],
            joined_on=form.cleaned_data["joined_on"],
        ),
        done=lambda: redirect("household_detail", household_id=household.pk),
        success=lambda _: f"{form.cleaned_data['person'].full_name} added to {household.name}",
        title="Add a member of the household",
        caption=household.name,
        back_url=reverse("household_detail", args=[household.pk]),
        template="people/household_member_form.html",
        extra={"household": household, "name": name, "candidates": candidates},
    )


def person_edit(request, person_id):
    person = selectors.person_get_for_change(actor=request.user, person_id=person_id)
    access.require(request.user, "person.update")
    initial = {f: getattr(person, f) for f in services.PERSON_FIELDS} | {"version": person.version}
    form = PersonEditForm(request.POST or None, initial=initial)
    return form_action(
        request,
        form,
        lambda: services.person_update(
            actor=request.user, person=person, version=form.cleaned_data["version"], **form.person_fields()
        ),
        done=lambda: redirect("person_detail", person_id=person.pk),
        success=f"{person.full_name}'s details changed",
        title=f"Change {person.full_name}'s details",
        back_url=reverse("person_detail", args=[person.pk]),
    )


def person_detail(request, person_id):
    actor = request.user
    person = selectors.person_page_get(actor=actor, person_id=person_id)  # logged as a view (audit/middleware.py)
    if refused := not_a_read(request):
        return refused
    records = case_selectors.person_page_records(actor=actor, person=person)
    registrations, cases, notes = records.registrations, records.cases, records.notes
    may_change = selectors.person_page_may_change(person=person)
    current = next((r for r in registrations if r.end_date is None), None)
    open_cases = [c for c in cases if c.closed_on is None]
    note_form = None
    if access.can(actor, "note.add") and current is not None:
        # the form's own choices are read only if it is rendered by crispy; the page lists open_cases
        note_form = CaseNoteForm(cases=case_selectors.person_open_cases(actor=actor, person=person))
        note_form.helper.form_action = reverse("case_note_add", args=[person.pk])
    return render(
        request,
        "people/person_detail.html",
        {
            "person": person,
            "registrations": registrations,
            "current_registration": current,
            "cases": cases,
            "open_cases": open_cases,
            "notes": notes,
            "editable_note_ids": {n.pk for n in notes if may_change and case_note_is_editable(actor=actor, note=n)},
            "chronology": records.chronology,
            "relationships": list(selectors.person_relationships(actor=actor, person=person)),
            "households": list(selectors.person_households(actor=actor, person=person)),
            "note_form": note_form,
            "looked_after_records": records.looked_after_records,
            "missing_now": records.missing_now,
            "on_our_list": current is not None,
            # another practice holds them now: their current details and every form are not offered
            "may_change": may_change,
            "can": access.page_capabilities(actor, changeable_now=may_change),
        },
    )


def relationship_create(request, person_id):
    """Record a relationship by picking the other person: someone the person lives with, or someone
    found by name. From a household's page (``?household=``) it goes back there."""
    person = selectors.person_get_for_change(actor=request.user, person_id=person_id)
    access.require(request.user, "relationship.manage")
    household_id = request.GET.get("household", "")
    household = (
        registration_selectors.household_get_for_change(actor=request.user, household_id=int(household_id))
        if household_id.isdigit()
        else None
    )
    back = reverse("household_detail", args=[household.pk]) if household else reverse("person_detail", args=[person.pk])
    name = request.GET.get("name", "").strip()
    form = RelationshipForm(
        request.POST or None,
        person=person,
        candidates=selectors.relationship_candidates(actor=request.user, person=person, name=name),
        people=selectors.person_list_for_choice(actor=request.user).exclude(pk=person.pk),
    )

    def recorded(_):
        data = form.cleaned_data
        kind = Relationship.Type(data["relationship_type"]).label.lower()
        return f"Recorded: {person.full_name} is {data['related_person'].full_name}'s {kind}"

    return form_action(
        request,
        form,
        lambda: services.relationship_create(actor=request.user, person=person, **form.cleaned_data),
        done=lambda: redirect(back),
        success=recorded,
        title="Add a relationship",
        caption=person.full_name,
        back_url=back,
        template="people/relationship_form.html",
        extra={"name": name, "household": household},
    )


def household_create(request, person_id):
    person = selectors.person_get_for_change(actor=request.user, person_id=person_id)
    access.require(request.user, "household.manage")
    form = HouseholdForm(
        request.POST or None,
        people=selectors.person_and_relatives(actor=request.user, person=person),
        initial={"members": [person.pk], "name": f"The {person.family_name} family"},
    )
    if request.method == "POST" and form.is_valid():
        household = run_service(
            form,
            lambda: services.household_create(
                actor=request.user,
                name=form.cleaned_data["name"],
                members=list(form.cleaned_data["members"]),
                joined_on=form.cleaned_data["joined_on"],
            ),
        )
        if household is not None:
            messages.success(request, f"{household.name} recorded")
            return redirect("household_detail", household_id=household.pk)
    return form_page(
        request,
        form,
        title="Record a household",
        caption=person.full_name,
        back_url=reverse("person_detail", args=[person.pk]),
    )


# Restricted records: the practice manager's pages (docs/security.md, "Restricted records").


def person_restriction(request, person_id):
    """Whether the record is restricted, why, since when and who is named; links to change it
    (none when another practice holds the person now)."""
    person = selectors.person_for_restriction(actor=request.user, person_id=person_id)
    if refused := not_a_read(request):
        return refused
    may_change = selectors.person_may_change(actor=request.user, person=person)
    return render(
        request,
        "people/restriction.html",
        {
            "person": person,
            "can": access.page_capabilities(request.user, changeable_now=may_change),
            "restriction": selectors.restriction_current(actor=request.user, person=person),
            "lifted": selectors.restrictions_lifted(actor=request.user, person=person),
        },
    )


def _warn_unnamed(request, person, form, page: dict):
    """On a valid POST whose named users leave out a worker allocated now to one of the person's open
    cases (not yet confirmed): the page again with a warning naming them and the box to go ahead
    anyway. A warning to confirm, not a refusal. Otherwise None."""
    if request.method != "POST" or not form.is_valid() or form.cleaned_data.get("confirm_unnamed"):
        return None
    unnamed = case_selectors.allocated_workers_not_named(
        actor=request.user, person=person, named_users=form.cleaned_data["named_users"]
    )
    if not unnamed:
        return None
    form = type(form)(request.POST, users=form.fields["named_users"].queryset, show_confirm=True)
    form.is_valid()
    warnings = [
        f"{worker} is allocated to {person.full_name}'s case but is not named, so would see only the name. "
        "Name them below, or tick the box to go ahead anyway."
        for worker in unnamed
    ]
    return form_page(request, form, **page, extra={"warnings": warnings})


def person_restrict(request, person_id):
    person = selectors.person_for_restriction_change(actor=request.user, person_id=person_id)
    back = reverse("person_restriction", args=[person.pk])
    if selectors.restriction_current(actor=request.user, person=person) is not None:
        return redirect(back)
    users = selectors.restriction_named_choices(actor=request.user)
    form = RestrictForm(request.POST or None, users=users, show_confirm="confirm_unnamed" in request.POST)
    page = {
        "title": "Restrict this record",
        "caption": person.full_name,
        "intro": "Everyone else in the practice will see only the name, marked as a restricted record, and "
        "every attempt to open it is recorded.",
        "back_url": back,
    }
    warned = _warn_unnamed(request, person, form, page)
    if warned:
        return warned
    return form_action(
        request,
        form,
        lambda: services.person_restrict(
            actor=request.user,
            person=person,
            reason=form.cleaned_data["reason"],
            named_users=form.cleaned_data["named_users"],
        ),
        done=lambda: redirect(back),
        success=f"{person.full_name}'s record restricted",
        **page,
    )


def _current_restriction(request, person_id):
    person = selectors.person_for_restriction_change(actor=request.user, person_id=person_id)
    restriction = selectors.restriction_current(actor=request.user, person=person)
    if restriction is None:
        raise Http404("The record is not restricted")
    return person, restriction


def person_restriction_named_users(request, person_id):
    person, restriction = _current_restriction(request, person_id)
    back = reverse("person_restriction", args=[person.pk])
    form = NamedUsersForm(
        request.POST or None,
        users=selectors.restriction_named_choices(actor=request.user),
        initial={"named_users": [a.user_id for a in restriction.named.all()]},
        show_confirm="confirm_unnamed" in request.POST,
    )
    page = {"title": "Who may see the record", "caption": person.full_name, "back_url": back}
    warned = _warn_unnamed(request, person, form, page)
    if warned:
        return warned
    return form_action(
        request,
        form,
        lambda: services.restriction_named_users_set(
            actor=request.user, restriction=restriction, users=form.cleaned_data["named_users"]
        ),
        done=lambda: redirect(back),
        success="Who may see the record changed",
        **page,
    )


def person_restriction_lift(request, person_id):
    person, restriction = _current_restriction(request, person_id)
    back = reverse("person_restriction", args=[person.pk])
    form = LiftRestrictionForm(request.POST or None)
    return form_action(
        request,
        form,
        lambda: services.person_restriction_lift(
            actor=request.user, restriction=restriction, reason=form.cleaned_data["reason"]
        ),
        done=lambda: redirect(back),
        success=f"Restriction on {person.full_name}'s record lifted",
        title="Lift the restriction",
        caption=person.full_name,
        back_url=back,
    )
