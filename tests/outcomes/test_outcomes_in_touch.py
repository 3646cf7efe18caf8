"""Care leavers in touch in the DfE's categories, and what counts as a placement in "3 or more
placements", on hand-built young people. The year is 1 April 2025 to 31 March 2026."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from casework.outcomes.compute import (
    MET,
    NOT_MET,
    Result,
    care_leavers_in_touch_categories,
    compute,
    per_child,
)
from tests.outcomes.builders import Records

pytestmark = pytest.mark.django_db

d = date


def _leaver(r, name: str, birthday: date, age: int, in_touch: str, activity: str = ""):
    """A former relevant young person (in care from 14 to 18) whose ``age`` birthday is ``birthday``,
    with a contact at it."""
    dob = birthday.replace(year=birthday.year - age)
    child = r.child(name, dob)
    r.episode(child, dob.replace(year=dob.year + 14), dob.replace(year=dob.year + 18), rec="E8")
    r.contact(child, age, in_touch, activity, "0" if activity else "", None)
    return child


def _leavers(r, first: date) -> dict:
    """Six young people with a 19th to 21st birthday in the 8 months from ``first``."""
    on = [first + timedelta(days=30 * n) for n in range(6)]
    kids = {
        # in touch (YES), at college: in touch
        "YES": _leaver(r, "InTouch", on[0], 20, "YES", "F2"),
        # not in touch directly, working by a third party's account: in touch, as the DfE counts it
        "NO_KNOWN": _leaver(r, "ThirdParty", on[1], 20, "NO", "F5"),
        # not in touch and nothing known: the DfE's "local authority not in touch"
        "NO": _leaver(r, "NotInTouch", on[2], 20, "NO", "0"),
        # refuses contact, though a third party says they work: the DfE's "refuses contact", not in touch
        "REFU_KNOWN": _leaver(r, "Refuses", on[3], 20, "REFU", "F5"),
        # no longer requires services, though known to be at university: its own category, not in touch
        "NREQ_KNOWN": _leaver(r, "NoNeed", on[4], 21, "NREQ", "F1"),
    }
    # 19 in the year, no contact recorded: in the cohort, in no DfE category
    dob = on[5].replace(year=on[5].year - 19)
    kids["NONE"] = r.child("Unrecorded", dob)
    r.episode(kids["NONE"], dob.replace(year=dob.year + 14), dob.replace(year=dob.year + 18), rec="E8")
    return kids


@pytest.fixture
def leavers(world):
    r = Records(world)
    kids = _leavers(r, d(2025, 5, 1))
    return r.load(), kids


def test_in_touch_counts_the_dfe_in_touch_categories_only(leavers):
    data, kids = leavers
    # cohort: all 6; in touch: YES and NO_KNOWN (the third party's account) = 2 of 6
    assert compute(data, "care_leavers_in_touch") == Result(2, 6, pytest.approx(100 * 2 / 6))
    found = per_child(data, "care_leavers_in_touch")
    assert {name: found[child.pk] for name, child in kids.items()} == {
        "YES": MET,
        "NO_KNOWN": MET,
        "NO": NOT_MET,
        "REFU_KNOWN": NOT_MET,  # refused contact is not in touch, whatever a third party says
        "NREQ_KNOWN": NOT_MET,
        "NONE": NOT_MET,
    }


def test_each_dfe_category_is_counted_apart(leavers):
    data, _ = leavers
    assert care_leavers_in_touch_categories(data) == {
        "in_touch": 1,
        "third_party": 1,
        "not_in_touch": 1,
        "refused": 1,
        "no_longer_requires": 1,
        "not_recorded": 1,
    }


def test_the_contract_report_shows_the_categories(world, client):
    from django.urls import reverse

    from casework.cases import services as case_services
    from casework.contracts.models import Contract
    from casework.contracts.reporting import contract_report
    from casework.contracts.services import contract_measure_set
    from casework.core.codes import ServiceType
    from tests.conftest import TODAY

    contract = Contract.objects.get(practice=world.a.org, commissioner=world.commissioner)
    year = contract.years.get(start_date__lte=TODAY, end_date__gte=TODAY)
    kids = _leavers(Records(world), year.start_date + timedelta(days=10))
    for child in kids.values():
        case_services.case_open(
            actor=world.a.users["team_manager"],
            person=child.person,
            service_type=ServiceType.CARE_LEAVER,
            commissioner=world.commissioner,
            opened_on=child.person.registrations.order_by("start_date").first().start_date,
            open_reason="Care leaver",
            worker=world.a.workers[0],
        )
    contract_measure_set(actor=None, contract_year=year, indicator="care_leavers_in_touch", target=Decimal("90"))
    (row,) = contract_report(contract=contract, year=year).rows
    assert (row.numerator, row.denominator) == (2, 6)
    assert row.breakdown == [
        ("In touch", 1),
        ("Not in touch directly, but activity known from a third party (counted as in touch)", 1),
        ("Local authority not in touch", 1),
        ("Young person refuses contact", 1),
        ("Young person no longer requires services", 1),
        ("No contact recorded", 1),
    ]
    # counts under 5 are suppressed in what a commissioner sees
    assert {count for _, count in row.shown_breakdown} == {"[c]"}
    client.force_login(world.commissioner_users["commissioner_officer"])
    body = client.get(reverse("contract_report", args=[contract.pk]), {"year": year.pk}).content.decode()
    assert "Young person refuses contact" in body and "Local authority not in touch" in body
