"""Contract monitoring: each measure a contract year selects, computed over the children under
the contract, with its Wilson interval, target, RAG status, national benchmark, payment earned
and trend over the contract's years; and the per-child outcome matrix.

The children under a contract in a year are the looked-after children of the contract's
commissioner whose looked-after-child (or care leaver) case is held under the contract and open
at some time in the year. Values come from the indicator library (``casework/outcomes``), which
computes set-based; nothing here reads per child.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.db.models import Q

from casework.cases.models import Case
from casework.contracts import rules
from casework.contracts.models import AGE_BAND_LIMITS, Contract, ContractMeasure, ContractYear
from casework.contracts.tables import Money, Percent
from casework.core import statistics
from casework.core.codes import ServiceType
from casework.looked_after.models import LookedAfterChild
from casework.organisations.models import Worker

CHILDREN_SERVICES = (ServiceType.LOOKED_AFTER_CHILD, ServiceType.CARE_LEAVER)


def children_under(contract: Contract, start: date, end: date, age_band: str = ""):
    """The contract's children in the period; with an age band, those of that age at its end."""
    cases = Case.objects.filter(
        Q(closed_on__isnull=True) | Q(closed_on__gte=start),
        contract=contract,
        service_type__in=CHILDREN_SERVICES,
        opened_on__lte=end,
    ).values("person_id")
    children = LookedAfterChild.objects.filter(commissioner_id=contract.commissioner_id, person_id__in=cases)
    if age_band:
        youngest, oldest = AGE_BAND_LIMITS[age_band]
        born_after = end - relativedelta(years=oldest + 1)
        born_by = end - relativedelta(years=youngest)
        children = children.filter(person__date_of_birth__gt=born_after, person__date_of_birth__lte=born_by)
    return children


def quarter_end(year: ContractYear, quarter: int) -> date:
    """The last day of the contract year's quarter (1 to 4); the year's own end for the fourth."""
    if quarter == 4:
        return year.end_date
    return year.start_date + relativedelta(months=3 * quarter) - relativedelta(days=1)


@dataclass
class MeasureRow:
    measure: ContractMeasure
    indicator: object
    numerator: float | None
    denominator: int | None
    value: float | None
    interval: tuple[float, float] | None
    rag: str
    earned: rules.Earned
    trend: list[tuple[str, float | None]] = field(default_factory=list)
    # the DfE's categories behind the value, where it publishes some (care leavers in touch)
    breakdown: list[tuple[str, int]] = field(default_factory=list)

    @property
    def shown_breakdown(self) -> list[tuple[str, str]]:
        return [(label, statistics.suppressed(count)) for label, count in self.breakdown]

    @property
    def shown_numerator(self) -> str:
        return statistics.suppressed(int(self.numerator)) if self.is_count_based else _plain(self.numerator)

    @property
    def shown_denominator(self) -> str:
        return statistics.suppressed(self.denominator)

    @property
    def is_count_based(self) -> bool:
        return self.indicator.unit == "percent" and self.numerator is not None


@dataclass
class ContractReport:
    contract: Contract
    year: ContractYear
    period_end: date
    children: int
    rows: list[MeasureRow]

    @property
    def total_earned(self) -> Decimal:
        return sum((r.earned.amount for r in self.rows), Decimal("0.00"))

    @property
    def total_at_stake(self) -> Decimal:
        return sum((r.measure.amount_at_stake or Decimal("0") for r in self.rows), Decimal("0.00"))


def _plain(value) -> str:
    if value is None:
        return ""
    return f"{value:.1f}" if isinstance(value, float) and not value.is_integer() else str(int(value))


