"""A practitioner's day, in Debian's Chromium driven by Playwright, against a real server.

The server is `manage.py runserver` on a fresh SQLite file filled by `manage.py seed`, so the
test exercises what `make demo` serves: sign in as the demo practitioner (password, then the MFA
page: the first time it sets up an authenticator app, after that it asks for a code, computed here
from the key as an app would), find one of their
children by a misspelt name, open the person page, add a case note and see it at the top of
the chronology. The screenshot is kept in test-artifacts/.
"""

import base64
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from urllib.request import urlopen

import pytest
from django_otp.oath import TOTP

from casework.synthetic.generate import DEMO_PASSWORD

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed (make chromium)"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    db_path = tmp_path_factory.mktemp("browser") / "demo.sqlite3"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{db_path}",
        "DJANGO_SECURE_COOKIES": "false",
        "DJANGO_DEBUG": "false",
    }
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, check=True, cwd=ROOT)
    subprocess.run(
        [*manage, "seed", "--practices", "2", "--people", "300", "--seed", "11"],
        env=env,
        check=True,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )
    port = _free_port()
    server = subprocess.Popen(
        [*manage, "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urlopen(f"{url}/healthz", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    else:
        server.kill()
        pytest.fail("the demo server did not start")
    yield url, db_path
    server.terminate()
    server.wait(timeout=10)


def _code(key: bytes, last_t: int) -> str:
    """What an authenticator app with this key shows, for a time step the server has not yet
    accepted a code for (it refuses a code twice, so a second sign-in in the same 30 seconds uses
    the next step's code, which it also accepts)."""
    totp = TOTP(key)
    totp.time = time.time()
    step = totp.t()
    if last_t >= step + 1:
        time.sleep((last_t - step) * 30)
        return _code(key, last_t)
    totp.drift = max(step, last_t + 1) - step
    return f"{totp.token():06d}"


def _sign_in(page, url, db_path, username):
    """The real sign-in: password, then the MFA page (set-up the first time, a code after that)."""
    page.goto(f"{url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("#submit-id-submit")
    page.wait_for_url(re.compile(r".*/accounts/mfa/(setup|verify)/.*"))
    if "/accounts/mfa/setup/" in page.url:
        assert page.locator("#mfa-qr-code svg").count() == 1
        secret = page.inner_text("#mfa-secret").replace(" ", "")
        page.fill("#id_code", _code(base64.b32decode(secret), -1))
        page.click("#submit-id-submit")
        page.wait_for_selector("#recovery-codes")
        assert page.locator("#recovery-codes li").count() == 10
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "mfa-recovery-codes.png"), full_page=True)
        page.click("#continue")
    else:
        with sqlite3.connect(db_path) as db:
            key, last_t = db.execute(
                "SELECT d.key, d.last_t FROM otp_totp_totpdevice d JOIN accounts_user u ON u.id = d.user_id "
                "WHERE u.username = ? AND d.confirmed",
                (username,),
            ).fetchone()
        page.fill("#id_code", _code(bytes.fromhex(key), last_t))
        page.click("#submit-id-submit")


def _one_of_my_children(db_path) -> tuple[int, str, str]:
    """A person with an open case allocated to the demo practitioner, with a name unique in the data."""
    with sqlite3.connect(db_path) as db:
        return db.execute("""
            SELECT p.id, p.given_name, p.family_name FROM people_person p
            JOIN cases_case c ON c.person_id = p.id AND c.closed_on IS NULL
            JOIN cases_allocation a ON a.case_id = c.id AND a.end_date IS NULL
            JOIN organisations_worker w ON w.id = a.worker_id
            JOIN accounts_user u ON u.id = w.user_id AND u.username = 'p1.practitioner'
            WHERE length(p.family_name) >= 5 AND (
              SELECT count(*) FROM people_person q
              WHERE q.given_name = p.given_name AND q.family_name = p.family_name) = 1
            ORDER BY p.id LIMIT 1""").fetchone()


@pytest.fixture
def page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser.new_page(viewport={"width": 1200, "height": 1600})
        browser.close()


def test_practitioner_adds_a_case_note_and_sees_it_in_the_chronology(demo_server, page):
    url, db_path = demo_server
    person_id, given, family = _one_of_my_children(db_path)
    misspelt = family[:3] + family[4] + family[3] + family[5:]  # two letters swapped
    today = date.today()

    _sign_in(page, url, db_path, "p1.practitioner")
    page.wait_for_selector("h1:has-text('My caseload')")
    assert page.locator(f"#my-cases a[href='/people/{person_id}/']").count() == 1

    page.click("header >> text=People")
    page.fill("#id_name", f"{given} {misspelt}")
    page.click("#submit-id-submit")
    page.click(f"#search-results a[href='/people/{person_id}/']")
    page.wait_for_selector("#person-name")
    assert f"{given} {family}" in page.inner_text("#person-name")

    page.check("#id_note_type_1")  # Visit
    page.fill("#id_occurred_on_0", str(today.day))
    page.fill("#id_occurred_on_1", str(today.month))
    page.fill("#id_occurred_on_2", str(today.year))
    page.fill("#id_summary", "After-school visit")
    page.fill("#id_text", "Seen alone in their room; talked about the new school.")
    page.click("#add-note ~ div #submit-id-submit")

    page.wait_for_selector(".cw-chronology")
    first_event = page.locator(".cw-chronology li").first.inner_text()
    assert "Visit: After-school visit" in first_event
    assert today.strftime("%-d %b %Y") in first_event
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "person-page-with-new-note.png"), full_page=True)

    with sqlite3.connect(db_path) as db:
        saved = db.execute(
            "SELECT n.person_id, u.username FROM cases_casenote n JOIN accounts_user u ON u.id = n.author_id "
            "WHERE n.summary = 'After-school visit'"
        ).fetchall()
    assert saved == [(person_id, "p1.practitioner")]


