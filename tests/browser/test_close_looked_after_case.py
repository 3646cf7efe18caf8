"""Closing a looked-after child's case, in Debian's Chromium against a real server, as a team
manager: closing it alone is refused while the child is looked after (the message says what to do),
then 'End care and close the case' ends the period of care and closes the case together. Screenshots
in test-artifacts/close-looked-after-case-*.png.
"""

import sqlite3
from datetime import date

TODAY = date.today()


def _a_child_in_care(db_path) -> tuple[int, int] | None:
    """(case id, looked-after record id) of a child in care in the team manager's practice, on an
    ordinary care order (C1/C2), with nothing in force that care ending would have to settle first."""
    with sqlite3.connect(db_path) as db:
        return db.execute("""
            SELECT c.id, l.id FROM cases_case c
            JOIN accounts_user u ON u.organisation_id = c.organisation_id AND u.username = 'p1.teammanager'
            JOIN looked_after_lookedafterchild l ON l.person_id = c.person_id AND l.organisation_id = c.organisation_id
            JOIN looked_after_episode e ON e.child_id = l.id AND e.end_date IS NULL
            WHERE c.service_type = 'lac' AND c.closed_on IS NULL AND e.legal_status IN ('C1', 'C2')
              AND e.start_date < date('now', '-30 days')
              AND NOT EXISTS (SELECT 1 FROM looked_after_adoptiondecision a WHERE a.child_id = l.id)
              AND NOT EXISTS (SELECT 1 FROM looked_after_deprivationofliberty d WHERE d.child_id = l.id)
              AND NOT EXISTS (SELECT 1 FROM looked_after_missingepisode m
                              WHERE m.child_id = l.id AND m.end_date IS NULL)
              AND NOT EXISTS (SELECT 1 FROM people_personrestriction x WHERE x.person_id = c.person_id)
            ORDER BY c.id LIMIT 1""").fetchone()


def _fill_date(page, field: str, day: date) -> None:
    page.fill(f"#id_{field}_0", str(day.day))
    page.fill(f"#id_{field}_1", str(day.month))
    page.fill(f"#id_{field}_2", str(day.year))


def test_a_looked_after_childs_case_closes_only_with_care(demo_server, page, sign_in, artifacts):
    url, db_path = demo_server
    case_id, child_id = _a_child_in_care(db_path)
    sign_in(page, "p1.teammanager")
    page.goto(f"{url}/cases/{case_id}/")
    page.click("text=Close the case")

    _fill_date(page, "closed_on", TODAY)
    page.check("input[name=close_reason][value=outcomes_met]")
    page.click("#submit-id-submit")
    page.wait_for_selector(".govuk-error-summary")
    assert "This child is looked after" in page.inner_text(".govuk-error-summary")
    page.screenshot(path=str(artifacts / "close-looked-after-case-1-refused.png"), full_page=True)

    page.check("#id_end_care")
    page.select_option("#id_reason_ceased", "E13")
    page.click("#submit-id-submit")
    page.wait_for_selector(".govuk-notification-banner")
    page.screenshot(path=str(artifacts / "close-looked-after-case-2-closed.png"), full_page=True)
    assert "Care ended and the case closed" in page.inner_text(".govuk-notification-banner")

    with sqlite3.connect(db_path) as db:
        closed = db.execute("SELECT closed_on FROM cases_case WHERE id = ?", (case_id,)).fetchone()
        ended = db.execute(
            "SELECT end_date, reason_ceased FROM looked_after_episode WHERE child_id = ? ORDER BY start_date DESC",
            (child_id,),
        ).fetchone()
    assert closed == (TODAY.isoformat(),)
    assert ended == (TODAY.isoformat(), "E13")
