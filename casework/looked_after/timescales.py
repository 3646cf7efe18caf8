"""Statutory timescales for looked-after children: pure functions over dates.

Working days are Monday to Friday except England's bank holidays (the ``holidays`` package,
subdivision ENG). Sources: the Care Planning, Placement and Case Review (England) Regulations
2010 (reviews: regulation 33; visits: regulation 28) and the statutory guidance on promoting the
health and well-being of looked-after children (health assessments, SDQ).
"""

from datetime import date, timedelta
from functools import lru_cache

import holidays
from dateutil.relativedelta import relativedelta


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