def _one_of_my_looked_after_children(db_path) -> int | None:
    """A child in care now whose looked-after case is allocated to the demo practitioner."""
    with sqlite3.connect(db_path) as db:
        row = db.execute("""
            SELECT l.id FROM looked_after_lookedafterchild l
            JOIN looked_after_episode e ON e.child_id = l.id AND e.end_date IS NULL
            JOIN cases_case c ON c.person_id = l.person_id AND c.closed_on IS NULL AND c.service_type = 'lac'
            JOIN cases_allocation a ON a.case_id = c.id AND a.end_date IS NULL
            JOIN organisations_worker w ON w.id = a.worker_id
            JOIN accounts_user u ON u.id = w.user_id AND u.username = 'p1.practitioner'
            ORDER BY l.id LIMIT 1""").fetchone()
    return row[0] if row else None


def test_practitioner_records_a_visit_to_a_looked_after_child(demo_server, page):
    url, db_path = demo_server
    child_id = _one_of_my_looked_after_children(db_path)
    assert child_id is not None, "the demo practitioner holds a looked-after child"
    today = date.today()

    _sign_in(page, url, db_path, "p1.practitioner")
    page.wait_for_selector("h1:has-text('My caseload')")
    page.goto(f"{url}/looked-after/{child_id}/")
    page.wait_for_selector("#child-name")
    page.click(f"a.govuk-button[href='/looked-after/{child_id}/visit/']")
    page.fill("#id_visit_date_0", str(today.day))
    page.fill("#id_visit_date_1", str(today.month))
    page.fill("#id_visit_date_2", str(today.year))
    page.check("input[name=child_seen][value=yes]")
    page.check("input[name=seen_alone][value=yes]")
    page.click("#submit-id-submit")
    page.wait_for_selector("#visits")
    assert f"{today:%-d %b %Y}: seen alone" in page.inner_text("#visits ~ ul")
    page.screenshot(path=str(ARTIFACTS / "looked-after-child-after-visit.png"), full_page=True)
    with sqlite3.connect(db_path) as db:
        saved = db.execute(
            "SELECT count(*) FROM looked_after_visit WHERE child_id = ? AND visit_date = ? AND seen_alone",
            (child_id, today.isoformat()),
        ).fetchone()
    assert saved == (1,)
