"""The 903 return in the middle of the year: the rules that judge the whole year (an SDQ due by
31 March, rule 186) list what is still due instead of reporting errors while the collection year
runs; a year that has ended is judged in full."""

import io
import re
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from casework.accounts.models import User
from casework.looked_after import year_end
from casework.looked_after.export import build_return
from casework.looked_after.models import LookedAfterChild
from tests.jobs.running import start_and_run

AS_OF = date(2026, 12, 7)  # the demo's seed on this day: 2026/27 (collection year 2027) is running
YEAR = 2027
AUTHORITY = "E09000007"
AFTER_THE_YEAR = date(2027, 4, 15)


def test_a_whole_year_rule_is_due_only_while_the_collection_year_runs():
    assert year_end.not_yet_due("186", year=2027, as_of=date(2026, 12, 7))
    assert year_end.not_yet_due("186", year=2027, as_of=date(2027, 3, 31))  # the last day: still in time
    assert not year_end.not_yet_due("186", year=2027, as_of=date(2027, 4, 1))  # the year has ended
    assert not year_end.not_yet_due("186", year=2026, as_of=date(2026, 12, 7))  # a past year, in full
    # a wrong value is wrong whatever the date: data for a child not looked after for 12 months
    assert not year_end.not_yet_due("185", year=2027, as_of=date(2026, 12, 7))
    errors = [{"code": "186", "child": "1"}, {"code": "103", "child": "2"}]
    assert year_end.split(errors, year=2027, as_of=date(2026, 12, 7)) == ([errors[1]], [errors[0]])
    assert year_end.due_label(2027) == "Due by 31 March 2027"


def test_each_rule_set_apart_is_a_dfe_rule_with_a_reason():
    rules = Path(settings.SSDA903_VALIDATOR_PYTHON).parent.parent.glob("lib/python3*/site-packages/lac_validator/rules")
    folder = next(iter(rules), None)
    if folder is None:
        pytest.skip("the DfE validator is not installed")
    codes = {m for path in folder.rglob("rule_*.py") for m in re.findall(r'code="([^"]+)"', path.read_text())}
    for code, reason in year_end.DUE_BY_YEAR_END.items():
        assert code in codes, code
        assert "31 March" in reason, code


@pytest.fixture(scope="module")
def mid_year(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo's world seeded on AS_OF, with the authority's last and current year exported."""
    out = tmp_path_factory.mktemp("903")
    with django_db_blocker.unblock(), transaction.atomic():
        call_command(
            "seed", practices=2, people=600, seed=2026, as_of=AS_OF, restricted_record=True, stdout=io.StringIO()
        )
        children = LookedAfterChild.objects.filter(commissioner__ons_code=AUTHORITY)
        for year in (YEAR - 1, YEAR):
            build_return(children=children, year=year).write(out / str(year))
        yield out
        transaction.set_rollback(True)


def _validate(folder: Path, as_of: date) -> tuple[str, int]:
    stdout = io.StringIO()
    try:
        call_command(
            "validate_903",
            folder / str(YEAR),
            year=YEAR,
            commissioner=AUTHORITY,
            previous=folder / str(YEAR - 1),
            as_of=as_of,
            stdout=stdout,
        )
    except SystemExit as exit:
        return stdout.getvalue(), exit.code
    return stdout.getvalue(), 0


@pytest.mark.django_db
def test_validate_903_mid_year_lists_what_is_due_and_exits_0(mid_year):
    output, code = _validate(mid_year, AS_OF)
    assert code == 0, output
    assert output.count("\t186\t") == 3  # the three SDQs not yet done, one line each
    assert "0 errors" in output
    assert "3 items due by 31 march 2027" in output
    assert output.count("Due by 31 March 2027: Children aged 4 or over") == 3


@pytest.mark.django_db
def test_validate_903_after_the_year_has_ended_judges_it_in_full(mid_year):
    output, code = _validate(mid_year, AFTER_THE_YEAR)
    assert code == 1
    assert "3 errors" in output and "  186: 3" in output
    assert "Due by" not in output


@pytest.mark.django_db
def test_the_return_check_page_shows_due_items_apart_from_errors(mid_year, client, monkeypatch):
    import casework.looked_after.views as views

    monkeypatch.setattr(views.timezone, "localdate", lambda *args: AS_OF)
    commissioner = LookedAfterChild.objects.filter(commissioner__ons_code=AUTHORITY).first().commissioner
    due = set()
    for manager in User.objects.filter(username__endswith=".manager").order_by("username"):
        client.force_login(manager)
        form = {"commissioner": commissioner.pk, "year": YEAR}
        _, response = start_and_run(client, reverse("return_903_check"), form)
        assert response.status_code == 200
        body = response.content.decode()
        heading = body.split('id="result">')[1].split("</h2>")[0]
        assert heading == "No DfE errors", heading  # each practice's part: nothing wrong, only due
        if 'id="due"' in body:
            section = body.split('id="due"')[1]
            assert section.startswith(">Due by 31 March 2027: ")
            due |= set(re.findall(r"Child (\d+)</a>", section))
            assert section.count("<strong>186</strong> (OC2)") == len(re.findall(r"Child (\d+)</a>", section))
    # the three children whose SDQ is still to do this year, across the two practices
    assert due == {"2020000003", "2020000023", "2020000056"}
