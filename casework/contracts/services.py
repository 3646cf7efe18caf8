"""Writes about contracts: letting a contract, each contract year's terms (a renewal is a new
year), and the outcome measures a year selects."""

import re
from datetime import date, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from casework.audit.services import audit_record
from casework.contracts import rules
from casework.contracts.models import Contract, ContractMeasure, ContractYear, DelegatedFunction
from casework.core import access, concurrency
from casework.core.persistence import clean_and_save
from casework.organisations.models import Commissioning, Organisation

# A reference names the files a commissioner downloads (casework/core/downloads.py names them safely
# whatever the reference; this keeps references plain to begin with).
REFERENCE = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ./_-]*")
REFERENCE_MESSAGE = (
    "Enter the contract reference in letters, digits, spaces and - / . _ only, starting with a letter or digit"
)


@transaction.atomic
def contract_create(
    *,
    actor,
    practice: Organisation,
    reference: str,
    title: str,
    functions: list[str],
    cohort: str,
    start_date: date,
    end_date: date | None = None,
    commissioner: Organisation | None = None,
) -> Contract:
    """A commissioner officer lets a contract to a practice it commissions (``actor=None`` with a
    ``commissioner`` is the system, for the seed)."""
    if actor is not None:
        access.require(actor, "contract.manage")
        commissioner = actor.organisation
    unknown = [f for f in functions if f not in DelegatedFunction.values]
    if not functions or unknown:
        raise ValidationError({"functions": "Choose the functions the contract delegates"})
    if not Commissioning.objects.filter(commissioner=commissioner, practice=practice).exists():
        raise ValidationError({"practice": f"{commissioner} does not commission {practice}"})
    if not REFERENCE.fullmatch(reference.strip()):
        raise ValidationError({"reference": REFERENCE_MESSAGE})
    _refuse_dates_out_of_range(what="The contract", start_date=start_date, end_date=end_date)
    contract = clean_and_save(
        Contract(
            reference=reference.strip(),
            title=title.strip(),
            commissioner=commissioner,
            practice=practice,
            functions=sorted(set(functions)),
            cohort=cohort.strip(),
            start_date=start_date,
            end_date=end_date,
        ),
        actor=actor,
    )
    audit_record(actor=actor, action="create", obj=contract)
    return contract


@transaction.atomic
def contract_year_add(
    *,
    actor,
    contract: Contract,
    start_date: date,
    end_date: date,
    price_model: str,
    price: Decimal,
    caseload_cap_per_fte: Decimal,
) -> ContractYear:
    """A contract year with its own terms: the first year, or a renewal that starts the day after
    the previous year ends."""
    if actor is not None:
        _require_commissioner(actor, contract, "its terms")
    _refuse_dates_out_of_range(what="The contract year", start_date=start_date, end_date=end_date)
    previous = contract.years.order_by("-start_date").first()
    if previous is None and start_date != contract.start_date:
        raise ValidationError({"start_date": "The first contract year starts when the contract does"})
    if previous is not None and (start_date - previous.end_date).days != 1:
        raise ValidationError(
            {"start_date": f"A renewal starts the day after the previous year ends ({previous.end_date:%d/%m/%Y})"}
        )
    if contract.end_date is not None and end_date > contract.end_date:
        raise ValidationError({"end_date": "The year ends after the contract does"})
    year = clean_and_save(
        ContractYear(
            contract=contract,
            start_date=start_date,
            end_date=end_date,
            price_model=price_model,
            price=price,
            caseload_cap_per_fte=caseload_cap_per_fte,
        ),
        actor=actor,
    )
    audit_record(actor=actor, action="create", obj=year)
    return year


@transaction.atomic
def contract_let(
    *,
    actor,
    practice: Organisation,
    reference: str,
    title: str,
    functions: list[str],
    cohort: str,
    start_date: date,
    end_date: date | None,
    first_year_end: date,
    price_model: str,
    price: Decimal,
    caseload_cap_per_fte: Decimal,
) -> Contract:
    """A commissioner officer lets a contract with its first contract year's terms: both or neither."""
    contract = contract_create(
        actor=actor,
        practice=practice,
        reference=reference,
        title=title,
        functions=functions,
        cohort=cohort,
        start_date=start_date,
        end_date=end_date,
    )
    if first_year_end <= start_date:
        raise ValidationError({"first_year_end": "The first contract year ends after the contract starts"})
    try:
        contract_year_add(
            actor=actor,
            contract=contract,
            start_date=start_date,
            end_date=first_year_end,
            price_model=price_model,
            price=price,
            caseload_cap_per_fte=caseload_cap_per_fte,
        )
    except ValidationError as error:
        # the year's end is asked for as the first year's end on the letting form
        if hasattr(error, "error_dict") and "end_date" in error.error_dict:
            raise ValidationError({"first_year_end": error.error_dict["end_date"]}) from error
        raise
    return contract


