"""Simultaneous changes to one person's registrations, cases and allocations (issue 13, finding 4).

Each test starts several threads, each on its own database connection, against committed rows,
and lets them run one service at once through a barrier (or, for "both orders", holds the first
one's transaction open until the second is waiting on a lock). Exactly one change is made and
audited; every other request gets the service's plain-English refusal, never an IntegrityError
or a deadlock. PostgreSQL only: SQLite runs every transaction BEGIN IMMEDIATE, one writer at a
time, so nothing can interleave there (the services' re-checks after locking still run there).
"""

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casework.accounts.models import Role
from casework.audit.models import AuditEvent
from casework.cases import services as case_services
from casework.cases.models import Allocation, Case
from casework.core.codes import ServiceType, SocialWorkerChangeReason
from casework.people import services as people_services
from casework.people.models import Person
from casework.registration import services as registration_services
from casework.registration.models import Registration
from tests.conftest import TODAY

N = 6

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite runs one writer at a time"),
]


@pytest.fixture(scope="module")
def _audit_triggers_restored(django_db_blocker):
    """The append-only audit table refuses TRUNCATE, which ends every transactional test: the
    function fixture below turns user triggers off for that flush; this turns them back on
    after the module's last flush."""
    yield
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = origin")


@pytest.fixture(autouse=True)
def _flush_past_the_audit_triggers(_audit_triggers_restored):
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")


def race(*calls):
    """Run each ``(prepare, act)`` in its own thread: ``prepare()`` reads what the request would
    (on that thread's connection), then all meet at a barrier and ``act(prepared)`` runs at once.
    Returns each outcome: "done", ("refused", message) or ("failed", the exception's repr)."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(i, prepare, act):
        try:
            prepared = prepare()
            barrier.wait(timeout=60)
            act(prepared)
            outcomes[i] = "done"
        except ValidationError as refused:
            outcomes[i] = ("refused", " ".join(refused.messages))
        except Exception as failure:  # noqa: BLE001 (what went wrong is the test's finding)
            outcomes[i] = ("failed", repr(failure))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, *call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def post_at_once(user, url, data) -> list[tuple[int, str]]:
    """``N`` signed-in browsers of ``user`` post ``data`` to ``url`` at once; each answer's status and page."""
    clients = []
    for _ in range(N):
        client = Client()
        client.force_login(user)
        clients.append(client)
    answers = []

    def post(client):
        response = client.post(url, data)
        answers.append((response.status_code, response.content.decode()))

    outcomes = race(*[(lambda c=c: c, post) for c in clients])
    assert outcomes == ["done"] * N, outcomes
    return answers


def _waiting_on_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


def one_after_the_other(first, second):
    """``first`` runs and keeps its transaction (and its locks) open until ``second`` has started and
    is waiting on a lock (or has finished); then ``first`` commits. Returns both outcomes."""
    first_done, release = threading.Event(), threading.Event()

    def hold(prepared):
        with transaction.atomic():
            first[1](prepared)
            first_done.set()
            release.wait(timeout=60)

    def after_first(prepared):
        first_done.wait(timeout=60)
        second[1](prepared)

    outcomes = [None, None]
    runner = threading.Thread(
        target=lambda: outcomes.__setitem__(slice(None), race((first[0], hold), (second[0], after_first)))
    )
    runner.start()
    first_done.wait(timeout=60)
    for _ in range(1200):  # until the second request waits on the first's lock (or needed none)
        if _waiting_on_a_lock() or not runner.is_alive():
            break
        threading.Event().wait(0.05)
    release.set()
    runner.join()
    return outcomes


def refusals(outcomes) -> list[str]:
    assert all(o == "done" or o[0] == "refused" for o in outcomes), outcomes
    assert outcomes.count("done") == 1, outcomes
    return [o[1] for o in outcomes if o != "done"]


def audited(action: str, obj) -> int:
    return AuditEvent.objects.filter(action=action, object_type=obj._meta.label_lower, object_id=str(obj.pk)).count()


def _manager(world):
    return world.a.users[Role.TEAM_MANAGER]


def _registration(person) -> Registration:
    return Registration.objects.get(person=person, end_date__isnull=True)