def _results(contract: Contract, start: date, end: date, keys: list[tuple[str, str]]):
    """Results for (indicator, age band) pairs: one set-based load per age band in use."""
    from casework.outcomes import compute, data

    # caseload per FTE is the practice's: every worker of the practice and every case they hold
    workers = None
    if any(indicator == "caseload_per_fte" for indicator, _ in keys):
        workers = Worker.objects.filter(organisation_id=contract.practice_id)
    loads, results = {}, {}
    for band in sorted({band for _, band in keys}):
        loads[band] = data.load(
            children_under(contract, start, end, band), period_start=start, period_end=end, workers=workers
        )
    for indicator, band in keys:
        results[(indicator, band)] = compute.compute(loads[band], indicator)
    return loads, results


def contract_report(*, contract: Contract, year: ContractYear, quarter: int | None = None) -> ContractReport:
    from casework.outcomes import compute
    from casework.outcomes.indicators import INDICATORS

    end = quarter_end(year, quarter) if quarter else year.end_date
    measures = list(year.measures.order_by("pk"))
    keys = [(m.indicator, m.age_band) for m in measures if m.indicator in INDICATORS]
    loads, results = _results(contract, year.start_date, end, keys)
    trends = _trends(contract, keys)
    rows = []
    for measure in measures:
        indicator = INDICATORS.get(measure.indicator)
        if indicator is None:
            continue
        key = (measure.indicator, measure.age_band)
        result = results[key]
        interval = None
        if indicator.unit == "percent" and result.denominator:
            interval = statistics.wilson_interval(int(result.numerator), result.denominator)
        children_met = 0
        if measure.payment_basis == ContractMeasure.PaymentBasis.PER_CHILD and indicator.per_child:
            statuses = compute.per_child(loads[measure.age_band], measure.indicator)
            children_met = sum(1 for s in statuses.values() if s == "met")
        rows.append(
            MeasureRow(
                measure=measure,
                indicator=_titled(indicator, measure),
                numerator=result.numerator,
                denominator=result.denominator,
                value=result.value,
                interval=interval,
                rag=rules.rag(result.value, measure.target, indicator.direction),
                earned=rules.earned(
                    payment_rule=measure.payment_rule,
                    payment_basis=measure.payment_basis,
                    amount_at_stake=measure.amount_at_stake,
                    target=measure.target,
                    floor=measure.floor,
                    direction=indicator.direction,
                    value=result.value,
                    children_met=children_met,
                ),
                trend=trends.get(key, []),
                breakdown=compute.breakdown(loads[measure.age_band], measure.indicator),
            )
        )
    everyone = loads.get("") or _load_all(contract, year.start_date, end)
    return ContractReport(contract=contract, year=year, period_end=end, children=everyone.children.height, rows=rows)


def _load_all(contract, start, end):
    from casework.outcomes import data

    return data.load(children_under(contract, start, end), period_start=start, period_end=end)


def _trends(contract: Contract, keys: list[tuple[str, str]]) -> dict[tuple[str, str], list]:
    """Each measure's value in every contract year so far (the chart beside the table)."""
    trends: dict[tuple[str, str], list] = {k: [] for k in keys}
    today = date.today()
    for year in contract.years.filter(start_date__lte=today).order_by("start_date"):
        _, results = _results(contract, year.start_date, min(year.end_date, today), keys)
        label = f"{year.start_date:%Y}/{year.end_date:%y}"
        for k in keys:
            trends[k].append((label, results[k].value))
    return trends


@dataclass
class PaymentStatement:
    """The contract price for the year, the outcome payments and their total; provisional (the
    price so far, outcomes so far) while the year is running."""

    report: ContractReport
    price: rules.Earned
    priced_to: date
    provisional: bool

    @property
    def paid(self) -> list[MeasureRow]:
        return [r for r in self.report.rows if r.measure.payment_rule]

    @property
    def total(self) -> Decimal:
        return self.price.amount + self.report.total_earned


# A price per child per week pays for the children's cases under the contract; a price per case, for
# every case under it (adults' too, where the contract delegates adults' functions).
CHILDRENS_CASES = (ServiceType.LOOKED_AFTER_CHILD, ServiceType.CARE_LEAVER, ServiceType.CHILD_IN_NEED)


