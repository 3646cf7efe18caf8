"""A measure's trend over the contract years as a small SVG chart: drawn on the server, so the
page needs no script, and with the values in its text for screen readers."""

from django import template
from django.utils.html import format_html, format_html_join

register = template.Library()

WIDTH, HEIGHT, BAR_GAP = 160, 40, 4


@register.simple_tag
def trend_chart(trend, target=None):
    """``trend``: (contract year, value) pairs; a value None had no cohort, a text value ('[c]') is
    withheld and drawn as no bar."""
    values = [v for _, v in trend if isinstance(v, (int, float))]
    if not values:
        return ""
    top = max([*values, float(target) if target is not None else 0.0]) or 1.0
    bar = (WIDTH - BAR_GAP * (len(trend) - 1)) / max(len(trend), 1)
    bars = []
    for i, (label, value) in enumerate(trend):
        if not isinstance(value, (int, float)):
            continue
        h = max(1.0, HEIGHT * value / top)
        bars.append(
            (f"{i * (bar + BAR_GAP):.1f}", f"{HEIGHT - h:.1f}", f"{bar:.1f}", f"{h:.1f}", label, f"{value:.1f}")
        )
    rects = format_html_join(
        "",
        '<rect x="{}" y="{}" width="{}" height="{}" class="cw-trend-bar"><title>{}: {}</title></rect>',
        bars,
    )
    line = ""
    if target is not None:
        y = HEIGHT - HEIGHT * float(target) / top
        line = format_html(
            '<line x1="0" x2="{}" y1="{}" y2="{}" class="cw-trend-target"/>', WIDTH, f"{y:.1f}", f"{y:.1f}"
        )
    summary = "; ".join(f"{label}: {_said(v)}" for label, v in trend)
    return format_html(
        '<svg class="cw-trend" width="{}" height="{}" viewBox="0 0 {} {}" role="img" aria-label="{}">{}{}</svg>',
        WIDTH,
        HEIGHT,
        WIDTH,
        HEIGHT,
        f"Trend by contract year: {summary}",
        rects,
        line,
    )


def _said(value) -> str:
    if value is None:
        return "no cohort"
    return value if isinstance(value, str) else f"{value:.1f}"
