"""Reviews and visits on time: hand-built children with due dates worked out in the comments, and
random histories checked against looked_after/timescales.py applied one review or visit at a time
(the work tray's rules), so the set-based computation cannot drift from them."""

import random
from datetime import date, timedelta
from types import SimpleNamespace

import pytest

from casework.looked_after import rules, timescales
from casework.outcomes import data as outcome_data
from casework.outcomes.compute import MET, NOT_APPLICABLE, NOT_MET, NOT_YET_DUE, Result, compute, per_child
from tests.outcomes.builders import Records

d = date


def statuses(data, indicator_id, children):
    found = per_child(data, indicator_id)
    return {name: found[child.pk] for name, child in children.items()}


@pytest.mark.django_db
def test_reviews_on_time(world):
    r = Records(world)
    kids = {}
    # R1: in care from Monday 2 June 2025: first review due 20 working days later, 30 June (held 27
    # June); second 3 months after the first, 27 September (held 20 September); third 6 months
    # after that, 20 March 2026 (held 15 March); the next is due in September: met
    assert timescales.first_review_due(d(2025, 6, 2)) == d(2025, 6, 30)
    kids["R1"] = c = r.child("OnTime", d(2014, 1, 1))
    r.episode(c, d(2025, 6, 2))
    r.reviews(c, d(2025, 6, 27), d(2025, 9, 20), d(2026, 3, 15))
    # R2: same start, first review on 2 July, after 30 June: not met
    kids["R2"] = c = r.child("FirstLate", d(2014, 1, 1))
    r.episode(c, d(2025, 6, 2))
    r.reviews(c, d(2025, 7, 2), d(2025, 9, 20))
    # R3: in care since January 2023, 6-monthly reviews on time up to 30 September 2025; the next
    # was due 30 March 2026 and not held by 31 March: not met
    kids["R3"] = c = r.child("Missed", d(2014, 1, 1))
    r.episode(c, d(2023, 1, 3))
    r.reviews(c, d(2023, 1, 25), d(2023, 4, 20), d(2023, 10, 15), d(2024, 4, 10), d(2024, 10, 5), d(2025, 4, 1))
    r.reviews(c, d(2025, 9, 30))
    # R4: the review due 1 March 2025 (6 months after 1 September 2024) was held only on 10 April
    # 2025: overdue on 1 April, so late in this year; the next (due 10 October) on time: not met
    kids["R4"] = c = r.child("Carried", d(2014, 1, 1))
    r.episode(c, d(2023, 1, 3))
    r.reviews(c, d(2023, 1, 25), d(2023, 4, 20), d(2023, 10, 15), d(2024, 3, 1), d(2024, 9, 1), d(2025, 4, 10))
    r.reviews(c, d(2025, 10, 1))
    # R5: in care from 20 March 2026: first review due 21 April (Easter in between): not yet due
    kids["R5"] = c = r.child("New", d(2014, 1, 1))
    r.episode(c, d(2026, 3, 20))
    # R6: in care 1 to 20 May 2025; the first review would have been due 2 June: never due
    kids["R6"] = c = r.child("Brief", d(2014, 1, 1))
    r.episode(c, d(2025, 5, 1), d(2025, 5, 20), rec="E4A")
    # R7: short breaks only: reviewed under other rules, not in the cohort
    kids["R7"] = c = r.child("Breaks", d(2014, 1, 1))
    r.episode(c, d(2025, 6, 1), d(2025, 6, 3), ls="V3", rec="E8")
    data = r.load()
    # cohort R1..R4, met R1
    assert compute(data, "reviews_on_time") == Result(1, 4, 25.0)
    assert statuses(data, "reviews_on_time", kids) == {
        "R1": MET,
        "R2": NOT_MET,
        "R3": NOT_MET,
        "R4": NOT_MET,
        "R5": NOT_YET_DUE,
        "R6": NOT_YET_DUE,
        "R7": NOT_APPLICABLE,
    }


