"""A child's outcome measures as the child's page shows them: for each per-child measure of the
contract year their case is under, the child's own fact and whether it is good
(``outcomes/facts.py``), from the statuses ``reporting.child_outcomes`` decides.

Working the statuses out for one child (the child's rows read by ``outcomes/data.py``, polars frames
over them, 20 measures) costs about 15 ms of CPU. So they are stored (``ChildOutcomeStatuses``, one
row a child, shared by every server process) under a digest of everything they could depend on:
every column of every row of the child's own records in each table the indicators read (not only
the rows and columns they read), the child's record, person and responsible authority, the
allocations of the person's cases with their case, the contract year, its measures and the day,
read with plain SQL (a dozen statements costing about 1 ms, where the ORM's eleven queries cost 9).
The page digests them and uses the stored statuses only when the digest is the same; any change to
any of it changes the digest, and the statuses are worked out afresh on that view (as the contract
report's rules decide them: ``reporting.child_statuses``) and stored again. Nothing has to remember
to clear them, so they cannot be shown stale (issue 14)."""

import hashlib
from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, connection, transaction
from django.db.models import Q, Subquery

from casework.cases.models import Allocation, Case
from casework.contracts import reporting
from casework.contracts.models import ChildOutcomeStatuses, ContractMeasure, ContractYear
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
from casework.organisations.models import Organisation
from casework.outcomes import facts
from casework.people.models import Person


@dataclass(frozen=True)
class ChildOutcome:
    indicator: object
    status: str
    fact: facts.Fact


def child_outcome_facts(child: LookedAfterChild, on: date) -> tuple[ContractYear | None, list[ChildOutcome]]:
    year, measures = year_and_measures(child, on)
    if year is None:
        return None, []
    key = _key(child, year, measures, on)
    stored = _stored(child)
    if stored is not None and stored.key == key:
        worked_out = [(status, found) for status, found in stored.statuses]
    else:
        worked_out = _work_out(child, reporting.child_data(child, year), year, measures, on)
        _store(child, key, worked_out)
    return year, [
        ChildOutcome(indicator, status, facts.fact(indicator.id, status, found))
        for indicator, (status, found) in zip(reporting.child_measure_indicators(measures), worked_out, strict=True)
    ]


def year_and_measures(child: LookedAfterChild, on: date) -> tuple[ContractYear | None, list[ContractMeasure]]:
    """``reporting.child_year_and_measures`` in two queries (three with an age-banded measure), where it
    reads the case, its contract, the year and, per age-banded measure, whether the child is in its
    cohort: here the year is found through the case in one query, and the age bands are checked on the
    child's date of birth against ``reporting.children_under``'s limits after one look at whether the
    child is among the contract's children at all (the same answers: tests/contracts/test_child_facts_kept.py)."""
    from casework.outcomes.indicators import INDICATORS

    case_contract = (
        Case.objects.filter(
            person_id=child.person_id, service_type__in=reporting.CHILDREN_SERVICES, contract__isnull=False
        )
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gte=on))
        .order_by("-opened_on")
        .values("contract_id")[:1]
    )
    year = (
        ContractYear.objects.filter(contract_id=Subquery(case_contract), start_date__lte=on, end_date__gte=on)
        .select_related("contract")
        .first()
    )
    if year is None:
        return None, []
    measures = [
        m for m in year.measures.order_by("pk") if m.indicator in INDICATORS and INDICATORS[m.indicator].per_child
    ]
    if not any(m.age_band for m in measures):
        return year, measures
    under_contract = (
        reporting.children_under(year.contract, year.start_date, year.end_date).filter(pk=child.pk).exists()
    )
    born = child.person.date_of_birth
    return year, [m for m in measures if not m.age_band or (under_contract and _in_band(born, m.age_band, year))]


def _in_band(born: date | None, age_band: str, year: ContractYear) -> bool:
    """``reporting.children_under``'s age band: of that age at the year's end."""
    born_after, born_by = reporting.age_band_births(age_band, year.end_date)
    return born is not None and born_after < born <= born_by


