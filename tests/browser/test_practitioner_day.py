"""A practitioner's day, in Debian's Chromium driven by Playwright, against a real server.

Sign in as the demo practitioner (password, then the MFA page: the first time it sets up an
authenticator app, after that it asks for a code, computed here from the key as an app would),
find one of their children by a misspelt name, open the person page, add a case note and see it
at the top of the chronology; record a visit to a looked-after child. Screenshots are kept in
test-artifacts/.
"""

import sqlite3
from datetime import date

from .conftest import ARTIFACTS, _sign_in


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
