"""Reads about contracts, always through the access module's scope."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Prefetch

from casework.contracts.models import Contract, ContractMeasure, ContractYear, DelegatedFunction
from casework.core import access


def contracts(*, actor):
    return (
        access.scoped(actor, Contract)
        .select_related("commissioner", "practice")
        .annotate(open_cases=Count("cases", distinct=True))
        .order_by("reference")
    )


def contract_get(*, actor, contract_id) -> Contract:
    years = ContractYear.objects.order_by("-start_date").prefetch_related(
        Prefetch("measures", queryset=ContractMeasure.objects.order_by("indicator"))
    )
    return access.one_or_404(
        access.scoped(actor, Contract)
        .select_related("commissioner", "practice")
        .prefetch_related(Prefetch("years", queryset=years)),
        pk=contract_id,
    )


def contract_year_get(*, contract: Contract, contract_year_id) -> ContractYear:
    """A year of a contract already fetched through the scope (a year of another contract is a 404)."""
    return access.one_or_404(ContractYear.objects.filter(contract=contract), pk=contract_year_id)


def contract_measure_get(*, contract: Contract, contract_measure_id) -> ContractMeasure:
    return access.one_or_404(
        ContractMeasure.objects.filter(contract_year__contract=contract).select_related("contract_year"),
        pk=contract_measure_id,
    )


@dataclass
class Change:
    when: datetime
    who: str
    what: str
    changes: list[str]


_ACTIONS = {"+": "added", "~": "changed", "-": "removed"}


def contract_change_history(*, contract: Contract) -> list[Change]:
    """What changed in the contract, its years and their measures, newest first, field by field
    (three queries: one history table each)."""
    from casework.outcomes.indicators import INDICATORS

    def label(record) -> str:
        model = record.instance_type
        if model is Contract:
            return "Contract"
        if model is ContractYear:
            return f"Contract year from {record.start_date:%d/%m/%Y}"
        title = INDICATORS[record.indicator].title if record.indicator in INDICATORS else record.indicator
        band = f" ({record.get_age_band_display()})" if record.age_band else ""
        return f"Measure '{title}{band}'"

    histories = [
        Contract.history.filter(id=contract.pk),
        ContractYear.history.filter(contract_id=contract.pk),
        ContractMeasure.history.filter(contract_year__contract_id=contract.pk),
    ]
    changes = []
    for history in histories:
        previous = {}
        for record in history.select_related("history_user").order_by("history_date", "history_id"):
            fields = []
            before = previous.get(record.id)
            if before is not None and record.history_type == "~":
                delta = record.diff_against(before)
                fields = [
                    f"{record.instance_type._meta.get_field(c.field).verbose_name}: {_shown(c.old)} to {_shown(c.new)}"
                    for c in delta.changes
                ]
                if not fields:
                    previous[record.id] = record
                    continue  # saved without a change
            previous[record.id] = record
            who = record.history_user.get_full_name() or record.history_user.username if record.history_user else ""
            changes.append(
                Change(
                    when=record.history_date,
                    who=who or "Set up by the system",
                    what=f"{label(record)} {_ACTIONS[record.history_type]}",
                    changes=fields,
                )
            )
    return sorted(changes, key=lambda c: c.when, reverse=True)


def _shown(value) -> str:
    if value in (None, ""):
        return "none"
    if isinstance(value, list):
        return "; ".join(DelegatedFunction(v).label if v in DelegatedFunction.values else str(v) for v in value)
    return str(value)


def practices_we_commission(*, actor):
    """The practices a commissioner officer's authority commissions: who it can let a contract to."""
    from casework.organisations.models import Commissioning, Organisation

    commissioned = Commissioning.objects.filter(commissioner_id=actor.organisation_id).values("practice_id")
    return access.scoped(actor, Organisation).filter(pk__in=commissioned).order_by("name")
