"""Reads about contracts, always through the access module's scope."""

from django.db.models import Count, Prefetch

from casework.contracts.models import Contract, ContractMeasure, ContractYear
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
