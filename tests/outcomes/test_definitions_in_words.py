"""What commissioners read about a measure names no code: no file, module or function of ours."""

import re
from dataclasses import fields
from pathlib import Path

from casework.outcomes.indicators import INDICATORS

CODE = re.compile(r"\w+\.py\b|casework\.|\w+_\w+\(|\bcompute\b")
TEMPLATES = Path(__file__).resolve().parents[2] / "casework" / "templates"


def test_no_indicator_definition_names_a_code_file():
    found = [
        f"{key}.{f.name}: {value}"
        for key, indicator in INDICATORS.items()
        for f in fields(indicator)
        if isinstance(value := getattr(indicator, f.name), str) and CODE.search(value)
    ]
    assert not found, "\n".join(found)


def _without_comments(template: str) -> str:
    """What a page can show: a template's comments (both kinds) are for developers and never rendered."""
    template = re.sub(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}", "", template, flags=re.S)
    return re.sub(r"{#.*?#}", "", template, flags=re.S)


def test_no_page_names_a_code_file():
    found = [
        f"{path.relative_to(TEMPLATES)}: {match.group(0)}"
        for path in TEMPLATES.rglob("*.html")
        for match in re.finditer(r"\b\w+\.py\b", _without_comments(path.read_text()))
    ]
    assert not found, "\n".join(found)