@pytest.mark.django_db
def test_visits_on_time(world):
    r = Records(world)
    kids = {}
    six_weekly = [d(2025, 6, 6), d(2025, 7, 15), d(2025, 8, 20), d(2025, 10, 1), d(2025, 11, 10), d(2025, 12, 20)]
    # V1: placed 2 June 2025: first visit due within a week (9 June, made 6 June), then 6 weeks after
    # each: 18 July (15th), 26 August (20th), 1 October (on the day), 12 November (10th), 22 December
    # (20th), 31 January (30th), 13 March (10th); the next is due 21 April: met
    kids["V1"] = c = r.child("SixWeekly", d(2014, 1, 1))
    r.episode(c, d(2025, 6, 2))
    r.visits(c, *six_weekly, d(2026, 1, 30), d(2026, 3, 10))
    # V2: the second visit on 20 July, after 18 July: not met
    kids["V2"] = c = r.child("Late", d(2014, 1, 1))
    r.episode(c, d(2025, 6, 2))
    r.visits(c, d(2025, 6, 6), d(2025, 7, 20), d(2025, 8, 25))
    # V3: a placement since 2023 meant to last until 18: after its first year, 3-monthly. Visits from
    # 10 January 2025: 5 April (due 10 April), 1 July (5 July), 25 September (1 October), 20 December
    # (25 December), 15 March (20 March): met. (The October 2024 visit is before the four months
    # read before the year: the January visit's due date is not needed, it was before the year.)
    kids["V3"] = c = r.child("LongTerm", d(2012, 1, 1))
    r.episode(c, d(2023, 1, 1), place="U4", until_18=True)
    r.visits(c, d(2024, 10, 15), d(2025, 1, 10), d(2025, 4, 5), d(2025, 7, 1), d(2025, 9, 25), d(2025, 12, 20))
    r.visits(c, d(2026, 3, 15))
    # V4: the same without the plan to last until 18: 6-weekly, so the visit after 10 January was
    # due 21 February and made on 5 April: overdue on 1 April, late in this year: not met
    kids["V4"] = c = r.child("NotUntil18", d(2012, 1, 1))
    r.episode(c, d(2023, 1, 1), place="U4")
    r.visits(c, d(2024, 10, 15), d(2025, 1, 10), d(2025, 4, 5), d(2025, 5, 10))
    # V5: placed with parents under an interim care order from 1 September 2025, first review 26
    # September: weekly until then (5, 12, 19, 26 September), then 4-weekly: 24 October (20th), 17
    # November (15th), 13 December (12th), 9 January (8th), 5 February (on the day), 5 March (4th);
    # next due 1 April: met
    kids["V5"] = c = r.child("WithParents", d(2014, 1, 1))
    r.episode(c, d(2025, 9, 1), place="P1", ls="C1")
    r.reviews(c, d(2025, 9, 26))
    r.visits(c, d(2025, 9, 5), d(2025, 9, 12), d(2025, 9, 19), d(2025, 9, 26), d(2025, 10, 20), d(2025, 11, 15))
    r.visits(c, d(2025, 12, 12), d(2026, 1, 8), d(2026, 2, 5), d(2026, 3, 4))
    # V6: placed 14 April (visits 18 April, due 21st; 28 May, due 30th); on 16 June the same carers
    # become long-term foster carers (T): not a new placement, no first-week visit; 6-weekly goes on
    # from 28 May: 9 July (8th), 19 August (18th), 29 September (on the day), 10 November (9th), 21
    # December (20th), 31 January (30th), 13 March (12th): met
    kids["V6"] = c = r.child("SameCarers", d(2014, 1, 1))
    r.care(c, (d(2025, 4, 14), "S", {}), (d(2025, 6, 16), "T", {"place": "U4"}))
    r.visits(c, d(2025, 4, 18), d(2025, 5, 28), d(2025, 7, 8), d(2025, 8, 18), d(2025, 9, 29), d(2025, 11, 9))
    r.visits(c, d(2025, 12, 20), d(2026, 1, 30), d(2026, 3, 12))
    # V7: the same, but a move to new carers (P) on 16 June: a visit due by 23 June, made on the 25th: not met
    kids["V7"] = c = r.child("NewCarers", d(2014, 1, 1))
    r.care(c, (d(2025, 4, 14), "S", {}), (d(2025, 6, 16), "P", {"postcode": "LS6 2AA"}))
    r.visits(c, d(2025, 4, 18), d(2025, 5, 28), d(2025, 6, 25), d(2025, 8, 1))
    # V8: placed 28 March 2026: the first visit is due 4 April: not yet due
    kids["V8"] = c = r.child("JustPlaced", d(2014, 1, 1))
    r.episode(c, d(2026, 3, 28))
    data = r.load()
    # cohort V1..V7, met V1 V3 V5 V6
    assert compute(data, "visits_on_time") == Result(4, 7, pytest.approx(100 * 4 / 7))
    assert statuses(data, "visits_on_time", kids) == {
        "V1": MET,
        "V2": NOT_MET,
        "V3": MET,
        "V4": NOT_MET,
        "V5": MET,
        "V6": MET,
        "V7": NOT_MET,
        "V8": NOT_YET_DUE,
    }


