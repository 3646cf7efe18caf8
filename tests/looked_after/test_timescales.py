"""Statutory due dates for looked-after children, on hand-built values and hand-worked dates.

Bank holidays used below (England): 2025-12-25 Thu, 2025-12-26 Fri, 2026-01-01 Thu,
2026-04-03 Good Friday, 2026-04-06 Easter Monday, 2026-05-04 Mon, 2026-05-25 Mon.
"""

import subprocess
import sys
from datetime import date
from pathlib import Path
from types import SimpleNamespace as Row

import pytest

from casework.looked_after import timescales
from casework.looked_after.timescales import Due


def episode(start, end=None, rne="S", rec="", ls="C2", place="U4", until_18=False):
    return Row(
        start_date=start,
        end_date=end,
        reason_new_episode=rne,
        reason_ceased=rec if end is None or rec else "X1",
        legal_status=ls,
        placement_type=place,
        intended_until_18=until_18,
    )


def dues(*, dob=date(2015, 1, 1), episodes, today, reviews=(), visits=(), health=(), dental=(), sdqs=()):
    return timescales.due_dates(
        date_of_birth=dob,
        episodes=episodes,
        reviews=list(reviews),
        visits=list(visits),
        health_assessments=list(health),
        dental_checks=list(dental),
        sdqs=list(sdqs),
        today=today,
    )


def by_kind(found):
    return {due.kind: due for due in found}


def visit_due_in(episodes, visits, today, **records):
    return by_kind(dues(episodes=episodes, visits=visits, today=today, **records))["visit"].due_on


def visit_due(start, visits, *, place="U4", ls="C2", until_18=False, first_review=None):
    return timescales.next_visit_due(
        start, visits, placement_type=place, legal_status=ls, intended_until_18=until_18, first_review_on=first_review
    ).due_on


# Reviews (regulation 33)


def test_first_review_counts_20_working_days_over_christmas_and_new_year():
    # Care starts Fri 19 Dec 2025. Working days: Mon 22 (1), Tue 23 (2), Wed 24 (3), [Thu 25, Fri 26 bank
    # holidays], Mon 29 (4), Tue 30 (5), Wed 31 (6), [Thu 1 Jan bank holiday], Fri 2 (7), 5-9 Jan (8-12),
    # 12-16 Jan (13-17), Mon 19 (18), Tue 20 (19), Wed 21 Jan (20). Without the 3 holidays it would be Fri 16 Jan.
    due = timescales.next_review_due(date(2025, 12, 19), [])
    assert due == Due("review", "First review", date(2026, 1, 21))


def test_first_review_skips_good_friday_and_easter_monday():
    # Care starts Mon 23 Mar 2026. Tue 24-Fri 27 (1-4), Mon 30-Thu 2 Apr (5-8), [Fri 3, Mon 6 Easter],
    # Tue 7-Fri 10 (9-12), 13-17 Apr (13-17), Mon 20 (18), Tue 21 (19), Wed 22 Apr (20).
    assert timescales.next_review_due(date(2026, 3, 23), []).due_on == date(2026, 4, 22)


def test_first_review_skips_both_may_bank_holidays():
    # Care starts Fri 24 Apr 2026. Mon 27 Apr-Fri 1 May (1-5), [Mon 4 May], Tue 5-Fri 8 (6-9), 11-15 (10-14),
    # 18-22 (15-19), [Mon 25 May], Tue 26 May (20).
    assert timescales.next_review_due(date(2026, 4, 24), []).due_on == date(2026, 5, 26)


def test_second_review_is_3_months_after_the_first_clamped_to_the_month_end():
    # First review Sat 31 Jan 2026; 3 months on is "31 April", so 30 Apr 2026.
    due = timescales.next_review_due(date(2026, 1, 5), [date(2026, 1, 31)])
    assert due == Due("review", "Second review", date(2026, 4, 30))