def fetched(model, pk):
    """What a request reads before it acts: the row, on the request's own connection."""
    return lambda: model.objects.get(pk=pk)


def _end(world, registration_id):
    def act(registration):
        registration_services.registration_end(
            actor=_manager(world), registration=registration, end_date=TODAY, end_reason="moved_away"
        )

    return fetched(Registration, registration_id), act


def _transfer(world, registration_id):
    def act(registration):
        registration_services.registration_transfer(
            actor=_manager(world), registration=registration, to_practice=world.b.org, transfer_date=TODAY
        )

    return fetched(Registration, registration_id), act


def _consistent(person) -> None:
    """One current registration at most; a registration ended as transferred exactly when a
    transfer-in follows it; no open case or current allocation with a practice the person has left."""
    registrations = list(Registration.objects.filter(person=person))
    assert sum(r.end_date is None for r in registrations) <= 1
    for r in registrations:
        transferred_in = Registration.objects.filter(transferred_from=r).exists()
        assert transferred_in == (r.end_reason == Registration.EndReason.TRANSFERRED), (r.end_reason, transferred_in)
    current = {r.practice_id for r in registrations if r.end_date is None}
    assert not Case.objects.filter(person=person, closed_on__isnull=True).exclude(organisation_id__in=current).exists()
    assert not Allocation.objects.filter(case__person=person, end_date__isnull=True, case__closed_on__isnull=False)


@pytest.mark.parametrize(
    ("service", "done", "action"), [(_end, "ended", "end"), (_transfer, "transferred", "transfer")]
)
def test_six_ends_or_transfers_of_one_registration_make_one(world, service, done, action):
    person = world.a.people[1]
    registration = _registration(person)
    outcomes = race(*[service(world, registration.pk)] * N)
    for message in refusals(outcomes):
        assert f"This registration was {done} by" in message and "nothing was changed" in message, message
    assert audited(action, registration) == 1
    assert audited("end", registration) == 1
    assert Registration.objects.filter(person=person, route=Registration.Route.TRANSFER_IN).count() == (
        action == "transfer"
    )
    _consistent(person)


