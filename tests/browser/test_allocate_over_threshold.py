"""Allocating a case, in Debian's Chromium against a real server, as a team manager: the worker
picker shows each worker's team and weighted caseload against the threshold; choosing a worker
already at their threshold warns and asks to confirm; ticking 'Allocate anyway' allocates and the
success banner says so. Screenshots in test-artifacts/allocate-over-threshold-*.png.
"""

import re
import sqlite3
from datetime import date

TODAY = date.today()
LABEL = re.compile(r"^(?P<name>.+) \((?P<team>.+)\) - weighted caseload (?P<weighted>[\d.]+) of (?P<capacity>[\d.]+)$")


def _an_open_case(db_path) -> int:
    """An open case in the team manager's practice, not about a restricted person."""
    with sqlite3.connect(db_path) as db:
        return db.execute("""
            SELECT c.id FROM cases_case c
            JOIN accounts_user u ON u.organisation_id = c.organisation_id AND u.username = 'p1.teammanager'
            WHERE c.closed_on IS NULL
              AND NOT EXISTS (SELECT 1 FROM people_personrestriction x WHERE x.person_id = c.person_id)
            ORDER BY c.id LIMIT 1""").fetchone()[0]


def test_allocating_over_the_threshold_is_confirmed_first(demo_server, page, sign_in, artifacts):
    url, db_path = demo_server
    case_id = _an_open_case(db_path)
    sign_in(page, "p1.teammanager")
    page.goto(f"{url}/cases/{case_id}/allocate/")

    options = [
        (value, text.strip())
        for value, text in page.eval_on_selector_all(
            "#id_worker option", "os => os.map(o => [o.value, o.textContent])"
        )
        if value
    ]
    labels = [LABEL.match(text) for _, text in options]
    assert options and all(labels), [text for _, text in options]
    page.screenshot(path=str(artifacts / "allocate-over-threshold-1-picker.png"), full_page=True)

    # the worker nearest (or furthest past) their threshold: at it, any case takes them over
    value, label = max(
        zip((v for v, _ in options), labels, strict=True),
        key=lambda pair: float(pair[1]["weighted"]) - float(pair[1]["capacity"]),
    )
    assert float(label["weighted"]) >= float(label["capacity"]), "the demo has a worker at their threshold"
    page.select_option("#id_worker", value)
    page.fill("#id_start_date_0", str(TODAY.day))
    page.fill("#id_start_date_1", str(TODAY.month))
    page.fill("#id_start_date_2", str(TODAY.year))
    page.select_option("#id_change_reason", "MANAGE")
    page.click("#submit-id-submit")
    page.wait_for_selector(".govuk-warning-text")
    warning = page.inner_text(".govuk-warning-text")
    assert f"{label['name']} would go over the caseload threshold" in warning
    assert page.query_selector(".govuk-error-summary") is None
    page.screenshot(path=str(artifacts / "allocate-over-threshold-2-warning.png"), full_page=True)

    page.check("#id_confirm_over_threshold")
    page.click("#submit-id-submit")
    page.wait_for_selector(".govuk-notification-banner--success")
    page.screenshot(path=str(artifacts / "allocate-over-threshold-3-allocated.png"), full_page=True)
    assert f"{label['name']} allocated from" in page.inner_text(".govuk-notification-banner--success")