def test_later_reviews_are_6_months_after_the_previous_one_whatever_the_order_given():
    # 30 Apr 2026 + 6 months = 30 Oct 2026
    due = timescales.next_review_due(date(2026, 1, 5), [date(2026, 4, 30), date(2026, 1, 31)])
    assert due == Due("review", "Review", date(2026, 10, 30))
    # An early third review on 31 Aug 2026: + 6 months is "31 Feb 2027", so 28 Feb 2027.
    third = timescales.next_review_due(date(2026, 1, 5), [date(2026, 1, 31), date(2026, 4, 30), date(2026, 8, 31)])
    assert third.due_on == date(2027, 2, 28)


def test_reviews_before_the_period_of_care_do_not_count():
    # Back in care Mon 1 Jun 2026: the 2025 reviews were for the last period. Tue 2-Fri 5 Jun (1-4), 8-12 (5-9),
    # 15-19 (10-14), 22-26 (15-19), Mon 29 Jun (20): no bank holidays in June.
    due = timescales.next_review_due(date(2026, 6, 1), [date(2025, 1, 10), date(2025, 3, 5)])
    assert due == Due("review", "First review", date(2026, 6, 29))
    # A review on the day care starts does count.
    assert timescales.next_review_due(date(2026, 6, 1), [date(2026, 6, 1)]).label == "Second review"


# Visits (regulation 28)


def test_first_visit_is_due_a_week_after_the_placement_starts_in_calendar_days():
    # Fri 19 Dec 2025 + 7 days = Fri 26 Dec 2025 (a bank holiday: visits are calendar days, not working days).
    assert visit_due(date(2025, 12, 19), []) == date(2025, 12, 26)
    # A visit from before this placement does not count.
    assert visit_due(date(2026, 1, 5), [date(2026, 1, 2)]) == date(2026, 1, 12)


def test_visits_are_6_weekly_in_the_first_year_of_a_placement():
    # Placement Mon 5 Jan 2026, last visit Fri 9 Jan: + 42 days = 9 Jan + 22 (31 Jan) + 20 = Fri 20 Feb 2026.
    assert visit_due(date(2026, 1, 5), [date(2026, 1, 9)]) == date(2026, 2, 20)
    # Even when meant to last until 18: the first year is 5 Jan 2026 to 4 Jan 2027, so a visit on
    # Mon 4 Jan 2027 still gives 6 weeks: 4 Jan + 27 (31 Jan) + 15 = 15 Feb 2027.
    assert visit_due(date(2026, 1, 5), [date(2027, 1, 4)], until_18=True) == date(2027, 2, 15)


def test_after_the_first_year_visits_are_3_monthly_only_if_the_placement_is_meant_to_last_until_18():
    # First anniversary of a placement from 5 Jan 2026 is 5 Jan 2027. Visit that day:
    # intended until 18: + 3 months = 5 Apr 2027
    assert visit_due(date(2026, 1, 5), [date(2026, 11, 20), date(2027, 1, 5)], until_18=True) == date(2027, 4, 5)
    # otherwise still 6 weeks: 5 Jan + 26 (31 Jan) + 16 = 16 Feb 2027
    assert visit_due(date(2026, 1, 5), [date(2026, 11, 20), date(2027, 1, 5)]) == date(2027, 2, 16)


def test_placed_with_parents_weekly_until_the_first_review_then_6_weekly():
    start = date(2026, 1, 5)
    # No review yet: weekly. Last visit Mon 12 Jan -> Mon 19 Jan.
    assert visit_due(start, [date(2026, 1, 12)], place="P1") == date(2026, 1, 19)
    # First review Thu 29 Jan; the last visit (Mon 26 Jan) came before it, so the weekly rule still set its
    # successor: 2 Feb.
    visits = [date(2026, 1, 12), date(2026, 1, 19), date(2026, 1, 26)]
    assert visit_due(start, visits, place="P1", first_review=date(2026, 1, 29)) == date(2026, 2, 2)
    # A visit on the day of the first review: 6 weeks. 29 Jan + 2 (31 Jan) + 28 (28 Feb) + 12 = Thu 12 Mar 2026.
    visits.append(date(2026, 1, 29))
    assert visit_due(start, visits, place="P1", first_review=date(2026, 1, 29)) == date(2026, 3, 12)


