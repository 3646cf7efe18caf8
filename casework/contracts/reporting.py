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
from django.utils import timezone

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
        born_after, born_by = age_band_births(age_band, end)
        children = children.filter(person__date_of_birth__gt=born_after, person__date_of_birth__lte=born_by)
    return children


def age_band_births(age_band: str, on: date) -> tuple[date, date]:
    """Who is of the age band's age on ``on``: born after the first date and on or before the second."""
    youngest, oldest = AGE_BAND_LIMITS[age_band]
    return on - relativedelta(years=oldest + 1), on - relativedelta(years=youngest)


def quarter_end(year: ContractYear, quarter: int) -> date:
    """The last day of the contract year's quarter (1 to 4); the year's own end for the fourth."""
    if quarter == 4:
        return year.end_date
    return year.start_date + relativedelta(months=3 * quarter) - relativedelta(days=1)


# What is shown instead of a figure's workings when the figure is withheld
WITHHELD_WORKINGS = f"{statistics.SUPPRESSED}: the workings would let a count under 5 be worked out"


@dataclass
class MeasureRow:
    """One measure's figures as computed, and (``withheld``) which of them may not be shown: see
    ``_withhold``. Templates, downloads and the API read the ``shown_*`` properties only."""

    measure: ContractMeasure
    indicator: object
    numerator: float | None
    denominator: int | None
    value: float | None
    interval: tuple[float, float] | None
    rag: str
    earned: rules.Earned
    # each contract year's value so far, and whether that year's figure is withheld
    trend: list[tuple[str, float | None, bool]] = field(default_factory=list)
    # the DfE's categories behind the value, where it publishes some (care leavers in touch)
    breakdown: list[tuple[str, int]] = field(default_factory=list)
    # children who met a measure paid per child (the payment is this count times the amount per child)
    children_met: int | None = None
    # the cells withheld: "numerator", "denominator", "met", ("category", label)
    withheld: frozenset = frozenset()
    stake_withheld: bool = False

    @property
    def suppressed(self) -> bool:
        """The value and everything computed from it are withheld (a count under 5 would follow)."""
        return bool(self.withheld & {"numerator", "denominator", "met"})

    @property
    def shown_breakdown(self) -> list[tuple[str, str]]:
        return [
            (label, statistics.SUPPRESSED if ("category", label) in self.withheld else str(count))
            for label, count in self.breakdown
        ]

    @property
    def shown_numerator(self) -> str:
        if "numerator" in self.withheld:
            return statistics.SUPPRESSED
        return _plain(self.numerator)

    @property
    def shown_denominator(self) -> str:
        if self.denominator is None:
            return ""
        return statistics.SUPPRESSED if "denominator" in self.withheld else _plain(self.denominator)

    @property
    def shown_value(self) -> float | None:
        return None if self.suppressed else self.value

    @property
    def shown_interval(self) -> tuple[float, float] | None:
        return None if self.suppressed else self.interval

    @property
    def shown_rag(self) -> str:
        return statistics.SUPPRESSED if self.suppressed else self.rag

    @property
    def shown_workings(self) -> str:
        """Withheld with the value, and with the amount at stake (which the workings state)."""
        withheld = self.suppressed or self.stake_withheld
        return WITHHELD_WORKINGS if withheld and self.measure.payment_rule else self.earned.workings

    @property
    def shown_stake(self) -> Decimal | str | None:
        if not self.measure.payment_rule:
            return None
        return statistics.SUPPRESSED if self.stake_withheld else self.measure.amount_at_stake or Decimal("0")

    @property
    def shown_trend(self) -> list[tuple[str, float | str | None]]:
        """(contract year, value): the value None where there was no cohort, '[c]' where withheld."""
        return [(label, statistics.SUPPRESSED if hidden else value) for label, value, hidden in self.trend]

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
    children_withheld: bool = False
    # the stored result the figures were read from (contracts/results.py), and whether the records
    # have changed since it was worked out (for a settled year: the figures stand until recalculated)
    result: object = None
    data_changed: bool = False
    # the earlier results of the same period, newest first (recalculations keep them)
    earlier: list = field(default_factory=list)
    # for a recalculated result: each figure that differs from the result it recalculated, the
    # earlier figure and the new one (results.what_changed)
    changes: list = field(default_factory=list)
    # periods (contract year id, quarter) not stored yet or out of date: a job is working them out
    pending: list = field(default_factory=list)

    @property
    def shown_children(self) -> str:
        return statistics.SUPPRESSED if self.children_withheld else str(self.children)

    @property
    def total_earned(self) -> Decimal:
        return sum((r.earned.amount for r in self.rows), Decimal("0.00"))

    @property
    def total_at_stake(self) -> Decimal:
        return sum((r.measure.amount_at_stake or Decimal("0") for r in self.rows), Decimal("0.00"))

    @property
    def shown_total_at_stake(self) -> Decimal | str:
        """Withheld with any amount at stake it adds up (it would give that amount back)."""
        return statistics.SUPPRESSED if any(r.stake_withheld for r in self.rows) else self.total_at_stake


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


