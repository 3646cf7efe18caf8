"""The pager's "Page 2 of 7 (152 in all)": GOV.UK's current-page item is white text on blue, and a
``govuk-body`` class inside it sets the text black again (about 4:1 on that blue, under the 4.5:1
WCAG AA asks for: found walking the demo). No template puts body text inside it."""

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "casework" / "templates"
CURRENT = re.compile(r'class="[^"]*govuk-pagination__item--current[^"]*"[^>]*>(.*?)</li>', re.S)


def test_no_body_text_inside_the_pagers_current_item():
    found = [
        f"{path.relative_to(TEMPLATES)}"
        for path in TEMPLATES.rglob("*.html")
        for inner in CURRENT.findall(path.read_text())
        if "govuk-body" in inner
    ]
    assert found == []