def test_interim_care_order_at_home_weekly_until_the_first_review_then_4_weekly():
    start, reviewed = date(2026, 1, 5), date(2026, 1, 29)
    # Before the first review: weekly, as for any placement with parents. 26 Jan -> 2 Feb.
    assert visit_due(start, [date(2026, 1, 26)], place="P1", ls="C1", first_review=reviewed) == date(2026, 2, 2)
    # After it: 4 weeks. Visit Thu 29 Jan + 28 days = 29 Jan + 2 (31 Jan) + 26 = Thu 26 Feb 2026.
    assert visit_due(start, [date(2026, 1, 29)], place="P1", ls="C1", first_review=reviewed) == date(2026, 2, 26)
    # An interim care order in foster care follows the ordinary rule: 6 weeks, 29 Jan -> 12 Mar.
    assert visit_due(start, [date(2026, 1, 29)], place="U4", ls="C1", first_review=reviewed) == date(2026, 3, 12)


def test_placement_start_is_the_latest_move_to_new_carers():
    s = episode(date(2026, 1, 5), date(2026, 3, 2))
    legal_only = episode(date(2026, 3, 2), date(2026, 6, 1), rne="L", ls="C2")
    # A change of legal status only keeps the placement that began on 5 Jan.
    assert timescales.placement_start([s, legal_only]) == date(2026, 1, 5)
    # A move to new carers (P) starts a new placement; a later move with the same carers (T) does not.
    moved = episode(date(2026, 6, 1), date(2026, 8, 3), rne="P")
    same_carers = episode(date(2026, 8, 3), rne="T", place="U5")
    assert timescales.placement_start([same_carers, s, moved, legal_only]) == date(2026, 6, 1)
    # B (new carers and a new legal status) restarts it too; U (same carers) does not.
    assert timescales.placement_start([s, episode(date(2026, 2, 1), rne="B")]) == date(2026, 2, 1)
    assert timescales.placement_start([s, episode(date(2026, 2, 1), rne="U")]) == date(2026, 1, 5)
    # Dicts work as well as rows.
    assert timescales.placement_start([{"start_date": date(2026, 1, 5), "reason_new_episode": "S"}]) == date(2026, 1, 5)
    with pytest.raises(ValueError):
        timescales.placement_start([])


def test_a_change_of_legal_status_does_not_restart_visits_but_a_move_to_new_carers_does():
    s = episode(date(2026, 1, 5), date(2026, 3, 2), ls="C1")
    legal_only = episode(date(2026, 3, 2), rne="L", ls="C2")
    visits = [date(2026, 1, 9), date(2026, 2, 20), date(2026, 3, 27)]
    # Same placement since 5 Jan: last visit Fri 27 Mar + 42 days = 27 Mar + 4 (31 Mar) + 30 (30 Apr) + 8 = 8 May.
    assert visit_due_in([s, legal_only], visits, date(2026, 4, 1)) == date(2026, 5, 8)
    # Moved to new carers on Wed 1 Apr: the 27 Mar visit was to the old placement, so 1 Apr + 7 = 8 Apr.
    legal_only_ended = episode(date(2026, 3, 2), date(2026, 4, 1), rne="L", ls="C2")
    moved = episode(date(2026, 4, 1), rne="P", ls="C2")
    assert visit_due_in([s, legal_only_ended, moved], visits, date(2026, 4, 3)) == date(2026, 4, 8)


def test_a_move_recorded_ahead_of_time_does_not_restart_visits_before_it_happens():
    s = episode(date(2026, 1, 5), date(2026, 1, 20))
    planned = episode(date(2026, 1, 20), rne="P")
    # On 10 Jan the child is still in the placement from 5 Jan; visited 9 Jan -> 9 Jan + 42 = 20 Feb.
    assert visit_due_in([s, planned], [date(2026, 1, 9)], date(2026, 1, 10)) == date(2026, 2, 20)


