"""Pure rules for cases, allocations, caseloads and case notes. No ORM."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from casework.core.codes import DEFAULT_CASE_WEIGHTS, ServiceType

REGISTERED_SOCIAL_WORK_ROLES = frozenset(
    {"social_worker", "senior_practitioner", "advanced_practitioner", "team_manager", "practice_manager"}
)


def may_hold_case(*, job_role: str, has_swe_registration: bool, service_type: str) -> bool:
    """A case is allocated to a registered social worker; a care leaver may instead have a
    personal adviser (Children (Leaving Care) Act 2000)."""
    if service_type == ServiceType.CARE_LEAVER and job_role == "personal_adviser":
        return True
    return job_role in REGISTERED_SOCIAL_WORK_ROLES and has_swe_registration


def worker_in_post_on(*, start_date: date, leave_date: date | None, on: date) -> bool:
    return start_date <= on and (leave_date is None or on < leave_date)


# Allocation periods are half-open, [start_date, end_date): the outgoing worker's end date is
# the day the incoming worker starts, the same convention as 903 episodes of care, so on any
# day exactly one allocation holds.
def periods_overlap(a_start: date, a_end: date | None, b_start: date, b_end: date | None) -> bool:
    a_before_b = a_end is not None and a_end <= b_start
    b_before_a = b_end is not None and b_end <= a_start
    return not (a_before_b or b_before_a)


def case_weights(overrides: dict[str, Decimal]) -> dict[str, Decimal]:
    weights = {str(k): Decimal(v) for k, v in DEFAULT_CASE_WEIGHTS.items()}
    weights.update({k: Decimal(v) for k, v in overrides.items()})
    return weights


def weighted_caseload(open_cases_by_service: dict[str, int], weights: dict[str, Decimal]) -> Decimal:
    """Each open case counts its service type's weight (1 for a type without one)."""
    total = sum((weights.get(st, Decimal("1")) * n for st, n in open_cases_by_service.items()), Decimal("0"))
    return total.quantize(Decimal("0.01"))


@dataclass(frozen=True)
class CaseloadFigures:
    open_cases: int
    weighted: Decimal
    fte: Decimal
    threshold_per_fte: Decimal

    @property
    def per_fte(self) -> Decimal:
        if not self.fte:
            return Decimal("0")
        return (self.weighted / self.fte).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def over_threshold(self) -> bool:
        return self.fte > 0 and self.weighted > self.threshold_per_fte * self.fte

    @property
    def capacity(self) -> Decimal:
        """The weighted caseload the threshold allows this worker: threshold per FTE times their FTE."""
        return (self.threshold_per_fte * self.fte).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    def over_with(self, weight: Decimal) -> bool:
        """Whether one more case of this weight would take the worker over their threshold."""
        return self.weighted + weight > self.threshold_per_fte * self.fte

    def picker_label(self, worker_name: str, team_name: str) -> str:
        """How a worker is offered when allocating: "Sam Jones (Children's team) - weighted caseload 18.5 of 20"."""
        return f"{worker_name} ({team_name}) - weighted caseload {figure(self.weighted)} of {figure(self.capacity)}"


def figure(value: Decimal) -> str:
    """18.50 -> "18.5", 20.0 -> "20": a figure as a person would write it."""
    return f"{value.quantize(Decimal('0.1'), rounding=ROUND_HALF_UP).normalize():f}"


def note_is_editable(*, author_id: int, actor_id: int, created_at: datetime, now: datetime, window_hours: int) -> bool:
    """The author may correct a note for a set time; after that it is locked as the record."""
    return author_id == actor_id and now - created_at < timedelta(hours=window_hours)
