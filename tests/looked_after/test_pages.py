"""Looked-after children's pages: recording through the forms, due dates, the manager's return
check and the commissioner's download, each with who may and may not see it."""

import io
import re
import zipfile
from datetime import date, timedelta

import pytest
from django.urls import reverse

from casework.accounts.models import Role
from casework.audit.models import AuditEvent
from casework.looked_after import codes, services
from casework.looked_after.models import Episode, LookedAfterChild
from tests.conftest import TODAY, add_person
from tests.jobs.running import start_and_run
from tests.looked_after.builders import child_in_care

START = TODAY - timedelta(days=200)


def _date(prefix: str, day: date) -> dict:
    return {f"{prefix}_0": str(day.day), f"{prefix}_1": str(day.month), f"{prefix}_2": str(day.year)}


@pytest.fixture
def child(world):
    return child_in_care(world, START)


def test_a_change_of_placement_on_the_form_ends_the_episode_and_starts_the_next(world, client, child):
    client.force_login(world.a.users[Role.PRACTITIONER])
    url = reverse("looked_after_change", args=[child.pk])
    changed_on = START + timedelta(days=40)
    response = client.post(
        url,
        {
            **_date("change_date", changed_on),
            "legal_status": "C1",
            "same_carers": "no",
            "placement_type": "K2",
            "placement_provider": "PR4",
            "placement_postcode": "LS1 4AP",
            "urn": "SC654321",
            "intended_until_18": "no",
            "reason_place_change": "CHILD",
        },
    )
    assert response.status_code == 302
    episodes = list(Episode.objects.filter(child=child).order_by("start_date"))
    assert [(e.reason_new_episode, e.end_date, e.reason_ceased, e.reason_place_change) for e in episodes] == [
        ("S", changed_on, "X1", "CHILD"),
        ("P", None, "", ""),
    ]
    page = client.get(reverse("looked_after_child", args=[child.pk])).content.decode()
    assert "K2: Children&#x27;s home" in page and "Period of care from" in page


