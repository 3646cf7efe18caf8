"""``short_date`` writes what Django's ``date:"j M Y"`` writes, for every kind of value a page gives it."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.template import Context, Template

SHORT = Template("{{ value|short_date }}")
DJANGO = Template('{{ value|date:"j M Y" }}')


def _both(value):
    context = Context({"value": value})
    return SHORT.render(context), DJANGO.render(context)


def test_every_day_of_a_leap_year_and_the_ends_of_the_range():
    days = [date(2024, 1, 1) + timedelta(days=n) for n in range(366)] + [date(1, 1, 1), date(9999, 12, 31)]
    for day in days:
        short, django = _both(day)
        assert short == django, day


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "not a date",
        datetime(2026, 6, 30, 23, 30, tzinfo=UTC),  # 1 Jul in London (BST): shown in local time
        datetime(2026, 12, 31, 23, 59, tzinfo=UTC),
        datetime(2026, 3, 29, 0, 30),  # naive
    ],
)
def test_dates_and_times_and_nothing_are_written_as_django_writes_them(value, settings):
    settings.TIME_ZONE = "Europe/London"
    short, django = _both(value)
    assert short == django
