"""Pure rules for looked-after children's records: no database, tested on plain values.

Episodes are plain objects with the Episode model's field names (start_date, end_date,
reason_new_episode, legal_status, placement_type, ...), so the same functions check rows from the
database, a form about to be saved, or an import file.
"""

from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta

from casework.core import identifiers
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


def looked_after_since(episodes) -> date | None:
    """The day the current period of care began: from the open episode, back through every episode
    that ended on the day the next began (a run without a gap); None when not looked after now.
    Not the latest episode's start: a change of placement or legal status continues the period."""
    ordered = sorted(episodes, key=lambda e: e.start_date)
    if not ordered or ordered[-1].end_date is not None:
        return None
    since = ordered[-1].start_date
    for earlier in reversed(ordered[:-1]):
        if earlier.end_date != since:
            break
        since = earlier.start_date
    return since


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


# Which providers cannot provide which placements (DfE rules 527 to 531).
PROVIDER_NOT_FOR = {
    "PR1": {"P1", "R2", "R5"},
    "PR2": {"P1", "R2", "R5"},
    "PR3": {"P1", "K1", "K2"} | codes.ADOPTION_PLACEMENTS | codes.FOSTER_PLACEMENTS,
    "PR4": {"P1"},
    "PR5": {"P1"},
}


URN_FORMAT = identifiers.URN_MESSAGE
# DfE rule 242: the URN XXXXXXX (a regional adoption agency) only for these placements
URN_PLACEHOLDER_PLACEMENTS = frozenset({"A3", "A4", "A5", "A6", "U1", "U2", "U3", "U4", "U5", "U6"})


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
    if provider and provider in PROVIDER_NOT_FOR and placement_type in PROVIDER_NOT_FOR[provider]:
        problems["placement_provider"] = f"{provider} cannot provide a {placement_type} placement"
    if provider == "PR0" and placement_type != "P1":
        problems["placement_provider"] = "PR0 (parents or other person with parental responsibility) is only for P1"
    if codes.needs_urn(placement_type):
        if not urn:
            problems["urn"] = "Enter the Ofsted URN of the placement"
        elif not identifiers.is_valid_urn(urn):
            problems["urn"] = URN_FORMAT
        elif urn == identifiers.URN_FOR_ADOPTION_AGENCY and placement_type not in URN_PLACEHOLDER_PLACEMENTS:
            problems["urn"] = "XXXXXXX is only for adoption and foster placements through a regional adoption agency"
    elif urn:
        problems["urn"] = "Leave the URN blank for this placement type"
    return problems


# Youngest age for a placement type (DfE rules 370-374: S1 school, P2 independent living, K3/H5
# supported accommodation, R5 youth custody, P3 residential employment).
PLACEMENT_MINIMUM_AGE = {"S1": 4, "P2": 16, "K3": 16, "H5": 16, "R5": 10, "P3": 14}
# Legal statuses that last a few days at most (DfE rules 361-364): police protection, emergency
# protection order, child assessment order, PACE accommodation.
LEGAL_STATUS_MAXIMUM_DAYS = {"L1": 3, "L2": 21, "L3": 7, "J2": 21}
YOUTH_JUSTICE_STATUSES = frozenset({"J1", "J2", "J3"})  # rule 358: a child of 10 or over
# Placement types where own provision (PR1) may be outside the authority's area (rule 1015).
OWN_PROVISION_ANYWHERE = codes.FOSTER_PLACEMENTS | codes.ADOPTION_PLACEMENTS | {"K3"}
# The youngest a child may leave care for these reasons (rules 387 and 389).
ENDING_MINIMUM_AGE = {"E5": 14, "E6": 14, "E7": 16}


def episode_problems(
    *,
    date_of_birth: date,
    start_date: date,
    legal_status: str,
    placement_type: str,
    placement_provider: str,
    placement_postcode: str,
    home_postcode: str,
    placement_authority: str | None,
    own_authority: str,
) -> dict[str, str]:
    """What the DfE rules would flag about one episode as it starts: ages, combinations, postcodes."""
    problems = {}
    age = age_on(date_of_birth, start_date)
    minimum = PLACEMENT_MINIMUM_AGE.get(placement_type)
    if minimum is not None and age < minimum:
        problems["placement_type"] = f"A child in placement {placement_type} must be at least {minimum}"
    if legal_status in YOUTH_JUSTICE_STATUSES and start_date <= birthday(date_of_birth, 10):
        problems["legal_status"] = "A child under this legal status must be over 10"
    if placement_type == "P1" and legal_status == "V2":
        problems["legal_status"] = "A child placed with parents cannot be accommodated under section 20 (V2)"
    if placement_postcode and home_postcode and placement_type != "P1":
        if placement_postcode.replace(" ", "").upper() == home_postcode.replace(" ", "").upper():
            problems["placement_postcode"] = (
                "The placement postcode is the home postcode: only for placements with parents"
            )
    if placement_provider == "PR1" and placement_type not in OWN_PROVISION_ANYWHERE:
        if placement_authority != own_authority:
            problems["placement_provider"] = "Own provision (PR1) of this kind is in the authority's own area"
    return problems