def _refuse_dates_out_of_range(*, what: str, start_date: date | None = None, end_date: date | None = None) -> None:
    problems = {
        field: problem
        for field, problem in (
            ("start_date", rules.contract_date_problem(start_date, ends=False, what=what)),
            ("end_date", rules.contract_date_problem(end_date, ends=True, what=what)),
        )
        if problem
    }
    if problems:
        raise ValidationError(problems)


def _require_commissioner(actor, contract: Contract, what: str) -> None:
    access.require(actor, "contract.manage")
    if contract.commissioner_id != actor.organisation_id:
        raise ValidationError(f"Only the commissioner that let the contract can change {what}")


@transaction.atomic
def contract_update(
    *,
    actor,
    contract: Contract,
    title: str,
    functions: list[str],
    cohort: str,
    end_date: date | None,
    version: int | None = None,
) -> Contract:
    """Change what the contract says (its change history keeps what it said before)."""
    _require_commissioner(actor, contract, "it")
    contract = concurrency.lock_current(contract)
    concurrency.check_version(contract, version)
    unknown = [f for f in functions if f not in DelegatedFunction.values]
    if not functions or unknown:
        raise ValidationError({"functions": "Choose the functions the contract delegates"})
    _refuse_dates_out_of_range(what="The contract", end_date=end_date)
    last = contract.years.order_by("-end_date").first()
    if end_date is not None and last is not None and end_date < last.end_date:
        raise ValidationError(
            {"end_date": f"A contract year runs to {last.end_date:%d/%m/%Y}: the contract cannot end before it"}
        )
    contract.title = title.strip()
    contract.functions = sorted(set(functions))
    contract.cohort = cohort.strip()
    contract.end_date = end_date
    concurrency.bump(contract)
    clean_and_save(contract, actor=actor)
    audit_record(actor=actor, action="update", obj=contract)
    return contract


@transaction.atomic
def contract_renew(
    *,
    actor,
    contract: Contract,
    end_date: date,
    price_model: str,
    price: Decimal,
    caseload_cap_per_fte: Decimal,
    carry_measures: bool = True,
) -> ContractYear:
    """Renew for another contract year, from the day after the last one ends, on its own terms; the
    outcome measures carry over (targets and payment terms as they were) unless asked not to."""
    _require_commissioner(actor, contract, "its terms")
    previous = contract.years.order_by("-start_date").first()
    if previous is None:
        raise ValidationError("The contract has no contract year to renew")
    dates = rules.renewal_dates(previous.end_date)
    if dates is None:
        ends = f"{previous.end_date:%-d %B %Y}"
        raise ValidationError({"end_date": f"The contract year ends on {ends}: there is no later year to renew for"})
    start_date = dates[0]
    if end_date <= start_date:
        raise ValidationError({"end_date": f"The new year starts on {start_date:%d/%m/%Y}: end it after that"})
    year = contract_year_add(
        actor=actor,
        contract=contract,
        start_date=start_date,
        end_date=end_date,
        price_model=price_model,
        price=price,
        caseload_cap_per_fte=caseload_cap_per_fte,
    )
    if carry_measures:
        for measure in previous.measures.order_by("pk"):
            contract_measure_set(
                actor=actor,
                contract_year=year,
                indicator=measure.indicator,
                age_band=measure.age_band,
                target=measure.target,
                payment_rule=measure.payment_rule,
                payment_basis=measure.payment_basis,
                amount_at_stake=measure.amount_at_stake,
                floor=measure.floor,
            )
    return year


def _require_year_open(contract_year: ContractYear) -> None:
    # what a finished year was monitored and paid against is settled: changing it would rewrite
    # reports and payment statements both sides have already seen
    if contract_year.end_date < timezone.localdate():
        raise ValidationError(f"The contract year ended on {contract_year.end_date:%d/%m/%Y}: its measures are settled")


@transaction.atomic
def contract_measure_remove(*, actor, measure: ContractMeasure) -> None:
    _require_commissioner(actor, measure.contract_year.contract, "its measures")
    _require_year_open(measure.contract_year)
    audit_record(actor=actor, action="delete", obj=measure)
    measure._history_user = actor
    measure.delete()