def test_visits_use_the_current_episodes_long_term_plan():
    # Placed Mon 5 Jan 2025, meant to last until 18; last visit Sat 10 Jan 2026 is in year two: + 3 months.
    long_term = [episode(date(2025, 1, 5), until_18=True)]
    visits = [date(2025, 11, 29), date(2026, 1, 10)]
    assert visit_due_in(long_term, visits, date(2026, 1, 20)) == date(2026, 4, 10)
    # Not meant to last until 18: 6 weeks, 10 Jan + 21 (31 Jan) + 21 = 21 Feb 2026.
    short_term = [episode(date(2025, 1, 5))]
    assert visit_due_in(short_term, visits, date(2026, 1, 20)) == date(2026, 2, 21)


def test_placed_with_parents_uses_the_first_review_of_the_period():
    # P1 from Mon 5 Jan 2026 under an interim care order. First review Wed 28 Jan, visit Thu 29 Jan: 4 weeks
    # -> 26 Feb. Reviews from an earlier period (2025) are not the first review.
    history = [
        episode(date(2025, 2, 1), date(2025, 9, 1), rec="E4A"),
        episode(date(2026, 1, 5), ls="C1", place="P1"),
    ]
    found = dues(
        episodes=history,
        reviews=[date(2025, 2, 20), date(2026, 1, 28)],
        visits=[date(2026, 1, 12), date(2026, 1, 29)],
        today=date(2026, 2, 1),
    )
    assert by_kind(found)["visit"].due_on == date(2026, 2, 26)
    # Without the 2026 review, the 2025 one does not end the weekly visits: 29 Jan + 7 = 5 Feb.
    found = dues(episodes=history, reviews=[date(2025, 2, 20)], visits=[date(2026, 1, 29)], today=date(2026, 2, 1))
    assert by_kind(found)["visit"].due_on == date(2026, 2, 5)


# Health assessments, dental checks, SDQ


def test_initial_health_assessment_is_due_by_the_first_review():
    # Care starts Mon 5 Jan 2026: 6-9 Jan (1-4), 12-16 (5-9), 19-23 (10-14), 26-30 (15-19), Mon 2 Feb (20).
    # An assessment from before care started does not count.
    due = timescales.next_health_assessment_due(date(2026, 1, 5), [date(2025, 6, 1)], date_of_birth=date(2023, 3, 10))
    assert due == Due("health_assessment", "Initial health assessment", date(2026, 2, 2))


def test_review_health_assessments_are_6_monthly_under_5_and_annual_from_5():
    start = date(2026, 1, 5)
    # Born 10 Mar 2023, assessed 20 Jan 2026 aged 2: + 6 months = 20 Jul 2026.
    under_5 = timescales.next_health_assessment_due(start, [date(2026, 1, 20)], date_of_birth=date(2023, 3, 10))
    assert under_5 == Due("health_assessment", "Review health assessment", date(2026, 7, 20))
    # Born 10 Mar 2020, assessed 20 Jan 2026 aged 5: + 12 months = 20 Jan 2027.
    five = timescales.next_health_assessment_due(start, [date(2026, 1, 20)], date_of_birth=date(2020, 3, 10))
    assert five.due_on == date(2027, 1, 20)
    # Age on the day of the last assessment decides. Born 21 Jan 2021: on 20 Jan 2026 still 4 -> 6 months,
    # even though the child turns 5 the next day; on 21 Jan 2026 aged 5 -> 12 months.
    dob = date(2021, 1, 21)
    aged_4 = timescales.next_health_assessment_due(start, [date(2026, 1, 20)], date_of_birth=dob)
    aged_5 = timescales.next_health_assessment_due(start, [date(2026, 1, 21)], date_of_birth=dob)
    assert (aged_4.due_on, aged_5.due_on) == (date(2026, 7, 20), date(2027, 1, 21))


def test_dental_checks_are_annual():
    # None since care started on 5 Jan 2026 (the 2025 one was before): 5 Jan 2027.
    assert timescales.next_dental_check_due(date(2026, 1, 5), [date(2025, 11, 1)]) == Due(
        "dental_check", "Dental check", date(2027, 1, 5)
    )
    # Last check on leap day 29 Feb 2024: 12 months on is 28 Feb 2025.
    leap = timescales.next_dental_check_due(date(2023, 3, 1), [date(2023, 9, 1), date(2024, 2, 29)])
    assert leap.due_on == date(2025, 2, 28)


