"""A child's outcome measures as the child's page shows them: for each per-child measure of the
contract year their case is under, the child's own fact and whether it is good
(``outcomes/facts.py``), from the statuses ``reporting.child_outcomes`` decides.

Working the statuses out for one child (polars over the child's few rows, 20 measures) costs about
30 ms of CPU, most of the page's, where reading the child's rows costs 5: so the statuses are kept
(Django's cache) under a digest of exactly what they are worked out from: the rows read, the year,
the measures and the day. A change to any of the child's records changes the digest and they are
worked out afresh on the next view; nothing has to remember to clear them (issue 14)."""

import hashlib
from dataclasses import dataclass
from datetime import date

from django.core.cache import cache

from casework.contracts import reporting
from casework.contracts.models import ContractMeasure, ContractYear
from casework.looked_after.models import LookedAfterChild
from casework.outcomes import facts
from casework.outcomes.data import OutcomeData

# a day: the statuses depend on the day too (what is not yet due), so a key lives no longer than it
KEPT_SECONDS = 24 * 60 * 60


@dataclass(frozen=True)
class ChildOutcome:
    indicator: object
    status: str
    fact: facts.Fact


def child_outcome_facts(child: LookedAfterChild, on: date) -> tuple[ContractYear | None, list[ChildOutcome]]:
    year, measures = reporting.child_year_and_measures(child, on)
    if year is None:
        return None, []
    loaded = reporting.child_data(child, year)
    key = _key(child, year, measures, on, loaded)
    worked_out = cache.get(key)
    if worked_out is None:
        worked_out = _work_out(child, loaded, year, measures, on)
        cache.set(key, worked_out, KEPT_SECONDS)
    return year, [
        ChildOutcome(indicator, status, facts.fact(indicator.id, status, found))
        for indicator, (status, found) in zip(reporting.child_measure_indicators(measures), worked_out, strict=True)
    ]


def _work_out(child, loaded, year, measures, on) -> list[tuple[str, int | None]]:
    """Each measure's status and, for a counted measure, the child's count."""
    statuses = reporting.child_statuses(child, loaded, year, measures, on)
    return [
        (status, facts.counts(loaded, indicator.id).get(child.pk, 0) if indicator.id in facts.COUNTED else None)
        for indicator, status in statuses
    ]


def _key(child, year: ContractYear, measures: list[ContractMeasure], on: date, loaded: OutcomeData) -> str:
    """A digest of everything the statuses are worked out from."""
    digest = hashlib.sha256()
    terms = (child.pk, year.pk, year.start_date, year.end_date, on)
    digest.update(repr(terms).encode())
    digest.update(repr([(m.pk, m.indicator, m.age_band) for m in measures]).encode())
    digest.update(repr((loaded.period_start, loaded.period_end, loaded.visits_from)).encode())
    for name in FRAMES:
        frame = getattr(loaded, name)
        digest.update(name.encode())
        if frame is not None:
            digest.update(repr((frame.columns, frame.rows())).encode())
    return f"child-outcomes:{digest.hexdigest()}"


# every frame of OutcomeData (tests/contracts/test_child_facts_kept.py fails when one is added and not here)
FRAMES = (
    "children",
    "episodes",
    "reviews",
    "visits",
    "health_checks",
    "sdq",
    "substance_misuse",
    "convictions",
    "missing",
    "care_leaver_contacts",
    "allocations",
    "workers",
    "worker_cases",
    "former_relevant",
)
