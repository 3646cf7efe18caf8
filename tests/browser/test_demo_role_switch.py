"""Trying the demo: switching between demo roles with one click each, in Debian's Chromium against
the demo server started as `make demo` starts it (debug off, the one-click sign-in on) on a copy of
the browser tests' seeded database after `demo_logins`. Every request the pages make answers; a
wrong address shows "Page not found". Screenshots are kept in test-artifacts/.
"""

import sqlite3
import time

import pytest

from tests.servers import serving_as_make_demo

from .conftest import ARTIFACTS


@pytest.fixture(scope="module")
def make_demo_server(demo_server, tmp_path_factory):
    _, seeded = demo_server
    db_path = tmp_path_factory.mktemp("make-demo") / "demo.sqlite3"
    with sqlite3.connect(seeded) as source, sqlite3.connect(db_path) as copy:
        source.backup(copy)
    with serving_as_make_demo(db_path, before=("demo_logins",)) as url:
        yield url


def test_switching_between_demo_roles_takes_a_click_each(make_demo_server, page):
    url = make_demo_server
    failed = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.on("response", lambda response: response.status >= 400 and failed.append(f"{response.status} {response.url}"))

    page.goto(f"{url}/accounts/login/")
    page.wait_for_selector("h2#demo-sign-in:has-text('Sign in as a demo user')")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "demo-sign-in.png"), full_page=True)

    started = time.monotonic()
    for username, heading in [
        ("p1.practitioner", "My caseload"),
        ("p1.manager", None),
        ("leeds.officer", None),
        ("p1.practitioner", "My caseload"),  # back again within the same 30 seconds
    ]:
        if "/accounts/login/" not in page.url:
            page.click("header >> text=Switch demo user")
        page.click(f"button[name='username'][value='{username}']")
        page.wait_for_selector(f".govuk-notification-banner--success:has-text('You are signed in as {username}')")
        assert f"Sign out {username}" in page.inner_text("header")
        if heading:
            page.wait_for_selector(f"h1:has-text('{heading}')")
    assert time.monotonic() - started < 30, "switching four times took longer than one authenticator step"
    page.screenshot(path=str(ARTIFACTS / "demo-switched.png"), full_page=True)
    assert not failed, failed

    response = page.goto(f"{url}/no-such-page/")
    assert response.status == 404
    page.wait_for_selector("h1:has-text('Page not found')")
    assert "URLconf" not in page.content()
    page.screenshot(path=str(ARTIFACTS / "page-not-found.png"), full_page=True)
    assert page.request.get(f"{url}/favicon.ico").status == 200
