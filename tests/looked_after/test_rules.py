"""Pure rules for looked-after children's records, on hand-built values."""

from datetime import date
from types import SimpleNamespace as Row

import pytest

from casework.looked_after import codes, rules, timescales


def episode(start, end=None, rne="S", rec="", ls="C2", place="U6"):
    return Row(
        start_date=start, end_date=end, reason_new_episode=rne, reason_ceased=rec, legal_status=ls, placement_type=place
    )


def test_periods_of_care_split_on_a_non_x1_ending_and_on_a_new_start():
    history = [
        episode(date(2020, 1, 10), date(2020, 6, 1), "S", "X1"),
        episode(date(2020, 6, 1), date(2021, 2, 3), "P", "E4A"),
        episode(date(2022, 5, 5), None, "S"),
    ]
    periods = rules.periods_of_care(history)
    assert [(p.start_date, p.end_date, len(p.episodes)) for p in periods] == [
        (date(2020, 1, 10), date(2021, 2, 3), 2),
        (date(2022, 5, 5), None, 1),
    ]
    assert periods[1].overlaps(date(2025, 4, 1), date(2026, 3, 31))
    assert not periods[0].overlaps(date(2021, 4, 1), date(2022, 3, 31))


def test_reason_for_new_episode_follows_what_changed():
    previous = episode(date(2024, 1, 1))
    assert (
        rules.reason_for_new_episode(None, legal_status_changed=False, placement_changed=False, same_carers=False)
        == "S"
    )
    assert (
        rules.reason_for_new_episode(previous, legal_status_changed=True, placement_changed=False, same_carers=True)
        == "L"
    )
    assert (
        rules.reason_for_new_episode(previous, legal_status_changed=False, placement_changed=True, same_carers=False)
        == "P"
    )
    assert (
        rules.reason_for_new_episode(previous, legal_status_changed=False, placement_changed=True, same_carers=True)
        == "T"
    )
    assert (
        rules.reason_for_new_episode(previous, legal_status_changed=True, placement_changed=True, same_carers=False)
        == "B"
    )
    assert (
        rules.reason_for_new_episode(previous, legal_status_changed=True, placement_changed=True, same_carers=True)
        == "U"
    )
    with pytest.raises(ValueError):
        rules.reason_for_new_episode(previous, legal_status_changed=False, placement_changed=False, same_carers=True)


@pytest.mark.parametrize(
    ("place", "year", "valid"),
    [
        ("H5", 2025, True),
        ("H5", 2026, False),
        ("K3", 2025, False),
        ("K3", 2026, True),
        ("Z1", 2025, True),
        ("Z1", 2026, False),
        ("Z12", 2026, True),
        ("Z12", 2025, False),
        ("U6", 2027, True),
        ("P2", 2025, False),
    ],
)
def test_placement_codes_are_valid_by_collection_year(place, year, valid):
    assert codes.PLACEMENT_TYPE.valid(place, year) is valid
    assert (place in dict(codes.PLACEMENT_TYPE.choices(year))) is valid


def test_placement_problems_name_the_field_to_fix():
    assert rules.placement_problems("U6", "PR1", "SC123456", 2026) == {}
    assert set(rules.placement_problems("U6", "", "", 2026)) == {"placement_provider", "urn"}
    assert set(rules.placement_problems("P1", "PR0", "SC123456", 2026)) == {"urn"}
    assert set(rules.placement_problems("T0", "PR1", "", 2026)) == {"placement_provider"}
    # T4 needs no provider up to 2024/25; from 2025/26 it may have one
    assert "placement_provider" in rules.placement_problems("T4", "PR1", "", 2025)
    assert "placement_provider" not in rules.placement_problems("T4", "PR1", "", 2026)
    assert "placement_type" in rules.placement_problems("H5", "PR4", "SC123456", 2026)


def test_review_participation_fits_the_childs_age():
    assert rules.review_code_problem("PN0", 3) is None
    assert rules.review_code_problem("PN1", 3) is not None
    assert rules.review_code_problem("PN0", 4) is not None
    assert rules.review_code_problem("PN9", 10) is not None


def test_endings_that_need_a_particular_last_placement():
    assert rules.ending_problem("E45", {"placement_type": "K2"}) is not None
    assert rules.ending_problem("E45", {"placement_type": "U4"}) is None
    assert rules.ending_problem("E11", {"placement_type": "U6"}) is not None
    assert rules.ending_problem("E11", {"placement_type": "A6"}) is None
    assert rules.ending_problem("E4A", {"placement_type": "K2"}) is None


def test_former_relevant_child_needs_13_weeks_after_14_including_a_day_after_16():
    dob = date(2006, 6, 1)
    # looked after from 15 to 18: relevant
    assert rules.is_former_relevant_child(
        dob, [episode(date(2021, 6, 1), date(2024, 6, 1), rec="E5")], date(2026, 3, 31)
    )
    # 90 days after 14, ending before 16: not
    assert not rules.is_former_relevant_child(
        dob, [episode(date(2020, 6, 1), date(2020, 8, 30), rec="E4A")], date(2026, 3, 31)
    )
    # long enough after 14 but ended the day before the 16th birthday: not
    assert not rules.is_former_relevant_child(
        dob, [episode(date(2020, 6, 1), date(2022, 6, 1), rec="E4A")], date(2026, 3, 31)
    )
    # short breaks do not count
    assert not rules.is_former_relevant_child(
        dob, [episode(date(2021, 6, 1), date(2024, 6, 1), rec="E8", ls="V3")], date(2026, 3, 31)
    )
    # adopted from care: not a care leaver
    assert not rules.is_former_relevant_child(
        dob, [episode(date(2021, 6, 1), date(2023, 6, 1), rec="E11", place="A6")], date(2026, 3, 31)
    )


def test_working_days_skip_weekends_and_english_bank_holidays():
    # Thursday 18 December 2025 + 5 working days: skips the weekend, Christmas Day and Boxing Day
    assert timescales.add_working_days(date(2025, 12, 18), 5) == date(2025, 12, 29)
    # Good Friday and Easter Monday 2026 (3 and 6 April)
    assert timescales.add_working_days(date(2026, 4, 2), 1) == date(2026, 4, 7)
    assert not timescales.is_working_day(date(2026, 5, 25))  # Spring bank holiday
    assert timescales.is_working_day(date(2026, 5, 26))


def test_collection_years_are_named_by_their_end():
    assert codes.collection_year_of(date(2025, 4, 1)) == 2026
    assert codes.collection_year_of(date(2026, 3, 31)) == 2026
    assert codes.year_label(2026) == "2025/26"
    assert codes.sex_code("F", 2024) == "2" and codes.sex_code("F", 2025) == "F"
