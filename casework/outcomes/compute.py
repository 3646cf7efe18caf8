"""The indicators (``indicators.py``) computed set-based over the frames ``data.load`` reads.

    data = load(children, period_start=date(2025, 4, 1), period_end=date(2026, 3, 31))
    compute(data, "health_assessment")   # Result(numerator, denominator, value)
    compute_all(data)                    # {indicator id: Result}
    per_child(data, "health_assessment") # {child pk: "met" | "not_met" | "not_applicable" | "not_yet_due"}

Every rule is a polars expression over all children at once: no loop over children, no query.
Frames several indicators share (episodes grouped into periods of care and placements, the
cohorts) are derived once per ``OutcomeData`` and kept in ``data.cache``.

Per-child statuses, for indicators with ``per_child``: ``met`` when the child is in the cohort and
meets the standard the indicator measures, which for a "lower is better" indicator is the good
side (for "three or more placements", met means fewer than three); ``not_met`` when in the
cohort and not; ``not_yet_due`` when the child is looked after but not (yet) in the cohort, for
instance in care for less than the 12 months an annual health check needs, or with no review
due yet; ``not_applicable`` otherwise. So ``met + not_met`` is the denominator, and the
numerator is ``met`` ("higher is better") or ``not_met`` ("lower is better").

Dates follow the 903's conventions: an episode, allocation or placement ending on a day has
ended by that day (a child whose care ends on 31 March is not looked after at 31 March); one
"during the year" is any the return reports for the year (ending on or after the first day).
"""

import calendar
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import polars as pl
from dateutil.relativedelta import relativedelta

from casework.looked_after import codes, rules, timescales
from casework.outcomes.data import OutcomeData, postcode_locations
from casework.outcomes.indicators import INDICATORS

MET, NOT_MET, NOT_APPLICABLE, NOT_YET_DUE = "met", "not_met", "not_applicable", "not_yet_due"
STATUSES = (MET, NOT_MET, NOT_APPLICABLE, NOT_YET_DUE)

SHORT_BREAKS = sorted(rules.SHORT_BREAK_STATUSES)
TEMPORARY = sorted(codes.TEMPORARY_PLACEMENTS)
ADOPTION_PLACEMENTS = sorted(codes.ADOPTION_PLACEMENTS)
# Placed for adoption with the child's current foster carers: not a change of placement (DfE).
ADOPTION_WITH_FOSTER_CARERS = ["A3", "A5"]
ADOPTION_WITH_NEW_CARERS = ["A4", "A6"]
PLACEMENT_CHANGES = ["P", "B", "T", "U"]  # S starts a period of care; L changes legal status only
CARER_CHANGES = ["P", "B"]  # a change of placement and carers; T and U keep the same carers
ADOPTED = sorted(codes.ADOPTED)
IN_EET = sorted(codes.IN_EDUCATION_EMPLOYMENT_TRAINING)
# A main activity recorded (EET or NEET), as opposed to blank or 0 "not known / not in touch".
ACTIVITY_KNOWN = sorted(codes.CARE_LEAVER_ACTIVITY)
# Care leavers left out of every care-leaver cohort (DfE): died, returned home for 6 months or more.
CARE_LEAVER_EXCLUDED = ["DIED", "RHOM"]
# ... and left out of the suitable-accommodation denominator: gone abroad, deported, residence not known.
ACCOMMODATION_NOT_JUDGED = ["G", "H", "R"]
SDQ_CONCERN_FROM = 17
# Miles between two postcodes as the 903 guidance works them out (and the DfE's validator, for its
# PL_DISTANCE): straight line between the grid references in metres, / 1000 / 1.6093, to one decimal
# place; "more than 20 miles" is then more than 20.0.
KM_PER_MILE = 1.6093
MILES_FROM_HOME = 20


@dataclass(frozen=True)
class Result:
    numerator: int | float
    denominator: int | float  # FTE for caseload per FTE, a count otherwise
    value: float | None  # percent (0 to 100) for percent indicators; None when the denominator is 0


def compute(data: OutcomeData, indicator_id: str) -> Result:
    indicator = INDICATORS[indicator_id]
    if indicator.per_child:
        return _result_from_statuses(indicator_id, _statuses(data, indicator_id))
    return COMPUTE[indicator_id](data)


def compute_all(data: OutcomeData) -> dict[str, Result]:
    return {indicator_id: compute(data, indicator_id) for indicator_id in INDICATORS}


def per_child(data: OutcomeData, indicator_id: str) -> dict[int, str]:
    """Each child's status (see the module docstring) for a per-child indicator, for every child in ``data``."""
    if not INDICATORS[indicator_id].per_child:
        raise ValueError(f"{indicator_id} is not decided child by child")
    statuses = _statuses(data, indicator_id)
    found = dict(zip(statuses["child"].to_list(), statuses["status"].to_list()))
    return {child: found.get(child, NOT_APPLICABLE) for child in data.children["child"].to_list()}


def _statuses(data: OutcomeData, indicator_id: str) -> pl.DataFrame:
    key = ("statuses", indicator_id)
    if key not in data.cache:
        data.cache[key] = COMPUTE[indicator_id](data).select("child", "status")
    return data.cache[key]


def _result_from_statuses(indicator_id: str, statuses: pl.DataFrame) -> Result:
    counts = dict(statuses.group_by("status").len().iter_rows())
    met, not_met = counts.get(MET, 0), counts.get(NOT_MET, 0)
    numerator = met if INDICATORS[indicator_id].direction != "lower" else not_met
    return _ratio(indicator_id, numerator, met + not_met)


