"""Registering a family, in Debian's Chromium against a real server, as a team manager (who may
record people, households and relationships, and register with the practice).

Add the first adult, record a household from her page, add a second adult and a child straight
into the household, add someone already on the practice's list by searching for a misspelt name,
link relationships by picking the other person (from the household, and through the name search),
then register the household: the banner says who was registered and who already was. Screenshots
of every step are kept in test-artifacts/register-family-*.png.
"""

import re
import sqlite3
from datetime import date

FAMILY = "Ebuka-Hartwell"
TODAY = date.today()


def _someone_on_the_list(db_path) -> tuple[int, str, str]:
    """An adult registered with the team manager's practice now, with a name unique in the data (and
    not the demo's restricted record, which the team manager sees by name only)."""
    with sqlite3.connect(db_path) as db:
        return db.execute("""
            SELECT p.id, p.given_name, p.family_name FROM people_person p
            JOIN registration_registration r ON r.person_id = p.id AND r.end_date IS NULL
            JOIN accounts_user u ON u.organisation_id = r.practice_id AND u.username = 'p1.teammanager'
            WHERE p.date_of_birth < date('now', '-25 years') AND length(p.family_name) >= 5
              AND NOT EXISTS (SELECT 1 FROM people_personrestriction x WHERE x.person_id = p.id)
              AND (SELECT count(*) FROM people_person q
                   WHERE q.given_name = p.given_name AND q.family_name = p.family_name) = 1
            ORDER BY p.id LIMIT 1""").fetchone()


def _fill_date(page, field: str, day: date) -> None:
    page.fill(f"#id_{field}_0", str(day.day))
    page.fill(f"#id_{field}_1", str(day.month))
    page.fill(f"#id_{field}_2", str(day.year))


def _person_details(page, given: str, born: date, sex: str) -> None:
    page.fill("#id_given_name", given)
    page.fill("#id_family_name", FAMILY)
    _fill_date(page, "date_of_birth", born)
    page.check(f"input[name=sex][value={sex}]")
    page.select_option("#id_ethnicity", "BAFR")


def _submit_person(page) -> None:
    """Send the add-person form; if it warns of a likely duplicate, confirm this is someone else."""
    page.click("#submit-id-submit")
    page.wait_for_load_state()
    if page.locator("#possible-duplicates").count():
        page.check("#id_confirm_not_duplicate")
        page.click("#submit-id-submit")
        page.wait_for_load_state()


def _banner(page) -> str:
    return page.inner_text(".govuk-notification-banner")


def _relationship_link(page, member: str):
    return page.locator("#household-members tr", has_text=member).get_by_role(
        "link", name=re.compile("Add a relationship")
    )


def _shot(page, artifacts, step: str) -> None:
    page.screenshot(path=str(artifacts / f"register-family-{step}.png"), full_page=True)


def test_a_team_manager_registers_a_new_family(demo_server, page, sign_in, artifacts):
    url, db_path = demo_server
    existing_id, existing_given, existing_family = _someone_on_the_list(db_path)
    existing = f"{existing_given} {existing_family}"
    sign_in(page, "p1.teammanager")

    # the first adult
    page.goto(f"{url}/people/new/")
    _person_details(page, "Ngozi", date(1988, 5, 17), "F")
    _shot(page, artifacts, "1-add-person")
    _submit_person(page)
    assert f"Ngozi {FAMILY} added" in _banner(page)

    # a household, from her page
    page.click("#record-household")
    _fill_date(page, "joined_on", TODAY)
    page.click("#submit-id-submit")
    page.wait_for_selector("#household-members")
    assert f"The {FAMILY} family recorded" in _banner(page)
    household_url = page.url

    # a second adult and a child, new, straight into the household
    for given, born, sex in (("Chinedu", date(1986, 11, 2), "M"), ("Adaeze", date(2019, 2, 8), "F")):
        page.click("#add-member")
        page.click("#add-someone-new")
        _person_details(page, given, born, sex)
        _fill_date(page, "joined_on", TODAY)
        _shot(page, artifacts, f"2-add-{given.lower()}")
        _submit_person(page)
        page.wait_for_selector("#household-members")
        assert f"{given} {FAMILY} added to The {FAMILY} family" in _banner(page)

    # someone already on the practice's list, found by a misspelt name
    page.click("#add-member")
    misspelt = existing_family[:3] + existing_family[4] + existing_family[3] + existing_family[5:]
    page.fill("#member-search-name", f"{existing_given} {misspelt}")
    page.click("#member-search-submit")
    page.wait_for_load_state()
    _shot(page, artifacts, "3-found-by-misspelt-name")
    page.get_by_label(re.compile(rf"{re.escape(existing)} \(born")).check()
    _fill_date(page, "joined_on", TODAY)
    _shot(page, artifacts, "3-add-existing-member-picked")
    page.click("#submit-id-submit")
    page.wait_for_selector("#household-members")
    assert f"{existing} added to The {FAMILY} family" in _banner(page)

    # relationships: the other person picked from the household ...
    rows = page.locator("#household-members tbody tr")
    assert rows.count() == 4
    _relationship_link(page, f"Ngozi {FAMILY}").click()
    page.get_by_label(re.compile(rf"Adaeze {FAMILY} \(born")).check()
    page.select_option("#id_relationship_type", "parent")
    _shot(page, artifacts, "4-relationship-from-household")
    page.click("#submit-id-submit")
    page.wait_for_selector("#household-members")
    assert f"Recorded: Ngozi {FAMILY} is Adaeze {FAMILY}'s parent" in _banner(page)

    # ... and through the name search
    _relationship_link(page, f"Chinedu {FAMILY}").click()
    page.fill("#relative-search-name", f"Ngozy {FAMILY}")
    page.click("#relative-search-submit")
    page.get_by_label(re.compile(rf"Ngozi {FAMILY} \(born")).check()
    page.select_option("#id_relationship_type", "partner")
    _shot(page, artifacts, "5-relationship-by-search")
    page.click("#submit-id-submit")
    page.wait_for_selector("#household-members")
    assert f"Recorded: Chinedu {FAMILY} is Ngozi {FAMILY}'s partner" in _banner(page)
    assert page.url == household_url

    # register the household: the member already registered does not block the rest
    page.click("#register-household")
    _fill_date(page, "start_date", TODAY)
    page.check("input[name=route][value=self_referral]")
    _shot(page, artifacts, "6-register")
    page.click("#submit-id-submit")
    page.wait_for_selector("#household-members")
    banner = _banner(page)
    _shot(page, artifacts, "7-registered")
    assert f"Registered with the practice: Ngozi {FAMILY}" in banner or f"Chinedu {FAMILY}" in banner
    for given in ("Ngozi", "Chinedu", "Adaeze"):
        assert f"{given} {FAMILY}" in banner.split("Already")[0]
    assert f"Already registered with the practice: {existing}" in banner
    assert page.locator("#household-members", has_text="Not registered with the practice").count() == 0

    with sqlite3.connect(db_path) as db:
        registered = db.execute(
            "SELECT p.given_name FROM registration_registration r JOIN people_person p ON p.id = r.person_id "
            "WHERE p.family_name = ? AND r.end_date IS NULL ORDER BY p.given_name",
            (FAMILY,),
        ).fetchall()
        still_one = db.execute(
            "SELECT count(*) FROM registration_registration WHERE person_id = ? AND end_date IS NULL", (existing_id,)
        ).fetchone()
    assert registered == [("Adaeze",), ("Chinedu",), ("Ngozi",)]
    assert still_one == (1,)
