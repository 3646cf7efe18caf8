"""DfE 903 rules that judge the whole collection year: what is only "due by 31 March" while the year runs.

Some of the DfE's validation rules (csc-validator-be-903, ``lac_validator/rules``) look at the year as
it will stand on 31 March: the OC2 outcomes of a child who will by then have been looked after
continuously for 12 months. Run on a year in progress, such a rule reports as an error something that
can still be done before the year ends (an SDQ completed in February is in time). Those errors are set
apart as "Due by 31 March" while the collection year has not ended on the day of the check; once it
has, they are errors like any other.

Only rules that ask for something still to be done or recorded are listed: a rule that finds a wrong
or contradictory value (185, 190, 198: data for a child not in the cohort) is an error whatever the
date. Each entry says, in a social worker's words, why it can wait. Pure: no database.
"""

from datetime import date

from casework.looked_after import codes

# rule code -> why it can still be met by 31 March (see ../shared/reference/ssda903.md, OC2)
DUE_BY_YEAR_END = {
    "186": (
        "The Strengths and Difficulties Questionnaire (or the reason there is none) for a child aged 4 to 16 "
        "looked after for 12 months at 31 March: it can be done any time before 31 March."
    ),
    "197B": (
        "The Strengths and Difficulties Questionnaire (or the reason there is none) for a 4- or 17-year-old "
        "looked after for 12 months at 31 March: it can be done any time before 31 March."
    ),
    "191": (
        "The health assessment, dental check, immunisations and substance misuse items for a child looked "
        "after for 12 months are reported as they stand on 31 March."
    ),
    "543": (
        "Whether a child aged 10 or over looked after for 12 months was convicted or cautioned is reported "
        "for the whole year, on 31 March."
    ),
    "545": (
        "The health surveillance checks of a child under 5 looked after for 12 months are reported as they "
        "stand on 31 March."
    ),
}


def year_has_ended(year: int, as_of: date) -> bool:
    return as_of > codes.collection_end(year)


def not_yet_due(code: str, *, year: int, as_of: date) -> bool:
    """An error of this rule, in this collection year, on this day, is something still due, not wrong."""
    return code in DUE_BY_YEAR_END and not year_has_ended(year, as_of)


def split(errors: list[dict], *, year: int, as_of: date) -> tuple[list[dict], list[dict]]:
    """(errors, items due by 31 March): each validator error dict with its rule ``code``."""
    kept, due = [], []
    for error in errors:
        (due if not_yet_due(error["code"], year=year, as_of=as_of) else kept).append(error)
    return kept, due


def due_label(year: int) -> str:
    return f"Due by {codes.collection_end(year):%-d %B %Y}"