def _ratio(indicator_id: str, numerator: int | float, denominator: int | float) -> Result:
    if not denominator:
        return Result(numerator, denominator, None)
    scale = 100 if INDICATORS[indicator_id].unit == "percent" else 1
    return Result(numerator, denominator, scale * numerator / denominator)


# --- shared expressions and frames ---------------------------------------------------------------


def _cached(data: OutcomeData, key: str, make: Callable[[], pl.DataFrame]) -> pl.DataFrame:
    if key not in data.cache:
        data.cache[key] = make()
    return data.cache[key]


def _day_after(day: date, years: int = 0, months: int = 0) -> date:
    """The first day of the ``years`` and ``months`` ending on ``day`` (in care since then: in care throughout)."""
    return day - relativedelta(years=years, months=months) + timedelta(days=1)


def _age_on(day: date) -> pl.Expr:
    """Age in whole years on ``day`` from the ``dob`` column, as rules.age_on (relativedelta) counts it:
    a 29 February birthday falls on 28 February in other years."""
    month_day = pl.col("dob").dt.month().cast(pl.Int32) * 100 + pl.col("dob").dt.day().cast(pl.Int32)
    if not calendar.isleap(day.year):
        month_day = pl.when(month_day == 229).then(228).otherwise(month_day)
    birthday_passed = month_day <= day.month * 100 + day.day
    return (day.year - pl.col("dob").dt.year().cast(pl.Int32) - 1 + birthday_passed.cast(pl.Int32)).cast(pl.Int32)


def _on(day: date) -> pl.Expr:
    """The episode (or allocation) is running on ``day``: started, and not ended by then."""
    return (pl.col("start") <= day) & (pl.col("end").is_null() | (pl.col("end") > day))


def _overlaps(start: date, end: date) -> pl.Expr:
    """Running at any time from ``start`` to ``end``, ending on ``start`` included (as the 903 reports a year)."""
    return (pl.col("start") <= end) & (pl.col("end").is_null() | (pl.col("end") >= start))


def _postcode(column: str) -> pl.Expr:
    return pl.col(column).fill_null("").str.replace_all(" ", "").str.to_uppercase()


def _episodes(data: OutcomeData) -> pl.DataFrame:
    """Episodes with their period of care (rules.periods_of_care: a period starts with S, or after an
    episode that ended for any reason but X1), its start and end, and whether the episode is a short break."""

    def make():
        e = data.episodes.sort("child", "start")
        first = (pl.col("child") != pl.col("child").shift(1)).fill_null(True)
        after_ending = (~pl.col("rec").shift(1).is_in(["", "X1"])).fill_null(True)
        e = e.with_columns(period=(first | (pl.col("rne") == "S") | after_ending).cast(pl.Int64).cum_sum())
        last_rec = pl.col("rec").last().over("period")
        return e.with_columns(
            period_start=pl.col("start").min().over("period"),
            period_end=pl.when(last_rec != "X1").then(pl.col("end").last().over("period")),
            short=pl.col("ls").is_in(SHORT_BREAKS),
        )

    return _cached(data, "episodes", make)


def _children(data: OutcomeData) -> pl.DataFrame:
    """Children with their age on the last day of the period."""
    return _cached(data, "children", lambda: data.children.with_columns(age=_age_on(data.period_end)))


def _looked_after_at_end(data: OutcomeData) -> pl.DataFrame:
    """Children looked after on the last day of the period, not on a short break: their episode that day."""
    return _cached(
        data,
        "at_end",
        lambda: _episodes(data).filter(_on(data.period_end) & ~pl.col("short")).unique("child", keep="last"),
    )


def _looked_after_in_period(data: OutcomeData) -> pl.DataFrame:
    """Children looked after at any time in the period (short breaks apart)."""
    return _cached(
        data,
        "in_period",
        lambda: (
            _episodes(data)
            .filter(_overlaps(data.period_start, data.period_end) & ~pl.col("short"))
            .select("child")
            .unique()
        ),
    )


def _continuously_looked_after(data: OutcomeData, first_day: date) -> pl.DataFrame:
    """Children looked after without a break from ``first_day`` to the end of the period, as the 903
    OC2 cohort is (export.continuously_looked_after): in care on the first day, no new period of care
    starting after it, no care ending before the last day (ending on it keeps continuity, DfE rule
    191), no short break in the time."""
    last_day = data.period_end

    def make():
        touching = _episodes(data).filter(_overlaps(first_day, last_day))
        return (
            touching.group_by("child")
            .agg(
                in_at_start=(
                    (pl.col("start") <= first_day) & (pl.col("end").is_null() | (pl.col("end") >= first_day))
                ).any(),
                short=pl.col("short").any(),
                restarted=((pl.col("rne") == "S") & (pl.col("start") > first_day)).any(),
                left=(pl.col("end").is_not_null() & (pl.col("end") < last_day) & (pl.col("rec") != "X1")).any(),
            )
            .filter(pl.col("in_at_start") & ~pl.col("short") & ~pl.col("restarted") & ~pl.col("left"))
            .select("child")
        )

    return _cached(data, f"continuous-{first_day}", make)


def _twelve_months(data: OutcomeData) -> pl.DataFrame:
    return _continuously_looked_after(data, data.year_start)


