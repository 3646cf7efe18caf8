"""The contract monitoring report as the API gives it: the same report as the page and the CSV
(``contracts/reporting.py``), with counts under 5 withheld from anyone outside the practice that
holds the contract, exactly where the CSV download shows '[c]'."""

import math

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from casework.audit.services import audit_record
from casework.contracts import reporting
from casework.contracts.models import Contract, ContractYear
from casework.core import statistics

SUPPRESSED = "[c]"


def report_year(contract: Contract, year_id: int | None) -> ContractYear:
    """The year asked for, else the one running today, else the latest that has started."""
    years = sorted(contract.years.all(), key=lambda y: y.start_date)  # prefetched with the contract
    if not years:
        raise Http404("The contract has no contract years")
    if year_id is not None:
        chosen = next((y for y in years if y.pk == year_id), None)
        if chosen is None:
            # an id that names nothing here, like an unknown id in a path
            raise Http404("No year of this contract has that id: the contract lists its years' ids")
        return chosen
    today = timezone.localdate()
    running = next((y for y in years if y.start_date <= today <= y.end_date), None)
    started = [y for y in years if y.start_date <= today]
    return running or (started[-1] if started else years[0])


def contract_report(*, actor, contract: Contract, year_id: int | None, quarter: int | None) -> dict:
    year = report_year(contract, year_id)
    report = reporting.contract_report(contract=contract, year=year, quarter=quarter)
    holder = actor.organisation_id == contract.practice_id
    with transaction.atomic():
        audit_record(actor=actor, action="export", obj=contract, year=str(year.start_date), format="api")
    children_suppressed = not holder and statistics.suppressed(report.children) == SUPPRESSED
    return {
        "contract": contract.pk,
        "year": {"id": year.pk, "start_date": year.start_date, "end_date": year.end_date},
        "quarter": quarter,
        "period_end": report.period_end,
        "children": None if children_suppressed else report.children,
        "children_suppressed": children_suppressed,
        "total_earned": report.total_earned,
        "total_at_stake": report.total_at_stake,
        "rows": [_row(r, holder) for r in report.rows],
    }


def _row(row: reporting.MeasureRow, holder: bool) -> dict:
    numerator_suppressed = not holder and row.shown_numerator == SUPPRESSED
    denominator_suppressed = not holder and row.shown_denominator == SUPPRESSED
    benchmark = row.indicator.benchmark
    return {
        "measure": row.measure.pk,
        "indicator": row.indicator.id,
        "title": row.indicator.title,
        "age_band": row.measure.age_band,
        "unit": row.indicator.unit,
        "direction": row.indicator.direction,
        "numerator": None if numerator_suppressed or row.numerator is None else float(row.numerator),
        "numerator_suppressed": numerator_suppressed,
        "denominator": None if denominator_suppressed else row.denominator,
        "denominator_suppressed": denominator_suppressed,
        "value": _finite(row.value),
        "interval_low": None if row.interval is None else 100 * row.interval[0],
        "interval_high": None if row.interval is None else 100 * row.interval[1],
        "target": row.measure.target,
        "rag": row.rag,
        "benchmark": None if benchmark is None else {"value": benchmark.value, "year": benchmark.year},
        "earned": row.earned.amount,
        "workings": row.earned.workings,
        "trend": [{"year": label, "value": _finite(value)} for label, value in row.trend],
    }


def _finite(value) -> float | None:
    """A value JSON can carry: no value (None, or NaN from an empty cohort) is null."""
    if value is None or math.isnan(value) or math.isinf(value):
        return None
    return float(value)
