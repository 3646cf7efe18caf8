"""Pure rules for looked-after children's records: no database, tested on plain values.

Episodes are plain objects with the Episode model's field names (start_date, end_date,
reason_new_episode, legal_status, placement_type, ...), so the same functions check rows from the
database, a form about to be saved, or an import file.
"""

from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta

from casework.looked_after import codes

SHORT_BREAK_STATUSES = frozenset({"V3", "V4"})


def age_on(date_of_birth: date, on: date) -> int:
    return relativedelta(on, date_of_birth).years


def birthday(date_of_birth: date, age: int) -> date:
    return date_of_birth + relativedelta(years=age)


@dataclass(frozen=True)
class PeriodOfCare:
    start_date: date
    end_date: date | None
    episodes: tuple

    def overlaps(self, start: date, end: date) -> bool:
        return self.start_date <= end and (self.end_date is None or self.end_date >= start)


def periods_of_care(episodes) -> list[PeriodOfCare]:
    """Group a child's episodes (in start order) into periods: a period starts with S, ends on a non-X1 reason."""
    periods, current = [], []
    for episode in sorted(episodes, key=lambda e: e.start_date):
        if current and episode.reason_new_episode == "S":
            periods.append(current)
            current = []
        current.append(episode)
        if episode.end_date is not None and episode.reason_ceased not in ("", "X1"):
            periods.append(current)
            current = []
    if current:
        periods.append(current)
    return [
        PeriodOfCare(p[0].start_date, p[-1].end_date if p[-1].reason_ceased != "X1" else None, tuple(p))
        for p in periods
    ]


def current_episode(episodes, on: date):
    for episode in episodes:
        if episode.start_date <= on and (episode.end_date is None or episode.end_date > on):
            return episode
    return None


def is_looked_after_on(episodes, on: date) -> bool:
    return current_episode(episodes, on) is not None


def reason_for_new_episode(previous, *, legal_status_changed: bool, placement_changed: bool, same_carers: bool) -> str:
    """The RNE code for the episode that follows ``previous`` (None when care starts)."""
    if previous is None:
        return "S"
    if legal_status_changed and not placement_changed:
        return "L"
    if placement_changed and not legal_status_changed:
        return "T" if same_carers else "P"
    if legal_status_changed and placement_changed:
        return "U" if same_carers else "B"
    raise ValueError("A new episode needs a change of legal status or placement")


def placement_problems(placement_type: str, provider: str, urn: str, year: int) -> dict[str, str]:
    """What the DfE rules would flag about one placement's codes in a collection year."""
    problems = {}
    if not codes.PLACEMENT_TYPE.valid(placement_type, year):
        problems["placement_type"] = (
            f"Placement type {placement_type} is not valid in {codes.year_label(year)}: choose a current code"
        )
    if codes.needs_provider(placement_type, year):
        if not provider:
            problems["placement_provider"] = "Enter the placement provider"
        elif provider not in codes.PLACEMENT_PROVIDER:
            problems["placement_provider"] = "Choose a placement provider from the list"
    elif provider:
        problems["placement_provider"] = "Leave the provider blank for temporary and other placements"
    if codes.needs_urn(placement_type):
        if not urn:
            problems["urn"] = "Enter the Ofsted URN of the placement"
    elif urn:
        problems["urn"] = "Leave the URN blank for this placement type"
    return problems


def review_code_problem(code: str, age: int) -> str | None:
    """PN0 is for children under 4 at the review, and only for them (DfE rule 168/170 family)."""
    if code not in codes.REVIEW_PARTICIPATION:
        return "Choose how the child took part from the list"
    if age < 4 and code != "PN0":
        return "The child was under 4 at the review: the code is PN0"
    if age >= 4 and code == "PN0":
        return "PN0 is only for children under 4 at the review"
    return None


def is_former_relevant_child(date_of_birth: date, episodes, on: date) -> bool:
    """Care leaver information (903 OC3) is for young people looked after for at least 13 weeks
    (91 days) since their 14th birthday, some of it after their 16th, and not adopted from care."""
    ordered = sorted(episodes, key=lambda e: e.start_date)
    if not ordered or ordered[-1].reason_ceased in codes.ADOPTED:
        return False
    fourteen, sixteen = birthday(date_of_birth, 14), birthday(date_of_birth, 16)
    after_14 = after_16 = 0
    for episode in ordered:
        if episode.legal_status in SHORT_BREAK_STATUSES:
            continue
        ended = episode.end_date or on
        after_14 += max(0, (ended - max(episode.start_date, fourteen)).days)
        after_16 += max(0, (ended - max(episode.start_date, sixteen)).days)
    return after_14 >= 91 and after_16 >= 1


def ending_problem(reason_ceased: str, last_episode) -> str | None:
    """What the DfE rules would flag about how a period of care ends, given its last episode."""
    placement = _field(last_episode, "placement_type")
    if reason_ceased in codes.SGO_TO_FOSTER_CARERS and placement not in codes.FOSTER_PLACEMENTS:
        return "A special guardianship order to former foster carers needs the child to be in a foster placement"
    if reason_ceased in codes.ADOPTED and placement not in codes.ADOPTION_PLACEMENTS:
        return "A child is adopted from a placement for adoption (A3 to A6)"
    return None


def _field(obj, name):
    return obj[name] if isinstance(obj, dict) else getattr(obj, name)