def _placements(data: OutcomeData, changes: list[str] = PLACEMENT_CHANGES) -> pl.DataFrame:
    """Placements for the stability indicators, from the episodes: one row per placement with its
    start, end (null while open) and first placement type. A new placement starts with each period
    of care and each change of placement (``changes``: P, B, T, U), except a placement for adoption
    with the current foster carers (A3, A5) and the return from a temporary placement to the usual
    one (same placement type and postcode as before it); temporary placements (T0-T4) and short
    breaks are not placements. With ``changes`` P and B only, a row is a stretch with the same
    carers (``_with_same_carers``)."""

    def make():
        e = _episodes(data).filter(~pl.col("short"))
        same_period = pl.col("period") == pl.col("period").shift(1)
        e = e.with_columns(
            after_temporary=(pl.col("place").shift(1).is_in(TEMPORARY) & same_period).fill_null(False),
            postcode=_postcode("place_postcode"),
        ).filter(~pl.col("place").is_in(TEMPORARY))
        back_to_usual = (
            pl.col("after_temporary")
            & (pl.col("place") == pl.col("place").shift(1))
            & (pl.col("postcode") == pl.col("postcode").shift(1))
        )
        change = (
            pl.col("rne").is_in(changes)
            & ~pl.col("place").is_in(ADOPTION_WITH_FOSTER_CARERS)
            & ~back_to_usual.fill_null(False)
        )
        starts = (~same_period).fill_null(True) | change
        return (
            e.with_columns(placement=starts.cast(pl.Int64).cum_sum())
            .group_by("placement", maintain_order=True)
            .agg(
                pl.col("child").first(),
                pl.col("period").first(),
                pl.col("start").first(),
                pl.col("end").last(),
                first_place=pl.col("place").first(),
            )
        )

    return _cached(data, f"placements-{'-'.join(changes)}", make)


def _with_same_carers(data: OutcomeData) -> pl.DataFrame:
    """Stretches of living with the same carers (long-term stability): as ``_placements``, but only a
    change of placement and carers (P, B) or a new period of care ends one; a change of placement
    with the same carers (T, U: the carers move house, the placement becomes long-term fostering)
    does not."""
    return _placements(data, CARER_CHANGES)


def _placement_counts(data: OutcomeData, first_day: date) -> pl.DataFrame:
    """Placements of 24 hours or more running at any time from ``first_day`` to the end of the period, by child."""
    return (
        _placements(data)
        .filter(_overlaps(first_day, data.period_end) & (pl.col("end").is_null() | (pl.col("end") > pl.col("start"))))
        .group_by("child")
        .len("placements")
    )


def _status(cohort: pl.Expr, met: pl.Expr, waiting: pl.Expr | None = None) -> pl.Expr:
    """Status from three conditions; ``waiting`` (looked after but not yet in the cohort) gives not_yet_due."""
    status = pl.when(cohort).then(pl.when(met.fill_null(False)).then(pl.lit(MET)).otherwise(pl.lit(NOT_MET)))
    if waiting is not None:
        status = status.when(waiting).then(pl.lit(NOT_YET_DUE))
    return status.otherwise(pl.lit(NOT_APPLICABLE)).alias("status")


def _flag(frame: pl.DataFrame, name: str) -> pl.DataFrame:
    return frame.select("child").unique().with_columns(pl.lit(True).alias(name))


def _with_flags(base: pl.DataFrame, **flags: pl.DataFrame) -> pl.DataFrame:
    for name, frame in flags.items():
        base = base.join(_flag(frame, name), on="child", how="left").with_columns(pl.col(name).fill_null(False))
    return base


# --- placements, social workers, distance ----------------------------------------------------------


def placement_stability_3plus(data: OutcomeData) -> pl.DataFrame:
    counts = _placement_counts(data, data.period_start)
    return (
        _with_flags(_children(data), cohort=_looked_after_at_end(data))
        .join(counts, on="child", how="left")
        .with_columns(_status(pl.col("cohort"), pl.col("placements").fill_null(0) < 3))
    )


def placement_stability_2year_3plus(data: OutcomeData) -> pl.DataFrame:
    first_day = _day_after(data.period_end, years=2)
    at_end = _looked_after_at_end(data)
    two_years = at_end.filter(pl.col("period_start") <= first_day)
    return (
        _with_flags(_children(data), cohort=two_years, in_care=at_end)
        .join(_placement_counts(data, first_day), on="child", how="left")
        .with_columns(
            _status(pl.col("cohort"), pl.col("placements").fill_null(0) < 3, waiting=pl.col("in_care")),
        )
    )


def long_term_stability(data: OutcomeData) -> pl.DataFrame:
    end = data.period_end
    at_end = _looked_after_at_end(data)
    long_enough = at_end.filter(pl.col("period_start") <= _day_after(end, years=2, months=6))
    # the carers the child lives with at the end, since when (a temporary placement is not a
    # placement: the usual one goes on; a change of placement with the same carers does not end it,
    # the DfE counting children "living with the same carer for at least 2 years")
    placements = _with_same_carers(data).filter(pl.col("start") <= end)
    current = placements.with_columns(
        previous_start=pl.col("start").shift(1).over("period"),
    ).unique("child", keep="last")
    # placed for adoption with new carers: the adoptive placement and the carers before it count together
    since = pl.when(pl.col("first_place").is_in(ADOPTION_WITH_NEW_CARERS) & pl.col("previous_start").is_not_null())
    current = current.with_columns(since=since.then(pl.col("previous_start")).otherwise(pl.col("start")))
    return (
        _with_flags(_children(data), cohort=long_enough, in_care=at_end)
        .join(current.select("child", "since"), on="child", how="left")
        .with_columns(
            _status(
                pl.col("cohort") & (pl.col("age") < 16),
                pl.col("since") <= _day_after(end, years=2),
                waiting=pl.col("in_care") & (pl.col("age") < 16),
            )
        )
    )


