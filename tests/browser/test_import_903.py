"""Importing an authority's 903 files, in Debian's Chromium against the demo server.

The demo practice manager uploads a zip of a 903 return (two children the practice does not yet
hold, as the authority would send on a transfer) on the import page, sees the preview (who will
be created, and that nothing is written yet), confirms, sees the success banner and the result,
then reverses the import. Screenshots go to test-artifacts/.
"""

import sqlite3
import zipfile

from tests.looked_after.test_import import small_return

from .conftest import ARTIFACTS


def _free_dates_of_birth(db_path) -> tuple[str, str]:
    """Two dates of birth no one in the demo has, so the children cannot look like anyone recorded."""
    with sqlite3.connect(db_path) as db:
        taken = {row[0] for row in db.execute("SELECT DISTINCT date_of_birth FROM people_person")}

    def free(year: int) -> str:
        days = (f"{year}-{m:02d}-{d:02d}" for m in range(1, 13) for d in range(1, 29))
        return next(day for day in days if day not in taken)

    return free(2012), free(2021)


def _count(db_path, sql: str) -> int:
    with sqlite3.connect(db_path) as db:
        return db.execute(sql).fetchone()[0]


IMPORTED = "SELECT count(*) FROM looked_after_lookedafterchild WHERE child_id LIKE 'BT9%'"


def _the_authority(db_path) -> tuple[int, str]:
    with sqlite3.connect(db_path) as db:
        return db.execute("""
            SELECT o.id, o.name FROM organisations_organisation o
            JOIN organisations_commissioning c ON c.commissioner_id = o.id
            JOIN accounts_user u ON u.organisation_id = c.practice_id AND u.username = 'p1.manager'
            WHERE o.ons_code != '' AND o.commissioner_type = 'la' ORDER BY o.id LIMIT 1""").fetchone()


def _dmy(iso: str) -> str:
    year, month, day = iso.split("-")
    return f"{day}/{month}/{year}"


def _return_zip(tmp_path, db_path):
    """The 2025/26 return of two children transferred to the practice (identifiers new to the demo)."""
    girl, boy = _free_dates_of_birth(db_path)
    texts = {}
    for name, text in small_return().items():
        text = text.replace("01/06/2012", _dmy(girl)).replace("15/03/2021", _dmy(boy))
        texts[name] = text.replace("C001", "BT901").replace("C002", "BT902").replace("SW9000", "SW9900")
    path = tmp_path / "ssda903-2026.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in texts.items():
            archive.writestr(name, text)
    return path


def test_a_manager_previews_confirms_and_reverses_an_import(demo_server, page, sign_in, tmp_path, jobs_worker):
    url, db_path = demo_server
    jobs_worker()  # the files are checked by a background job
    authority_id, authority = _the_authority(db_path)
    upload = _return_zip(tmp_path, db_path)

    sign_in(page, "p1.manager")
    page.goto(f"{url}/returns/903/import/")
    page.select_option("#id_commissioner", str(authority_id))
    page.select_option("#id_year", "2026")
    page.set_input_files("#id_files", str(upload))
    page.click("#submit-id-submit")

    page.wait_for_selector("h1:has-text('Check what the import will do')", timeout=60_000)
    assert "nothing is imported until you confirm" in page.inner_text(".govuk-notification-banner")
    assert page.locator("#created-table tbody tr").count() == 2
    assert "will create 2 social workers of the authority" in page.inner_text("#import-results")
    assert "BT901" in page.inner_text("#created-table")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "import-903-preview.png"), full_page=True)
    assert _count(db_path, IMPORTED) == 0

    page.click("text=Confirm and import")
    page.wait_for_selector("h1#batch-state:has-text('Imported')")
    assert f"Imported 2 children from {authority}'s 903 files" in page.inner_text(".govuk-notification-banner")
    assert "created 2 social workers of the authority, 2 people, 2 children" in page.inner_text("#import-results")
    page.screenshot(path=str(ARTIFACTS / "import-903-confirmed.png"), full_page=True)
    assert _count(db_path, IMPORTED) == 2

    page.goto(f"{url}/returns/903/import/")
    assert "Child BT901" in page.inner_text("#to-complete-table")
    page.screenshot(path=str(ARTIFACTS / "import-903-details-to-complete.png"), full_page=True)
    page.click("#batch-table a >> nth=0")

    page.click("a.govuk-button--warning:has-text('Reverse this import')")
    page.wait_for_selector("h1:has-text('Reverse this import?')")
    assert "This removes the 2 children" in page.inner_text("#reverse-what")
    page.screenshot(path=str(ARTIFACTS / "import-903-reverse-asked.png"), full_page=True)
    assert _count(db_path, IMPORTED) == 2  # asking removes nothing
    page.click("form .govuk-button--warning")
    page.wait_for_selector("h1#batch-state:has-text('Import reversed')")
    assert "The import was reversed" in page.inner_text(".govuk-notification-banner")
    page.screenshot(path=str(ARTIFACTS / "import-903-reversed.png"), full_page=True)
    assert _count(db_path, IMPORTED) == 0
    assert _count(db_path, "SELECT count(*) FROM people_person WHERE family_name LIKE 'Child BT9%'") == 0
