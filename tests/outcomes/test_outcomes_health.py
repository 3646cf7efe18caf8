"""Outcomes for children looked after for 12 months (the 903 OC2 cohort): health assessments, dental
checks, immunisations, development checks, SDQ, substance misuse and convictions, on hand-built
children. The year is 1 April 2025 to 31 March 2026."""

from datetime import date

import pytest

from casework.looked_after.export import build_return
from casework.looked_after.models import LookedAfterChild
from casework.outcomes.compute import MET, NOT_APPLICABLE, NOT_MET, NOT_YET_DUE, Result, compute, per_child
from tests.outcomes.builders import Records

pytestmark = pytest.mark.django_db

d = date
HA, DENTAL, IMMS, DEV = "health_assessment", "dental_check", "immunisations", "development_check"


def statuses(data, indicator_id, children):
    found = per_child(data, indicator_id)
    return {name: found[child.pk] for name, child in children.items()}


@pytest.fixture
def health(world):
    r = Records(world)
    kids = {}
    # H1, 10: in care since 2024; assessment, dental check and immunisations in the year: all met
    kids["H1"] = c = r.child("Ten", d(2015, 6, 1))
    r.episode(c, d(2024, 1, 1))
    r.check(c, HA, d(2025, 6, 1))
    r.check(c, DENTAL, d(2025, 7, 1))
    r.check(c, IMMS, d(2025, 7, 1))
    # H2, 3 on 31 March: one health assessment is not enough under 5 (they are 6-monthly); a
    # development check: met; no dental check
    kids["H2"] = c = r.child("Three", d(2022, 6, 1))
    r.episode(c, d(2024, 1, 1))
    r.check(c, HA, d(2025, 5, 1))
    r.check(c, DEV, d(2025, 5, 1))
    # H3, 4 on 31 March: two assessments, immunisations; no development check
    kids["H3"] = c = r.child("Four", d(2022, 1, 1))
    r.episode(c, d(2024, 1, 1))
    r.check(c, HA, d(2025, 5, 1), d(2025, 11, 1))
    r.check(c, IMMS, d(2025, 11, 1))
    # H4: in care since June 2025, under 12 months: not yet due
    kids["H4"] = c = r.child("New", d(2015, 6, 1))
    r.episode(c, d(2025, 6, 1))
    r.check(c, HA, d(2025, 7, 1))
    # H5: checks in March 2025 and 2024, before the year: not met
    kids["H5"] = c = r.child("Stale", d(2015, 6, 1))
    r.episode(c, d(2023, 1, 1))
    r.check(c, HA, d(2025, 3, 15))
    r.check(c, DENTAL, d(2024, 6, 1))
    # H6: left care on 31 March itself, after three years: still looked after all year (DfE rule
    # 191, the 903 OC2 cohort); assessed in September: met
    kids["H6"] = c = r.child("LeftOnTheDay", d(2012, 6, 1))
    r.episode(c, d(2023, 1, 1), d(2026, 3, 31), rec="E4A")
    r.check(c, HA, d(2025, 9, 1))
    # H7: left care in June and came back in August (a new period of care): not 12 months continuously
    kids["H7"] = c = r.child("Returned", d(2015, 6, 1))
    r.episode(c, d(2023, 1, 1), d(2025, 6, 1), rec="E4A")
    r.episode(c, d(2025, 8, 1))
    r.check(c, HA, d(2025, 9, 1))
    # H8: on short breaks only: not looked after in the sense of the cohort
    kids["H8"] = c = r.child("Breaks", d(2015, 6, 1))
    r.episode(c, d(2025, 6, 1), d(2025, 6, 3), ls="V3", rec="E8")
    return r, kids


def test_health_assessment(health):
    r, kids = health
    data = r.load()
    # cohort H1 H2 H3 H5 H6 = 5; met H1, H3 (two, under 5), H6 = 3
    assert compute(data, HA) == Result(3, 5, 60.0)
    assert statuses(data, HA, kids) == {
        "H1": MET,
        "H2": NOT_MET,
        "H3": MET,
        "H4": NOT_YET_DUE,
        "H5": NOT_MET,
        "H6": MET,
        "H7": NOT_YET_DUE,
        "H8": NOT_APPLICABLE,
    }