def social_workers_3plus(data: OutcomeData) -> pl.DataFrame:
    workers = (
        data.allocations.filter(_overlaps(data.period_start, data.period_end))
        .group_by("child")
        .agg(workers=pl.col("worker").n_unique())
    )
    return (
        _with_flags(_children(data), cohort=_looked_after_at_end(data))
        .join(workers, on="child", how="left")
        .with_columns(_status(pl.col("cohort"), pl.col("workers").fill_null(0) < 3))
    )


def placed_over_20_miles_out_of_area(data: OutcomeData) -> pl.DataFrame:
    at_end = _looked_after_at_end(data).select(
        "child", placed=_postcode("place_postcode"), home=_postcode("home_postcode")
    )
    where = postcode_locations(at_end["placed"].to_list() + at_end["home"].to_list())
    # outside the boundary: the placement's upper-tier authority (a county council for its districts)
    # is not the responsible authority, as the DfE's validator decides PL_LOCATION
    placed = where.select(placed="postcode", placed_la="upper_la", pe="easting", pn="northing")
    home = where.select(home="postcode", he="easting", hn="northing")
    metres = ((pl.col("pe") - pl.col("he")) ** 2 + (pl.col("pn") - pl.col("hn")) ** 2).sqrt()
    located = (
        at_end.join(placed, on="placed", how="left")
        .join(home, on="home", how="left")
        .join(data.children.select("child", "la_code"), on="child", how="left")
        .with_columns(miles=(metres / 1000 / KM_PER_MILE).round(1))
        .with_columns(far=(pl.col("miles") > MILES_FROM_HOME) & (pl.col("placed_la") != pl.col("la_code")))
    )
    return (
        _with_flags(_children(data), cohort=at_end)
        .join(located.select("child", "far", "miles"), on="child", how="left")
        .with_columns(_status(pl.col("cohort"), ~pl.col("far").fill_null(False)))
    )


# --- looked after for 12 months: health, SDQ, substance misuse, convictions --------------------------


def _twelve_month_status(data: OutcomeData, met: pl.DataFrame, ages: tuple[int, int] | None = None) -> pl.DataFrame:
    """Status for an OC2 indicator: the cohort looked after for 12 months (within ``ages`` at the end of
    the period, inclusive), met where ``met`` lists the child; looked after but not yet 12 months is
    not yet due."""
    in_age = pl.lit(True) if ages is None else pl.col("age").is_between(*ages)
    return _with_flags(
        _children(data), cohort=_twelve_months(data), in_care=_looked_after_at_end(data), met=met
    ).with_columns(_status(pl.col("cohort") & in_age, pl.col("met"), waiting=pl.col("in_care") & in_age))


def _in_twelve_months(frame: pl.DataFrame, data: OutcomeData) -> pl.DataFrame:
    return frame.filter(pl.col("date").is_between(data.year_start, data.period_end))


def _checks(data: OutcomeData, kind: str) -> pl.DataFrame:
    return _in_twelve_months(data.health_checks, data).filter(pl.col("kind") == kind)


def health_assessment(data: OutcomeData) -> pl.DataFrame:
    # under 5 at the end of the period: assessed twice (6-monthly); 5 and over: once
    done = (
        _checks(data, "health_assessment")
        .group_by("child")
        .agg(assessments=pl.col("date").n_unique())
        .join(_children(data).select("child", "age"), on="child")
        .filter(pl.col("assessments") >= pl.when(pl.col("age") < 5).then(2).otherwise(1))
    )
    return _twelve_month_status(data, done)


def dental_check(data: OutcomeData) -> pl.DataFrame:
    return _twelve_month_status(data, _checks(data, "dental_check"))


def immunisations(data: OutcomeData) -> pl.DataFrame:
    return _twelve_month_status(data, _checks(data, "immunisations"))


def development_check(data: OutcomeData) -> pl.DataFrame:
    return _twelve_month_status(data, _checks(data, "development_check"), ages=(0, 4))


def _latest_sdq(data: OutcomeData) -> pl.DataFrame:
    """The latest SDQ in the 12 months for each child (the one the 903 return reports)."""
    return _cached(
        data, "sdq", lambda: _in_twelve_months(data.sdq, data).sort("child", "date").unique("child", keep="last")
    )


SDQ_AGES = (5, 16)


def sdq_returned(data: OutcomeData) -> pl.DataFrame:
    return _twelve_month_status(data, _latest_sdq(data).filter(pl.col("score").is_not_null()), ages=SDQ_AGES)


def _sdq_scored(data: OutcomeData) -> pl.DataFrame:
    """Children in the SDQ cohort with a score, and the score."""
    cohort = sdq_returned(data).filter(pl.col("status") == MET).select("child")
    return cohort.join(_latest_sdq(data).select("child", "score"), on="child")


def sdq_mean(data: OutcomeData) -> Result:
    scored = _sdq_scored(data)
    return _ratio("sdq_mean", int(scored["score"].sum()), scored.height)


def sdq_concern(data: OutcomeData) -> pl.DataFrame:
    scored = _sdq_scored(data)
    return (
        _with_flags(_children(data), cohort=scored, in_care=_looked_after_at_end(data), twelve=_twelve_months(data))
        .join(scored, on="child", how="left")
        .with_columns(
            _status(
                pl.col("cohort"),
                pl.col("score") < SDQ_CONCERN_FROM,
                # in care and of an age for it, but not yet 12 months (with no score: not applicable)
                waiting=pl.col("in_care") & pl.col("age").is_between(*SDQ_AGES) & ~pl.col("twelve"),
            )
        )
    )


def substance_misuse(data: OutcomeData) -> pl.DataFrame:
    # met: no problem identified ("lower is better": the numerator is the children with one)
    identified = _in_twelve_months(data.substance_misuse, data)
    return _twelve_month_status(data, _without(data, identified))