def test_sdq_is_12_months_after_care_started_then_12_months_after_the_last():
    dob = date(2015, 1, 1)
    # Aged 10 when care started on 19 Dec 2025: first SDQ 19 Dec 2026.
    assert timescales.next_sdq_due(date(2025, 12, 19), [], date_of_birth=dob) == Due("sdq", "SDQ", date(2026, 12, 19))
    # Last SDQ 10 Feb 2025 (unsorted input): 10 Feb 2026.
    assert timescales.next_sdq_due(
        date(2024, 1, 1), [date(2025, 2, 10), date(2024, 2, 10)], date_of_birth=dob
    ).due_on == date(2026, 2, 10)


def test_no_sdq_is_due_before_the_4th_birthday():
    dob = date(2022, 6, 15)
    # In care from 1 Mar 2025 aged 2: 12 months on (1 Mar 2026) the child is 3, so the SDQ waits for the
    # 4th birthday, 15 Jun 2026. On 1 Apr 2026 (aged 3, in care 13 months) it is not overdue.
    due = timescales.next_sdq_due(date(2025, 3, 1), [], date_of_birth=dob)
    assert due.due_on == date(2026, 6, 15)
    assert due.status(date(2026, 4, 1)) == "upcoming"
    # In care from 5 Jan 2026 aged 3: 12 months on (5 Jan 2027) is later than the 4th birthday, so that.
    assert timescales.next_sdq_due(date(2026, 1, 5), [], date_of_birth=dob).due_on == date(2027, 1, 5)


def test_no_sdq_is_due_on_or_after_the_17th_birthday():
    dob = date(2009, 3, 15)  # 17 on 15 Mar 2026; 16 years 11 months on 20 Feb 2026
    start = date(2024, 1, 1)
    # Last SDQ 1 Apr 2025: next would be 1 Apr 2026, after the 17th birthday: none.
    assert timescales.next_sdq_due(start, [date(2025, 4, 1)], date_of_birth=dob) is None
    # Last SDQ 15 Mar 2025: next would be 15 Mar 2026, the 17th birthday itself: none.
    assert timescales.next_sdq_due(start, [date(2025, 3, 15)], date_of_birth=dob) is None
    # Last SDQ 14 Mar 2025: 14 Mar 2026 is the last day aged 16: still due.
    assert timescales.next_sdq_due(start, [date(2025, 3, 14)], date_of_birth=dob).due_on == date(2026, 3, 14)
    # Came into care on 1 Apr 2025 aged 16: 12 months on is past 17, so none through due_dates either.
    found = dues(dob=dob, episodes=[episode(date(2025, 4, 1))], today=date(2026, 2, 20))
    assert "sdq" not in by_kind(found)


# The whole child


def test_due_dates_for_a_child_new_to_care_soonest_first():
    # Born 10 Mar 2019 (aged 6), in foster care from Fri 19 Dec 2025, nothing recorded yet, today 10 Jan 2026.
    found = dues(dob=date(2019, 3, 10), episodes=[episode(date(2025, 12, 19))], today=date(2026, 1, 10))
    assert [(d.kind, d.label, d.due_on) for d in found] == [
        ("visit", "Visit", date(2025, 12, 26)),  # 19 Dec + 7
        ("review", "First review", date(2026, 1, 21)),  # 20 working days over Christmas (see above)
        ("health_assessment", "Initial health assessment", date(2026, 1, 21)),  # by the first review
        ("dental_check", "Dental check", date(2026, 12, 19)),  # 12 months after care started
        ("sdq", "SDQ", date(2026, 12, 19)),  # 12 months after care started; 4th birthday long past
    ]
    assert [d.status(date(2026, 1, 10)) for d in found] == ["overdue", "due", "due", "upcoming", "upcoming"]


