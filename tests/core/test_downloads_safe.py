"""Every download goes through casework/core/downloads.py (issue 13, findings 3 and 7).

Hostile text is put behind every download (a child identifier, names of people and users, contract
references), then every URL pattern in the URLconf is walked as the users who take downloads, with
the query strings that ask for a file and every download link a page offers. Each file found is
opened (CSV, XLSX, and the CSV files inside a zip): no text cell may start with a character a
spreadsheet runs as a formula, and the file name must be one plain, quoted, ASCII name.

A download the walk finds that is not in DOWNLOADS (or one listed that it no longer finds) fails
the test: list it, and make sure its data is seeded below.
"""

import csv
import io
import re
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import get_resolver

from casework.accounts.models import Role
from casework.contracts.models import Contract
from casework.looked_after import codes
from casework.looked_after.models import LookedAfterChild
from casework.people.models import Person
from tests.conftest import TODAY
from tests.jobs.running import start_and_run
from tests.looked_after.builders import child_in_care
from tests.test_access_walk import _objects_of_a, _walk

# URL name: what it hands out.
DOWNLOADS = {
    "audit_log": "the audit log as CSV",
    "job_file": "a background job's file: the authority's SSDA903 files as a zip of CSV files",
    "contract_report": "the contract's monitoring report as CSV or XLSX",
    "contract_payments": "the payment statement as CSV or XLSX",
    "contract_children": "the outcomes per child as CSV or XLSX",
}

HOSTILE_CHILD_ID = "=1+2"
HOSTILE_REFERENCE = "a\";filename*=UTF-8''e.html;b="
REFERENCE_WITH_NEWLINE = "B-1\nSet-Cookie: x=1"
# A cell a spreadsheet would run: its first character (a plain negative number is only a number).
FORMULA = re.compile(r"[=+\-@\t\r]")
NEGATIVE_NUMBER = re.compile(r"-\d+(\.\d+)?")
# One plain quoted ASCII name, nothing after it but RFC 6266's encoded filename*.
SAFE_DISPOSITION = re.compile(r"attachment; filename=\"[A-Za-z0-9._ -]+\"(; filename\*=UTF-8''[A-Za-z0-9%._~-]+)?")


def _seed_hostile(world):
    """Hostile text in every field a download writes out that someone could have typed."""
    child_in_care(world, TODAY - timedelta(days=400), child_id="HOSTILE1", person=world.a.people[1])
    # rows written before identifiers were checked (or by another route): the writer must still hold
    LookedAfterChild.objects.filter(child_id="HOSTILE1").update(child_id=HOSTILE_CHILD_ID)
    Person.objects.filter(pk=world.a.people[1].pk).update(given_name="@SUM(1)", family_name="-A1")
    manager = world.a.users[Role.PRACTICE_MANAGER]
    manager.first_name, manager.last_name = "+7", "Smith"
    manager.save()
    team_manager = world.a.users[Role.TEAM_MANAGER]  # recorded the child: in the audit log
    team_manager.first_name, team_manager.last_name, team_manager.username = "", "", "\rx"
    team_manager.save()
    contract = Contract.objects.get(practice=world.a.org, commissioner=world.commissioner)
    Contract.objects.filter(pk=contract.pk).update(reference=HOSTILE_REFERENCE)
    return contract


def _cells(response) -> list[str]:
    content_type = response["Content-Type"]
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if content_type.startswith("text/csv"):
        return [cell for row in csv.reader(io.StringIO(body.decode("utf-8"))) for cell in row]
    if content_type == "application/zip":
        cells = []
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            for name in archive.namelist():
                text = archive.read(name).decode("utf-8")
                cells += [cell for row in csv.reader(io.StringIO(text)) for cell in row]
        return cells
    if "spreadsheetml" in content_type:
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(body))
        return [cell.value for sheet in book for row in sheet.iter_rows() for cell in row if cell.value is not None]
    raise AssertionError(f"a download of a kind this test does not open: {content_type}")


def _queries(body: str) -> set[str]:
    """The query strings that ask a page for a file: the formats, each 903 year (a page with a year
    to choose), and every link the page itself offers as a download."""
    queries = {"format=csv", "format=xlsx"}
    if 'name="year"' in body:
        queries |= {f"year={y}" for y in codes.SUPPORTED_YEARS}
    for link in re.findall(r'href="\?([^"]*)"', body):
        if "format=" in link or "download" in link:
            queries.add(link.replace("&amp;", "&"))
    return queries