def convictions(data: OutcomeData) -> pl.DataFrame:
    convicted = _in_twelve_months(data.convictions, data)
    return _twelve_month_status(data, _without(data, convicted), ages=(10, 17))


def _without(data: OutcomeData, frame: pl.DataFrame) -> pl.DataFrame:
    """Every child not listed in ``frame``."""
    return data.children.select("child").join(frame.select("child").unique(), on="child", how="anti")


# --- missing ----------------------------------------------------------------------------------------


def _missing_incidents(data: OutcomeData) -> pl.DataFrame:
    """Missing incidents (not 'away without authorisation') running at any time in the period, by child
    looked after in the period."""
    return (
        data.missing.filter((pl.col("kind") == "M") & _overlaps(data.period_start, data.period_end))
        .join(_looked_after_in_period(data), on="child")
        .group_by("child")
        .len("incidents")
    )


def missing_children(data: OutcomeData) -> pl.DataFrame:
    return (
        _with_flags(_children(data), cohort=_looked_after_in_period(data))
        .join(_missing_incidents(data), on="child", how="left")
        .with_columns(_status(pl.col("cohort"), pl.col("incidents").is_null()))
    )


def missing_incidents_per_child(data: OutcomeData) -> Result:
    incidents = _missing_incidents(data)
    return _ratio("missing_incidents_per_child", int(incidents["incidents"].sum()), incidents.height)


# --- reviews and visits on time -----------------------------------------------------------------------


def _periods_of_care(data: OutcomeData) -> pl.DataFrame:
    """Periods of care that are not short breaks: child, period, start, end (null while open)."""
    return _cached(
        data,
        "periods",
        lambda: (
            _episodes(data)
            .group_by("period", maintain_order=True)
            .agg(
                pl.col("child").first(),
                start=pl.col("period_start").first(),
                end=pl.col("period_end").first(),
                short=pl.col("short").all(),
            )
            .filter(~pl.col("short"))
            .drop("short")
        ),
    )


def _in_period_of_care(frame: pl.DataFrame, data: OutcomeData) -> pl.DataFrame:
    """Dated rows (``date``) with the period of care they fall in (the latest started on or before the
    date, if it had not ended before it)."""
    periods = _periods_of_care(data).rename({"start": "period_start", "end": "period_end"})
    return (
        frame.sort("date")
        .join_asof(
            periods.sort("period_start"), left_on="date", right_on="period_start", by="child", check_sortedness=False
        )
        .filter(
            pl.col("period").is_not_null() & (pl.col("period_end").is_null() | (pl.col("date") <= pl.col("period_end")))
        )
    )


def _reviews(data: OutcomeData) -> pl.DataFrame:
    return _cached(data, "reviews", lambda: _in_period_of_care(data.reviews.unique(), data))


def _first_review_due(starts: pl.Series) -> pl.DataFrame:
    """Regulation 33's first review date (20 working days, England's bank holidays) for each period start."""
    days = starts.unique().drop_nulls().to_list()
    return pl.DataFrame(
        {"period_start": days, "first_due": [timescales.first_review_due(day) for day in days]},
        schema={"period_start": pl.Date, "first_due": pl.Date},
    )


def _months(months: int) -> str:
    return f"{months}mo"


SECOND_REVIEW = _months(timescales.THREE_MONTHS.months)
LATER_REVIEWS = _months(6)  # regulation 33: then no more than 6 months after the one before


def _review_items(data: OutcomeData) -> pl.DataFrame:
    """Every review due (held or not) in every period of care: its due date, the date it was held
    (null if not yet) and the end of the period of care. The k-th review is due 20 working days after
    care began (k = 1), 3 months after the first (k = 2), 6 months after the one before (k > 2), as
    timescales.next_review_due works it out; after the last review held, the next one is due too."""
    periods = _periods_of_care(data).rename({"start": "period_start", "end": "period_end"})
    first_due = _first_review_due(periods["period_start"])
    held = (
        _reviews(data)
        .sort("period", "date")
        .with_columns(
            k=pl.col("date").cum_count().over("period"),
            previous=pl.col("date").shift(1).over("period"),
        )
        .join(first_due, on="period_start", how="left")
        .with_columns(due=_review_due(pl.col("k"), pl.col("previous")))
        .select("child", "period", "period_end", "due", done=pl.col("date"))
    )
    last = _reviews(data).group_by("period").agg(k=pl.len() + 1, previous=pl.col("date").max())
    following = (
        periods.join(last, on="period", how="left")
        .with_columns(pl.col("k").fill_null(1))
        .join(first_due, on="period_start", how="left")
        .with_columns(due=_review_due(pl.col("k"), pl.col("previous")))
        .select("child", "period", "period_end", "due", done=pl.lit(None, dtype=pl.Date))
    )
    return pl.concat([held, following]).rename({"period_end": "end"})


def _review_due(k: pl.Expr, previous: pl.Expr) -> pl.Expr:
    return (
        pl.when(k == 1)
        .then(pl.col("first_due"))
        .when(k == 2)
        .then(previous.dt.offset_by(SECOND_REVIEW))
        .otherwise(previous.dt.offset_by(LATER_REVIEWS))
    )


def _days(interval: relativedelta) -> int:
    if interval.months or interval.years:
        raise ValueError("A whole number of days was expected")
    return interval.days


FIRST_VISIT = _days(timescales.WEEK)
WEEKLY, FOUR_WEEKLY, SIX_WEEKLY = _days(timescales.WEEK), _days(timescales.FOUR_WEEKS), _days(timescales.SIX_WEEKS)
AFTER_FIRST_YEAR = _months(timescales.THREE_MONTHS.months)