# --- random histories against timescales.py, one review or visit at a time ----------------------------

PLACES = ["U6", "U4", "P1", "P1", "K2"]
STATUSES = ["C1", "C1", "C2", "V2", "E1"]


def _random_child(rng: random.Random, child: int, first: date, last: date):
    """Episodes, reviews and visits for one child between ``first`` and ``last``."""
    episodes, reviews, visits = [], [], []
    day = first + timedelta(days=rng.randint(0, 900))
    for _ in range(rng.randint(1, 3)):
        if day > last:
            break
        start = period_start = day
        place, ls, postcode, until_18 = rng.choice(PLACES), rng.choice(STATUSES), "LS1 4AP", rng.random() < 0.7
        rne = "S"
        ended = None
        while True:
            change = start + timedelta(days=rng.randint(5, 700))
            closing = rng.random() < 0.2
            if change > last:
                episodes.append([child, start, None, rne, "", ls, place, postcode, "", until_18])
                break
            if closing:
                episodes.append([child, start, change, rne, "E4A", ls, place, postcode, "", until_18])
                ended = change
                break
            episodes.append([child, start, change, rne, "X1", ls, place, postcode, "", until_18])
            rne = rng.choice(["P", "T", "L", "B", "U"])
            if rne in ("L", "B", "U"):
                ls = rng.choice([s for s in STATUSES if s != ls])
            if rne in ("P", "B"):
                postcode = rng.choice(["LS6 2AA", "LS2 7UE", "LS1 4AP"])
            if rne != "L":
                place = rng.choice(PLACES)
                until_18 = rng.random() < 0.7
            start = change
        period_end = ended or last
        review = period_start + timedelta(days=rng.randint(5, 40))
        while review <= period_end:
            reviews.append((child, review))
            review += timedelta(days=rng.choice([40, 80, 95, 170, 185, 200]))
        if ended is None:
            break
        day = ended + timedelta(days=rng.randint(10, 200))
    visit = first + timedelta(days=rng.randint(0, 30))
    while visit <= last:
        visits.append((child, visit))
        # gaps either side of each interval allowed (7, 28, 42 days, 3 months)
        visit += timedelta(days=rng.choice([3, 7, 8, 20, 28, 29, 30, 40, 42, 43, 60, 88, 91, 92, 93, 100]))
    return [tuple(e) for e in episodes], reviews, visits


def _status(items, start: date, end: date, in_care: bool) -> str:
    """The counting rule of compute._on_time_status, written out for plain tuples (due, done, ends)."""
    counted = late = 0
    for due, done, ends in items:
        live = due <= end and (ends is None or due < ends)
        outstanding = (done is None or done >= start) and (ends is None or ends > start)
        if live and (due >= start or outstanding):
            counted += 1
            late += done is None or done > due
    if not in_care:
        return NOT_APPLICABLE
    if not counted:
        return NOT_YET_DUE
    return NOT_MET if late else MET


