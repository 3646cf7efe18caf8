"""Statutory timescales for looked-after children: pure functions over dates.

Working days are Monday to Friday except England's bank holidays (the ``holidays`` package,
subdivision ENG). Sources: the Care Planning, Placement and Case Review (England) Regulations
2010 (reviews: regulation 33; visits: regulation 28) and the statutory guidance on promoting the
health and well-being of looked-after children (health assessments, dental checks, SDQ).

Nothing here reads the database: callers pass dates and episodes (model rows, or dicts with the
Episode field names), so the same rules serve pages, reports and tests.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import holidays
from dateutil.relativedelta import relativedelta

from casework.looked_after import rules

# A due date this close (or closer) is shown as "due" rather than "upcoming".
DUE_SOON = timedelta(days=14)

PLACED_WITH_PARENTS = "P1"
INTERIM_CARE_ORDER = "C1"
# Reasons for a new episode that mean new carers, so a new placement for regulation 28; L, T and U
# keep the same carers, so visits carry on from the placement already running.
NEW_PLACEMENT_REASONS = frozenset({"S", "P", "B"})

WEEK = relativedelta(weeks=1)
FOUR_WEEKS = relativedelta(weeks=4)
SIX_WEEKS = relativedelta(weeks=6)
THREE_MONTHS = relativedelta(months=3)


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def add_working_days(start: date, days: int) -> date:
    """The date ``days`` working days after ``start`` (start itself does not count)."""
    day = start
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return day


def add_months(start: date, months: int) -> date:
    return start + relativedelta(months=months)


@dataclass(frozen=True)
class Due:
    """The next date by which something statutory must happen for a child."""

    kind: str  # "review", "visit", "health_assessment", "dental_check", "sdq"
    label: str
    due_on: date

    def status(self, today: date) -> str:
        if self.due_on < today:
            return "overdue"
        if self.due_on <= today + DUE_SOON:
            return "due"
        return "upcoming"


def _since(start: date, dates) -> list[date]:
    """The dates on or after ``start``, in order: earlier ones belong to an earlier period or placement."""
    return sorted({day for day in dates if day >= start})


def first_review_due(period_start: date) -> date:
    """Regulation 33(1): the first review is within 20 working days of the child becoming looked after."""
    return add_working_days(period_start, 20)


def next_review_due(period_start: date, review_dates: list[date]) -> Due:
    """Regulation 33: first review within 20 working days of the period of care starting, the second
    within 3 months of the first, then no more than 6 months after the one before. Reviews in an
    earlier period of care do not count: a child coming back into care starts again."""
    held = _since(period_start, review_dates)
    if not held:
        return Due("review", "First review", first_review_due(period_start))
    if len(held) == 1:
        return Due("review", "Second review", add_months(held[0], 3))
    return Due("review", "Review", add_months(held[-1], 6))


def placement_start(episodes_in_period) -> date:
    """When the placement that regulation 28 visits run from began: the start of the period (S), or
    the latest move to new carers (P or B). Episodes for a change of legal status only (L) or a move
    with the same carers (T, U) carry on the same placement."""
    ordered = sorted(episodes_in_period, key=lambda episode: _field(episode, "start_date"))
    if not ordered:
        raise ValueError("A period of care has at least one episode")
    starts = [episode for episode in ordered if _field(episode, "reason_new_episode") in NEW_PLACEMENT_REASONS]
    # A period whose first episode is not S (a partial import) still began with its first episode.
    return _field(starts[-1] if starts else ordered[0], "start_date")


def _visit_interval(
    placement_start: date,
    last_visit: date,
    *,
    placement_type: str,
    legal_status: str,
    intended_until_18: bool,
    first_review_on: date | None,
) -> relativedelta:
    """The longest gap allowed after ``last_visit`` under regulation 28, as it stood on that visit."""
    if placement_type == PLACED_WITH_PARENTS:
        # Regulation 28(3) to (5): weekly until the first review, then 6 weeks (4 under an interim care order).
        # Every P1 placement is treated as regulation 19's (before assessment): weekly is never too often.
        if first_review_on is None or last_visit < first_review_on:
            return WEEK
        return FOUR_WEEKS if legal_status == INTERIM_CARE_ORDER else SIX_WEEKS
    in_first_year = last_visit < add_months(placement_start, 12)
    # Regulation 28(2)(c): 3-monthly only for a placement meant to last until 18, and only after its first year.
    if in_first_year or not intended_until_18:
        return SIX_WEEKS
    return THREE_MONTHS


def next_visit_due(
    placement_start: date,
    visit_dates: list[date],
    *,
    placement_type: str,
    legal_status: str,
    intended_until_18: bool,
    first_review_on: date | None,
) -> Due:
    """Regulation 28: a visit within 1 week of the start of any placement, then at the interval in
    force at the latest visit (see ``_visit_interval``). Visits before this placement began do not
    count: a new placement needs its own first visit. ``first_review_on`` is the date of the first
    review in the period of care, if it has been held."""
    visits = _since(placement_start, visit_dates)
    if not visits:
        return Due("visit", "Visit", placement_start + WEEK)
    interval = _visit_interval(
        placement_start,
        visits[-1],
        placement_type=placement_type,
        legal_status=legal_status,
        intended_until_18=intended_until_18,
        first_review_on=first_review_on,
    )
    return Due("visit", "Visit", visits[-1] + interval)


def next_health_assessment_due(period_start: date, assessment_dates: list[date], *, date_of_birth: date) -> Due:
    """Statutory guidance on promoting the health and well-being of looked-after children: an initial
    health assessment in time for the first review, then review assessments every 6 months under 5
    and every 12 months from 5. The child's age on the last assessment decides the interval, even if
    they turn 5 before the 6 months are up: simple to explain, and never later than the guidance."""
    done = _since(period_start, assessment_dates)
    if not done:
        return Due("health_assessment", "Initial health assessment", first_review_due(period_start))
    months = 6 if rules.age_on(date_of_birth, done[-1]) < 5 else 12
    return Due("health_assessment", "Review health assessment", add_months(done[-1], months))


def next_dental_check_due(period_start: date, check_dates: list[date]) -> Due:
    """A dental check every year (the DfE's annual outcome measure counts children looked after for
    12 months who have had one); the first within 12 months of care starting."""
    done = _since(period_start, check_dates)
    return Due("dental_check", "Dental check", add_months(done[-1] if done else period_start, 12))


def next_sdq_due(period_start: date, sdq_dates: list[date], *, date_of_birth: date) -> Due | None:
    """The carer's Strengths and Difficulties Questionnaire is annual for children aged 4 to 16: first
    12 months after care started (or at the 4th birthday, if later), then 12 months after the last.
    None when that date would fall on or after the 17th birthday: the child has aged out."""
    done = _since(period_start, sdq_dates)
    due_on = add_months(done[-1] if done else period_start, 12)
    due_on = max(due_on, rules.birthday(date_of_birth, 4))
    if due_on >= rules.birthday(date_of_birth, 17):
        return None
    return Due("sdq", "SDQ", due_on)


@dataclass(frozen=True)
class _Episode:
    start_date: date
    end_date: date | None
    reason_new_episode: str
    reason_ceased: str
    legal_status: str
    placement_type: str
    intended_until_18: bool


def _episode(row) -> _Episode:
    """One shape for model rows and dicts, so rules.periods_of_care (attribute access) takes either."""
    return _Episode(
        start_date=_field(row, "start_date"),
        end_date=_field(row, "end_date", None),
        reason_new_episode=_field(row, "reason_new_episode"),
        reason_ceased=_field(row, "reason_ceased", "") or "",
        legal_status=_field(row, "legal_status"),
        placement_type=_field(row, "placement_type"),
        intended_until_18=bool(_field(row, "intended_until_18", False)),
    )


def due_dates(
    *,
    date_of_birth: date,
    episodes,
    reviews: list[date],
    visits: list[date],
    health_assessments: list[date],
    dental_checks: list[date],
    sdqs: list[date],
    today: date,
) -> list[Due]:
    """What is next due for a child looked after on ``today``, soonest first.

    Empty when the child is not looked after on ``today`` (no episode with start <= today < end),
    and empty on a short break (legal status V3 or V4): short-break care is reviewed under different
    rules (regulation 48 modifications), which are not computed here. Dates before the current
    period of care started are ignored, so a child returning to care starts every timescale afresh.
    """
    history = [_episode(row) for row in episodes]
    current = rules.current_episode(history, today)
    if current is None or current.legal_status in rules.SHORT_BREAK_STATUSES:
        return []
    period = next(p for p in rules.periods_of_care(history) if any(e is current for e in p.episodes))
    start = period.start_date
    # A planned move recorded ahead of time has not started the new placement yet.
    so_far = [episode for episode in period.episodes if episode.start_date <= today]
    held = _since(start, reviews)
    dues = [
        next_review_due(start, reviews),
        next_visit_due(
            placement_start(so_far),
            visits,
            placement_type=current.placement_type,
            legal_status=current.legal_status,
            intended_until_18=current.intended_until_18,
            first_review_on=held[0] if held else None,
        ),
        next_health_assessment_due(start, health_assessments, date_of_birth=date_of_birth),
        next_dental_check_due(start, dental_checks),
        next_sdq_due(start, sdqs, date_of_birth=date_of_birth),
    ]
    return sorted((due for due in dues if due is not None), key=lambda due: due.due_on)


_REQUIRED = object()


def _field(obj, name, default=_REQUIRED):
    if isinstance(obj, dict):
        return obj[name] if default is _REQUIRED else obj.get(name, default)
    return getattr(obj, name) if default is _REQUIRED else getattr(obj, name, default)