def _visit_placements(data: OutcomeData) -> pl.DataFrame:
    """Placements as regulation 28 visits run from them (timescales.placement_start): a new one with
    each period of care and each move to new carers (S, P, B); L, T and U go on with the same carers."""
    e = _episodes(data).filter(~pl.col("short"))
    starts = (pl.col("period") != pl.col("period").shift(1)).fill_null(True) | pl.col("rne").is_in(
        sorted(timescales.NEW_PLACEMENT_REASONS)
    )
    return (
        e.with_columns(visit_placement=starts.cast(pl.Int64).cum_sum())
        .group_by("visit_placement", maintain_order=True)
        .agg(pl.col("child").first(), pl.col("period").first(), pl.col("start").first(), pl.col("end").last())
        .rename({"start": "placement_start", "end": "placement_end"})
    )


def _visit_due(previous: str) -> pl.Expr:
    """The latest day for the visit after one made on ``previous`` (regulation 28, timescales._visit_interval),
    with the placement type, legal status and plan of the episode in force on that visit."""
    after = pl.col(previous)
    placed_with_parents = pl.col("place") == timescales.PLACED_WITH_PARENTS
    before_first_review = pl.col("first_review").is_null() | (after < pl.col("first_review"))
    first_year = after < pl.col("placement_start").dt.offset_by("12mo")
    return (
        pl.when(placed_with_parents & before_first_review)
        .then(after + pl.duration(days=WEEKLY))
        .when(placed_with_parents & (pl.col("ls") == timescales.INTERIM_CARE_ORDER))
        .then(after + pl.duration(days=FOUR_WEEKLY))
        .when(placed_with_parents | first_year | ~pl.col("until_18").fill_null(False))
        .then(after + pl.duration(days=SIX_WEEKLY))
        .otherwise(after.dt.offset_by(AFTER_FIRST_YEAR))
    )


def _visit_items(data: OutcomeData) -> pl.DataFrame:
    """Every visit due in every placement: its due date, the date it was made (null if not yet) and the
    end of the placement. Visits are read from ``data.visits_from`` (4 months before the period) only:
    in a placement that began before that, the first visit read has an unknown due date, but one
    before the period (the visit before it was over 4 months before the period, and no gap allowed is
    longer than 3 months), so it is given the day before the period, which counts it late exactly
    when it was made in the period, as it should be."""
    placements = _visit_placements(data)
    first_review = _reviews(data).group_by("period").agg(first_review=pl.col("date").min())
    episodes = _episodes(data).filter(~pl.col("short")).select("child", "start", "place", "ls", "until_18")
    unknown = data.period_start - timedelta(days=1)
    visits = (
        data.visits.unique()
        .sort("date")
        .join_asof(
            placements.sort("placement_start"),
            left_on="date",
            right_on="placement_start",
            by="child",
            check_sortedness=False,
        )
        .filter(
            pl.col("visit_placement").is_not_null()
            & (pl.col("placement_end").is_null() | (pl.col("date") < pl.col("placement_end")))
        )
        .join_asof(episodes.sort("start"), left_on="date", right_on="start", by="child", check_sortedness=False)
        .join(first_review, on="period", how="left")
        .sort("visit_placement", "date")
    )
    opening = (
        pl.when(pl.col("placement_start") < data.visits_from)
        .then(pl.lit(unknown))
        .otherwise(pl.col("placement_start") + pl.duration(days=FIRST_VISIT))
    )
    made = (
        visits.with_columns(
            k=pl.col("date").cum_count().over("visit_placement"),
            previous=pl.col("date").shift(1).over("visit_placement"),
            # the episode in force on the visit before decides the gap allowed after it
            place=pl.col("place").shift(1).over("visit_placement"),
            ls=pl.col("ls").shift(1).over("visit_placement"),
            until_18=pl.col("until_18").shift(1).over("visit_placement"),
        )
        .with_columns(due=pl.when(pl.col("k") == 1).then(opening).otherwise(_visit_due("previous")))
        .select("child", "placement_end", "due", done=pl.col("date"))
    )
    last = visits.group_by("visit_placement").agg(
        pl.col("date").last().alias("previous"),
        pl.col("place").last(),
        pl.col("ls").last(),
        pl.col("until_18").last(),
    )
    following = (
        placements.join(last, on="visit_placement", how="left")
        .join(first_review, on="period", how="left")
        .with_columns(due=pl.when(pl.col("previous").is_null()).then(opening).otherwise(_visit_due("previous")))
        .select("child", "placement_end", "due", done=pl.lit(None, dtype=pl.Date))
    )
    return pl.concat([made, following]).rename({"placement_end": "end"})


def _on_time_status(data: OutcomeData, items: pl.DataFrame) -> pl.DataFrame:
    """Per child from due items (due, done, end): an item counts in the period when it fell due in it
    while the child was looked after there (before ``end``), or was overdue and still outstanding on
    the first day; it is late when done after its due date or not done."""
    start, last_day = data.period_start, data.period_end
    live = (pl.col("due") <= last_day) & (pl.col("end").is_null() | (pl.col("due") < pl.col("end")))
    outstanding_at_start = (pl.col("done").is_null() | (pl.col("done") >= start)) & (
        pl.col("end").is_null() | (pl.col("end") > start)
    )
    counted = live & ((pl.col("due") >= start) | outstanding_at_start)
    late = pl.col("done").is_null() | (pl.col("done") > pl.col("due"))
    per_child = items.filter(counted).group_by("child").agg(due_items=pl.len(), late_items=late.sum().cast(pl.Int64))
    return (
        _with_flags(_children(data), in_care=_looked_after_in_period(data))
        .join(per_child, on="child", how="left")
        .with_columns(
            _status(
                pl.col("in_care") & (pl.col("due_items").fill_null(0) > 0),
                pl.col("late_items") == 0,
                waiting=pl.col("in_care"),
            )
        )
    )


