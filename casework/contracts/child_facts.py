"""A child's outcome measures as the child's page shows them: for each per-child measure of the
contract year their case is under, the child's own fact and whether it is good
(``outcomes/facts.py``), from the statuses ``reporting.child_outcomes`` decides."""

from dataclasses import dataclass
from datetime import date

from casework.contracts.models import ContractYear
from casework.contracts.reporting import child_outcomes_and_data
from casework.looked_after.models import LookedAfterChild
from casework.outcomes import facts


@dataclass(frozen=True)
class ChildOutcome:
    indicator: object
    status: str
    fact: facts.Fact


def child_outcome_facts(child: LookedAfterChild, on: date) -> tuple[ContractYear | None, list[ChildOutcome]]:
    year, statuses, loaded = child_outcomes_and_data(child, on)
    counted = {indicator.id for indicator, _ in statuses if indicator.id in facts.COUNTED}
    found = {}
    if counted:
        found = {indicator_id: facts.counts(loaded, indicator_id).get(child.pk, 0) for indicator_id in counted}
    return year, [
        ChildOutcome(indicator, status, facts.fact(indicator.id, status, found.get(indicator.id)))
        for indicator, status in statuses
    ]