# The child's own records in each table the indicators read (``outcomes/data.py``): every row,
# every column (tests/contracts/test_child_facts_kept.py fails when data.py reads a table not here).
CHILD_RECORDS = (
    Episode,
    Review,
    Visit,
    HealthCheck,
    StrengthsDifficulties,
    SubstanceMisuse,
    Conviction,
    MissingEpisode,
    CareLeaverContact,
)
# and the rest they are worked out from, by the child: (model, how its rows name the child)
DIGESTED = (
    *((model, "child_id = %(child)s") for model in CHILD_RECORDS),
    (LookedAfterChild, "id = %(child)s"),
    (Person, "id = %(person)s"),
    (Organisation, "id = %(commissioner)s"),
    (Case, "person_id = %(person)s"),
    (Allocation, "case_id IN (SELECT id FROM {case} WHERE person_id = %(person)s)"),
)


def _statement() -> str:
    """One statement reading every row of ``DIGESTED`` for a child: each row as its table's number, its
    id and every column as text, in one order."""
    quote = connection.ops.quote_name
    case = quote(Case._meta.db_table)
    selects = []
    for n, (model, where) in enumerate(DIGESTED):
        # each value as its length (-1 for NULL), a colon and its text: no two rows read the same
        columns = " || ".join(_value(quote(f.column)) for f in model._meta.concrete_fields)
        table = quote(model._meta.db_table)
        # the tables' own names and columns and fixed conditions; the ids are parameters
        selects.append(
            f"SELECT {n} AS t, {quote(model._meta.pk.column)} AS pk, {columns} AS r "  # noqa: S608
            f"FROM {table} WHERE {where.format(case=case)}"
        )
    return " UNION ALL ".join(selects) + " ORDER BY 1, 2"


def _value(column: str) -> str:
    text = f"CAST({column} AS TEXT)"
    return f"CAST(COALESCE(LENGTH({text}), -1) AS TEXT) || ':' || COALESCE({text}, '')"


def _stored(child: LookedAfterChild) -> ChildOutcomeStatuses | None:
    """The child's stored statuses (read with the child when the selector joined them), or None."""
    try:
        return child.outcome_statuses
    except ChildOutcomeStatuses.DoesNotExist:
        return None


def _store(child: LookedAfterChild, key: str, worked_out: list[tuple[str, int | None]]) -> None:
    statuses = [[status, found] for status, found in worked_out]
    try:
        with transaction.atomic():
            row, _ = ChildOutcomeStatuses.objects.update_or_create(
                child_id=child.pk, defaults={"key": key, "statuses": statuses}
            )
    except IntegrityError:
        return  # another view of the same child stored them at the same moment: theirs are as good
    child.outcome_statuses = row


def _work_out(child, loaded, year, measures, on) -> list[tuple[str, int | None]]:
    """Each measure's status and, for a counted measure, the child's count."""
    statuses = reporting.child_statuses(child, loaded, year, measures, on)
    return [
        (status, facts.counts(loaded, indicator.id).get(child.pk, 0) if indicator.id in facts.COUNTED else None)
        for indicator, status in statuses
    ]


def _key(child, year: ContractYear, measures: list[ContractMeasure], on: date) -> str:
    """A digest of everything the statuses could be worked out from (``DIGESTED``), the year, its
    measures and the day."""
    digest = hashlib.sha256()
    terms = (child.pk, year.pk, year.start_date, year.end_date, on)
    digest.update(repr(terms).encode())
    digest.update(repr([(m.pk, m.indicator, m.age_band) for m in measures]).encode())
    names = {"child": child.pk, "person": child.person_id, "commissioner": child.commissioner_id}
    with connection.cursor() as cursor:
        cursor.execute(_statement(), names)
        for row in cursor.fetchall():
            digest.update(repr(row).encode())
    return digest.hexdigest()