def reviews_on_time(data: OutcomeData) -> pl.DataFrame:
    return _on_time_status(data, _review_items(data))


def visits_on_time(data: OutcomeData) -> pl.DataFrame:
    return _on_time_status(data, _visit_items(data))


# --- care leavers ------------------------------------------------------------------------------------


def _care_leavers(data: OutcomeData) -> pl.DataFrame:
    """Former relevant young people with a 19th, 20th or 21st birthday in the period (the latest, if
    more than one), with their contact for that birthday (null columns if none is recorded), leaving
    out those who died or returned home for 6 months or more."""

    def make():
        start, end = data.period_start, data.period_end
        kids = data.children.select("child", "dob")
        birthday = pl.lit(None, dtype=pl.Int64)
        for age in (19, 20, 21):
            turned = pl.col("dob").dt.offset_by(f"{age}y")
            birthday = pl.when(turned.is_between(start, end)).then(pl.lit(age, dtype=pl.Int64)).otherwise(birthday)
        kids = kids.with_columns(age=birthday).filter(pl.col("age").is_not_null())
        # rules.is_former_relevant_child: 13 weeks (91 days) looked after since the 14th birthday, at
        # least a day of it after the 16th, short breaks apart; not if the last episode ended in adoption
        e = _episodes(data).join(kids.select("child", "dob"), on="child")
        ended = pl.col("end").fill_null(end)

        def days_since(years: int) -> pl.Expr:
            since = pl.max_horizontal(pl.col("start"), pl.col("dob").dt.offset_by(f"{years}y"))
            return pl.when(pl.col("short")).then(0).otherwise(pl.max_horizontal((ended - since).dt.total_days(), 0))

        former = (
            e.sort("child", "start")
            .group_by("child")
            .agg(after_14=days_since(14).sum(), after_16=days_since(16).sum(), last_rec=pl.col("rec").last())
            .filter((pl.col("after_14") >= 91) & (pl.col("after_16") >= 1) & ~pl.col("last_rec").is_in(ADOPTED))
            .select("child")
        )
        # and those taken on from an authority's return as care leavers whose care ended before it
        former = pl.concat([former, data.former_relevant.select("child")]).unique()
        return (
            kids.join(former, on="child")
            .join(data.care_leaver_contacts, on=["child", "age"], how="left")
            .filter(~pl.col("in_touch").fill_null("").is_in(CARE_LEAVER_EXCLUDED))
        )

    return _cached(data, "care_leavers", make)


def _care_leaver_status(data: OutcomeData, met: pl.Expr, cohort: pl.Expr | None = None) -> pl.DataFrame:
    leavers = _care_leavers(data).with_columns(cohort=pl.lit(True) if cohort is None else cohort, met=met)
    return (
        data.children.select("child")
        .join(leavers.select("child", "cohort", "met"), on="child", how="left")
        .with_columns(_status(pl.col("cohort").fill_null(False), pl.col("met")))
    )


def care_leavers_eet(data: OutcomeData) -> pl.DataFrame:
    return _care_leaver_status(data, pl.col("activity").is_in(IN_EET))


def care_leavers_suitable_accommodation(data: OutcomeData) -> pl.DataFrame:
    return _care_leaver_status(
        data,
        pl.col("suitable").fill_null(False),
        cohort=~pl.col("accommodation").fill_null("").is_in(ACCOMMODATION_NOT_JUDGED),
    )


# The DfE's in-touch categories for care leavers (its published tables: "Local authority in touch with
# care leaver", "Local authority not in touch with care leaver", "Young person refuses contact", "Young
# person no longer requires services"); "Local authority not in touch" leaves out young people whose
# activity a third party provided (LAIT 317), who count as in touch. A birthday with no contact recorded
# is a gap in our records the DfE would not accept (the 903 requires the row): shown as its own line.
IN_TOUCH_CATEGORIES = {
    "in_touch": "In touch",
    "third_party": "Not in touch directly, but activity known from a third party (counted as in touch)",
    "not_in_touch": "Local authority not in touch",
    "refused": "Young person refuses contact",
    "no_longer_requires": "Young person no longer requires services",
    "not_recorded": "No contact recorded",
}
IN_TOUCH_MET = ("in_touch", "third_party")
# the categories of a breakdown (by label) its indicator's numerator counts: a reader can add them up
BREAKDOWN_NUMERATOR = {"care_leavers_in_touch": tuple(IN_TOUCH_CATEGORIES[c] for c in IN_TOUCH_MET)}


def _in_touch_category() -> pl.Expr:
    code = pl.col("in_touch").fill_null("")
    known = pl.col("activity").fill_null("").is_in(ACTIVITY_KNOWN)
    return (
        pl.when(code == "YES")
        .then(pl.lit("in_touch"))
        .when((code == "NO") & known)
        .then(pl.lit("third_party"))
        .when(code == "NO")
        .then(pl.lit("not_in_touch"))
        .when(code == "REFU")
        .then(pl.lit("refused"))
        .when(code == "NREQ")
        .then(pl.lit("no_longer_requires"))
        .otherwise(pl.lit("not_recorded"))
    )