def _reference(episodes, reviews, visits, start: date, end: date) -> tuple[str, str]:
    """(reviews, visits) status worked out with timescales.next_review_due and next_visit_due."""
    rows = [
        SimpleNamespace(
            start_date=e[1],
            end_date=e[2],
            reason_new_episode=e[3],
            reason_ceased=e[4],
            legal_status=e[5],
            placement_type=e[6],
            intended_until_18=e[9],
        )
        for e in episodes
    ]
    in_care = any(e.start_date <= end and (e.end_date is None or e.end_date >= start) for e in rows)
    review_items, visit_items = [], []
    for period in rules.periods_of_care(rows):
        held = sorted(
            r for r in reviews if r >= period.start_date and (period.end_date is None or r <= period.end_date)
        )
        for i, review in enumerate(held):
            review_items.append(
                (timescales.next_review_due(period.start_date, held[:i]).due_on, review, period.end_date)
            )
        review_items.append((timescales.next_review_due(period.start_date, held).due_on, None, period.end_date))
        # regulation 28 placements: a new one with S, P, B
        runs = []
        for episode in period.episodes:
            if not runs or episode.reason_new_episode in timescales.NEW_PLACEMENT_REASONS:
                runs.append([])
            runs[-1].append(episode)
        for run in runs:
            placement_start, placement_end = run[0].start_date, run[-1].end_date
            made = sorted(v for v in visits if v >= placement_start and (placement_end is None or v < placement_end))

            def due_after(so_far, run=run, placement_start=placement_start, held=held):
                if not so_far:
                    return placement_start + timescales.WEEK
                at = rules.current_episode(run, so_far[-1]) or run[-1]
                return timescales.next_visit_due(
                    placement_start,
                    so_far,
                    placement_type=at.placement_type,
                    legal_status=at.legal_status,
                    intended_until_18=at.intended_until_18,
                    first_review_on=held[0] if held else None,
                ).due_on

            for i, visit in enumerate(made):
                visit_items.append((due_after(made[:i]), visit, placement_end))
            visit_items.append((due_after(made), None, placement_end))
    return _status(review_items, start, end, in_care), _status(visit_items, start, end, in_care)


@pytest.mark.parametrize(
    "seed, start, end",
    [(1, d(2025, 4, 1), d(2026, 3, 31)), (2, d(2025, 7, 1), d(2026, 6, 30)), (3, d(2024, 4, 1), d(2025, 3, 31))],
)
def test_set_based_reviews_and_visits_agree_with_the_work_tray_rules(seed, start, end):
    rng = random.Random(seed)
    children, episodes, reviews, visits = [], [], [], []
    for child in range(1, 301):
        e, r, v = _random_child(rng, child, start - timedelta(days=1000), end)
        children.append((child, child, 1, "E08000035", d(2010, 1, 1)))
        episodes += e
        reviews += r
        visits += v
    data = outcome_data.build(
        period_start=start,
        period_end=end,
        children=children,
        episodes=episodes,
        reviews=reviews,
        visits=visits,
    )
    found_reviews, found_visits = per_child(data, "reviews_on_time"), per_child(data, "visits_on_time")
    expected = {
        child: _reference(
            [e for e in episodes if e[0] == child],
            [r[1] for r in reviews if r[0] == child],
            [v[1] for v in visits if v[0] == child],
            start,
            end,
        )
        for child, *_ in children
    }
    assert {c: found_reviews[c] for c in expected} == {c: s[0] for c, s in expected.items()}
    assert {c: found_visits[c] for c in expected} == {c: s[1] for c, s in expected.items()}
    # every status happens, so the comparison means something
    assert {s[0] for s in expected.values()} >= {MET, NOT_MET, NOT_YET_DUE}
    assert {s[1] for s in expected.values()} >= {MET, NOT_MET}