@transaction.atomic
def contract_measure_set(
    *,
    actor,
    contract_year: ContractYear,
    indicator: str,
    target: Decimal,
    payment_rule: str = "",
    payment_basis: str = "",
    amount_at_stake: Decimal | None = None,
    floor: Decimal | None = None,
    age_band: str = "",
    version: int | None = None,
    adding: bool = False,
) -> ContractMeasure:
    """Select an outcome measure for a contract year (or change its target and payment terms)."""
    from casework.outcomes.indicators import INDICATORS

    if actor is not None:
        _require_commissioner(actor, contract_year.contract, "its measures")
        _require_year_open(contract_year)
    if indicator not in INDICATORS:
        raise ValidationError({"indicator": "Choose a measure from the outcome framework"})
    if age_band not in ContractMeasure.AgeBand.values:
        raise ValidationError({"age_band": "Choose an age band from the list"})
    if INDICATORS[indicator].unit == "percent" and not Decimal("0") <= target <= Decimal("100"):
        raise ValidationError({"target": "The target is a percentage: between 0 and 100"})
    if payment_rule and not payment_basis:
        raise ValidationError({"payment_basis": "Choose whether payment is for the cohort or per child"})
    if payment_rule and amount_at_stake is None:
        raise ValidationError({"amount_at_stake": "Enter the amount at stake"})
    if payment_rule == ContractMeasure.PaymentRule.SLIDING and floor is None:
        raise ValidationError({"floor": "A sliding scale needs a floor, where payment starts"})
    if payment_basis == ContractMeasure.PaymentBasis.PER_CHILD and payment_rule and not INDICATORS[indicator].per_child:
        raise ValidationError(
            {"payment_basis": "This measure is not decided child by child: payment can only be for the cohort"}
        )
    measure = (
        ContractMeasure.objects.select_for_update()
        .filter(contract_year=contract_year, indicator=indicator, age_band=age_band)
        .first()
    )
    if measure is None:
        measure = ContractMeasure(contract_year=contract_year, indicator=indicator, age_band=age_band)
    elif adding:
        raise ValidationError(
            {"indicator": "The year already has this measure for these children: change that one instead"}
        )
    else:
        concurrency.check_version(measure, version)
        concurrency.bump(measure)
    measure.target = target
    measure.payment_rule = payment_rule
    measure.payment_basis = payment_basis if payment_rule else ""
    measure.amount_at_stake = amount_at_stake if payment_rule else None
    measure.floor = floor if payment_rule == ContractMeasure.PaymentRule.SLIDING else None
    if payment_rule == ContractMeasure.PaymentRule.SLIDING and floor is not None:
        higher_is_better = INDICATORS[indicator].direction != "lower"
        if (floor >= target) if higher_is_better else (floor <= target):
            raise ValidationError({"floor": "The floor is on the far side of the target from full payment"})
    clean_and_save(measure, actor=actor)
    audit_record(actor=actor, action="update", obj=measure)
    return measure


def contract_covering(*, practice_id: int, commissioner: Organisation, service_type: str, on: date) -> Contract | None:
    """The contract a new case is under: the commissioner's contract with the practice that delegates
    this service type and has a contract year covering the date. (A practice holds a handful of
    contracts, so the function list is checked here rather than with a JSON lookup SQLite lacks.)"""
    candidates = (
        Contract.objects.filter(
            practice_id=practice_id,
            commissioner=commissioner,
            start_date__lte=on,
            years__start_date__lte=on,
            years__end_date__gte=on,
        )
        .exclude(end_date__lt=on)
        .order_by("-start_date")
    )
    return next((c for c in candidates if service_type in c.functions), None)


def contract_let_for_years(
    *,
    commissioner: Organisation,
    practice: Organisation,
    reference: str,
    title: str,
    functions: list[str],
    cohort: str,
    start_date: date,
    until: date,
    price_model: str,
    price: Decimal,
    caseload_cap_per_fte: Decimal,
) -> Contract:
    """A contract with consecutive yearly terms from its start until a contract year covers ``until``
    (the system's own use: the seed and test fixtures)."""
    contract = contract_create(
        actor=None,
        commissioner=commissioner,
        practice=practice,
        reference=reference,
        title=title,
        functions=functions,
        cohort=cohort,
        start_date=start_date,
    )
    year_start = start_date
    while year_start <= until:
        year_end = year_start + relativedelta(years=1) - timedelta(days=1)
        contract_year_add(
            actor=None,
            contract=contract,
            start_date=year_start,
            end_date=year_end,
            price_model=price_model,
            price=price,
            caseload_cap_per_fte=caseload_cap_per_fte,
        )
        year_start = year_end + timedelta(days=1)
    return contract


@transaction.atomic
def contract_year_recalculate(*, actor, contract: Contract, contract_year: ContractYear, quarter: int = 0):
    """Work a settled period's figures out again from today's records: a new result after the one
    standing, which is kept (the report lists both), audited with the number of measures changed.
    Only the commissioner that let the contract, and only for a year that has ended (a year still
    running is worked out afresh whenever its records change)."""
    from casework.contracts import results

    _require_commissioner(actor, contract, "its settled figures")
    if contract_year.contract_id != contract.pk:
        raise ValidationError("That contract year is not this contract's")
    if not results.ended(contract_year, timezone.localdate()):
        raise ValidationError(
            "The contract year is still running: its figures are worked out again whenever the records change"
        )
    if quarter not in (0, 1, 2, 3, 4):
        raise ValidationError({"quarter": "Choose the whole year or a quarter from 1 to 4"})
    result = results.recalculate(contract=contract, year=contract_year, quarter=quarter, actor=actor)
    audit_record(
        actor=actor,
        action="create",
        obj=result,
        what="recalculation",
        contract_year=contract_year.pk,
        quarter=quarter,
        recalculates=result.recalculates_id,
        measures_changed=len(result.changed),
    )
    return result
