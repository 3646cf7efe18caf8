"""Pure rules about people: relationship inverses, name keys, ages, dates of birth. No ORM."""

from datetime import date, timedelta

import jellyfish

INVERSE_RELATIONSHIP = {
    "parent": "child",
    "child": "parent",
    "sibling": "sibling",
    "half_sibling": "half_sibling",
    "step_parent": "step_child",
    "step_child": "step_parent",
    "grandparent": "grandchild",
    "grandchild": "grandparent",
    "carer": "cared_for",
    "cared_for": "carer",
    "foster_carer": "foster_child",
    "foster_child": "foster_carer",
    "partner": "partner",
    "other": "other",
}


def name_key(name: str) -> str:
    """Soundex of the first word of a name: "Smith" and "Smyth" share S530."""
    letters = "".join(ch for ch in (name or "").split(" ")[0] if ch.isalpha())
    return jellyfish.soundex(letters) if letters else ""


def name_similarity(a: str, b: str) -> float:
    """Jaro-Winkler similarity of two names, case-insensitive (1.0 = identical)."""
    return jellyfish.jaro_winkler_similarity((a or "").lower(), (b or "").lower())


def age_on(date_of_birth: date | None, on: date) -> int | None:
    if date_of_birth is None:
        return None
    years = on.year - date_of_birth.year
    if (on.month, on.day) < (date_of_birth.month, date_of_birth.day):
        years -= 1
    return years


def date_of_birth_problem(date_of_birth: date | None, *, today: date) -> str | None:
    """Nobody is born in the future: an unborn child has an expected date of birth instead."""
    if date_of_birth is not None and date_of_birth > today:
        return "The date of birth cannot be in the future: for an unborn child, give the expected date of birth"
    return None


def likely_same_birth_dates(date_of_birth: date) -> set[date]:
    """The dates of birth that may be this one mistyped: itself, a day either side, and the day
    and month swapped (3/2 for 2/3) when that is a date. Used to warn of a likely duplicate."""
    dates = {date_of_birth, date_of_birth - timedelta(days=1), date_of_birth + timedelta(days=1)}
    if date_of_birth.day <= 12:
        try:
            dates.add(date(date_of_birth.year, date_of_birth.day, date_of_birth.month))
        except ValueError:  # 31/1 swapped is no date
            pass
    return dates
