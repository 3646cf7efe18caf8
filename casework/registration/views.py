from django.shortcuts import redirect, render
from django.urls import reverse

from casework.core import access
from casework.core.views import form_action, not_a_read
from casework.organisations import selectors as org_selectors
from casework.people import selectors as people_selectors
from casework.registration import selectors, services
from casework.registration.forms import EndRegistrationForm, NamedWorkerForm, RegisterForm, TransferForm


def practice_list(request):
    sort = request.GET.get("sort", "name")
    if sort not in selectors.PRACTICE_LIST_SORTS:
        sort = "name"
    page = selectors.practice_list_page(actor=request.user, sort=sort, page_number=request.GET.get("page"))
    return render(
        request,
        "registration/practice_list.html",
        {
            "page": page,
            "sort": sort,
            "size": selectors.practice_list_size(actor=request.user),
            "practice": request.user.organisation,
        },
    )


def person_register(request, person_id):
    person = people_selectors.person_get_for_change(actor=request.user, person_id=person_id)
    access.require(request.user, "registration.manage")
    form = RegisterForm(
        request.POST or None,
        workers=org_selectors.workers_in_post(actor=request.user),
        commissioners=org_selectors.our_commissioners(actor=request.user),
    )
    return form_action(
        request,
        form,
        lambda: services.registration_start(actor=request.user, person=person, **form.cleaned_data),
        done=lambda: redirect("person_detail", person_id=person.pk),
        success=f"{person.full_name} registered with the practice",
        title="Register with the practice",
        caption=person.full_name,
        back_url=reverse("person_detail", args=[person.pk]),
    )


def household_detail(request, household_id):
    household = selectors.household_page(actor=request.user, household_id=household_id)
    if refused := not_a_read(request):
        return refused
    members = selectors.household_members(actor=request.user, household=household)
    may_change = selectors.household_may_change(actor=request.user, household=household)
    return render(
        request,
        "registration/household_detail.html",
        {
            "household": household,
            "members": members,
            "has_restricted": any(m.is_restricted for m in members),
            # everyone living there now is held by another practice: no action is offered
            "can": access.page_capabilities(request.user, changeable_now=may_change),
        },
    )


def household_register(request, household_id):
    household = selectors.household_get_for_change(actor=request.user, household_id=household_id)
    access.require(request.user, "registration.manage")
    form = RegisterForm(
        request.POST or None,
        workers=org_selectors.workers_in_post(actor=request.user),
        commissioners=org_selectors.our_commissioners(actor=request.user),
    )
    outcome = []

    def register():
        outcome.append(services.household_register(actor=request.user, household=household, **form.cleaned_data))
        return outcome[-1]

    return form_action(
        request,
        form,
        register,
        done=lambda: redirect("household_detail", household_id=household.pk),
        success=household_registered_banner,
        title="Register the household",
        intro="Everyone living in the household who is not yet registered with the practice is registered from "
        "this date. Anyone already registered stays as they are.",
        caption=household.name,
        back_url=reverse("household_detail", args=[household.pk]),
    )


def household_registered_banner(outcome: services.HouseholdRegistration) -> str:
    def names(people):
        return ", ".join(p.full_name for p in people)

    parts = [f"Registered with the practice: {names(r.person for r in outcome.registered)}."]
    if outcome.already_registered:
        parts.append(f"Already registered with the practice: {names(outcome.already_registered)}.")
    if outcome.registered_elsewhere:
        parts.append(
            f"Registered with another practice, so not registered here: {names(outcome.registered_elsewhere)}. "
            "That practice can transfer them."
        )
    return " ".join(parts)


def registration_end(request, registration_id):
    registration = selectors.registration_get_for_change(actor=request.user, registration_id=registration_id)
    access.require(request.user, "registration.manage")
    form = EndRegistrationForm(request.POST or None)
    return form_action(
        request,
        form,
        lambda: services.registration_end(actor=request.user, registration=registration, **form.cleaned_data),
        done=lambda: redirect("person_detail", person_id=registration.person_id),
        success="Registration ended",
        title="End the registration",
        caption=registration.person.full_name,
        intro="Any open cases with this practice close on the same date.",
        back_url=reverse("person_detail", args=[registration.person_id]),
    )


def registration_transfer(request, registration_id):
    registration = selectors.registration_get_for_change(actor=request.user, registration_id=registration_id)
    access.require(request.user, "registration.manage")
    form = TransferForm(request.POST or None, practices=selectors.transfer_destinations(actor=request.user))
    return form_action(
        request,
        form,
        lambda: services.registration_transfer(actor=request.user, registration=registration, **form.cleaned_data),
        done=lambda: redirect("person_detail", person_id=registration.person_id),
        success=lambda new: f"{registration.person.full_name} transferred to {new.practice}",
        title="Transfer to another practice",
        caption=registration.person.full_name,
        intro="The registration here ends and a new one starts with the other practice on the same date. "
        "Open cases here close. Your records stay here and remain yours; the other practice names its "
        "own worker and sees only what it records from the transfer on.",
        back_url=reverse("person_detail", args=[registration.person_id]),
    )


def registration_named_worker(request, registration_id):
    registration = selectors.registration_get_for_change(actor=request.user, registration_id=registration_id)
    access.require(request.user, "registration.manage")
    form = NamedWorkerForm(
        request.POST or None,
        workers=org_selectors.workers_in_post(actor=request.user),
        initial={"named_worker": registration.named_worker_id},
    )
    return form_action(
        request,
        form,
        lambda: services.registration_name_worker(actor=request.user, registration=registration, **form.cleaned_data),
        done=lambda: redirect("person_detail", person_id=registration.person_id),
        success="Named worker changed",
        title="Change the named worker",
        caption=registration.person.full_name,
        back_url=reverse("person_detail", args=[registration.person_id]),
    )


def household_transfer(request, household_id):
    household = selectors.household_get_for_change(actor=request.user, household_id=household_id)
    access.require(request.user, "registration.manage")
    form = TransferForm(request.POST or None, practices=selectors.transfer_destinations(actor=request.user))
    return form_action(
        request,
        form,
        lambda: services.household_transfer(actor=request.user, household=household, **form.cleaned_data),
        done=lambda: redirect("household_detail", household_id=household.pk),
        success=lambda _: f"{household.name} transferred to {form.cleaned_data['to_practice']}",
        title="Transfer the whole family to another practice",
        caption=household.name,
        intro="Each member's registration here ends and a new one starts with the other practice on the same "
        "date. Open cases here close. Your records stay here and remain yours.",
        back_url=reverse("household_detail", args=[household.pk]),
    )
