"""Stored contract-year results: a year that has ended is settled (its figures are kept as they were
monitored and paid against), a year still running is cached until the data change, and the report
reads them instead of working every year out again on every view.

A result (``ContractYearResult``) holds each measure's terms and figures before anything is
withheld; the small-count rule is applied on reading, by ``reporting._withhold`` as before, so it
lives in one place and a stored year shows exactly what a freshly computed one would.

The data version is the newest history row of every table the report reads (the indicator data,
cases and allocations, people's dates of birth, workers, the contract's own terms): every write to
those tables goes through the services or the 903 import, which keep field history
(django-simple-history, ``bulk_create_with_history`` for the import), so a change anywhere moves
it. One query of index lookups (each history table's primary key), whatever the size of the data;
``docs/outcomes.md`` "Settled and cached results" says why this and not a counter.
"""

import math
import numbers
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Q, Subquery
from django.utils import timezone

from casework.cases.models import Allocation, Case
from casework.contracts import reporting, rules
from casework.contracts.models import Contract, ContractMeasure, ContractYear, ContractYearResult
from casework.core import statistics
from casework.looked_after.models import (
    CareLeaverContact,
    Conviction,
    Episode,
    HealthCheck,
    LookedAfterChild,
    MissingEpisode,
    Review,
    StrengthsDifficulties,
    SubstanceMisuse,
    Visit,
)
from casework.organisations.models import Organisation, Worker
from casework.people.models import Person

# Every table the report reads (outcomes/data.py's queries, reporting.children_under, the terms).
DATA_MODELS = (
    LookedAfterChild,
    Episode,
    Review,
    Visit,
    HealthCheck,
    StrengthsDifficulties,
    SubstanceMisuse,
    Conviction,
    MissingEpisode,
    CareLeaverContact,
    Case,
    Allocation,
    Person,
    Worker,
    Organisation,
    Contract,
    ContractYear,
    ContractMeasure,
)


@dataclass(frozen=True)
class DataVersion:
    version: str
    # when the newest of those changes was made (None while no change has been recorded since seeding)
    as_at: datetime | None


def data_version(year: ContractYear) -> DataVersion:
    """The newest history row of each table the report reads, in one query (hung on the year's row:
    scalar subqueries need a row to sit on)."""
    newest = {}
    for i, model in enumerate(DATA_MODELS):
        latest = model.history.order_by("-history_id")
        newest[f"id{i}"] = Subquery(latest.values("history_id")[:1])
        newest[f"at{i}"] = Subquery(latest.values("history_date")[:1])
    row = ContractYear.objects.filter(pk=year.pk).values(**newest).get()
    ids = [row[f"id{i}"] or 0 for i in range(len(DATA_MODELS))]
    dates = [row[f"at{i}"] for i in range(len(DATA_MODELS)) if row[f"at{i}"] is not None]
    return DataVersion(version=".".join(map(str, ids)), as_at=max(dates) if dates else None)


# --- figures to and from their stored form ------------------------------------------------------------


def _number(value):
    """A figure as JSON keeps it (PostgreSQL's jsonb has no NaN: an empty cohort's value is 'nan')."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    value = float(value)
    return value if math.isfinite(value) else str(value)


def _figure(value):
    return float(value) if isinstance(value, str) else value


def _decimal(value) -> str | None:
    return None if value is None else str(value)


def stored_rows(rows: list[reporting.MeasureRow]) -> list[dict]:
    """Each measure's terms (as monitored and paid against) and figures, nothing withheld."""
    return [
        {
            "measure": {
                "id": r.measure.pk,
                "indicator": r.measure.indicator,
                "age_band": r.measure.age_band,
                "target": _decimal(r.measure.target),
                "payment_rule": r.measure.payment_rule,
                "payment_basis": r.measure.payment_basis,
                "amount_at_stake": _decimal(r.measure.amount_at_stake),
                "floor": _decimal(r.measure.floor),
            },
            "figures": _figures(r),
        }
        for r in rows
    ]


def _figures(r: reporting.MeasureRow) -> dict:
    return {
        "numerator": _number(r.numerator),
        "denominator": _number(r.denominator),
        "value": _number(r.value),
        "interval": None if r.interval is None else [_number(r.interval[0]), _number(r.interval[1])],
        "rag": r.rag,
        "earned": {"amount": str(r.earned.amount), "workings": r.earned.workings, "count": r.earned.count},
        "breakdown": [[label, _number(count)] for label, count in r.breakdown],
        "children_met": _number(r.children_met),
    }