def payment_statement(*, contract: Contract, year: ContractYear, today: date) -> PaymentStatement:
    """The year's statement; for a year still running, the price of the days to ``today``."""
    report = contract_report(contract=contract, year=year)
    priced_to = min(year.end_date, today)
    open_in_year = Case.objects.filter(
        Q(closed_on__isnull=True) | Q(closed_on__gt=year.start_date), contract=contract, opened_on__lte=priced_to
    )
    if year.price_model == ContractYear.PriceModel.PER_CHILD_WEEK:
        open_in_year = open_in_year.filter(service_type__in=CHILDRENS_CASES)
    cases: dict[int, list] = {}
    for person_id, opened, closed in open_in_year.values_list("person_id", "opened_on", "closed_on"):
        cases.setdefault(person_id, []).append((opened, closed))
    price = rules.contract_price(
        price_model=year.price_model, price=year.price, start=year.start_date, end=priced_to, cases=cases
    )
    return PaymentStatement(report=report, price=price, priced_to=priced_to, provisional=today <= year.end_date)


STATEMENT_COLUMNS = ["Item", "Terms", "At stake (£)", "Amount (£)", "Workings"]


def statement_rows(statement: PaymentStatement) -> list[list]:
    """The statement as a table: the contract price, each outcome payment, the total."""
    year = statement.report.year
    price = statement.price
    rows = [["Contract price", year.get_price_model_display(), None, Money(price.amount), price.workings]]
    for r in statement.paid:
        rows.append(
            [
                r.indicator.title,
                f"{r.measure.get_payment_rule_display()}, {r.measure.get_payment_basis_display().lower()}",
                Money(r.measure.amount_at_stake or Decimal("0")),
                Money(r.earned.amount),
                r.earned.workings,
            ]
        )
    note = f"Provisional: the year ends on {year.end_date:%-d %B %Y}" if statement.provisional else ""
    rows.append(["Total", "", Money(statement.report.total_at_stake), Money(statement.total), note])
    return rows


EXPORT_COLUMNS = [
    "Measure",
    "Indicator id",
    "Numerator",
    "Denominator",
    "Value",
    "Unit",
    "95% interval low",
    "95% interval high",
    "Target",
    "Direction",
    "RAG",
    "National benchmark",
    "Benchmark year",
    "Payment earned (£)",
    "Workings",
]


def export_rows(report: ContractReport) -> list[list]:
    """The report as a commissioner may take it away: counts under 5 suppressed, figures as numbers
    (cells as ``contracts/tables.py`` describes them)."""
    rows = []
    for r in report.rows:
        benchmark = r.indicator.benchmark
        percent = r.indicator.unit == "percent"
        figure = Percent.of if percent else _figure
        rows.append(
            [
                r.indicator.title,
                r.indicator.id,
                _count(r.numerator) if r.is_count_based else _figure(r.numerator),
                _count(r.denominator),
                figure(r.value),
                r.indicator.unit,
                None if r.interval is None else Percent(r.interval[0]),
                None if r.interval is None else Percent(r.interval[1]),
                Percent.of(r.measure.target) if percent else r.measure.target,
                r.indicator.direction,
                r.rag,
                None if benchmark is None else figure(benchmark.value),
                None if benchmark is None else benchmark.year,
                Money(r.earned.amount),
                r.earned.workings,
            ]
        )
    return rows


def _count(count) -> int | str | None:
    """A count a commissioner may take away: under 5 (but not 0) is the text '[c]'."""
    if count is None:
        return None
    shown = statistics.suppressed(int(count))
    return shown if shown == statistics.SUPPRESSED else int(count)


def _figure(value) -> float | None:
    return None if value is None else float(value)


@dataclass
class MatrixRow:
    child: LookedAfterChild
    statuses: list[str]


