"""``short_date``: a date as pages show it, "7 Dec 2026", what Django's ``date:"j M Y"`` writes in
English. Written out here because that filter (format parsing, a translated month name) cost more
than the rest of a table row: a caseload of 26 cases and 14 children's due work formatted 120 dates
a page, 14% of its CPU (issue 14). A builtin (config/settings.py ``TEMPLATES``): no ``load`` needed.
"""

from datetime import date

from django import template
from django.template.defaultfilters import date as date_filter

register = template.Library()

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def day_month_year(value: date) -> str:
    return f"{value.day} {MONTHS[value.month - 1]} {value.year:04d}"


@register.filter(expects_localtime=True, is_safe=False)
def short_date(value) -> str:
    if type(value) is date:
        return day_month_year(value)
    # a date and time (already in local time: expects_localtime), none, or anything else: as Django does
    return date_filter(value, "j M Y")