def test_due_dates_for_a_child_back_in_care_ignore_the_earlier_period():
    history = [
        episode(date(2025, 2, 1), date(2025, 9, 1), rec="E4A"),
        episode(date(2026, 6, 1)),
    ]
    earlier = [date(2025, 2, 20), date(2025, 5, 15)]
    found = dues(
        episodes=history,
        reviews=earlier,
        visits=earlier,
        health=earlier,
        dental=earlier,
        sdqs=earlier,
        today=date(2026, 6, 10),
    )
    # Back in care Mon 1 Jun 2026: everything starts again (first review 29 Jun, worked out above).
    assert [(d.kind, d.label, d.due_on) for d in found] == [
        ("visit", "Visit", date(2026, 6, 8)),
        ("review", "First review", date(2026, 6, 29)),
        ("health_assessment", "Initial health assessment", date(2026, 6, 29)),
        ("dental_check", "Dental check", date(2027, 6, 1)),
        ("sdq", "SDQ", date(2027, 6, 1)),
    ]


def test_due_dates_after_a_year_in_care():
    # Born 1 Jan 2015, in care since Mon 5 Jan 2025 (meant to last until 18); today Thu 15 Jan 2026.
    found = dues(
        episodes=[episode(date(2025, 1, 5), until_18=True)],
        reviews=[date(2025, 1, 31), date(2025, 4, 28), date(2025, 10, 20)],
        visits=[date(2025, 12, 1), date(2026, 1, 6)],
        health=[date(2025, 1, 20)],
        dental=[date(2025, 3, 3)],
        sdqs=[date(2025, 12, 15)],
        today=date(2026, 1, 15),
    )
    assert by_kind(found) == {
        "health_assessment": Due("health_assessment", "Review health assessment", date(2026, 1, 20)),  # aged 10
        "dental_check": Due("dental_check", "Dental check", date(2026, 3, 3)),
        "review": Due("review", "Review", date(2026, 4, 20)),  # 20 Oct 2025 + 6 months
        "visit": Due("visit", "Visit", date(2026, 4, 6)),  # 6 Jan 2026 is in year two: + 3 months
        "sdq": Due("sdq", "SDQ", date(2026, 12, 15)),
    }
    assert [d.due_on for d in found] == sorted(d.due_on for d in found)


def test_due_dates_accept_dicts_with_only_the_fields_they_need():
    rows = [{"start_date": date(2025, 12, 19), "reason_new_episode": "S", "legal_status": "V2", "placement_type": "U4"}]
    found = dues(episodes=rows, today=date(2026, 1, 10))
    assert [d.kind for d in found] == ["visit", "review", "health_assessment", "dental_check", "sdq"]


def test_no_dues_on_a_short_break():
    for status in ("V3", "V4"):
        assert dues(episodes=[episode(date(2026, 1, 5), ls=status, place="U4")], today=date(2026, 1, 6)) == []


def test_no_dues_for_a_child_not_looked_after_today():
    left = [episode(date(2025, 1, 6), date(2025, 12, 1), rec="E13")]
    assert dues(episodes=left, today=date(2026, 1, 5)) == []
    # The day the episode ends the child is no longer looked after; the day before they are.
    ends = [episode(date(2025, 1, 6), date(2026, 1, 5), rec="E13")]
    assert dues(episodes=ends, today=date(2026, 1, 5)) == []
    assert dues(episodes=ends, today=date(2026, 1, 4)) != []
    # Not yet in care, and no episodes at all.
    assert dues(episodes=[episode(date(2026, 2, 1))], today=date(2026, 1, 5)) == []
    assert dues(episodes=[], today=date(2026, 1, 5)) == []


# Due.status


@pytest.mark.parametrize(
    ("today", "status"),
    [
        (date(2026, 1, 16), "overdue"),  # the day after the due date
        (date(2026, 1, 15), "due"),  # on the day
        (date(2026, 1, 1), "due"),  # 14 days before: 1 Jan + 14 = 15 Jan
        (date(2025, 12, 31), "upcoming"),  # 15 days before
    ],
)
def test_due_status_boundaries(today, status):
    assert Due("visit", "Visit", date(2026, 1, 15)).status(today) == status


def test_the_module_is_pure():
    # Selectors call this without a database; importing it must not import Django.
    code = "import sys, casework.looked_after.timescales; assert not [m for m in sys.modules if m.startswith('django')]"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).resolve().parents[2])