def outcome_matrix(*, contract: Contract, year: ContractYear) -> tuple[list, list[MatrixRow]]:
    """Each child under the contract in the year against each per-child measure the year selects:
    met, not met, not applicable or not yet due (one computation per measure, none per child)."""
    from casework.outcomes import compute
    from casework.outcomes.indicators import INDICATORS

    measures = [m for m in year.measures.order_by("pk") if m.indicator in INDICATORS]
    measures = [m for m in measures if INDICATORS[m.indicator].per_child]
    children = children_under(contract, year.start_date, year.end_date)
    loads, _ = _results(contract, year.start_date, year.end_date, [(m.indicator, m.age_band) for m in measures])
    by_measure = {m.pk: compute.per_child(loads[m.age_band], m.indicator) for m in measures}
    today = date.today()
    rows = [
        MatrixRow(
            child=child,
            statuses=[
                _as_of(by_measure[m.pk].get(child.pk, "not_applicable"), INDICATORS[m.indicator], year, today)
                for m in measures
            ],
        )
        for child in children.select_related("person").order_by("child_id")
    ]
    titles = [_titled(INDICATORS[m.indicator], m) for m in measures]
    return titles, rows


STATUS_WORDS = {"met": "Met", "not_met": "Not met", "not_yet_due": "Not yet due", "not_applicable": "Not applicable"}


def matrix_table(titles, rows: list[MatrixRow], *, show_names: bool, restricted: set) -> tuple[list, list]:
    """The per-child matrix as a table: the authority's child identifier (and the name, for the
    practice's own staff), then each measure's status in words; a restricted record, its name only."""
    columns = ["Child identifier", *(["Name"] if show_names else []), *(t.title for t in titles)]
    table = []
    for row in rows:
        name = [row.child.person.full_name] if show_names else []
        if row.child.person_id in restricted:
            table.append([row.child.child_id, *name, *["Restricted record"] * len(titles)])
        else:
            table.append([row.child.child_id, *name, *(STATUS_WORDS[s] for s in row.statuses)])
    return columns, table


def _as_of(status: str, indicator, year: ContractYear, today: date) -> str:
    """While the contract year is still running, a standard not met *so far* that the child can still
    meet before the year ends (a higher-is-better measure: an assessment still to be done) is not yet
    due; a lower-is-better one not met (a third placement already) cannot be undone and stays not met."""
    if status == "not_met" and today < year.end_date and indicator.direction == "higher":
        return "not_yet_due"
    return status


def _titled(indicator, measure):
    """The indicator as shown for a measure: with its age band when the measure has one."""
    if not measure.age_band:
        return indicator
    from dataclasses import replace

    return replace(indicator, title=f"{indicator.title} ({measure.get_age_band_display()})")


def child_outcomes(child: LookedAfterChild, on: date) -> tuple[ContractYear | None, list[tuple[object, str]]]:
    """A child's status on each per-child measure of the contract year their case is under today:
    what a practitioner sees on the child's page."""
    from casework.outcomes import compute, data
    from casework.outcomes.indicators import INDICATORS

    case = (
        Case.objects.filter(person_id=child.person_id, service_type__in=CHILDREN_SERVICES, contract__isnull=False)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gte=on))
        .order_by("-opened_on")
        .first()
    )
    if case is None:
        return None, []
    year = case.contract.years.filter(start_date__lte=on, end_date__gte=on).first()
    if year is None:
        return None, []
    measures = [
        m for m in year.measures.order_by("pk") if m.indicator in INDICATORS and INDICATORS[m.indicator].per_child
    ]
    loaded = data.load(
        LookedAfterChild.objects.filter(pk=child.pk), period_start=year.start_date, period_end=year.end_date
    )
    statuses = []
    for measure in measures:
        if measure.age_band and child.pk not in {
            c.pk for c in children_under(case.contract, year.start_date, year.end_date, measure.age_band)
        }:
            continue
        statuses.append(
            (
                _titled(INDICATORS[measure.indicator], measure),
                _as_of(
                    compute.per_child(loaded, measure.indicator).get(child.pk, "not_applicable"),
                    INDICATORS[measure.indicator],
                    year,
                    on,
                ),
            )
        )
    return year, statuses