def test_dental_immunisations_and_development(health):
    r, kids = health
    data = r.load()
    assert compute(data, DENTAL) == Result(1, 5, 20.0)  # H1 only
    assert compute(data, IMMS) == Result(2, 5, 40.0)  # H1 and H3
    # development: cohort under 5 on 31 March, H2 (3) and H3 (4); H2 checked
    assert compute(data, DEV) == Result(1, 2, 50.0)
    found = statuses(data, DEV, kids)
    assert (found["H1"], found["H2"], found["H3"], found["H4"]) == (NOT_APPLICABLE, MET, NOT_MET, NOT_APPLICABLE)


def test_the_twelve_month_cohort_is_the_903_oc2_table(health):
    # the children the DfE would count are exactly those the return reports in OC2
    r, _ = health
    data = r.load()
    oc2 = {row["CHILD"] for row in build_return(children=LookedAfterChild.objects.all(), year=2026).tables["OC2"]}
    found = per_child(data, HA)
    in_cohort = {child.child_id for child in LookedAfterChild.objects.all() if found[child.pk] in (MET, NOT_MET)}
    assert in_cohort == oc2 and len(oc2) == 5


def test_sdq_returned_mean_and_concern(world):
    r = Records(world)
    kids = {}
    for name, dob in (("S1", d(2014, 1, 1)), ("S2", d(2012, 1, 1)), ("S3", d(2013, 1, 1)), ("S4", d(2011, 1, 1))):
        kids[name] = c = r.child(name, dob)
        r.episode(c, d(2024, 1, 1))
    r.sdq(kids["S1"], d(2025, 6, 1), 10)  # returned, normal
    r.sdq(kids["S2"], d(2025, 6, 1), 20)  # returned, a cause for concern
    # S3: a score in May, then a refusal in October: the latest (the one the return reports) has no score
    r.sdq(kids["S3"], d(2025, 5, 1), 18)
    r.sdq(kids["S3"], d(2025, 10, 1), reason="SDQ2")
    # S4: none
    kids["S5"] = c = r.child("S5", d(2008, 6, 1))  # 17 on 31 March: outside 5 to 16
    r.episode(c, d(2024, 1, 1))
    r.sdq(c, d(2025, 6, 1), 30)
    kids["S6"] = c = r.child("S6", d(2021, 6, 1))  # 4 on 31 March: outside 5 to 16
    r.episode(c, d(2024, 1, 1))
    r.sdq(c, d(2025, 6, 1), 30)
    kids["S7"] = c = r.child("S7", d(2014, 1, 1))  # in care since October: not yet due
    r.episode(c, d(2025, 10, 1))
    data = r.load()
    # returned: cohort S1 S2 S3 S4, with a score S1 S2
    assert compute(data, "sdq_returned") == Result(2, 4, 50.0)
    # mean of 10 and 20
    assert compute(data, "sdq_mean") == Result(30, 2, 15.0)
    # cause for concern (17+): S2 of S1 and S2
    assert compute(data, "sdq_concern") == Result(1, 2, 50.0)
    assert statuses(data, "sdq_concern", kids) == {
        "S1": MET,
        "S2": NOT_MET,
        "S3": NOT_APPLICABLE,
        "S4": NOT_APPLICABLE,
        "S5": NOT_APPLICABLE,
        "S6": NOT_APPLICABLE,
        "S7": NOT_YET_DUE,
    }
    assert statuses(data, "sdq_returned", kids)["S3"] == NOT_MET
    with pytest.raises(ValueError):
        per_child(data, "sdq_mean")


