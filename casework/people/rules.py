"""Pure rules about people: relationship inverses, name keys, ages. No ORM."""

from datetime import date

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
