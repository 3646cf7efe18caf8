"""Each role lands somewhere useful on "/": practitioners on their caseload, team and practice
managers on a manager's home (caseloads, overdue statutory work, unallocated cases, list size
against capacity), auditors on the audit log, evaluators on a page saying what they can do today."""

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse

from casework.accounts.models import Role
from casework.cases import services as case_services
from casework.core.codes import ServiceType
from casework.organisations import services as org_services
from casework.people import services as people_services
from tests.conftest import TODAY, add_person, make_user, make_worker
from tests.looked_after.builders import child_in_care

# in care since then with nothing recorded: review, visit and initial health assessment all overdue
START = TODAY - timedelta(days=200)


@pytest.fixture
def practice(world):
    """Practice A with a second team (one worker, one overdue child of its own) and one case that
    nobody holds, beside the fixture's team (three workers, Amara and Jonathan with the first)."""
    a = world.a
    other_team = org_services.team_create(actor=None, organisation=a.org, name="Leaving care", function="leaving_care")
    other_worker = make_worker(None, a.org, other_team)
    zed, _ = add_person(a, world.commissioner, given="Zed", family="Farteam", dob=date(2011, 4, 4), worker=other_worker)
    child_in_care(world, START, "H0001")  # Amara, on the first team's caseload
    child_in_care(world, START, "H0002", person=zed)
    nobody, _ = add_person(a, world.commissioner, given="Nadia", family="Unheld", dob=date(2013, 3, 3), service=None)
    unheld = case_services.case_open(
        actor=a.users[Role.TEAM_MANAGER],
        person=nobody,
        service_type=ServiceType.CHILD_IN_NEED,
        commissioner=world.commissioner,
        opened_on=TODAY - timedelta(days=3),
        open_reason="Referred: not yet allocated",
    )
    return {"other_team": other_team, "other_worker": other_worker, "unheld": unheld}


def _number(html: str, element_id: str) -> str:
    found = re.search(rf'id="{element_id}"[^>]*>\s*([^<]*?)\s*<', html)
    assert found, f"no #{element_id} on the page"
    return found.group(1)


@pytest.mark.django_db
def test_a_team_manager_lands_on_their_teams_home(world, client, practice):
    client.force_login(world.a.users[Role.TEAM_MANAGER])
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert world.a.team.name in html and "Leaving care" not in html
    # the team whole, as its totals, with a link to its own page listing every worker there
    team = world.a.team
    assert _number(html, f"team-{team.pk}-open") == "2"  # Amara and Jonathan
    assert _number(html, f"team-{team.pk}-see-all") == "See all 3 workers"
    assert f'href="{reverse("team_caseload", args=[team.pk])}"' in html
    assert f"team-{practice['other_team'].pk}-caseload" not in html
    assert str(practice["other_worker"]) not in html
    # Amara's review, visit and initial health assessment are overdue; Zed (other team) is not counted
    assert _number(html, "overdue-children") == "1"
    assert _number(html, "overdue-review") == "1"
    assert _number(html, "overdue-visit") == "1"
    assert _number(html, "overdue-health_assessment") == "1"
    assert reverse("team_caseload", args=[world.a.team.pk]) + "#team-due" in html
    # the case nobody holds, linked to where it is allocated
    assert _number(html, "unallocated-count") == "1"
    assert "UNHELD, Nadia" in html and reverse("case_allocate", args=[practice["unheld"].pk]) in html
    # the practice's list: Amara, Jonathan, Zed and Nadia, against a capacity of 100
    assert _number(html, "list-size") == "4"
    assert _number(html, "list-capacity") == "100"
    assert reverse("practice_list") in html


@pytest.mark.django_db
def test_a_practice_manager_lands_on_the_whole_practice(world, client, practice):
    client.force_login(world.a.users[Role.PRACTICE_MANAGER])
    html = client.get("/").content.decode()
    assert world.a.team.name in html and "Leaving care" in html
    assert _number(html, f"team-{practice['other_team'].pk}-open") == "1"  # Zed
    assert _number(html, f"team-{world.a.team.pk}-open") == "2"
    assert _number(html, "overdue-review") == "2"  # Amara and Zed
    assert reverse("team_caseload", args=[practice["other_team"].pk]) + "#team-due" in html
    assert _number(html, "unallocated-count") == "1"
    assert _number(html, "list-size") == "4"
    # nothing of the other practice
    assert "Whitaker" not in html.upper().title() and "WHITAKER" not in html