def test_ends_racing_transfers_leave_one_consistent_change(world):
    person = world.a.people[1]
    registration = _registration(person)
    outcomes = race(*[_end(world, registration.pk), _transfer(world, registration.pk)] * (N // 2))
    refusals(outcomes)
    assert audited("end", registration) == 1
    _consistent(person)


@pytest.mark.parametrize("first", ["end", "transfer"])
def test_end_and_transfer_in_either_order_the_second_is_refused(world, first):
    person = world.a.people[1]
    registration = _registration(person)
    end, transfer = _end(world, registration.pk), _transfer(world, registration.pk)
    outcomes = one_after_the_other(*((end, transfer) if first == "end" else (transfer, end)))
    assert outcomes[0] == "done", outcomes
    assert outcomes[1][0] == "refused", outcomes
    done = "ended" if first == "end" else "transferred"
    assert f"This registration was {done} by" in outcomes[1][1], outcomes
    assert audited("end", registration) == 1
    _consistent(person)


def _new_person(world, given="Priya") -> Person:
    return people_services.person_create(
        actor=_manager(world),
        given_name=given,
        family_name="Raman",
        date_of_birth=TODAY - timedelta(days=4000),
        sex="F",
        ethnicity="AIND",
        nhs_number="",
        postcode="LS1 4AP",
    )


def test_six_registrations_of_one_person_register_them_once(world):
    person = _new_person(world)

    prepare = fetched(Person, person.pk)

    def act(p):
        registration_services.registration_start(
            actor=_manager(world), person=p, start_date=TODAY, route="self_referral", named_worker=world.a.workers[0]
        )

    for message in refusals(race(*[(prepare, act)] * N)):
        assert "already has a current registration" in message, message
    assert (
        AuditEvent.objects.filter(action="create", object_type="registration.registration", person_id=person.pk).count()
        == 1
    )


def test_six_posts_of_the_registration_form_answer_one_redirect_and_five_form_errors(world):
    person = _new_person(world)
    data = {
        "start_date_0": TODAY.day,
        "start_date_1": TODAY.month,
        "start_date_2": TODAY.year,
        "route": "self_referral",
    }
    answers = post_at_once(_manager(world), reverse("person_register", args=[person.pk]), data)
    assert sorted(status for status, _ in answers) == [200] * (N - 1) + [302]
    for status, page in answers:
        if status == 200:
            assert "already has a current registration" in page
    assert Registration.objects.filter(person=person).count() == 1


def _case(world, person, service_type):
    return Case.objects.get(person=person, service_type=service_type, closed_on__isnull=True)


def test_six_case_openings_open_one_case(world):
    person = world.a.people[1]

    prepare = fetched(Person, person.pk)

    def act(p):
        case_services.case_open(
            actor=_manager(world),
            person=p,
            service_type=ServiceType.CHILD_IN_NEED,
            commissioner=world.commissioner,
            opened_on=TODAY,
            open_reason="Referred",
            worker=world.a.workers[1],
        )

    for message in refusals(race(*[(prepare, act)] * N)):
        assert "already has an open case of that type" in message, message
    case = _case(world, person, ServiceType.CHILD_IN_NEED)
    assert audited("create", case) == 1
    assert case.allocations.count() == 1


def test_six_closings_of_one_case_close_it_once(world):
    person = world.a.people[1]
    case = _case(world, person, ServiceType.LOOKED_AFTER_CHILD)
    allocation = case.allocations.get(end_date__isnull=True)

    prepare = fetched(Case, case.pk)

    def act(c):
        case_services.case_close(actor=_manager(world), case=c, closed_on=TODAY, close_reason="other")

    for message in refusals(race(*[(prepare, act)] * N)):
        assert "This case was closed by" in message and "nothing was changed" in message, message
    assert audited("end", case) == 1
    allocation.refresh_from_db()
    assert allocation.end_date == TODAY  # the allocation ended once, with the case
    _consistent(person)


def test_six_reallocations_of_one_case_allocate_once(world):
    person = world.a.people[1]
    case = _case(world, person, ServiceType.LOOKED_AFTER_CHILD)

    prepare = fetched(Case, case.pk)

    def act(c):
        case_services.allocation_change(
            actor=_manager(world),
            case=c,
            worker=world.a.workers[1],
            start_date=TODAY,
            change_reason=SocialWorkerChangeReason.MANAGE,
        )

    for message in refusals(race(*[(prepare, act)] * N)):
        assert "was allocated to this case by" in message and "nothing was changed" in message, message
    allocations = AuditEvent.objects.filter(action="allocate", object_type="cases.allocation", person_id=person.pk)
    assert allocations.count() == 2  # the first worker's (FCONTA, when the case opened), and this one
    assert case.allocations.filter(end_date__isnull=True).count() == 1


# Every service that changes registrations, cases or allocations (a function of these modules made
# atomic) must be listed here, with a call that succeeds or is refused only after it has locked.
NOT_ABOUT_REGISTRATIONS_CASES_OR_ALLOCATIONS = {"case_note_add", "case_note_edit"}


def _service_calls(world):
    manager, person = _manager(world), world.a.people[1]
    other = world.a.people[0]
    case = _case(world, person, ServiceType.LOOKED_AFTER_CHILD)
    household = people_services.household_create(
        actor=manager, name="The Raman family", members=[other], joined_on=TODAY
    )
    Registration.objects.filter(person=other).update(household=household)
    when = {"actor": manager}
    fresh, leaving = _new_person(world), _new_person_registered(world)
    return {
        "registration_start": lambda: registration_services.registration_start(
            **when, person=fresh, start_date=TODAY, route="self_referral"
        ),
        "household_register": lambda: registration_services.household_register(
            **when, household=household, start_date=TODAY, route="self_referral"
        ),
        "registration_name_worker": lambda: registration_services.registration_name_worker(
            **when, registration=_registration(person), named_worker=world.a.workers[1]
        ),
        "allocation_change": lambda: case_services.allocation_change(
            **when,
            case=case,
            worker=world.a.workers[1],
            start_date=TODAY,
            change_reason=SocialWorkerChangeReason.MANAGE,
        ),
        "case_open": lambda: case_services.case_open(
            **when,
            person=person,
            service_type=ServiceType.CHILD_IN_NEED,
            commissioner=world.commissioner,
            opened_on=TODAY,
            open_reason="Referred",
        ),
        "case_close_ending_care": lambda: case_services.case_close_ending_care(
            **when, case=case, closed_on=TODAY, close_reason="other", reason_ceased="E11"
        ),
        "case_close": lambda: case_services.case_close(**when, case=case, closed_on=TODAY, close_reason="other"),
        "registration_end": lambda: registration_services.registration_end(
            **when, registration=_registration(person), end_date=TODAY, end_reason="moved_away"
        ),
        "household_transfer": lambda: registration_services.household_transfer(
            **when, household=household, to_practice=world.b.org, transfer_date=TODAY
        ),
        "registration_transfer": lambda: registration_services.registration_transfer(
            **when,
            registration=_registration(leaving),
            to_practice=world.b.org,
            transfer_date=TODAY,
        ),
    }


def _new_person_registered(world) -> Person:
    person = _new_person(world, given="Anjali")
    registration_services.registration_start(
        actor=_manager(world), person=person, start_date=TODAY, route="self_referral"
    )
    return person


def test_every_service_that_changes_registrations_cases_or_allocations_locks_the_person_first(world):
    """The guard for the next service: its first lock is the person's row, taken before it writes
    anything (``concurrency.LOCK_ORDER``). A new atomic service in these modules fails this test
    until it is listed here with a call."""
    calls = _service_calls(world)
    services = {
        name
        for module in (registration_services, case_services)
        for name, function in vars(module).items()
        if callable(function) and hasattr(function, "__wrapped__") and function.__module__ == module.__name__
    }
    assert services - NOT_ABOUT_REGISTRATIONS_CASES_OR_ALLOCATIONS == set(calls)
    for name, call in calls.items():
        with CaptureQueriesContext(connection) as queries:
            try:
                call()
            except ValidationError:
                pass  # refused after locking: the locks are what is checked
        statements = [q["sql"] for q in queries.captured_queries]
        first_lock = next((i for i, sql in enumerate(statements) if sql.rstrip().endswith("FOR UPDATE")), None)
        assert first_lock is not None, f"{name} takes no lock"
        assert 'FROM "people_person"' in statements[first_lock], (name, statements[first_lock])
        writes = [sql for sql in statements[:first_lock] if sql.startswith(("INSERT", "UPDATE", "DELETE"))]
        assert not writes, (name, writes)


def test_recording_about_a_looked_after_child_locks_the_person_first(world):
    """Starting care (and every looked-after recording, one decorator) queues on the person's row
    before the child's, as closing the case does, so the two can never leave a child in care on a
    closed case."""
    from casework.looked_after import services as looked_after_services
    from tests.looked_after.builders import start_care

    manager = world.a.users[Role.TEAM_MANAGER]
    person = world.a.people[0]
    child = looked_after_services.looked_after_child_create(
        actor=manager, person=person, commissioner=world.commissioner, child_id="W0001"
    )
    with CaptureQueriesContext(connection) as queries:
        try:
            start_care(manager, child, world.a.cases[0].opened_on)
        except ValidationError:
            pass  # refused after locking: the locks are what is checked
    locks = [q["sql"] for q in queries.captured_queries if q["sql"].rstrip().endswith("FOR UPDATE")]
    assert locks, "care_start takes no lock"
    assert 'FROM "people_person"' in locks[0], locks[0]
    assert any('FROM "looked_after_lookedafterchild"' in sql for sql in locks[1:]), locks


def test_six_posts_of_the_add_a_person_form_record_them_once(world):
    """The same new person sent six times at once (a double click a slow network does not merge):
    one is recorded, the others get the duplicate warning naming them (found walking the demo)."""
    data = {
        "given_name": "Racer",
        "family_name": "Concurrent",
        "date_of_birth_0": "3",
        "date_of_birth_1": "4",
        "date_of_birth_2": "2015",
        "sex": "F",
        "ethnicity": "WBRI",
    }
    answers = post_at_once(_manager(world), reverse("person_create"), data)
    assert sorted(status for status, _ in answers) == [200] * (N - 1) + [302]
    for status, page in answers:
        if status == 200:
            assert "This person may already be recorded" in page
    assert Person.objects.filter(given_name="Racer", family_name="Concurrent").count() == 1