def compute_figures(*, contract: Contract, year: ContractYear, quarter: int | None = None):
    """The year's (or the year to a quarter's) figures worked out from the records: the period's end,
    the number of children and each measure's row, nothing withheld yet. One load per age band in use
    (``_results``), and no other year's."""
    from casework.outcomes.indicators import INDICATORS

    end = quarter_end(year, quarter) if quarter else year.end_date
    measures = [m for m in year.measures.order_by("pk") if m.indicator in INDICATORS]
    keys = [(m.indicator, m.age_band) for m in measures]
    loads, results = _results(contract, year.start_date, end, keys)
    rows = _measure_rows(measures, loads, results)
    everyone = loads.get("") or _load_all(contract, year.start_date, end)
    return end, everyone.children.height, rows


def contract_report(
    *, contract: Contract, year: ContractYear, quarter: int | None = None, actor=None
) -> ContractReport:
    """The report as every output shows it (the page, its downloads, the payment statement, the API
    and ``outcomes_report``): the year's figures from its stored result (``contracts/results.py``:
    settled once the year has ended, else this year's cached figures, worked out again when the data
    have changed), each earlier year's trend point from its own stored result, the small-count rule
    applied to each on reading."""
    from casework.contracts import results

    return results.report(contract=contract, year=year, quarter=quarter, actor=actor)


def _measure_rows(measures: list[ContractMeasure], loads, results) -> list[MeasureRow]:
    """Each measure's figures over the loaded children (nothing withheld yet)."""
    from casework.outcomes import compute
    from casework.outcomes.indicators import INDICATORS

    rows = []
    for measure in measures:
        indicator = INDICATORS[measure.indicator]
        result = results[(measure.indicator, measure.age_band)]
        interval = None
        if indicator.unit == "percent" and result.denominator:
            interval = statistics.wilson_interval(int(result.numerator), result.denominator)
        children_met = None
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
                    children_met=children_met or 0,
                ),
                breakdown=compute.breakdown(loads[measure.age_band], measure.indicator),
                children_met=children_met,
            )
        )
    return rows


# Which of a measure's figures count people, by the indicator's unit: a percentage counts children
# in both; a mean, days or incidents per child sum something over the children counted below; the
# caseload counts cases over full-time equivalents.
COUNTED = {"percent": ("numerator", "denominator"), "ratio": ("numerator",)}


def _withhold(rows: list[MeasureRow], children: int) -> bool:
    """Decide, once for every output, which figures of the report are withheld (``core/statistics.py:
    withheld``, the DfE's practice): each count under 5, the value, interval, status and workings of
    a measure resting on one, and whatever would give one back by subtraction: the categories of a
    measure add up to its cohort, its numerator is some of them, the age groups of an indicator add up
    to all ages, two measures of the same cohort have the same denominator, and a measure paid per
    child pays for those who met it. Sets each row's ``withheld`` and ``stake_withheld``; returns
    whether the number of children under the contract is withheld."""
    from casework.outcomes import compute

    values: dict = {"children": children}
    counts, protect, unpublished = {"children"}, set(), set()
    sums: list[statistics.Sum] = []
    for i, row in enumerate(rows):
        counted = COUNTED.get(row.indicator.unit, ("denominator",))
        num, den = (i, "numerator"), (i, "denominator")
        values[num], values[den] = row.numerator or 0, row.denominator or 0
        counts.update((i, part) for part in counted)
        if "numerator" not in counted and statistics.is_small(values[den]):
            protect.add(num)  # the sum of a small group's scores or days
        if row.children_met is not None:
            met = (i, "met")
            values[met] = row.children_met
            counts.add(met)
            lower = row.indicator.direction == "lower"  # then the numerator counts those who did not meet it
            sums.append(statistics.Sum(den, (num, met)) if lower else statistics.Sum(met, (num,)))
        if row.breakdown:
            categories = {label: (i, "category", label) for label, _ in row.breakdown}
            values.update({categories[label]: count for label, count in row.breakdown})
            counts.update(categories.values())
            sums.append(statistics.Sum(den, tuple(categories.values())))
            met_labels = compute.BREAKDOWN_NUMERATOR.get(row.measure.indicator, ())
            if met_labels:
                sums.append(statistics.Sum(num, tuple(categories[label] for label in met_labels)))
    _age_group_sums(rows, values, counts, protect, unpublished, sums)
    _same_cohort_sums(rows, values, sums)
    hidden = statistics.withheld(values, counts=counts, protect=protect, sums=sums, unpublished=unpublished)
    for i, row in enumerate(rows):
        row.withheld = frozenset(cell[1] if len(cell) == 2 else cell[1:] for cell in hidden if cell[0] == i)
    # an amount per child times a hidden count is the count: when any is withheld, every one is
    per_child_hidden = any(r.suppressed and _per_head(r) for r in rows)
    for row in rows:
        row.stake_withheld = bool(row.measure.payment_rule) and (
            row.suppressed or (per_child_hidden and _per_head(row))
        )
    return "children" in hidden