def _measure(terms: dict, year: ContractYear) -> ContractMeasure:
    """The measure with the terms stored (never saved: the row it came from may have changed since)."""
    money = {k: None if terms[k] is None else Decimal(terms[k]) for k in ("target", "amount_at_stake", "floor")}
    measure = ContractMeasure(
        pk=terms["id"],
        indicator=terms["indicator"],
        age_band=terms["age_band"],
        payment_rule=terms["payment_rule"],
        payment_basis=terms["payment_basis"],
        **money,
    )
    measure.contract_year = year
    return measure


def measure_rows(result: ContractYearResult, year: ContractYear) -> list[reporting.MeasureRow]:
    """The stored rows as the report's rows, nothing withheld yet (``reporting._withhold`` decides)."""
    from casework.outcomes.indicators import INDICATORS

    rows = []
    for stored in result.rows:
        measure = _measure(stored["measure"], year)
        if measure.indicator not in INDICATORS:
            continue  # an indicator since retired: it has no definition to show it by
        f = stored["figures"]
        earned = f["earned"]
        rows.append(
            reporting.MeasureRow(
                measure=measure,
                indicator=reporting._titled(INDICATORS[measure.indicator], measure),
                numerator=_figure(f["numerator"]),
                denominator=_figure(f["denominator"]),
                value=_figure(f["value"]),
                interval=None if f["interval"] is None else tuple(_figure(v) for v in f["interval"]),
                rag=f["rag"],
                earned=rules.Earned(Decimal(earned["amount"]), earned["workings"], earned["count"]),
                breakdown=[(label, _figure(count)) for label, count in f["breakdown"]],
                children_met=_figure(f["children_met"]),
            )
        )
    return rows


# --- working out, storing and reading -------------------------------------------------------------------


def ended(year: ContractYear, today: date) -> bool:
    return year.end_date < today


def _compute(
    contract: Contract, year: ContractYear, quarter: int, version: DataVersion, actor, **fields
) -> ContractYearResult:
    end, children, rows = reporting.compute_figures(contract=contract, year=year, quarter=quarter or None)
    return ContractYearResult(
        contract_year=year,
        quarter=quarter,
        period_end=end,
        children=children,
        rows=stored_rows(rows),
        data_version=version.version,
        data_as_at=version.as_at,
        computed_at=timezone.now(),
        computed_by=actor if getattr(actor, "is_authenticated", False) else None,
        **fields,
    )


def _settle(contract, year, quarter, version, actor, cached: ContractYearResult | None) -> ContractYearResult:
    """The first settled result of an ended year's period: this year's cached figures when the data
    have not changed since they were worked out, else worked out now. Two first views at once store
    one result; the second reads it."""
    if cached is not None and cached.data_version == version.version:
        fields = [f.attname for f in ContractYearResult._meta.concrete_fields if not f.primary_key]
        result = ContractYearResult(**{name: getattr(cached, name) for name in fields})
        result.settled = True
    else:
        result = _compute(contract, year, quarter, version, actor, settled=True)
    try:
        with transaction.atomic():
            result.save()
    except IntegrityError:
        return ContractYearResult.objects.get(
            contract_year=year, quarter=quarter, settled=True, recalculates__isnull=True
        )
    return result


def _refresh(contract, year, quarter, version, actor, cached: ContractYearResult | None) -> ContractYearResult:
    """This year's figures worked out afresh (the data have changed), replacing the cached ones."""
    result = _compute(contract, year, quarter, version, actor, settled=False)
    try:
        with transaction.atomic():
            if cached is not None:
                ContractYearResult.objects.filter(pk=cached.pk).delete()
            result.save()
    except IntegrityError:
        pass  # another view stored the same figures at the same moment: show ours
    return result


def _by_period(results) -> dict[tuple[int, int], list[ContractYearResult]]:
    periods: dict[tuple[int, int], list[ContractYearResult]] = {}
    for result in results:
        periods.setdefault((result.contract_year_id, result.quarter), []).append(result)
    for found in periods.values():
        found.sort(key=lambda r: (r.computed_at, r.pk), reverse=True)
    return periods


def _current(found: list[ContractYearResult], year, today) -> ContractYearResult | None:
    """The result that stands for the period: the latest settled one for an ended year, the cached
    one for a year still running."""
    settled = ended(year, today)
    return next((r for r in found if r.settled == settled), None)


