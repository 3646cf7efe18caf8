"""Pure contract rules: RAG status against a target, what a measure's payment terms earn, and the
contract price for a year under its price model.
No database: the monitoring report and the payment statement call these with computed values."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from dateutil.relativedelta import relativedelta

# Amber: short of the target by no more than a tenth of it (a measure can be near its target
# without meeting it; red is further off). Agreed per contract in practice; one default here.
AMBER_MARGIN = Decimal("0.10")
PENNY = Decimal("0.01")


def meets(value: Decimal, target: Decimal, direction: str) -> bool:
    return value <= target if direction == "lower" else value >= target


def rag(value: float | Decimal | None, target: Decimal, direction: str) -> str:
    """green (target met), amber (within a tenth of the target), red, or grey (no cohort)."""
    if value is None:
        return "grey"
    value = Decimal(str(value))
    if meets(value, target, direction):
        return "green"
    margin = abs(target) * AMBER_MARGIN
    near = value >= target - margin if direction != "lower" else value <= target + margin
    return "amber" if near else "red"


@dataclass(frozen=True)
class Earned:
    amount: Decimal
    workings: str
    # the people (or cases) the amount is for, where it is priced per head: a small count is withheld
    count: int | None = None


def earned(
    *,
    payment_rule: str,
    payment_basis: str,
    amount_at_stake: Decimal | None,
    target: Decimal,
    floor: Decimal | None,
    direction: str,
    value: float | Decimal | None,
    children_met: int = 0,
) -> Earned:
    """What the payment terms of one measure earn for the year, with the workings in words."""
    if not payment_rule:
        return Earned(Decimal("0.00"), "No payment attached to this measure")
    if value is None:
        return Earned(Decimal("0.00"), "No children in the measure's cohort this year: nothing earned")
    value = Decimal(str(value))
    stake = amount_at_stake or Decimal("0")
    if payment_rule == "threshold" and payment_basis == "per_child":
        amount = (stake * children_met).quantize(PENNY, ROUND_HALF_UP)
        return Earned(
            amount,
            f"£{stake:,.2f} for each of {children_met} children who met the measure = £{amount:,.2f}",
            children_met,
        )
    if payment_rule == "threshold":
        if meets(value, target, direction):
            return Earned(stake.quantize(PENNY), f"{_n(value)} meets the target of {_n(target)}: £{stake:,.2f} in full")
        return Earned(Decimal("0.00"), f"{_n(value)} does not meet the target of {_n(target)}: nothing earned")
    # sliding scale: nothing at or beyond the floor, all of it at the target, in proportion between
    span = (target - floor) if direction != "lower" else (floor - target)
    progress = (value - floor) if direction != "lower" else (floor - value)
    share = min(Decimal("1"), max(Decimal("0"), progress / span))
    amount = (stake * share).quantize(PENNY, ROUND_HALF_UP)
    return Earned(
        amount,
        f"{_n(value)} is {share:.1%} of the way from the floor of {_n(floor)} to the target of {_n(target)}: "
        f"{share:.1%} of £{stake:,.2f} = £{amount:,.2f}",
    )


def _n(value: Decimal) -> str:
    return f"{value.normalize():f}" if value == value.to_integral() else f"{value:.1f}"


# A case's open period: the day it opened and the day it closed (None while open). Periods are
# half-open, as allocations are: a case closed on 1 December was last worked on 30 November.
Period = tuple[date, date | None]


def contract_price(*, price_model: str, price: Decimal, start: date, end: date, cases: dict) -> Earned:
    """The contract price for the days from ``start`` to ``end`` (both included) of a contract year.

    ``cases`` maps each person (any key) to the open periods of their cases under the contract.
    Block: the year's sum. Per case: the price for each case open on at least one day of the period.
    Per child per week: the price for every 7 days a person had a case open in the period (a day
    counted once however many cases were open on it), to the penny."""
    if price_model == "block":
        amount = price.quantize(PENNY)
        return Earned(amount, f"The block sum for the year: £{amount:,.2f}")
    after = end + timedelta(days=1)
    days_by_person = {person: _days_covered(periods, start, after) for person, periods in cases.items()}
    if price_model == "per_case":
        count = sum(
            1 for periods in cases.values() for opened, closed in periods if opened <= end and (closed or after) > start
        )
        amount = (price * count).quantize(PENNY, ROUND_HALF_UP)
        return Earned(amount, f"£{price:,.2f} for each of {count:,} cases open in the year = £{amount:,.2f}", count)
    days = sum(days_by_person.values())
    children = sum(1 for n in days_by_person.values() if n)
    amount = (price * days / 7).quantize(PENNY, ROUND_HALF_UP)
    return Earned(
        amount,
        f"£{price:,.2f} a week for {days:,} days of open cases ({children:,} children), "
        f"{days:,} ÷ 7 × £{price:,.2f} = £{amount:,.2f}",
        children,
    )


def _days_covered(periods: list[Period], start: date, after: date) -> int:
    """Days in [start, after) on which at least one of the periods was open (overlaps counted once)."""
    spans = sorted((max(opened, start), min(closed or after, after)) for opened, closed in periods)
    days, reached = 0, start
    for first, last in spans:
        first = max(first, reached)
        if last > first:
            days += (last - first).days
            reached = last
    return days


# The dates a contract may hold: one let before 1990 or running past 2100 is a typing mistake, and
# a year ending on the calendar's last day (31/12/9999) would leave no day to renew from.
EARLIEST_CONTRACT_DATE, LATEST_CONTRACT_DATE = date(1990, 1, 1), date(2100, 12, 31)


def contract_date_problem(day: date | None, *, ends: bool, what: str = "The contract") -> str | None:
    """Why a contract (or ``what``: "The contract year") cannot start or end on ``day``, or None."""
    if day is None or EARLIEST_CONTRACT_DATE <= day <= LATEST_CONTRACT_DATE:
        return None
    if ends and day > LATEST_CONTRACT_DATE:
        return f"{what} must end by {LATEST_CONTRACT_DATE:%-d %B %Y}"
    verb = "end" if ends else "start"
    return f"{what} must {verb} between {EARLIEST_CONTRACT_DATE:%Y} and {LATEST_CONTRACT_DATE:%Y}"


def renewal_dates(last_end: date) -> tuple[date, date] | None:
    """The next contract year's first day and a suggested last day (a year after the last one's),
    or None when the last year runs to the end of what a contract may hold: nothing to renew for.
    A record from before the range was checked may end on 31/12/9999, where adding a day overflows."""
    if last_end >= LATEST_CONTRACT_DATE:
        return None
    return last_end + timedelta(days=1), min(last_end + relativedelta(years=1), LATEST_CONTRACT_DATE)