def _per_head(row: MeasureRow) -> bool:
    return row.children_met is not None and row.measure.payment_rule == ContractMeasure.PaymentRule.THRESHOLD


def _age_group_sums(rows, values, counts, protect, unpublished, sums) -> None:
    """An indicator's age groups add up to all ages; the groups not in the report are one cell never
    shown (a reader may guess it is empty)."""
    by_indicator: dict[str, dict[str, int]] = {}
    for i, row in enumerate(rows):
        by_indicator.setdefault(row.measure.indicator, {})[row.measure.age_band] = i
    for indicator, bands in by_indicator.items():
        whole = bands.pop("", None)
        if whole is None or not bands:
            continue
        counted = COUNTED.get(rows[whole].indicator.unit, ("denominator",))
        for part in ("denominator", "numerator"):
            parts = [(i, part) for i in bands.values()]
            if set(AGE_BAND_LIMITS) - set(bands):
                rest = ("rest", indicator, part)
                values[rest] = values[(whole, part)] - sum(values[p] for p in parts)
                unpublished.add(rest)
                if part in counted:
                    counts.add(rest)
                elif statistics.is_small(values[("rest", indicator, "denominator")]):
                    protect.add(rest)
                parts.append(rest)
            sums.append(statistics.Sum((whole, part), tuple(parts)))


def _same_cohort_sums(rows, values, sums) -> None:
    """Two measures counting the same cohort (the same definition and age group) have one denominator."""
    first: dict[tuple, int] = {}
    for i, row in enumerate(rows):
        key = (row.indicator.cohort, row.indicator.denominator, row.measure.age_band)
        if key in first and values[(first[key], "denominator")] == values[(i, "denominator")]:
            sums.append(statistics.Sum((first[key], "denominator"), ((i, "denominator"),)))
        first.setdefault(key, i)


def _load_all(contract, start, end):
    from casework.outcomes import data

    return data.load(children_under(contract, start, end), period_start=start, period_end=end)


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
    def price_withheld(self) -> bool:
        """Priced per case or per child for fewer than 5: the price each and the workings (which
        count them) are withheld; the amount is the contract's money, and shows."""
        return statistics.is_small(self.price.count)

    @property
    def shown_price_workings(self) -> str:
        return WITHHELD_WORKINGS if self.price_withheld else self.price.workings

    @property
    def shown_unit_price(self) -> Decimal | str:
        return statistics.SUPPRESSED if self.price_withheld else self.report.year.price

    @property
    def total(self) -> Decimal:
        return self.price.amount + self.report.total_earned


# A price per child per week pays for the children's cases under the contract; a price per case, for
# every case under it (adults' too, where the contract delegates adults' functions).
CHILDRENS_CASES = (ServiceType.LOOKED_AFTER_CHILD, ServiceType.CARE_LEAVER, ServiceType.CHILD_IN_NEED)


