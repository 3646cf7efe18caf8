"""Every page's <title> is short plain text (issue 13, "also seen").

The contract page once rendered its whole change history (a heading and a table) inside its
<title>, because a template's ``{% block title %}`` was never closed where it should have been.
A browser tab, a screen reader's page announcement and the browser history all read the title, so
it must be a few plain words. This walks every page of the URLconf (as each kind of user, the error
pages they meet included) and reads each HTML answer's title, so a new page is covered the day its
URL is added.
"""

import html
import re

import pytest
from django.urls import get_resolver

from casework.accounts.models import Role
from tests.test_access_walk import PUBLIC_OR_ACCOUNT, _fill, _objects_of_a, _walk

MAX_TITLE = 150
TITLE = re.compile(r"<title>(.*?)</title>", re.S)


def title_problem(body: str) -> str | None:
    """What is wrong with the page's title, or None: one title, no markup, one line, short."""
    titles = TITLE.findall(body)
    if len(titles) != 1:
        return f"{len(titles)} <title> elements"
    raw = titles[0]
    text = html.unescape(raw).strip()
    if "<" in raw or ">" in raw:
        return f"markup in the title: {raw[:120]!r}"
    if "\n" in text or "  " in text:
        return f"more than one line or a run of spaces: {text[:120]!r}"
    if not text or len(text) > MAX_TITLE:
        return f"{len(text)} characters: {text[:120]!r}"
    return None


def test_the_check_sees_a_table_in_a_title():
    assert title_problem("<title>ABC – Casework</title>") is None
    assert title_problem("<title>ABC<h2>Change history</h2>\n<table></table> – Casework</title>")
    assert title_problem("<title>" + "x" * 200 + "</title>")


@pytest.mark.django_db
def test_every_page_title_is_short_plain_text(world, client):
    ids = _objects_of_a(world, client)
    users = [world.a.users[r] for r in (Role.PRACTICE_MANAGER, Role.TEAM_MANAGER, Role.AUDITOR)]
    users += [world.commissioner_users[Role.COMMISSIONER_OFFICER], world.commissioner_users[Role.EVALUATOR]]
    pages = {name: _fill(route, ids) for name, route, _ in _walk(get_resolver().url_patterns) if "api/" not in route}
    assert {"contract_detail", "person_detail", "contract_renew"} <= set(pages)
    urls = list(pages.values())
    problems, read = [], 0

    def check(url: str, who: str) -> None:
        nonlocal read
        response = client.get(url)
        # a redirect or a refused method has no page to title
        if "text/html" in response.get("Content-Type", "") and response.content.strip():
            read += 1
            problem = title_problem(response.content.decode())
            if problem:
                problems.append(f"{url} as {who} ({response.status_code}): {problem}")

    for user in users:
        client.force_login(user)
        for url in urls:
            check(url, user.role)
    client.logout()
    for name, route, _ in _walk(get_resolver().url_patterns):
        if name in PUBLIC_OR_ACCOUNT and "<" not in route:
            check("/" + route, "signed out")
    assert read > 100  # the walk really read pages
    assert not problems, "\n".join(problems)
