"""The person's page reads each of the person's tables once (issue 14): the chronology is made from
the registrations, cases, allocations, notes and looked-after records the page reads to show them,
the "missing now" banner from the missing episodes the chronology reads, and whether the page may
offer changes from the person's own row. The page shows the same as before."""

import re
from collections import Counter
from datetime import date, timedelta

import pytest
from django.db import connection
from django.template.defaultfilters import date as date_filter
from django.test.utils import CaptureQueriesContext

from casework.accounts.models import Role
from casework.cases import selectors as case_selectors
from casework.cases import services as case_services
from casework.cases.models import Allocation, Case, CaseNote
from casework.core import access, chronology
from casework.looked_after import services as looked_after_services
from casework.looked_after.models import LookedAfterChild
from casework.people import selectors as people_selectors
from casework.registration import services as registration_services
from casework.registration.models import Registration
from tests.conftest import TODAY
from tests.looked_after.builders import child_in_care

START = TODAY - timedelta(days=200)

PERSONS_TABLES = (
    "people_person",
    "registration_registration",
    "cases_case",
    "cases_allocation",
    "cases_casenote",
    "looked_after_lookedafterchild",
    "looked_after_missingepisode",
    "looked_after_episode",
    "people_householdmembership",
)


def _tables_read(captured) -> Counter:
    """How many queries read each table as their main table (the table of the first column selected)."""
    read = Counter()
    for query in captured:
        if found := re.match(r'SELECT "(\w+)"\.', query["sql"]):
            read[found.group(1)] += 1
    return read


@pytest.fixture
def missing_child(world):
    """Amara, looked after from START and missing now; with a case note."""
    child = child_in_care(world, START)
    practitioner = world.a.users[Role.PRACTITIONER]
    looked_after_services.missing_record(
        actor=practitioner, child=child, kind="M", start_date=TODAY - timedelta(days=2), end_date=None
    )
    case_services.case_note_add(
        actor=practitioner,
        person=child.person,
        case=world.a.cases[0],
        note_type="visit",
        occurred_on=TODAY - timedelta(days=3),
        summary="Home visit",
        text="Seen at home",
    )
    return child


@pytest.mark.django_db
def test_the_person_page_reads_each_of_the_persons_tables_once(world, client, missing_child):
    client.force_login(world.a.users[Role.PRACTITIONER])
    with CaptureQueriesContext(connection) as ctx:
        page = client.get(f"/people/{missing_child.person_id}/").content.decode()
    read = _tables_read(ctx.captured_queries)
    assert {table: read[table] for table in PERSONS_TABLES} == dict.fromkeys(PERSONS_TABLES, 1)
    # and the page still shows what those rows say
    assert 'id="missing-now"' in page and "Missing now" in page
    chronology_part = page.split('id="chronology"')[1].split("Case notes")[0]
    for words in ("Started to be looked after", "Went missing", "Visit: Home visit", "case opened", "Registered with"):
        assert words in chronology_part, words


@pytest.mark.django_db
def test_the_pages_chronology_is_the_chronology_read_on_its_own(world, missing_child):
    actor = world.a.users[Role.PRACTITIONER]
    person = people_selectors.person_page_get(actor=actor, person_id=missing_child.person_id)
    records = case_selectors.person_page_records(actor=actor, person=person)
    assert records.chronology == chronology.for_person(actor=actor, person=person)
    assert [m.start_date for m in records.missing_now] == [TODAY - timedelta(days=2)]
    assert [r.pk for r in records.looked_after_records] == [missing_child.pk]


@pytest.mark.django_db
def test_the_chronology_reads_again_no_rows_it_is_given(world, missing_child):
    actor = world.a.users[Role.PRACTITIONER]
    person = people_selectors.person_page_get(actor=actor, person_id=missing_child.person_id)
    read = {
        Registration: list(
            access.scoped(actor, Registration).filter(person=person).select_related("practice", "named_worker")
        ),
        Case: list(access.scoped(actor, Case).filter(person=person)),
        Allocation: list(access.scoped(actor, Allocation).filter(case__person=person).select_related("worker")),
        CaseNote: list(access.scoped(actor, CaseNote).filter(person=person)),
        LookedAfterChild: [],  # as if none: the looked-after kinds then read nothing
    }
    with CaptureQueriesContext(connection) as ctx:
        entries = chronology.for_person(actor=actor, person=person, read=read)
    assert ctx.captured_queries == []
    assert {e.kind for e in entries} == {"registration", "case", "allocation", "note"}


def test_an_entrys_day_is_written_as_the_date_filter_writes_it():
    for month in range(1, 13):
        for day in (date(2025, month, 1), date(2026, month, 28)):
            assert chronology.Entry(day, "note", "A note").day == date_filter(day, "j M Y")


@pytest.mark.django_db
def test_whether_the_page_offers_changes_is_access_may_change(world):
    """A person another practice holds now is not changeable by the practice they left."""
    a_manager = world.a.users[Role.TEAM_MANAGER]
    moved, stayed = world.a.people[1], world.a.people[0]
    registration = Registration.objects.get(person=moved, practice=world.a.org, end_date=None)
    registration_services.registration_transfer(
        actor=a_manager, registration=registration, to_practice=world.b.org, transfer_date=TODAY - timedelta(days=5)
    )
    for person, changeable in ((moved, False), (stayed, True)):
        opened = people_selectors.person_page_get(actor=a_manager, person_id=person.pk)
        assert people_selectors.person_page_may_change(person=opened) is changeable
        assert access.may_change(a_manager, opened) is changeable
