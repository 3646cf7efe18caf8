"""Every cell of the permission matrix, tried: each role signs in and uses each capability's page.

A cell that says "yes" must open the page (200); a blank cell must be refused (403, or 404 where
the records are outside the role's scope altogether, or the admin's sign-in redirect). The
matrix itself is ``access.CAPABILITIES``; ``docs/permissions.md`` must be its current print.
"""

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from casework.accounts.models import Role
from casework.core import access, permissions
from casework.looked_after import services as looked_after_services
from casework.organisations import services as org_services
from tests.conftest import make_user, make_worker


def _home_shows(marker):
    def probe(client, ids):
        response = client.get("/")
        return response.status_code == 200 and marker in response.content.decode()

    return probe


def _page(name, *params):
    def probe(client, ids):
        status = client.get(reverse(name, args=[ids[p] for p in params])).status_code
        assert status in (200, 302, 403, 404), f"{name} answered {status}"
        return status == 200

    return probe


def _every_team(client, ids):
    """The practice's caseloads: every team, not only the teams the user manages (a team manager
    opens the same page and sees their own teams only: that is caseload.team)."""
    response = client.get(reverse("caseload_overview"))
    return response.status_code == 200 and ids["other_team_name"] in response.content.decode()


def _admin(client, ids):
    return client.get("/admin/").status_code == 200


# capability -> how to try it: the page whose use is that capability
PROBES = {
    "person.view": _page("person_detail", "person"),
    "person.create": _page("person_create"),
    "person.update": _page("person_edit", "person"),
    "relationship.manage": _page("relationship_create", "person"),
    "household.manage": _page("household_create", "person"),
    "note.add": _page("case_note_add", "person"),
    "registration.manage": _page("registration_end", "registration"),
    "case.manage": _page("case_close", "case"),
    "allocation.manage": _page("case_allocate", "case"),
    "practice_list.view": _page("practice_list"),
    "caseload.own": _page("my_caseload"),
    "caseload.team": _page("team_caseload", "team"),
    "caseload.practice": _every_team,
    "workforce.view": _page("worker_detail", "worker"),
    "commissioning.aggregates": _home_shows("commissions</h1>"),
    "looked_after.record": _page("looked_after_child", "child"),
    "looked_after.return_check": _page("return_903_check"),
    "looked_after.return_download": _page("return_903_download"),
    "contract.manage": _page("contract_let"),
    "contract.view": _page("contract_list"),
    "admin.site": _admin,
    "person.restrict": _page("person_restriction", "person"),
    "audit.who_viewed": _page("person_who_viewed", "person"),
    "audit.log": _page("audit_log"),
}


def test_the_documented_matrix_is_the_codes_and_every_capability_is_described_and_tried():
    documented = (Path(settings.BASE_DIR) / "docs" / "permissions.md").read_text(encoding="utf-8")
    assert documented == permissions.matrix_markdown(), "run: python manage.py permission_matrix"
    assert set(permissions.DESCRIPTIONS) == set(access.CAPABILITIES)
    assert set(PROBES) == set(access.CAPABILITIES), "add a probe for each new capability above"


def _user_for(world, role):
    if role in world.a.users:
        return world.a.users[role]
    if role in world.commissioner_users:
        return world.commissioner_users[role]
    # a role the world fixture has no user for: one in the practice
    return make_user(world.a.org, role, f"matrix-{role}")


@pytest.mark.django_db
def test_every_cell_of_the_matrix_is_what_each_role_can_really_do(world, client):
    person = world.a.people[0]
    case = world.a.cases[0]
    child = looked_after_services.looked_after_child_create(
        actor=world.a.users[Role.TEAM_MANAGER], person=person, commissioner=world.commissioner, child_id="M0001"
    )
    other_team = org_services.team_create(
        actor=None, organisation=world.a.org, name="Leaving care", function="leaving_care"
    )
    make_worker(None, world.a.org, other_team)  # a team is listed by its workers
    ids = {
        "other_team_name": other_team.name,
        "person": person.pk,
        "case": case.pk,
        "registration": person.registrations.get().pk,
        "team": world.a.team.pk,
        "worker": world.a.workers[0].pk,
        "child": child.pk,
    }
    wrong = []
    for role in Role.values:
        client.force_login(_user_for(world, role))
        for capability, roles in access.CAPABILITIES.items():
            expected = role in roles
            if PROBES[capability](client, ids) != expected:
                wrong.append(f"{role} {'cannot' if expected else 'can'} use {capability}")
    assert not wrong, "\n".join(wrong)
