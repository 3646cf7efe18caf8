"""Walk every URL pattern in the URLconf as every user of other organisations and roles.

Object ids in URLs are named <model>_id. Each is filled with a row owned by practice A; every
user outside A's scope must get 404 for GET and POST, so a new page is covered the day it is
added. An id name the walker does not know fails the test: teach it below.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from casework.accounts.models import Role
from casework.cases.models import CaseNote
from casework.people.models import Household
from casework.registration.models import Registration

# URL names that carry no personal data and need no object.
# (/readyz answers 503 where no job worker runs, as in tests: tests/core/test_readyz.py)
PUBLIC_OR_ACCOUNT = {"login", "logout", "healthz", "readyz"}
# Pages about something A shares with the authority that commissions it: that authority's
# commissioner officer is inside the scope there (every other outsider still gets 404).
SHARED_WITH_COMMISSIONER = {
    "contract_detail",
    "contract_report",
    "contract_payments",
    "contract_children",
    "contract_measures",
    # the commissioner's own pages for changing the contract (the practice gets 403 there)
    "contract_change",
    "contract_renew",
    "contract_measure_add",
    "contract_measure_change",
    "contract_measure_remove",
    "contract_year_recalculate",
    # the API's contract and its monitoring report
    "api_contract_detail",
    "api_contract_report",
}
# Who viewed one of A's people: A's auditor audits A's records (and sees nothing else of them);
# every other outsider still gets 404.
SHARED_WITH_PRACTICE_AUDITOR = {"person_who_viewed"}


def _walk(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            if str(p.pattern).startswith("admin/"):
                continue  # the admin is tested on its own below
            yield from _walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield p.name, prefix + str(p.pattern), list(p.pattern.converters.keys())


def _objects_of_a(world, client):
    a = world.a
    manager = a.users[Role.TEAM_MANAGER]
    person = a.people[0]
    from casework.cases import services as case_services

    note = case_services.case_note_add(
        actor=manager,
        person=person,
        note_type="visit",
        occurred_on=a.cases[0].opened_on,
        summary="Visit",
        text="Seen at home",
        case=a.cases[0],
    )
    from casework.people import services as people_services

    household = people_services.household_create(
        actor=manager, name="The Okafor family", members=[person], joined_on=a.cases[0].opened_on
    )
    from casework.looked_after import services as looked_after_services

    child = looked_after_services.looked_after_child_create(
        actor=manager, person=person, commissioner=world.commissioner, child_id="W0001"
    )
    from casework.contracts.models import Contract
    from casework.contracts.services import contract_measure_set

    contract = Contract.objects.get(practice=a.org, commissioner=world.commissioner)
    year = contract.years.order_by("-start_date").first()
    measure = contract_measure_set(actor=None, contract_year=year, indicator="dental_check", target=80)

    from casework.looked_after.export import COLUMNS
    from casework.looked_after.imports.batches import import_preview

    batch = import_preview(
        actor=world.a.users[Role.PRACTICE_MANAGER],
        commissioner=world.commissioner,
        years={2026: {f"{t.lower()}.csv": ",".join(COLUMNS[t]).encode() for t in ("Header", "Episodes")}},
    )

    from casework.jobs.services import job_start

    job = job_start(  # A's team manager's (a job is its requester's alone: the walk's insider)
        actor=world.a.users[Role.TEAM_MANAGER],
        kind="903_check",
        parameters={"commissioner_id": world.commissioner.pk, "year": 2026},
    )

    return {
        "job_id": job.pk,
        "import_batch_id": batch.pk,
        "contract_id": contract.pk,
        "contract_year_id": year.pk,
        "contract_measure_id": measure.pk,
        "looked_after_child_id": child.pk,
        "person_id": person.pk,
        "case_id": a.cases[0].pk,
        "allocation_id": a.cases[0].allocations.get().pk,
        "note_id": note.pk,
        "registration_id": Registration.objects.get(person=person, practice=a.org).pk,
        "household_id": household.pk,
        "worker_id": a.workers[0].pk,
        "team_id": a.team.pk,
    }


def _outsiders(world):
    users = list(world.b.users.values())
    users += list(world.commissioner_users.values()) + list(world.other_commissioner_users.values())
    # A's own roles that hold no person-level access must not see A's people either.
    users += [world.a.users[Role.AUDITOR], world.a.users[Role.SYSTEM_ADMINISTRATOR]]
    return users


def _fill(route: str, ids: dict) -> str:
    url = "/" + route
    for name, value in ids.items():
        url = url.replace(f"<int:{name}>", str(value))
    return url


@pytest.mark.django_db
def test_every_object_url_answers_404_to_everyone_outside_its_scope(world, client):
    ids = _objects_of_a(world, client)
    object_routes = []
    for name, route, params in _walk(get_resolver().url_patterns):
        if name in PUBLIC_OR_ACCOUNT or not params:
            continue
        unknown = [p for p in params if p not in ids]
        assert not unknown, f"{name} uses {unknown}: add an object for it to tests/test_access_walk.py"
        object_routes.append((name, _fill(route, ids)))
    shared_with = world.commissioner_users[Role.COMMISSIONER_OFFICER]
    assert len(object_routes) >= 15  # the walk really found the app's object pages

    leaks = []
    for user in _outsiders(world):
        client.force_login(user)
        for name, url in object_routes:
            if name in SHARED_WITH_COMMISSIONER and user == shared_with:
                continue
            if name in SHARED_WITH_PRACTICE_AUDITOR and user == world.a.users[Role.AUDITOR]:
                assert client.get(url).status_code == 200, name
                continue
            for method in ("get", "post"):
                response = getattr(client, method)(url)
                if response.status_code != 404:
                    leaks.append(f"{user.username} ({user.role}) {method.upper()} {url} -> {response.status_code}")
    assert not leaks, "\n".join(leaks)

    # The same URLs answer A's own practitioner: the walk is not passing because nothing exists.
    client.force_login(world.a.users[Role.TEAM_MANAGER])
    for name, url in object_routes:
        assert client.get(url).status_code in (200, 403), name


@pytest.mark.django_db
def test_list_pages_never_show_another_practices_people(world, client):
    # The search box echoes the search term, so look for what a result would show: the link
    # to the record and the given name (never part of the query).
    a_marks = [m for p in world.a.people for m in (f'href="/people/{p.pk}/"', p.given_name)]
    list_urls = ["/", "/people/?name=Okafor", "/people/?name=Smith", "/practice/list/", "/caseloads/"]
    for _, route, params in _walk(get_resolver().url_patterns):
        if (
            not params
            and "/" + route not in list_urls
            # (the demo's one-click sign-in is a 404 with its setting off, as here)
            and route not in ("accounts/login/", "accounts/logout/", "accounts/demo-sign-in/", "healthz", "readyz", "")
        ):
            list_urls.append("/" + route)
    for user in _outsiders(world):
        client.force_login(user)
        for url in list_urls:
            response = client.get(url, follow=False)
            assert response.status_code in (200, 302, 403), f"{user.username} {url} -> {response.status_code}"
            body = response.content.decode()
            for mark in a_marks:
                assert mark not in body, f"{user.username} saw {mark} at {url}"


@pytest.mark.django_db
def test_admin_is_for_system_administrators_only(world, client):
    for role, user in world.a.users.items():
        client.force_login(user)
        response = client.get("/admin/")
        if role == Role.SYSTEM_ADMINISTRATOR:
            assert response.status_code == 200
            assert client.get("/admin/people/").status_code == 404  # no person records in the admin
        else:
            assert response.status_code == 302 and "/admin/login/" in response["Location"]


@pytest.mark.django_db
def test_notes_and_households_of_a_are_not_in_b_scope(world):
    from casework.core import access

    b_manager = world.b.users[Role.PRACTICE_MANAGER]
    assert not access.scoped(b_manager, CaseNote).filter(organisation=world.a.org).exists()
    assert not access.scoped(b_manager, Household).filter(organisation=world.a.org).exists()


GARBAGE = [
    {},
    {
        "name": "x" * 500,
        "given_name": "",
        "family_name": "<script>",
        "date_of_birth_0": "31",
        "date_of_birth_1": "2",
        "date_of_birth_2": "2020",
        "nhs_number": "123",
        "postcode": "NOT A POSTCODE",
        "sex": "Z",
        "ethnicity": "XXXX",
    },
    {
        "start_date_0": "1",
        "start_date_1": "1",
        "start_date_2": "3000",
        "route": "transfer_in",
        "named_worker": "999999",
        "referred_by": "abc",
        "end_date_0": "x",
        "end_reason": "transferred",
        "to_practice": "-1",
        "transfer_date_0": "0",
        "worker": "0",
        "change_reason": "FCONTA",
        "closed_on_0": "29",
        "closed_on_1": "2",
        "closed_on_2": "2023",
        "close_reason": "nope",
        "note_type": "visit",
        "occurred_on_0": "1",
        "occurred_on_1": "13",
        "occurred_on_2": "2024",
        "summary": "",
        "text": "",
        "related_person": "-5",
        "relationship_type": "parent",
        "members": ["a", "b"],
        "service_type": "lac",
        "commissioner": "1",
    },
]


@pytest.mark.django_db
def test_no_page_answers_500_to_bad_input_from_its_own_users(world, client):
    """Bad input is a message on the page, never a server error (the test client re-raises any)."""
    ids = _objects_of_a(world, client)
    routes = [
        _fill(route, ids) for name, route, params in _walk(get_resolver().url_patterns) if name not in PUBLIC_OR_ACCOUNT
    ]
    for role in (Role.PRACTITIONER, Role.TEAM_MANAGER, Role.PRACTICE_MANAGER):
        client.force_login(world.a.users[role])
        for url in routes:
            for data in GARBAGE:
                assert client.post(url, data).status_code < 500, url
            assert (
                client.get(
                    url, {"page": "zz", "sort": "'; drop", "name": "%", "date_of_birth_0": "x", "nhs_number": "12"}
                ).status_code
                < 500
            ), url


# The practice a person has left (issue 13, finding 1) ------------------------------------------

# Ids that name a person or a row about one: filled with B's rows about her, then A's.
ABOUT_A_PERSON = (
    "person_id",
    "case_id",
    "allocation_id",
    "note_id",
    "registration_id",
    "household_id",
    "looked_after_child_id",
)
# Ids that name no one's record: pages with only these are not about her.
ABOUT_NO_PERSON = {
    "worker_id",
    "team_id",
    "contract_id",
    "contract_year_id",
    "contract_measure_id",
    "import_batch_id",
    "job_id",  # a background job: its requester's alone
}
# Read-only pages the practice she left still opens on its own records (200 to a role with the
# capability, 403 to one without), showing none of her current details; everything else is 404.
READ_ONLY_PAGES = {
    "person_detail",  # with the chronology and B's own earlier records
    "person_who_viewed",
    "person_restriction",
    "case_detail",
    "household_detail",
    "looked_after_child",
    "api_person_detail",
    "api_registration_detail",
    "api_case_detail",
    "api_allocation_detail",
    "api_case_note_detail",
    "api_looked_after_child_detail",
    "api_episode_list",
}


def _about_person_routes():
    routes = []
    for name, route, params in _walk(get_resolver().url_patterns):
        if name in PUBLIC_OR_ACCOUNT or not params:
            continue
        unknown = [p for p in params if p not in ABOUT_A_PERSON and p not in ABOUT_NO_PERSON]
        assert not unknown, f"{name} uses {unknown}: say in tests/test_access_walk.py whether it is about a person"
        if all(p in ABOUT_A_PERSON for p in params):
            routes.append((name, route))
    return routes


@pytest.mark.django_db
def test_the_practice_a_person_has_left_changes_nothing_of_their_record(world, client):
    from tests.left_practice import A_DETAILS, build_left_practice, record_state

    left = build_left_practice(world)
    before = record_state(left.person)
    routes = _about_person_routes()
    assert {"person_edit", "relationship_create", "household_member_add", "case_note_edit"} <= {n for n, _ in routes}
    leaks = []
    for user in (world.b.users[r] for r in (Role.PRACTITIONER, Role.TEAM_MANAGER, Role.PRACTICE_MANAGER)):
        client.force_login(user)
        for objects in (left.b_objects, left.a_objects):
            for name, route in routes:
                url = _fill(route, objects)
                response = client.get(url)
                body = response.content.decode()
                # (a page about her alone is the same URL with A's ids or B's)
                b_record = url == _fill(route, left.b_objects)
                if name in READ_ONLY_PAGES and b_record and response.status_code in (200, 403):
                    shown = [v for v in A_DETAILS.values() if v in body]
                    if shown:
                        leaks.append(f"{user.username} GET {url} shows {shown}")
                elif response.status_code != 404:
                    leaks.append(f"{user.username} GET {url} -> {response.status_code}")
                response = client.post(url, GARBAGE[2])
                if response.status_code not in (404, 405) and not (
                    name in READ_ONLY_PAGES and response.status_code == 403
                ):
                    leaks.append(f"{user.username} POST {url} -> {response.status_code}")
    assert not leaks, f"{len(leaks)} leaks:\n" + "\n".join(leaks)
    assert record_state(left.person) == before

    # The read-only pages really are read: B's own person page opens, and A's own pages answer A.
    client.force_login(world.b.users[Role.TEAM_MANAGER])
    page = client.get(f"/people/{left.person.pk}/")
    assert page.status_code == 200 and "Visit at B" in page.content.decode()
    client.force_login(world.a.users[Role.TEAM_MANAGER])
    for name, route in routes:
        assert client.get(_fill(route, left.a_objects)).status_code in (200, 403), name


@pytest.mark.django_db
def test_the_practice_a_person_has_left_sees_none_of_their_current_details_on_any_list(world, client):
    """Search results, duplicate warnings and every page without an id in its URL show the
    practice she left nothing of what the practice that holds her now recorded (her address,
    NHS number, pupil number), and a search by her current numbers does not find her."""
    from tests.left_practice import A_DETAILS, build_left_practice

    left = build_left_practice(world)
    name = left.person.family_name
    list_urls = [f"/people/?name={name}", f"/people/?name={left.person.given_name}+{name}"]
    for _, route, params in _walk(get_resolver().url_patterns):
        if not params and route not in ("accounts/logout/", "accounts/demo-sign-in/"):
            list_urls.append("/" + route)
    leaks = []
    for user in (world.b.users[r] for r in (Role.PRACTITIONER, Role.TEAM_MANAGER, Role.PRACTICE_MANAGER)):
        client.force_login(user)
        for url in list_urls:
            body = client.get(url).content.decode()
            shown = [v for v in A_DETAILS.values() if v in body]
            if shown:
                leaks.append(f"{user.username} GET {url} shows {shown}")
        # adding someone of her name and birth date: the duplicate warning names her, no more
        body = client.post(
            "/people/new/",
            {
                "given_name": left.person.given_name,
                "family_name": name,
                "date_of_birth_0": str(left.person.date_of_birth.day),
                "date_of_birth_1": str(left.person.date_of_birth.month),
                "date_of_birth_2": str(left.person.date_of_birth.year),
                "sex": left.person.sex,
                "ethnicity": left.person.ethnicity,
            },
        ).content.decode()
        shown = [v for v in A_DETAILS.values() if v in body]
        if shown:
            leaks.append(f"{user.username} POST /people/new/ shows {shown}")
        found = client.get(f"/people/?name={name}").content.decode()
        assert f'href="/people/{left.person.pk}/"' in found and "With another practice now" in found
        # (the search box shows the number typed, so look for her, not for the number)
        for number in ("nhs_number", "upn"):
            found = client.get(f"/people/?{number}={A_DETAILS[number]}").content.decode()
            assert f'href="/people/{left.person.pk}/"' not in found, f"found by her current {number}"
    assert not leaks, "\n".join(leaks)