@dataclass
class Work:
    """What a report asks for that is not stored yet: with ``compute`` false, the periods are only
    listed (the page then starts a job, ``contracts/jobs.py``); with it, each is worked out, saying how
    far it has got through ``progress``."""

    compute: bool = True
    progress: object = None
    total: int = 0
    pending: list = None

    def __post_init__(self):
        self.pending = []


def _needs_work(standing, year, version: DataVersion, today, refresh: bool = True) -> bool:
    """Whether the period must be worked out: an ended year's when nothing is settled; a running
    year's when nothing is cached or (``refresh``) the records have changed since."""
    if ended(year, today):
        return standing is None
    return standing is None or (refresh and standing.data_version != version.version)


def result_for(
    contract,
    year,
    quarter: int,
    version: DataVersion,
    actor,
    found,
    today,
    work: Work | None = None,
    refresh: bool = True,
) -> ContractYearResult | None:
    """The period's standing result, worked out first when missing (or, for a year still running, out
    of date unless ``refresh`` is false); with ``work.compute`` false, the standing one as it is (None
    if none) and the period noted in ``work.pending``."""
    standing = _current(found, year, today)
    if not _needs_work(standing, year, version, today, refresh):
        return standing
    if work is not None and not work.compute:
        work.pending.append((year.pk, quarter))
        return standing
    if work is not None and work.progress is not None:
        done = len(work.pending)
        work.pending.append((year.pk, quarter))
        percent = 5 + int(90 * done / max(work.total, 1))
        work.progress(f"Working out the figures for {year.start_date:%Y}/{year.end_date:%y}", min(percent, 95))
    if ended(year, today):
        cached = next((r for r in found if not r.settled), None)
        return _settle(contract, year, quarter, version, actor, cached)
    return _refresh(contract, year, quarter, version, actor, standing)


def report(
    *, contract: Contract, year: ContractYear, quarter: int | None, actor=None, compute: bool = True, progress=None
) -> reporting.ContractReport | None:
    """The report from stored results: the period shown and each year started so far (its trend
    point), each read once; what is missing or out of date is worked out and stored first. With
    ``compute`` false nothing is worked out: the report is made of what is stored (None when the
    period shown has nothing stored yet) and says which periods wait (``pending``)."""
    today = timezone.localdate()
    quarter = quarter or 0
    version = data_version(year)
    years = list(ContractYear.objects.filter(contract=contract, start_date__lte=today).order_by("start_date"))
    stored = ContractYearResult.objects.filter(contract_year__contract=contract).filter(
        Q(quarter=0, contract_year__start_date__lte=today) | Q(contract_year=year, quarter=quarter)
    )
    periods = _by_period(stored.select_related("computed_by"))
    work = Work(compute=compute, progress=progress)
    # a settled period's page is not held up by a later year still running whose records changed: its
    # trend point there is the one last worked out (that year's own page works it out again)
    refresh = not ended(year, today)
    if progress is not None:
        needed = {(y.pk, 0): y for y in years} | {(year.pk, quarter): year}
        work.total = sum(
            _needs_work(_current(periods.get(key, []), y, today), y, version, today, refresh)
            for key, y in needed.items()
        )
    shown = result_for(contract, year, quarter, version, actor, periods.get((year.pk, quarter), []), today, work)
    if shown is None:
        return None
    rows = measure_rows(shown, year)
    children_withheld = reporting._withhold(rows, shown.children)
    trends = _trends(
        contract, years, rows, version, actor, periods, today, shown if not quarter else None, work, refresh
    )
    for row in rows:
        row.trend = trends.get((row.measure.indicator, row.measure.age_band), [])
    found = periods.get((year.pk, quarter), [])
    recalculated = next((r for r in found if shown.recalculates_id and r.pk == shown.recalculates_id), None)
    return reporting.ContractReport(
        contract=contract,
        year=year,
        period_end=shown.period_end,
        children=shown.children,
        rows=rows,
        children_withheld=children_withheld,
        result=shown,
        data_changed=shown.data_version != version.version,
        earlier=[r for r in found if r.settled and r.pk != shown.pk],
        changes=what_changed(shown, recalculated, year) if recalculated is not None else [],
        pending=work.pending if not compute else [],
    )


