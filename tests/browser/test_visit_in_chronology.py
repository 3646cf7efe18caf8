"""A visit to a looked-after child shows in the person's chronology; a child who goes missing is
recorded while missing ("Missing now" on both pages) and the return closes it. Debian's Chromium
driven by Playwright against the demo server; screenshots in test-artifacts/."""

import sqlite3
from datetime import date


def _looked_after_child(db_path) -> tuple[int, int]:
    """(looked-after record id, person id) of a child in care now on p1.practitioner's caseload."""
    with sqlite3.connect(db_path) as db:
        return db.execute("""
            SELECT l.id, l.person_id FROM looked_after_lookedafterchild l
            JOIN looked_after_episode e ON e.child_id = l.id AND e.end_date IS NULL
            JOIN cases_case c ON c.person_id = l.person_id AND c.closed_on IS NULL AND c.service_type = 'lac'
            JOIN cases_allocation a ON a.case_id = c.id AND a.end_date IS NULL
            JOIN organisations_worker w ON w.id = a.worker_id
            JOIN accounts_user u ON u.id = w.user_id AND u.username = 'p1.practitioner'
            WHERE NOT EXISTS (SELECT 1 FROM looked_after_missingepisode m WHERE m.child_id = l.id AND
                              (m.end_date IS NULL OR m.end_date >= date('now', '-1 day')))
            ORDER BY l.id DESC LIMIT 1""").fetchone()


def _fill_date(page, name: str, day: date):
    page.fill(f"#id_{name}_0", str(day.day))
    page.fill(f"#id_{name}_1", str(day.month))
    page.fill(f"#id_{name}_2", str(day.year))


def test_a_visit_shows_in_the_chronology_and_a_missing_child_is_recorded_then_back(
    demo_server, page, sign_in, artifacts
):
    url, db_path = demo_server
    child_id, person_id = _looked_after_child(db_path)
    today = date.today()
    sign_in(page, "p1.practitioner")
    page.wait_for_selector("h1")

    # a visit, then the person's chronology shows it
    page.goto(f"{url}/looked-after/{child_id}/visit/")
    _fill_date(page, "visit_date", today)
    page.check("input[name=child_seen][value=yes]")
    page.check("input[name=seen_alone][value=yes]")
    page.click("#submit-id-submit")
    page.wait_for_selector(".govuk-notification-banner--success")
    page.goto(f"{url}/people/{person_id}/")
    page.wait_for_selector(".cw-chronology")
    visits = page.locator(".cw-chronology li", has_text="Visit: child seen alone")
    assert today.strftime("%-d %b %Y") in visits.first.inner_text()
    page.locator("#chronology").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "chronology-with-visit.png"), full_page=True)

    # the child goes missing: recorded with no return yet
    page.goto(f"{url}/looked-after/{child_id}/")
    page.click(f"a.govuk-button[href='/looked-after/{child_id}/missing/']")
    page.check("input[name=kind][value=M]")
    _fill_date(page, "start_date", today)
    page.click("#submit-id-submit")
    page.wait_for_selector("#missing-now")
    assert f"since {today:%-d %B %Y}" in page.inner_text("#missing-now")
    page.screenshot(path=str(artifacts / "child-missing-now.png"), full_page=True)
    page.goto(f"{url}/people/{person_id}/")
    assert "Missing now" in page.inner_text("#missing-now")
    page.screenshot(path=str(artifacts / "person-missing-now.png"))

    # the child is back: record the return
    page.click("#missing-now a")
    _fill_date(page, "end_date", today)
    page.check("input[name=return_interview_offered][value=yes]")
    page.check("input[name=return_interview_accepted][value=yes]")
    page.click("#submit-id-submit")
    page.wait_for_selector(".govuk-notification-banner--success")
    assert page.locator("#missing-now").count() == 0
    page.screenshot(path=str(artifacts / "child-back-from-missing.png"), full_page=True)
    with sqlite3.connect(db_path) as db:
        saved = db.execute(
            "SELECT start_date, end_date, return_interview_offered, return_interview_accepted "
            "FROM looked_after_missingepisode WHERE child_id = ? AND start_date = ?",
            (child_id, today.isoformat()),
        ).fetchall()
    assert saved == [(today.isoformat(), today.isoformat(), 1, 1)]
