"""Show a DfE code with its meaning: {{ episode.placement_type|code:"PLACEMENT_TYPE" }}."""

from django import template

from casework.looked_after import codes

register = template.Library()


@register.filter
def code(value: str, code_list: str) -> str:
    if not value:
        return ""
    return f"{value}: {getattr(codes, code_list).label(value)}"


@register.filter
def year_label(year) -> str:
    """A 903 collection year as the forms offer it: 2026 (ending 31 March 2026) is "2025/26"."""
    return codes.year_label(int(year)) if year not in (None, "") else ""


@register.filter
def due_status(due) -> str:
    """overdue, due (within a fortnight) or upcoming, as of today."""
    from django.utils import timezone

    return due.status(timezone.localdate())