def _trends(
    contract, years, rows, version, actor, periods, today, shown, work, refresh=True
) -> dict[tuple[str, str], list]:
    """Each measure's value in every contract year started so far, from each year's stored whole-year
    result, withheld where that year's report withholds it. A year that did not select the measure
    has no point (no figure was monitored)."""
    trends: dict[tuple[str, str], list] = {(r.measure.indicator, r.measure.age_band): [] for r in rows}
    for year in years:
        if shown is not None and shown.contract_year_id == year.pk:
            result = shown
        else:
            result = result_for(contract, year, 0, version, actor, periods.get((year.pk, 0), []), today, work, refresh)
        if result is None:  # not worked out yet (the job will)
            continue
        year_rows = measure_rows(result, year)
        reporting._withhold(year_rows, result.children)
        figures = {(r.measure.indicator, r.measure.age_band): r for r in year_rows}
        label = f"{year.start_date:%Y}/{year.end_date:%y}"
        for key, points in trends.items():
            r = figures.get(key)
            points.append((label, None if r is None else r.value, False if r is None else r.suppressed))
    return trends


def _keyed(result: ContractYearResult) -> dict[tuple[str, str], dict]:
    return {(s["measure"]["indicator"], s["measure"]["age_band"]): s for s in result.rows}


def _differing(before: ContractYearResult, after: ContractYearResult) -> list[tuple[str, str]]:
    """The measures (indicator, age band) whose figures differ between two results of a period, or
    that one of them has and the other not."""
    old, new = _keyed(before), _keyed(after)
    return [
        key
        for key in sorted(set(old) | set(new))
        if not (key in old and key in new and old[key]["figures"] == new[key]["figures"])
    ]


def _title(key: tuple[str, str]) -> str:
    from casework.outcomes.indicators import INDICATORS

    indicator = INDICATORS.get(key[0])
    title = indicator.title if indicator else key[0]
    band = dict(ContractMeasure.AgeBand.choices).get(key[1]) if key[1] else ""
    return f"{title} ({band})" if band else title


def changed_measures(before: ContractYearResult, after: ContractYearResult) -> list[str]:
    """The titles of the measures whose figures differ between two results of a period (or that one
    of them has and the other not), and 'Number of children' when that differs."""
    changed = ["Number of children"] if before.children != after.children else []
    return changed + [_title(key) for key in _differing(before, after)]


@dataclass(frozen=True)
class Change:
    """A figure a recalculation changed: as the earlier result showed it and as the new one does,
    each withheld where its own report withholds it."""

    measure: str
    before: str
    after: str


def _shown(row: reporting.MeasureRow | None) -> str:
    """A measure's value and what it is of, as the report's table shows them."""
    if row is None:
        return "not measured"
    if row.suppressed:
        return statistics.SUPPRESSED
    value = "no figure" if row.value is None else f"{row.value:.1f}{'%' if row.indicator.unit == 'percent' else ''}"
    if row.shown_denominator:
        return f"{value} ({row.shown_numerator} / {row.shown_denominator})"
    return value


def what_changed(result: ContractYearResult, earlier: ContractYearResult, year: ContractYear) -> list[Change]:
    """Each figure that differs between a recalculated result and the result it recalculated (kept):
    the number of children, then each measure, the earlier figure and the new one."""
    shown = {}
    for name, stored in (("before", earlier), ("after", result)):
        rows = measure_rows(stored, year)
        withheld = reporting._withhold(rows, stored.children)
        keyed = {(r.measure.indicator, r.measure.age_band): r for r in rows}
        shown[name] = (statistics.SUPPRESSED if withheld else str(stored.children), keyed)
    changes = []
    if earlier.children != result.children:
        changes.append(Change("Number of children", shown["before"][0], shown["after"][0]))
    for key in _differing(earlier, result):
        changes.append(Change(_title(key), _shown(shown["before"][1].get(key)), _shown(shown["after"][1].get(key))))
    return changes


def recalculate(*, contract: Contract, year: ContractYear, quarter: int, actor) -> ContractYearResult:
    """A settled period worked out again from today's records, as a new result after the one standing
    (kept): the caller checks who may and audits it (``services.contract_year_recalculate``)."""
    version = data_version(year)
    standing = (
        ContractYearResult.objects.select_for_update()
        .filter(contract_year=year, quarter=quarter, settled=True)
        .order_by("-computed_at", "-pk")
        .first()
    )
    if standing is None:
        return _settle(contract, year, quarter, version, actor, None)
    result = _compute(contract, year, quarter, version, actor, settled=True, recalculates=standing)
    result.changed = changed_measures(standing, result)
    result.save()
    return result
