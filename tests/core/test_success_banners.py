"""After every action that changes data, a GOV.UK success banner says what was done.

Two class checks cover every action: ``form_action`` (the one form page for a service call)
requires the banner's words, and every other view that calls a service itself (``run_service``)
must add a success message before it redirects. Then a few actions are done through the pages to
see the banner itself.
"""

import ast
import inspect
from datetime import date
from pathlib import Path

import pytest
from django.urls import reverse

from casework.accounts.models import Role
from casework.core.views import form_action

APPS = Path(__file__).resolve().parents[2] / "casework"


def test_form_action_requires_the_success_banner():
    parameter = inspect.signature(form_action).parameters.get("success")
    assert parameter is not None and parameter.default is inspect.Parameter.empty
    assert parameter.kind is inspect.Parameter.KEYWORD_ONLY


def _calls(node) -> set[str]:
    names = set()
    for call in ast.walk(node):
        if isinstance(call, ast.Call):
            f = call.func
            if isinstance(f, ast.Name):
                names.add(f.id)
            elif isinstance(f, ast.Attribute):
                names.add(f"{getattr(f.value, 'id', '')}.{f.attr}")
    return names


def test_every_view_that_calls_a_service_itself_adds_a_success_banner():
    missing = []
    for module in sorted(APPS.glob("*/views.py")) + sorted(APPS.glob("*/*/views.py")):
        tree = ast.parse(module.read_text())
        functions = {f.name: f for f in tree.body if isinstance(f, ast.FunctionDef)}
        # module helpers that add the banner (e.g. people.views._added)
        helpers = {name for name, f in functions.items() if "messages.success" in _calls(f)}
        for name, function in functions.items():
            calls = _calls(function)
            if "run_service" in calls and not calls & ({"messages.success"} | helpers):
                missing.append(f"{module.relative_to(APPS.parent)}: {name}")
    assert not missing, "views that change data with no success banner:\n" + "\n".join(missing)


def _banner(response) -> str:
    body = response.content.decode()
    assert "govuk-notification-banner--success" in body and 'role="alert"' in body
    start = body.index("govuk-notification-banner__heading")
    return body[body.index(">", start) + 1 : body.index("</h3>", start)]


@pytest.mark.django_db
def test_actions_done_through_the_pages_say_what_was_done(world, client):
    a = world.a
    client.force_login(a.users[Role.TEAM_MANAGER])
    person, case = a.people[0], a.cases[0]
    today = date.today()
    response = client.post(
        reverse("case_note_add", args=[person.pk]),
        {
            "note_type": "visit",
            "occurred_on_0": today.day,
            "occurred_on_1": today.month,
            "occurred_on_2": today.year,
            "summary": "Home visit",
            "text": "Seen at home",
        },
        follow=True,
    )
    assert _banner(response) == "Case note added"

    response = client.post(
        reverse("case_open", args=[a.people[1].pk]),
        {
            "service_type": "cin",
            "commissioner": world.commissioner.pk,
            "opened_on_0": today.day,
            "opened_on_1": today.month,
            "opened_on_2": today.year,
            "open_reason": "Referred",
        },
        follow=True,
    )
    assert response.redirect_chain, response.content.decode()[:3000]
    assert _banner(response).endswith("opened")

    worker = a.workers[1]
    response = client.post(
        reverse("case_allocate", args=[case.pk]),
        {
            "worker": worker.pk,
            "start_date_0": today.day,
            "start_date_1": today.month,
            "start_date_2": today.year,
            "change_reason": "MANAGE",
            "confirm_over_threshold": "on",
        },
        follow=True,
    )
    assert response.redirect_chain, response.content.decode()[:3000]
    assert _banner(response) == f"{worker} allocated from {today:%-d %B %Y}"
