"""Each role signs in and lands somewhere useful, in Debian's Chromium against the demo server
(300 synthetic people in two practices): the practitioner on their caseload, the team manager on
their team and the practice manager on the practice (caseloads, overdue statutory work, cases
with no worker, the list against capacity), the commissioner officer on the practices they
commission, the auditor on the audit log, the evaluator on what they can do today. Screenshots of
each landing page are kept in test-artifacts/home-<role>.png.
"""

import re

import pytest


@pytest.mark.parametrize(
    "username, lands_on, shows",
    [
        ("p1.practitioner", "/", "#my-cases"),
        ("p1.teammanager", "/", "#overdue-by-team"),
        ("p1.manager", "/", "#unallocated"),
        ("leeds.officer", "/", "#commissioned-practices"),
        ("auditor", "/audit/log/", "h1"),
        ("evaluator", "/", "#outcome-measures"),
    ],
)
def test_each_role_lands_on_its_own_home(demo_server, sign_in, page, artifacts, username, lands_on, shows):
    url, _ = demo_server
    failed = []
    page.on("response", lambda response: response.status >= 400 and failed.append(f"{response.status} {response.url}"))
    sign_in(page, username)
    page.wait_for_url(re.compile(rf".*{re.escape(lands_on)}$"))
    page.wait_for_selector(shows)
    if username in ("p1.teammanager", "p1.manager"):
        # the figures are there and each leads somewhere: overdue work to the team's tray, the list
        # to the practice list
        assert int(page.inner_text("#list-size")) > 0
        team_link = page.locator("#overdue-by-team a").first
        assert "#team-due" in team_link.get_attribute("href")
        page.click("#list-size")
        page.wait_for_selector("#practice-list")
        page.go_back()
        page.wait_for_selector(shows)
    page.screenshot(path=str(artifacts / f"home-{username.replace('.', '-')}.png"), full_page=True)
    assert not failed, failed