# Longest a temporary placement may last (DfE rules 375, 376, 379): hospital, carers' holiday, other.
TEMPORARY_MAXIMUM_DAYS = {"T1": 42, "T3": 21, "T4": 7}
# How many temporary placements for the foster carers' holiday a year (rule 377).
CARERS_HOLIDAY_PER_YEAR = 2


def temporary_placement_problem(episodes, *, change_date: date, legal_status: str, placement: dict) -> str | None:
    """Rules for moves into and out of a temporary placement (T0-T4), given the period's episodes so
    far (the last one current) and the next episode's legal status and placement fields. A
    temporary placement is entered from, and returns to, the usual placement (rule 383: the next
    episode is a P with the same placement type and postcode as the one before); it never starts
    or ends a period of care (380, 381); and it keeps to its time limit."""
    ordered = sorted(episodes, key=lambda e: _field(e, "start_date"))
    current = ordered[-1]
    into = placement["placement_type"] in codes.TEMPORARY_PLACEMENTS
    if _field(current, "placement_type") in codes.TEMPORARY_PLACEMENTS:
        if into:
            return "The child returns to the usual placement before another temporary placement"
        limit = TEMPORARY_MAXIMUM_DAYS.get(_field(current, "placement_type"))
        if limit is not None and (change_date - _field(current, "start_date")).days > limit:
            return f"This temporary placement may last at most {limit} days: the return is due by then"
        usual = ordered[-2] if len(ordered) > 1 else None
        if usual is None:
            return "A period of care cannot start with a temporary placement"
        same = placement["placement_type"] == _field(usual, "placement_type") and placement[
            "placement_postcode"
        ].replace(" ", "") == _field(usual, "placement_postcode").replace(" ", "")
        if not same or legal_status != _field(current, "legal_status"):
            return (
                f"A temporary placement ends with the return to the usual placement "
                f"({_field(usual, 'placement_type')} at {_field(usual, 'placement_postcode') or 'the same address'}), "
                "with the same legal status; record any other change after that"
            )
    elif into and legal_status != _field(current, "legal_status"):
        return "Record the change of legal status and the temporary placement as two changes"
    if placement["placement_type"] == "T3":
        year = codes.collection_year_of(change_date)
        holidays_this_year = [
            e
            for e in ordered
            if _field(e, "placement_type") == "T3" and codes.collection_year_of(_field(e, "start_date")) == year
        ]
        if len(holidays_this_year) >= CARERS_HOLIDAY_PER_YEAR:
            return "Only two temporary placements for the foster carers' holiday (T3) are allowed in a year"
    return None


def legal_status_run_problem(episodes, ends_on: date) -> str | None:
    """A short-lived legal status (police protection, EPO, CAO, PACE) may not run past its limit.
    ``episodes`` are the period's episodes in order; the run is the latest episodes sharing a status."""
    ordered = sorted(episodes, key=lambda e: _field(e, "start_date"))
    if not ordered:
        return None
    status = _field(ordered[-1], "legal_status")
    limit = LEGAL_STATUS_MAXIMUM_DAYS.get(status)
    if limit is None:
        return None
    run_start = ordered[-1]
    for episode in reversed(ordered[:-1]):
        if _field(episode, "legal_status") != status:
            break
        run_start = episode
    if (ends_on - _field(run_start, "start_date")).days > limit:
        label = codes.LEGAL_STATUS.label(status).lower()
        return f"{status} ({label}) lasts at most {limit} days: record the change of legal status within that time"
    return None


def ending_age_problem(reason_ceased: str, date_of_birth: date, end_date: date) -> str | None:
    minimum = ENDING_MINIMUM_AGE.get(reason_ceased)
    if minimum is not None and end_date < birthday(date_of_birth, minimum):
        return f"A young person leaves care for this reason at {minimum} or over"
    if reason_ceased in codes.ADOPTED and end_date >= birthday(date_of_birth, 18):
        return "A young person of 18 cannot be adopted from care"
    return None


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


def partial_date_problem(text: str, *, before: date, after: date | None = None) -> str | None:
    """A DD/MM/YYYY date where the day or month may be ZZ (not known), as the 903's DATE_PERM allows.
    The date, read at its latest possible day, must be before ``before`` and not before ``after``."""
    parts = text.strip().split("/")
    if len(parts) != 3 or len(parts[2]) != 4 or not parts[2].isdigit():
        return "Enter the date as DD/MM/YYYY, with ZZ for a day or month not known"
    day_text, month_text, year = parts[0].upper(), parts[1].upper(), int(parts[2])
    if month_text == "ZZ" and day_text != "ZZ":
        return "When the month is not known, the day is not known either (ZZ/ZZ/YYYY)"
    try:
        month = 12 if month_text == "ZZ" else int(month_text)
        first_month = 1 if month_text == "ZZ" else month
        earliest = date(year, first_month, 1 if day_text == "ZZ" else int(day_text))
        latest = date(year, month, 1) + relativedelta(months=1, days=-1) if day_text == "ZZ" else earliest
    except ValueError:
        return "Enter a real date as DD/MM/YYYY, with ZZ for a day or month not known"
    if latest >= before:
        return "The order was made before care began"
    if after is not None and earliest < after:
        return "The order was made after the child was born"
    return None


def _field(obj, name):
    return obj[name] if isinstance(obj, dict) else getattr(obj, name)