def test_convictions_and_substance_misuse(world):
    r = Records(world)
    kids = {}
    kids["C1"] = c = r.child("Twelve", d(2013, 6, 1))  # 12: convicted in August, misuse identified in September
    r.episode(c, d(2024, 1, 1))
    r.conviction(c, d(2025, 8, 1))
    r.misuse(c, d(2025, 9, 1))
    kids["C2"] = c = r.child("Fifteen", d(2010, 6, 1))  # 15: convicted before the year
    r.episode(c, d(2024, 1, 1))
    r.conviction(c, d(2024, 12, 1))
    kids["C3"] = c = r.child("Nine", d(2016, 6, 1))  # 9: under 10, outside the conviction cohort
    r.episode(c, d(2024, 1, 1))
    r.conviction(c, d(2025, 8, 1))
    kids["C4"] = c = r.child("Seventeen", d(2008, 5, 1))  # 17 on 31 March: inside 10 to 17
    r.episode(c, d(2024, 1, 1))
    data = r.load()
    # convictions: cohort C1 C2 C4, convicted C1 ("lower is better": met means not convicted)
    assert compute(data, "convictions") == Result(1, 3, pytest.approx(100 / 3))
    assert statuses(data, "convictions", kids) == {"C1": NOT_MET, "C2": MET, "C3": NOT_APPLICABLE, "C4": MET}
    # substance misuse: every age, cohort of 4, identified for C1
    assert compute(data, "substance_misuse") == Result(1, 4, 25.0)


def test_under_five_is_the_age_on_31_march_and_a_short_break_in_care_breaks_continuity(world):
    # (a) The DfE: health assessments "twice a year for those under 5 ... both must be carried out";
    # for those aged 5 or over a single annual one. Age on 31 March 2026.
    # (c) "Looked after continuously for 12 months" has no allowance for a short gap: any new period
    # of care starting in the 12 months, or any short break (V3, V4) in them, takes the child out
    # (the DfE validator's CONTINUOUSLY_LOOKED_AFTER, the 903 OC2 cohort).
    r = Records(world)
    kids = {}
    # A1: 5 on 1 February 2026, one assessment in June 2025: 5 on 31 March, so one is enough: met
    kids["A1"] = c = r.child("FiveInFeb", d(2021, 2, 1))
    r.episode(c, d(2023, 1, 1))
    r.check(c, HA, d(2025, 6, 1))
    # A2: 5 on 1 April 2026, the day after: 4 on 31 March, one assessment: not met
    kids["A2"] = c = r.child("FiveInApril", d(2021, 4, 1))
    r.episode(c, d(2023, 1, 1))
    r.check(c, HA, d(2025, 6, 1))
    # A3: under 5, two assessments (June and December): met
    kids["A3"] = c = r.child("TwoChecks", d(2022, 4, 1))
    r.episode(c, d(2023, 1, 1))
    r.check(c, HA, d(2025, 6, 1), d(2025, 12, 1))
    # A4: went home for one night in October (care ended E4A on 10 October, started again, S, on
    # 11 October): a new period of care in the 12 months, so not continuously looked after: not in
    # the cohort, however short the gap (in care, under 12 months in this period: not yet due)
    kids["A4"] = c = r.child("OneNight", d(2015, 6, 1))
    r.episode(c, d(2023, 1, 1), d(2025, 10, 10), rec="E4A")
    r.episode(c, d(2025, 10, 11))
    r.check(c, HA, d(2025, 6, 1))
    # A5: on a short-breaks agreement (V4) since 2024, so "looked after" on 1 April 2025, then a full
    # care order in July 2025 (legal status only, L): a short break in the 12 months, not in the cohort
    kids["A5"] = c = r.child("WithBreaks", d(2015, 6, 1))
    r.care(c, (d(2024, 1, 1), "S", {"ls": "V4"}), (d(2025, 7, 1), "L", {"ls": "C2"}))
    r.check(c, HA, d(2025, 6, 1))
    data = r.load()
    # cohort A1 A2 A3 = 3; met A1, A3
    assert compute(data, HA) == Result(2, 3, pytest.approx(200 / 3))
    assert statuses(data, HA, kids) == {
        "A1": MET,
        "A2": NOT_MET,
        "A3": MET,
        "A4": NOT_YET_DUE,
        "A5": NOT_YET_DUE,
    }
    # the same cohort as the return's OC2 table
    oc2 = {row["CHILD"] for row in build_return(children=LookedAfterChild.objects.all(), year=2026).tables["OC2"]}
    assert oc2 == {kids[name].child_id for name in ("A1", "A2", "A3")}
