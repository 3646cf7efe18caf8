"""The practice a person has left (issue 13, finding 1): built through the services, as the
application builds it.

Bethany Whitaker is registered with practice B. B records about her: a case with a worker
allocated and a note, a household (her alone), her mother (recorded by B, never registered) and
the relationship between them, a looked-after record (not in care) and a restriction naming B's
practice staff. Then B transfers her to practice A through the real transfer service, and A
records her current details (a new address, NHS number and pupil number), opens its own case with
a note, records its own household and a relationship, and a looked-after record of its own.
"""

from dataclasses import dataclass, field

from casework.accounts.models import Role
from casework.cases import services as case_services
from casework.cases.models import Allocation, Case, CaseNote
from casework.core.access import PRACTICE_ROLES
from casework.looked_after import services as looked_after_services
from casework.looked_after.models import LookedAfterChild
from casework.people import services as people_services
from casework.people.models import Household, Person, PersonRestriction, Relationship
from casework.registration import services as registration_services
from casework.registration.models import Registration
from tests.conftest import NHS_NUMBERS, TODAY

# What A records about her after the transfer: none of it may reach B.
A_DETAILS = {
    "address_line_1": "14 Larkspur Terrace",
    "town": "Wakefield",
    "postcode": "WF1 2QX",
    "nhs_number": NHS_NUMBERS[2],
    "upn": "A123456789012",
}


@dataclass
class LeftPractice:
    person: Person
    b_objects: dict[str, int] = field(default_factory=dict)  # <model>_id -> B's row about her
    a_objects: dict[str, int] = field(default_factory=dict)  # <model>_id -> A's row about her
    b_mother: Person | None = None


def build_left_practice(world) -> LeftPractice:
    a, b = world.a, world.b
    b_manager, b_pm = b.users[Role.TEAM_MANAGER], b.users[Role.PRACTICE_MANAGER]
    person, b_case = b.people[0], b.cases[0]  # Bethany Whitaker, with an allocated case at B
    b_note = case_services.case_note_add(
        actor=b_manager,
        person=person,
        case=b_case,
        note_type="visit",
        occurred_on=b_case.opened_on,
        summary="Visit at B",
        text="Seen at home",
    )
    mother = people_services.person_create(
        actor=b_manager, given_name="Carol", family_name="Whitaker", sex="F", ethnicity="WBRI"
    )
    b_household = people_services.household_create(
        actor=b_manager, name="The Whitaker family", members=[person], joined_on=b_case.opened_on
    )
    people_services.relationship_create(
        actor=b_manager, person=mother, related_person=person, relationship_type="parent"
    )
    b_child = looked_after_services.looked_after_child_create(
        actor=b_manager, person=person, commissioner=world.other_commissioner, child_id="B0001"
    )
    people_services.person_restrict(
        actor=b_pm, person=person, reason="Known to a member of staff", named_users=[b.users[r] for r in PRACTICE_ROLES]
    )
    b_registration = Registration.objects.get(person=person, practice=b.org, end_date=None)
    a_registration = registration_services.registration_transfer(
        actor=b_manager, registration=b_registration, to_practice=a.org, transfer_date=TODAY
    )

    a_manager = a.users[Role.TEAM_MANAGER]
    person = people_services.person_update(actor=a_manager, person=person, **A_DETAILS)
    a_case = case_services.case_open(
        actor=a_manager,
        person=person,
        service_type=b_case.service_type,
        commissioner=world.commissioner,
        opened_on=TODAY,
        open_reason="Transferred in",
        worker=a.workers[0],
    )
    a_note = case_services.case_note_add(
        actor=a_manager, person=person, case=a_case, note_type="visit", occurred_on=TODAY, summary="At A", text="New"
    )
    a_household = people_services.household_create(
        actor=a_manager, name="Whitaker at A", members=[person, a.people[1]], joined_on=TODAY
    )
    people_services.relationship_create(
        actor=a_manager, person=a.people[1], related_person=person, relationship_type="sibling"
    )
    a_child = looked_after_services.looked_after_child_create(
        actor=a_manager, person=person, commissioner=world.commissioner, child_id="A0001"
    )
    return LeftPractice(
        person=person,
        b_mother=mother,
        b_objects={
            "person_id": person.pk,
            "case_id": b_case.pk,
            "allocation_id": Allocation.objects.get(case=b_case).pk,
            "note_id": b_note.pk,
            "registration_id": b_registration.pk,
            "household_id": b_household.pk,
            "looked_after_child_id": b_child.pk,
        },
        a_objects={
            "person_id": person.pk,
            "case_id": a_case.pk,
            "allocation_id": Allocation.objects.get(case=a_case).pk,
            "note_id": a_note.pk,
            "registration_id": a_registration.pk,
            "household_id": a_household.pk,
            "looked_after_child_id": a_child.pk,
        },
    )


def record_state(person: Person) -> dict:
    """What must not change while B walks: her current details and everything recorded about her."""
    person = Person.objects.get(pk=person.pk)
    about = {"person_id": person.pk}
    return {
        "details": {f: getattr(person, f) for f in (*A_DETAILS, "given_name", "family_name", "date_of_birth")},
        "version": person.version,
        "registrations": list(Registration.objects.filter(**about).values_list("pk", "practice_id", "end_date")),
        "cases": list(Case.objects.filter(**about).values_list("pk", "closed_on")),
        "allocations": Allocation.objects.filter(case__person=person).count(),
        "notes": list(CaseNote.objects.filter(**about).values_list("pk", "version")),
        "relationships": Relationship.objects.filter(person=person).count()
        + Relationship.objects.filter(related_person=person).count(),
        "households": list(person.household_memberships.values_list("household_id", "left_on")),
        "household_rows": Household.objects.filter(memberships__person=person).count(),
        "restrictions": list(PersonRestriction.objects.filter(**about).values_list("pk", "lifted_at")),
        "looked_after": LookedAfterChild.objects.filter(**about).count(),
    }