def care_leavers_in_touch(data: OutcomeData) -> pl.DataFrame:
    """In touch as the DfE counts it: in touch (YES), or not in touch directly with the activity known
    from a third party. Refused contact and no longer requiring services are the DfE's own categories,
    not in touch and not "local authority not in touch"; they stay in the denominator, as in the DfE's."""
    return _care_leaver_status(data, _in_touch_category().is_in(IN_TOUCH_MET))


def breakdown(data: OutcomeData, indicator_id: str) -> list[tuple[str, int]]:
    """The categories behind an indicator the DfE publishes by category, (label, count) each; empty for
    the others."""
    if indicator_id != "care_leavers_in_touch":
        return []
    counts = care_leavers_in_touch_categories(data)
    return [(label, counts[category]) for category, label in IN_TOUCH_CATEGORIES.items()]


def care_leavers_in_touch_categories(data: OutcomeData) -> dict[str, int]:
    """How many of the care-leaver cohort fall in each of the DfE's in-touch categories (every category, 0s too)."""
    counts = _care_leavers(data).select(category=_in_touch_category())["category"].value_counts()
    found = dict(zip(counts["category"].to_list(), counts["count"].to_list()))
    return {category: found.get(category, 0) for category in IN_TOUCH_CATEGORIES}


# --- adoption ----------------------------------------------------------------------------------------


def _leaving_care(data: OutcomeData) -> pl.DataFrame:
    """For each child who ceased to be looked after in the period: the last time (short breaks apart),
    with the reason, the day and the period of care that ended."""
    return _cached(
        data,
        "leaving",
        lambda: (
            _episodes(data)
            .filter(
                ~pl.col("short")
                & pl.col("end").is_between(data.period_start, data.period_end)
                & ~pl.col("rec").is_in(["", "X1"])
            )
            .sort("child", "end")
            .unique("child", keep="last")
        ),
    )


def adopted_share(data: OutcomeData) -> pl.DataFrame:
    leaving = _leaving_care(data).select("child", adopted=pl.col("rec").is_in(ADOPTED))
    return (
        data.children.select("child")
        .join(leaving, on="child", how="left")
        .with_columns(_status(pl.col("adopted").is_not_null(), pl.col("adopted")))
    )


def _adopted(data: OutcomeData) -> pl.DataFrame:
    return _leaving_care(data).filter(pl.col("rec").is_in(ADOPTED))


def adoption_timeliness_days(data: OutcomeData) -> Result:
    adopted = _adopted(data).with_columns(days=(pl.col("end") - pl.col("period_start")).dt.total_days())
    return _ratio("adoption_timeliness_days", int(adopted["days"].sum()), adopted.height)


def adoption_placed_days(data: OutcomeData) -> Result:
    # Placed for adoption with the family that adopted the child (the scorecard's "moving in with its
    # adoptive family"; the DfE's stage 3 runs from matching with the adopters to being placed with
    # them): the first placement for adoption since the child began living with the carers they were
    # adopted from. An earlier placement for adoption with other adopters that broke down is not it;
    # with the foster carers (A3, A5) it is the day the placement became one for adoption.
    adopters_since = _with_same_carers(data).group_by("period").agg(adopters_since=pl.col("start").max())
    placed = (
        _episodes(data)
        .filter(pl.col("place").is_in(ADOPTION_PLACEMENTS))
        .join(adopters_since, on="period")
        .filter(pl.col("start") >= pl.col("adopters_since"))
        .group_by("period")
        .agg(placed=pl.col("start").min())
    )
    adopted = (
        _adopted(data)
        .join(placed, on="period")
        .with_columns(days=(pl.col("placed") - pl.col("period_start")).dt.total_days())
    )
    return _ratio("adoption_placed_days", int(adopted["days"].sum()), adopted.height)


# --- workforce ---------------------------------------------------------------------------------------


def caseload_per_fte(data: OutcomeData) -> Result:
    if data.workers is None or data.worker_cases is None:
        return Result(0, 0, None)
    end = data.period_end
    in_post = data.workers.filter((pl.col("start") <= end) & (pl.col("leave").is_null() | (pl.col("leave") > end)))
    cases = data.worker_cases.unique().group_by("worker").len("cases")
    holders = in_post.join(cases, on="worker")
    return _ratio("caseload_per_fte", int(holders["cases"].sum()), round(float(holders["fte"].sum()), 2))


COMPUTE: dict[str, Callable[[OutcomeData], pl.DataFrame | Result]] = {
    "placement_stability_3plus": placement_stability_3plus,
    "placement_stability_2year_3plus": placement_stability_2year_3plus,
    "long_term_stability": long_term_stability,
    "social_workers_3plus": social_workers_3plus,
    "placed_over_20_miles_out_of_area": placed_over_20_miles_out_of_area,
    "health_assessment": health_assessment,
    "dental_check": dental_check,
    "immunisations": immunisations,
    "development_check": development_check,
    "sdq_returned": sdq_returned,
    "sdq_mean": sdq_mean,
    "sdq_concern": sdq_concern,
    "substance_misuse": substance_misuse,
    "convictions": convictions,
    "missing_children": missing_children,
    "missing_incidents_per_child": missing_incidents_per_child,
    "reviews_on_time": reviews_on_time,
    "visits_on_time": visits_on_time,
    "care_leavers_eet": care_leavers_eet,
    "care_leavers_suitable_accommodation": care_leavers_suitable_accommodation,
    "care_leavers_in_touch": care_leavers_in_touch,
    "adopted_share": adopted_share,
    "adoption_timeliness_days": adoption_timeliness_days,
    "adoption_placed_days": adoption_placed_days,
    "caseload_per_fte": caseload_per_fte,
}
