"""The contract monitoring report as the API gives it: the same report as the page and the CSV
(``contracts/reporting.py``), with the same figures withheld (null, with ``*_suppressed`` true)
exactly where the page and the CSV download show '[c]', whoever asks."""

import math

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from casework.audit.services import audit_record
from casework.contracts import reporting
from casework.contracts.models import Contract, ContractYear
from casework.core import statistics

SUPPRESSED = statistics.SUPPRESSED


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
    with transaction.atomic():
        audit_record(actor=actor, action="export", obj=contract, year=str(year.start_date), format="api")
    at_stake = report.shown_total_at_stake
    return {
        "contract": contract.pk,
        "year": {"id": year.pk, "start_date": year.start_date, "end_date": year.end_date},
        "quarter": quarter,
        "period_end": report.period_end,
        "children": None if report.children_withheld else report.children,
        "children_suppressed": report.children_withheld,
        "total_earned": report.total_earned,
        "total_at_stake": None if at_stake == SUPPRESSED else at_stake,
        "total_at_stake_suppressed": at_stake == SUPPRESSED,
        "rows": [_row(r) for r in report.rows],
    }


def _row(row: reporting.MeasureRow) -> dict:
    benchmark = row.indicator.benchmark
    interval = row.shown_interval
    return {
        "measure": row.measure.pk,
        "indicator": row.indicator.id,
        "title": row.indicator.title,
        "age_band": row.measure.age_band,
        "unit": row.indicator.unit,
        "direction": row.indicator.direction,
        "numerator": _shown(row.shown_numerator),
        "numerator_suppressed": row.shown_numerator == SUPPRESSED,
        "denominator": _shown(row.shown_denominator),
        "denominator_suppressed": row.shown_denominator == SUPPRESSED,
        "suppressed": row.suppressed,
        "value": _finite(row.shown_value),
        "interval_low": None if interval is None else 100 * interval[0],
        "interval_high": None if interval is None else 100 * interval[1],
        "target": row.measure.target,
        "rag": None if row.suppressed else row.rag,
        "benchmark": None if benchmark is None else {"value": benchmark.value, "year": benchmark.year},
        "earned": row.earned.amount,
        "workings": row.shown_workings,
        "trend": [
            {"year": label, "value": None if value == SUPPRESSED else _finite(value), "suppressed": value == SUPPRESSED}
            for label, value in row.shown_trend
        ],
    }


def _shown(figure: str) -> float | None:
    return None if figure in ("", SUPPRESSED) else float(figure)


def _finite(value) -> float | None:
    """A value JSON can carry: no value (None, or NaN from an empty cohort) is null."""
    if value is None or math.isnan(value) or math.isinf(value):
        return None
    return float(value)