def payment_statement(*, contract: Contract, year: ContractYear, today: date, actor=None) -> PaymentStatement:
    """The year's statement; for a year still running, the price of the days to ``today``. The outcome
    payments are the report's, from the same stored result."""
    report = contract_report(contract=contract, year=year, actor=actor)
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
    rows = [
        ["Contract price", year.get_price_model_display(), None, Money(price.amount), statement.shown_price_workings]
    ]
    for r in statement.paid:
        rows.append(
            [
                r.indicator.title,
                f"{r.measure.get_payment_rule_display()}, {r.measure.get_payment_basis_display().lower()}",
                _money(r.shown_stake),
                Money(r.earned.amount),
                r.shown_workings,
            ]
        )
    note = f"Provisional: the year ends on {year.end_date:%-d %B %Y}" if statement.provisional else ""
    rows.append(["Total", "", _money(statement.report.shown_total_at_stake), Money(statement.total), note])
    return rows


def _money(amount) -> Money | str:
    return amount if isinstance(amount, str) else Money(amount)


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
    """The report as a commissioner may take it away: the figures the page shows, withheld ones as
    '[c]', the rest as numbers (cells as ``contracts/tables.py`` describes them)."""
    rows = []
    for r in report.rows:
        benchmark = r.indicator.benchmark
        percent = r.indicator.unit == "percent"
        figure = Percent.of if percent else _figure
        interval = r.shown_interval
        rows.append(
            [
                r.indicator.title,
                r.indicator.id,
                _cell(r.shown_numerator, int if r.is_count_based else float),
                _cell(r.shown_denominator, int if r.indicator.unit != "ratio" else float),
                statistics.SUPPRESSED if r.suppressed else figure(r.value),
                r.indicator.unit,
                statistics.SUPPRESSED if r.suppressed else None if interval is None else Percent(interval[0]),
                statistics.SUPPRESSED if r.suppressed else None if interval is None else Percent(interval[1]),
                Percent.of(r.measure.target) if percent else r.measure.target,
                r.indicator.direction,
                r.shown_rag,
                None if benchmark is None else figure(benchmark.value),
                None if benchmark is None else benchmark.year,
                Money(r.earned.amount),
                r.shown_workings,
            ]
        )
    return rows


def _cell(shown: str, kind) -> int | float | str | None:
    """A shown figure as a spreadsheet cell: a number, '[c]' as text, nothing as empty."""
    if shown in ("", statistics.SUPPRESSED):
        return shown or None
    return kind(float(shown))


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
    today = timezone.localdate()
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
    year, statuses, _ = child_outcomes_and_data(child, on)
    return year, statuses


def child_outcomes_and_data(child: LookedAfterChild, on: date):
    """``child_outcomes`` and the child's data for the year as loaded for it (None without a
    year), so the child's page reads the child's records once (``child_facts.py``), not twice."""
    year, measures = child_year_and_measures(child, on)
    if year is None:
        return None, [], None
    loaded = child_data(child, year)
    return year, child_statuses(child, loaded, year, measures, on), loaded


def child_year_and_measures(child: LookedAfterChild, on: date) -> tuple[ContractYear | None, list[ContractMeasure]]:
    """The contract year the child's case is under on ``on`` and its per-child measures that apply
    to the child (a measure with an age band only when the child is of that age at the year's end)."""
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
    # one lookup for this child, not the contract's whole age band read to find them in it
    return year, [
        m
        for m in measures
        if not m.age_band
        or children_under(case.contract, year.start_date, year.end_date, m.age_band).filter(pk=child.pk).exists()
    ]


def child_data(child: LookedAfterChild, year: ContractYear):
    """The child's own rows for the year, as the indicators read them (``outcomes/data.py``)."""
    from casework.outcomes import data

    return data.load(
        LookedAfterChild.objects.filter(pk=child.pk), period_start=year.start_date, period_end=year.end_date
    )


def child_statuses(child, loaded, year: ContractYear, measures: list[ContractMeasure], on: date):
    """The child's status on each of ``measures``, worked out from ``loaded`` (``child_data``)."""
    from casework.outcomes import compute
    from casework.outcomes.indicators import INDICATORS

    return [
        (
            indicator,
            _as_of(
                compute.per_child(loaded, measure.indicator).get(child.pk, "not_applicable"),
                INDICATORS[measure.indicator],
                year,
                on,
            ),
        )
        for measure, indicator in zip(measures, child_measure_indicators(measures), strict=True)
    ]


def child_measure_indicators(measures: list[ContractMeasure]) -> list:
    """Each measure's indicator as the child's page titles it (with its age band, if any)."""
    from casework.outcomes.indicators import INDICATORS

    return [_titled(INDICATORS[measure.indicator], measure) for measure in measures]
