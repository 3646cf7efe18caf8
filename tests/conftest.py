"""Shared fixtures. Data is built through the services, as the application builds it."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone as django_timezone

from casework.accounts import middleware as accounts_middleware
from casework.accounts.models import Role, User
from casework.accounts.testing import force_login_verified
from casework.cases import services as case_services
from casework.contracts import services as contract_services
from casework.contracts.models import DelegatedFunction
from casework.core.codes import ServiceType
from casework.organisations import services as org_services
from casework.organisations.models import Organisation, Team, Worker
from casework.people import services as people_services
from casework.registration import services as registration_services

TODAY = date.today()
PASSWORD = "a-test-password-123"

# Valid NHS numbers (modulus 11 worked by hand in tests/core/test_identifiers.py).
NHS_NUMBERS = ["9434765919", "4010232137", "9990000026"]


@pytest.fixture(autouse=True)
def _force_login_passes_mfa(monkeypatch):
    """Every user must pass MFA after their password: client.force_login(user) signs in as one who
    has, with a real confirmed authenticator app (tests/accounts drive the MFA pages themselves)."""
    monkeypatch.setattr(Client, "force_login", force_login_verified)


_clock_localdate = django_timezone.localdate


def _the_suites_today(value=None, timezone=None):
    return TODAY if value is None else _clock_localdate(value, timezone)


@pytest.fixture(autouse=True)
def _today_is_the_suites_today(monkeypatch):
    """What the product takes as today (``timezone.localdate()``) is the ``TODAY`` the tests build
    their dates from, fixed when the suite starts: a run crossing midnight failed the tests of
    "not in the future" (the services had moved on to the next day, the tests had not). Within a
    day this changes nothing."""
    monkeypatch.setattr(django_timezone, "localdate", _the_suites_today)


@pytest.fixture(autouse=True)
def _session_written_only_on_change(request, monkeypatch):
    """A signed-in session is written again once its last write is a minute old (accounts/middleware.py):
    in a test that takes more than a minute between signing in and a page (seeding 200 cases on a
    busy machine), that write would add its queries to a page's count, and a pin would fail by
    chance. So tests see no refresh, except those marked ``session_refresh`` that test it."""
    if request.node.get_closest_marker("session_refresh") is None:
        monkeypatch.setattr(accounts_middleware, "SESSION_REFRESH_SECONDS", 10**9)


@dataclass
class Practice:
    org: Organisation
    team: Team
    users: dict[str, User]
    workers: list[Worker]
    people: list = field(default_factory=list)
    cases: list = field(default_factory=list)


def make_worker(actor, org, team, *, job_role="social_worker", start=None, fte="1.00", **extra) -> Worker:
    registered = job_role in ("social_worker", "senior_practitioner", "advanced_practitioner", "team_manager")
    # Numbered from the rows already there, so a number is unique however this module is imported.
    number = 500000 + Worker.objects.count()
    return org_services.worker_create(
        actor=actor,
        organisation=org,
        team=team,
        given_name="Test",
        family_name=f"Worker{number}",
        job_role=job_role,
        swe_registration_number=f"SW{number}" if registered else "",
        fte=Decimal(fte),
        start_date=start or TODAY - timedelta(days=2000),
        **extra,
    )


def make_user(org, role, username, worker=None) -> User:
    return org_services.user_create(
        actor=None, username=username, password=PASSWORD, role=role, organisation=org, worker=worker
    )


def make_practice(name: str, commissioner: Organisation, prefix: str) -> Practice:
    org = org_services.organisation_create(actor=None, name=name, kind="practice", legal_form="cic", list_capacity=100)
    org_services.commissioning_create(
        actor=None, commissioner=commissioner, practice=org, start_date=TODAY - timedelta(days=3000)
    )
    contract_services.contract_let_for_years(
        commissioner=commissioner,
        practice=org,
        reference=f"{prefix.upper()}-{commissioner.ons_code or commissioner.pk}-001",
        title="Social work for children and adults",
        functions=list(DelegatedFunction.values),
        cohort="Children and adults the authority refers to the practice",
        start_date=TODAY - timedelta(days=3000),
        until=TODAY + timedelta(days=400),
        price_model="per_child_week",
        price=Decimal("1150.00"),
        caseload_cap_per_fte=Decimal("18"),
    )
    team = org_services.team_create(actor=None, organisation=org, name="Looked-after children", function="lac")
    practitioner_worker = make_worker(None, org, team)
    manager_worker = make_worker(None, org, team, job_role="team_manager")
    second_worker = make_worker(None, org, team)
    users = {
        Role.PRACTITIONER: make_user(org, Role.PRACTITIONER, f"{prefix}-practitioner", practitioner_worker),
        Role.TEAM_MANAGER: make_user(org, Role.TEAM_MANAGER, f"{prefix}-teammanager", manager_worker),
        Role.PRACTICE_MANAGER: make_user(org, Role.PRACTICE_MANAGER, f"{prefix}-manager"),
        Role.AUDITOR: make_user(org, Role.AUDITOR, f"{prefix}-auditor"),
        Role.SYSTEM_ADMINISTRATOR: make_user(org, Role.SYSTEM_ADMINISTRATOR, f"{prefix}-admin"),
    }
    return Practice(org=org, team=team, users=users, workers=[practitioner_worker, second_worker, manager_worker])


def add_person(
    practice: Practice,
    commissioner: Organisation,
    *,
    given="Amara",
    family="Okafor",
    dob=date(2015, 6, 1),
    nhs_number="",
    service=ServiceType.LOOKED_AFTER_CHILD,
    worker=None,
    registered_on=None,
):
    manager = practice.users[Role.TEAM_MANAGER]
    person = people_services.person_create(
        actor=manager,
        given_name=given,
        family_name=family,
        date_of_birth=dob,
        sex="F",
        ethnicity="BAFR",
        nhs_number=nhs_number,
        postcode="LS1 4AP",
    )
    registration_services.registration_start(
        actor=manager,
        person=person,
        start_date=registered_on or TODAY - timedelta(days=400),
        route="commissioner_referral",
        referred_by=commissioner,
        named_worker=worker or practice.workers[0],
    )
    case = None
    if service:
        case = case_services.case_open(
            actor=manager,
            person=person,
            service_type=service,
            commissioner=commissioner,
            opened_on=TODAY - timedelta(days=300),
            open_reason="Referred for statutory work",
            worker=worker or practice.workers[0],
        )
        practice.cases.append(case)
    practice.people.append(person)
    return person, case


@dataclass
class World:
    commissioner: Organisation
    other_commissioner: Organisation
    a: Practice
    b: Practice
    commissioner_users: dict[str, User]
    other_commissioner_users: dict[str, User]


@pytest.fixture
def world(db) -> World:
    commissioner = org_services.organisation_create(
        actor=None, name="Test Borough Council", kind="commissioner", commissioner_type="la", ons_code="E08000035"
    )
    other = org_services.organisation_create(
        actor=None, name="Other Borough Council", kind="commissioner", commissioner_type="la", ons_code="E09000007"
    )
    a = make_practice("Alpha Practice CIC", commissioner, "a")
    b = make_practice("Beta Practice CIC", other, "b")
    commissioner_users = {
        Role.COMMISSIONER_OFFICER: make_user(commissioner, Role.COMMISSIONER_OFFICER, "c-officer"),
        Role.EVALUATOR: make_user(commissioner, Role.EVALUATOR, "c-evaluator"),
    }
    other_users = {
        Role.COMMISSIONER_OFFICER: make_user(other, Role.COMMISSIONER_OFFICER, "d-officer"),
        Role.EVALUATOR: make_user(other, Role.EVALUATOR, "d-evaluator"),
    }
    add_person(a, commissioner, given="Amara", family="Okafor", nhs_number=NHS_NUMBERS[0])
    add_person(a, commissioner, given="Jonathan", family="Smith", dob=date(2012, 2, 3))
    add_person(b, other, given="Bethany", family="Whitaker", dob=date(2010, 9, 9), nhs_number=NHS_NUMBERS[1])
    return World(commissioner, other, a, b, commissioner_users, other_users)