@pytest.mark.django_db
def test_a_team_manager_over_capacity_and_threshold_sees_it_flagged(world, client, practice):
    world.a.org.list_capacity = 3
    world.a.org.caseload_threshold_per_fte = 1
    world.a.org.save()
    first = world.a.workers[0]
    first.list_capacity = 1  # named worker for Amara, Jonathan and Nadia
    first.save()
    client.force_login(world.a.users[Role.TEAM_MANAGER])
    html = client.get("/").content.decode()
    assert "over capacity" in html.lower()
    # the team's row counts the worker over the threshold (two open cases of weight 1 on 1 FTE)
    row = re.search(rf'<tr[^>]*id="team-{world.a.team.pk}-caseload".*?</tr>', html, re.S).group(0)
    assert re.search(rf'id="team-{world.a.team.pk}-over"><strong class="govuk-tag govuk-tag--red">1<', row)


@pytest.mark.django_db
def test_a_restricted_childs_overdue_work_is_counted_but_nothing_of_them_shown(world, client, practice):
    a = world.a
    amara = a.people[0]
    people_services.person_restrict(
        actor=a.users[Role.PRACTICE_MANAGER], person=amara, reason="A relative of staff", named_users=[]
    )
    client.force_login(a.users[Role.TEAM_MANAGER])  # not named
    home = client.get("/").content.decode()
    assert _number(home, "overdue-review") == "1"  # a count says nothing about one person
    assert "Amara" not in home
    team = client.get(reverse("team_caseload", args=[a.team.pk])).content.decode()
    tray = re.search(r'<table class="govuk-table" id="team-due">.*?</table>', team, re.S).group(0)
    assert "OKAFOR, Amara" in tray and "Restricted record" in tray and "First review" not in tray


@pytest.mark.django_db
def test_managers_still_reach_their_own_caseload(world, client, practice):
    client.force_login(world.a.users[Role.TEAM_MANAGER])
    home = client.get("/").content.decode()
    assert reverse("my_caseload") in home
    mine = client.get(reverse("my_caseload"))
    assert mine.status_code == 200 and "My caseload" in mine.content.decode()


@pytest.mark.django_db
def test_a_practitioner_still_lands_on_their_caseload(world, client, practice):
    client.force_login(world.a.users[Role.PRACTITIONER])
    html = client.get("/").content.decode()
    assert "My caseload" in html and 'id="my-cases"' in html and "OKAFOR, Amara" in html
    assert 'id="unallocated-count"' not in html


@pytest.mark.django_db
def test_an_auditor_lands_on_the_audit_log(world, client):
    client.force_login(world.a.users[Role.AUDITOR])
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == reverse("audit_log")


@pytest.mark.django_db
def test_an_evaluator_is_told_what_they_can_do_today_and_sees_no_one(world, client, practice):
    client.force_login(world.commissioner_users[Role.EVALUATOR])
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "What you can do today" in html and "Coming next" in html
    assert "does not give access to people's records yet" not in html  # the old dead end
    for person in world.a.people + world.b.people:
        assert person.family_name.upper() not in html.upper()


@pytest.mark.django_db
def test_every_role_lands_on_a_page_or_is_sent_to_one(world, client):
    """No role's home is a 500 or a dead end: each answers a page of its own or a redirect to one."""
    seen = {}
    for role in Role.values:
        user = world.a.users.get(role) or world.commissioner_users.get(role)
        user = user or make_user(world.a.org, role, f"home-{role}")
        client.force_login(user)
        response = client.get("/")
        assert response.status_code in (200, 302), (role, response.status_code)
        if response.status_code == 302:
            assert client.get(response["Location"]).status_code == 200, role
            seen[role] = response["Location"]
        else:
            seen[role] = re.search(r"<h1[^>]*>(.*?)</h1>", response.content.decode(), re.S).group(1).strip()
    assert len(set(seen.values())) == len(seen), seen  # every role somewhere of its own


@pytest.mark.django_db
def test_the_managers_home_shows_every_team_whole_on_one_page(world, client, practice):
    """Thirty workers in one team and more in another: the home never pages its workers (a page of
    25 split a team across two pages); each team is one row of totals over all its workers, with a
    link to the team's own page, and a worker in no team (who has no team page) is listed."""
    a = world.a
    big = org_services.team_create(actor=None, organisation=a.org, name="Assessment", function="leaving_care")
    for _ in range(30):
        make_worker(None, a.org, big)
    loner = make_worker(None, a.org, None)
    client.force_login(a.users[Role.PRACTICE_MANAGER])
    html = client.get("/").content.decode()
    assert "page=2" not in html and "govuk-pagination" not in html
    for team, workers in ((big, 30), (a.team, 3), (practice["other_team"], 1)):
        assert _number(html, f"team-{team.pk}-see-all").startswith(f"See all {workers} worker"), team
    assert _number(html, f"worker-{loner.pk}-open") == "0"
    assert "Workers in no team" in html
    # a team manager's home: their team's totals over every worker, whatever its size
    client.force_login(a.users[Role.TEAM_MANAGER])
    assert _number(client.get("/").content.decode(), f"team-{a.team.pk}-see-all") == "See all 3 workers"