@pytest.mark.django_db
def test_every_download_neutralises_formulas_and_names_its_file_safely(world, client):
    ids = _objects_of_a(world, client)
    contract = _seed_hostile(world)
    ids["contract_id"] = contract.pk
    # the 903 zip is a background job's file: the officer's, made before the walk
    client.force_login(world.commissioner_users[Role.COMMISSIONER_OFFICER])
    ids["job_id"] = start_and_run(client, "/returns/903/", {"year": codes.collection_year_of(TODAY)})[0].pk
    users = [
        world.a.users[Role.PRACTICE_MANAGER],
        world.a.users[Role.AUDITOR],
        world.commissioner_users[Role.COMMISSIONER_OFFICER],
    ]
    found, problems, seen_hostile = set(), [], set()
    routes = []
    for name, route, params in _walk(get_resolver().url_patterns):
        if "demo" in route or route.startswith("accounts/"):
            continue
        url = "/" + route
        for param in params:
            url = url.replace(f"<int:{param}>", str(ids[param]))
        if "<" not in url:
            routes.append((name, url))
    for user in users:
        client.force_login(user)
        for name, url in routes:
            page = client.get(url)
            if page.status_code != 200:
                continue
            if page.has_header("Content-Disposition"):  # a file at its own address (a job's file)
                answers = [("", page)]
            else:
                answers = ((q, client.get(f"{url}?{q}")) for q in sorted(_queries(page.content.decode())))
            for query, response in answers:
                disposition = response.get("Content-Disposition", "")
                if response.status_code != 200 or not disposition.startswith("attachment"):
                    continue
                found.add(name)
                if not SAFE_DISPOSITION.fullmatch(disposition):
                    problems.append(f"{name}?{query}: Content-Disposition {disposition!r}")
                for cell in _cells(response):
                    text = str(cell)
                    seen_hostile |= {h for h in (HOSTILE_CHILD_ID, "@SUM(1)", "+7", "\rx") if h in text}
                    if FORMULA.match(text) and not NEGATIVE_NUMBER.fullmatch(text):
                        problems.append(f"{name}?{query} as {user.username!r}: cell {text!r}")
    assert not problems, "\n".join(problems)
    assert found == set(DOWNLOADS), f"downloads found {sorted(found)}; listed {sorted(DOWNLOADS)}"
    # the hostile text did reach the files (so the walk checked something)
    assert seen_hostile == {HOSTILE_CHILD_ID, "@SUM(1)", "+7", "\rx"}, seen_hostile


@pytest.mark.django_db
def test_a_reference_with_a_newline_still_downloads_under_a_safe_name(world, client):
    contract = Contract.objects.get(practice=world.a.org, commissioner=world.commissioner)
    Contract.objects.filter(pk=contract.pk).update(reference=REFERENCE_WITH_NEWLINE)
    client.force_login(world.commissioner_users[Role.COMMISSIONER_OFFICER])
    for page in ("report", "payments", "children"):
        for kind in ("csv", "xlsx"):
            response = client.get(f"/contracts/{contract.pk}/{page}/?format={kind}")
            assert response.status_code == 200, (page, kind)
            disposition = response["Content-Disposition"]
            assert SAFE_DISPOSITION.fullmatch(disposition), disposition
            assert "\n" not in disposition and "Set-Cookie" not in response.headers.get("Set-Cookie", "")


def test_only_the_downloads_module_writes_csv_or_names_a_download():
    """The next writer or header is caught in the code, before any data reaches it."""
    pattern = re.compile(r"Content-Disposition|content_disposition_header|csv\.writer|csv\.DictWriter|xlsxwriter")
    found = {
        str(path.relative_to(settings.BASE_DIR))
        for path in (Path(settings.BASE_DIR) / "casework").rglob("*.py")
        if pattern.search(path.read_text(encoding="utf-8"))
    }
    assert found == {"casework/core/downloads.py"}, "write CSV and name downloads through casework/core/downloads.py"


@pytest.mark.django_db
def test_the_export_903_command_writes_through_the_same_writer(world, tmp_path):
    from django.core.management import call_command

    child_in_care(world, TODAY - timedelta(days=400), child_id="PLAIN1")
    child_in_care(world, TODAY - timedelta(days=400), child_id="HOSTILE1", person=world.a.people[1])
    LookedAfterChild.objects.filter(child_id="HOSTILE1").update(child_id="@SUM(1)")
    year = codes.collection_year_of(TODAY)
    call_command("export_903", commissioner="E08000035", year=year, out=tmp_path, stdout=io.StringIO())

    for path in tmp_path.glob("*.csv"):
        text = path.read_text(encoding="utf-8")
        rows = list(csv.reader(io.StringIO(text)))
        for row in rows:
            assert not any(FORMULA.match(cell) and not NEGATIVE_NUMBER.fullmatch(cell) for cell in row), path.name
        # a valid child's rows are exactly what the csv module writes: the DfE format is unchanged
        plain = io.StringIO()
        csv.writer(plain, lineterminator="\n").writerows(r for r in rows if r[0] != "'@SUM(1)")
        assert "".join(line + "\n" for line in text.splitlines() if not line.startswith("'@SUM(1)")) == (
            plain.getvalue()
        ), path.name
    header = list(csv.reader((tmp_path / "header.csv").open(encoding="utf-8")))
    assert [r[0] for r in header[1:]] == ["'@SUM(1)", "PLAIN1"]