def test_a_refusal_shows_the_error_summary_and_records_nothing(world, client, child):
    client.force_login(world.a.users[Role.PRACTITIONER])
    response = client.post(
        reverse("looked_after_change", args=[child.pk]),
        {
            **_date("change_date", START + timedelta(days=40)),
            "legal_status": "C1",
            "same_carers": "no",
            "placement_type": "U6",
            "placement_provider": "PR1",
            "placement_postcode": "LS6 2AA",
            "urn": "",  # a foster placement needs its URN
            "intended_until_18": "no",
            "reason_place_change": "CARPL",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in body and "Enter the Ofsted URN" in body
    assert Episode.objects.filter(child=child).count() == 1


def test_a_review_with_the_wrong_participation_code_for_the_age_is_refused_on_the_form(world, client, child):
    client.force_login(world.a.users[Role.PRACTITIONER])
    response = client.post(
        reverse("looked_after_review", args=[child.pk]),
        {**_date("review_date", START + timedelta(days=10)), "participation": "PN0"},
    )
    assert "PN0 is only for children under 4" in response.content.decode()
    assert not child.reviews.exists()


def test_the_childs_page_and_my_caseload_show_the_first_review_due(world, client, child):
    from casework.looked_after import timescales

    due = timescales.add_working_days(START, 20)
    client.force_login(world.a.users[Role.PRACTITIONER])  # the allocated worker on Amara's case
    page = client.get(reverse("looked_after_child", args=[child.pk])).content.decode()
    assert f"First review: <strong>{due:%-d %B %Y}</strong>" in page
    home = client.get("/").content.decode()
    assert 'id="my-due"' in home and "First review" in home and "Overdue" in home
    team = client.get(reverse("team_caseload", args=[world.a.team.pk]))
    assert team.status_code == 403  # a practitioner has no team view
    client.force_login(world.a.users[Role.TEAM_MANAGER])
    team = client.get(reverse("team_caseload", args=[world.a.team.pk])).content.decode()
    assert 'id="team-due"' in team and "T0001" in team


def test_the_commissioner_downloads_only_their_own_children_and_the_download_is_audited(world, client, child):
    other_person, _ = add_person(world.b, world.other_commissioner, given="Test", family="Other", dob=date(2012, 1, 1))
    other = LookedAfterChild.objects.create(
        organisation=world.b.org, person=other_person, commissioner=world.other_commissioner, child_id="X9999"
    )
    assert other.pk
    officer = world.commissioner_users[Role.COMMISSIONER_OFFICER]
    client.force_login(officer)
    year = 2027 if TODAY >= date(2026, 4, 1) else 2026
    job, page = start_and_run(client, reverse("return_903_download"), {"year": str(year)})
    assert job.status == "done" and f'href="/jobs/{job.pk}/file/"' in page.content.decode()
    # the year as the form offered it (2026 is "2025/26"), never the year's number
    assert f"The {codes.year_label(year)} return is ready" in page.content.decode()
    assert not AuditEvent.objects.filter(action="export", object_type="ssda903").exists()  # not taken yet
    response = client.get(f"/jobs/{job.pk}/file/")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    header = archive.read("header.csv").decode()
    assert "T0001" in header and "X9999" not in header
    assert header.splitlines()[0] == "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB"
    assert AuditEvent.objects.filter(actor_id=officer.pk, action="export", object_type="ssda903").exists()
    # practice staff cannot download an authority's return
    client.force_login(world.a.users[Role.PRACTICE_MANAGER])
    assert client.post(reverse("return_903_download"), {"year": str(year)}).status_code == 403
    assert client.get(f"/jobs/{job.pk}/file/").status_code == 404  # nor take the officer's


def test_the_managers_return_check_lists_each_dfe_error_linked_to_the_record(world, client, child):
    # A review recorded straight into the table with a code the service would refuse (PN0 at 10)
    from casework.looked_after.models import Review

    Review.objects.create(
        organisation=child.organisation, child=child, review_date=START + timedelta(days=15), participation="PN0"
    )
    client.force_login(world.a.users[Role.PRACTICE_MANAGER])
    year = 2027 if TODAY >= date(2026, 4, 1) else 2026
    job, response = start_and_run(
        client, reverse("return_903_check"), {"commissioner": world.commissioner.pk, "year": str(year)}
    )
    body = response.content.decode()
    assert response.status_code == 200 and job.status == "done"
    link = reverse("looked_after_child", args=[child.pk]) + "#reviews"
    assert "Child T0001" in body and link in body
    # the year as the form offered it, and the checks in words, never the DfE's table codes
    checked = re.search(r'<p class="govuk-body" id="checked">(.*?)</p>', body, flags=re.S)[1]
    assert checked.startswith(f"The {codes.year_label(year)} return for Test Borough Council: ")
    assert re.search(r"\d+ of the DfE's \d+ checks ran over 1 child's records\.", checked), checked
    assert not re.search(r"\b(Header|Episodes|AD1|rules)\b", checked), checked
    client.force_login(world.a.users[Role.PRACTITIONER])
    assert client.get(reverse("return_903_check")).status_code == 403


def _children_in_care(world, count: int, first: int):
    manager = world.a.users[Role.TEAM_MANAGER]
    for n in range(first, first + count):
        person, _ = add_person(world.a, world.commissioner, given="Test", family=f"Pin{n}", dob=date(2012, 1, 1))
        record = services.looked_after_child_create(
            actor=manager, person=person, commissioner=world.commissioner, child_id=f"Q{n:04d}"
        )
        services.care_start(
            actor=manager,
            child=record,
            start_date=START,
            legal_status="C1",
            category_of_need="N1",
            placement_type="U6",
            placement_provider="PR1",
            placement_postcode="LS6 2AA",
            urn="SC123456",
            home_postcode="LS2 7UE",
            is_mother=False,
        )
        services.review_record(actor=manager, child=record, review_date=START + timedelta(days=10), participation="PN1")


def test_the_work_trays_take_the_same_number_of_queries_for_2_or_12_children(world, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    team_url = reverse("team_caseload", args=[world.a.team.pk])
    counts = []
    for added, first in ((2, 0), (10, 2)):
        _children_in_care(world, added, first)
        client.force_login(world.a.users[Role.PRACTITIONER])  # the allocated worker
        with CaptureQueriesContext(connection) as home:
            mine = client.get("/").content.decode()
        client.force_login(world.a.users[Role.TEAM_MANAGER])
        with CaptureQueriesContext(connection) as team:
            body = client.get(team_url).content.decode()
        counts.append((len(home.captured_queries), len(team.captured_queries)))
        # every child is in both trays
        assert mine.count("Second review") == body.count("Second review") == first + added
    assert counts[0] == counts[1], counts


def test_the_practitioner_sees_the_childs_outcome_status_for_the_contract_year(world, client, child):
    from decimal import Decimal

    from casework.contracts import services as contract_services
    from casework.contracts.models import ContractYear

    year = ContractYear.objects.get(contract__practice=world.a.org, start_date__lte=TODAY, end_date__gte=TODAY)
    contract_services.contract_measure_set(
        actor=world.commissioner_users[Role.COMMISSIONER_OFFICER],
        contract_year=year,
        indicator="health_assessment",
        target=Decimal("90"),
    )
    client.force_login(world.a.users[Role.PRACTITIONER])
    body = client.get(reverse("looked_after_child", args=[child.pk])).content.decode()
    assert 'id="outcomes"' in body, [line for line in body.splitlines() if "h2" in line]
    section = body.split('id="outcomes"')[1].split("</ul>")[0]
    # in care for 200 days: the annual health assessment measure is not yet due for her
    assert "Annual health assessment" in section and "Not yet due" in section
