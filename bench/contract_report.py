"""Contract report benchmark: every measure of one contract year over about 80,000 children, on
SQLite and on PostgreSQL, next to a hand-written DuckDB query for three headline measures on the
same children's data exported to Parquet, measured in the same run.

    .venv/bin/python bench/contract_report.py                      # seeds both databases (minutes each)
    .venv/bin/python bench/contract_report.py --database bench/results/contract_report.sqlite3 \\
        --postgres-db casework_bench                                # reuse both seeds

Seeds ``manage.py seed --practices 1 --people 2000 --looked-after 107000 --seed 7 --as-of
2026-05-01``. With one practice the seed lets two contracts (Leeds, about three quarters of the
children, and Camden), so the Leeds contract's year has about 80,000 children under it. The
script measures the contract and contract year with the most children under them (the contract
year holding 31 March of ``--year``) and prints how many that is.

Each step runs in a fresh process (its seconds, queries and the process's own peak RSS from
wait4, which includes the interpreter and imports):

* ``every measure``: what the report does for the year (``reporting._results``: one
  ``outcomes.data.load`` of the children under the contract, then ``compute`` for each selected
  measure); the time spent in ``load`` and in each ``compute`` is recorded too.
* ``contract_report``: the whole ``contract_report(contract=, year=)`` as the page calls it,
  trends over every contract year so far included.
* ``the job, first time``: what the report page's background job does when nothing is stored
  (``contracts/jobs.py``, ``results.report``): every ended year worked out and settled, this
  year's figures cached. Once per database: the contract's results are cleared before it, so a
  rerun measures the same work.
* ``page``: the report page (``GET /contracts/<id>/report/`` through Django's test client and
  every middleware, as the authority's commissioner officer, signed in past MFA) for the year
  running today, in a fresh process: the stored years and this year's cached figures read,
  nothing worked out (the data version has not moved). The issue's target: 2 s.
* ``page, settled year``: the page for the measured (ended) year, read from its settled result.
* ``polars, 3 measures``: the library's compute of the three headline measures from the Parquet
  files (reading them included): the same work as the DuckDB query, in polars.
* ``duckdb, 3 measures``: one hand-written SQL query (``DUCKDB_SQL`` below) over the Parquet files
  for the same three measures: three or more placements in the year, annual health assessment,
  care leavers 19 to 21 in education, employment or training.

The Parquet files are the frames ``data.load`` builds for the year (children, episodes, health
checks, care leaver contacts and the rest), written with polars outside any timed step. The
DuckDB answers are checked against the library's numerators and denominators; a difference is
printed loudly.

PostgreSQL: the scratch database casework_bench on ``--postgres-url`` (default
postgres://postgres@127.0.0.1:5432), dropped, created and seeded; ``--postgres-db NAME`` measures an
already seeded database instead (casework_bench after a first run). If the server does
not answer, the PostgreSQL half is skipped with a note.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
SCRATCH_POSTGRES = "casework_bench"
HEADLINE = ("placement_stability_3plus", "health_assessment", "care_leavers_eet")
PARQUET_FRAMES = (
    "children",
    "episodes",
    "reviews",
    "visits",
    "health_checks",
    "sdq",
    "substance_misuse",
    "convictions",
    "missing",
    "care_leaver_contacts",
    "allocations",
    "workers",
    "worker_cases",
)

# Written from the definitions (../shared/reference/outcomes.md, casework/outcomes/indicators.py) and
# the rules compute.py documents. The frames are the snapshot at the end of the period: an episode
# ending after it reads as open (end null, reason ceased ''). $ps, $pe: the contract year; $ys: the
# first day of the 12 months ending on $pe.
DUCKDB_SQL = """
WITH
-- periods of care: a new one with each child's first episode, a new-period reason S, or after an
-- episode that ended for any reason but X1 (a change within the same period)
flagged AS (
    SELECT *,
        CASE WHEN lag(child) OVER w IS DISTINCT FROM child OR rne = 'S' OR lag(rec) OVER w NOT IN ('', 'X1')
             THEN 1 ELSE 0 END AS new_period
    FROM episodes WINDOW w AS (ORDER BY child, start)
),
periods AS (
    SELECT *, sum(new_period) OVER (ORDER BY child, start ROWS UNBOUNDED PRECEDING) AS period FROM flagged
),
-- placements: short breaks (V3, V4) and temporary placements (T0-T4) are not placements; a new one
-- starts with each period of care and each change of placement (P, B, T, U), except placement for
-- adoption with the current foster carers (A3, A5) and the return from a temporary placement to the
-- usual one (same placement type and postcode as before it)
not_short AS (
    SELECT child, start, "end", rne, place, period,
        upper(replace(coalesce(place_postcode, ''), ' ', '')) AS postcode,
        coalesce(lag(place) OVER w IN ('T0', 'T1', 'T2', 'T3', 'T4') AND lag(period) OVER w = period, false)
            AS after_temporary
    FROM periods WHERE ls NOT IN ('V3', 'V4')
    WINDOW w AS (ORDER BY child, start)
),
usual AS (
    SELECT *, lag(place) OVER w AS prev_place, lag(postcode) OVER w AS prev_postcode,
        lag(period) OVER w AS prev_period
    FROM not_short WHERE place NOT IN ('T0', 'T1', 'T2', 'T3', 'T4')
    WINDOW w AS (ORDER BY child, start)
),
numbered AS (
    SELECT *, sum(CASE
        WHEN coalesce(prev_period <> period, true) THEN 1
        WHEN rne IN ('P', 'B', 'T', 'U') AND place NOT IN ('A3', 'A5')
             AND NOT coalesce(after_temporary AND place = prev_place AND postcode = prev_postcode, false) THEN 1
        ELSE 0 END) OVER (ORDER BY child, start ROWS UNBOUNDED PRECEDING) AS placement
    FROM usual
),
placements AS (
    SELECT placement, min(child) AS child, min(start) AS start, last("end" ORDER BY start) AS "end"
    FROM numbered GROUP BY placement
),
placement_counts AS (
    SELECT child, count(*) AS placements FROM placements
    WHERE start <= $pe AND ("end" IS NULL OR "end" >= $ps) AND ("end" IS NULL OR "end" > start)
    GROUP BY child
),
-- looked after on the last day, not on a short break
at_end AS (
    SELECT DISTINCT child FROM episodes
    WHERE start <= $pe AND ("end" IS NULL OR "end" > $pe) AND ls NOT IN ('V3', 'V4')
),
stability AS (
    SELECT 'placement_stability_3plus' AS measure,
        count(*) FILTER (WHERE coalesce(placements, 0) >= 3) AS numerator, count(*) AS denominator
    FROM at_end JOIN children USING (child) LEFT JOIN placement_counts USING (child)
),
-- looked after continuously for the 12 months: in care on their first day, no new period of care
-- after it, no care ending before the last day (X1 is not an ending), no short break
twelve_months AS (
    SELECT child FROM episodes
    WHERE start <= $pe AND ("end" IS NULL OR "end" >= $ys)
    GROUP BY child
    HAVING coalesce(bool_or(start <= $ys AND ("end" IS NULL OR "end" >= $ys)), false)
        AND NOT coalesce(bool_or(ls IN ('V3', 'V4')), false)
        AND NOT coalesce(bool_or(rne = 'S' AND start > $ys), false)
        AND NOT coalesce(bool_or("end" IS NOT NULL AND "end" < $pe AND rec <> 'X1'), false)
),
-- age in whole years on the last day; a 29 February birthday is 28 February in other years
ages AS (
    SELECT child, year($pe) - year(dob) - 1 + CASE
        WHEN (CASE WHEN month(dob) = 2 AND day(dob) = 29 AND day(last_day(make_date(year($pe), 2, 1))) = 28
                   THEN 228 ELSE month(dob) * 100 + day(dob) END) <= month($pe) * 100 + day($pe)
        THEN 1 ELSE 0 END AS age
    FROM children
),
assessed AS (
    SELECT child, count(DISTINCT date) AS assessments FROM health_checks
    WHERE kind = 'health_assessment' AND date BETWEEN $ys AND $pe
    GROUP BY child
),
health AS (
    -- two assessments in the 12 months under 5 (six-monthly), one from 5
    SELECT 'health_assessment' AS measure,
        count(*) FILTER (WHERE coalesce(assessments, 0) >= CASE WHEN age < 5 THEN 2 ELSE 1 END) AS numerator,
        count(*) AS denominator
    FROM twelve_months JOIN ages USING (child) LEFT JOIN assessed USING (child)
),
-- former relevant young people with a 19th, 20th or 21st birthday in the year (the latest)
birthdays AS (
    SELECT child, dob, CASE
        WHEN dob + INTERVAL 21 YEAR BETWEEN $ps AND $pe THEN 21
        WHEN dob + INTERVAL 20 YEAR BETWEEN $ps AND $pe THEN 20
        WHEN dob + INTERVAL 19 YEAR BETWEEN $ps AND $pe THEN 19 END AS age
    FROM children
),
former_relevant AS (
    -- 13 weeks (91 days) looked after since the 14th birthday, a day of it after the 16th, short
    -- breaks apart; not if the last episode ended in adoption
    SELECT e.child FROM episodes e JOIN birthdays b ON b.child = e.child AND b.age IS NOT NULL
    GROUP BY e.child
    HAVING sum(CASE WHEN e.ls IN ('V3', 'V4') THEN 0 ELSE greatest(
            date_diff('day', greatest(e.start, b.dob + INTERVAL 14 YEAR), coalesce(e."end", $pe)), 0) END) >= 91
        AND sum(CASE WHEN e.ls IN ('V3', 'V4') THEN 0 ELSE greatest(
            date_diff('day', greatest(e.start, b.dob + INTERVAL 16 YEAR), coalesce(e."end", $pe)), 0) END) >= 1
        AND last(e.rec ORDER BY e.start) NOT IN ('E11', 'E12')
),
care_leavers AS (
    -- with the contact for that birthday; leaving out those who died or went home for 6 months or more
    SELECT b.child, c.activity FROM birthdays b JOIN former_relevant USING (child)
    LEFT JOIN care_leaver_contacts c ON c.child = b.child AND c.age = b.age
    WHERE coalesce(c.in_touch, '') NOT IN ('DIED', 'RHOM')
),
eet AS (
    SELECT 'care_leavers_eet' AS measure,
        count(*) FILTER (WHERE activity IN ('F1', 'F2', 'F4', 'F5', 'P1', 'P2', 'P4', 'P5')) AS numerator,
        count(*) AS denominator
    FROM care_leavers
)
SELECT * FROM stability UNION ALL SELECT * FROM health UNION ALL SELECT * FROM eet
"""
# The code lists written into the SQL above, checked against the library's (outside the timing).
SQL_CODE_LISTS = {
    "SHORT_BREAKS": ["V3", "V4"],
    "TEMPORARY": ["T0", "T1", "T2", "T3", "T4"],
    "ADOPTION_WITH_FOSTER_CARERS": ["A3", "A5"],
    "PLACEMENT_CHANGES": ["P", "B", "T", "U"],
    "ADOPTED": ["E11", "E12"],
    "IN_EET": ["F1", "F2", "F4", "F5", "P1", "P2", "P4", "P5"],
    "CARE_LEAVER_EXCLUDED": ["DIED", "RHOM"],
}


# --- measurements, each in its own process ------------------------------------------------------------


def _django():
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casework.config.settings")
    django.setup()


def _contract_year(contract_pk: int, year_pk: int):
    from casework.contracts.models import Contract, ContractYear

    contract = Contract.objects.get(pk=contract_pk)
    return contract, ContractYear.objects.get(pk=year_pk, contract=contract)


def _plan(year: int) -> dict:
    """Every contract's children under it in the contract year holding 31 March of ``year``."""
    _django()
    from casework.contracts.models import Contract
    from casework.contracts.reporting import children_under

    on = date(year, 3, 31)
    contracts = []
    for contract in Contract.objects.select_related("commissioner", "practice").order_by("pk"):
        held = contract.years.filter(start_date__lte=on, end_date__gte=on).first()
        if held is None:
            continue
        contracts.append(
            {
                "contract": contract.pk,
                "reference": contract.reference,
                "commissioner": contract.commissioner.ons_code,
                "year": held.pk,
                "start": held.start_date.isoformat(),
                "end": held.end_date.isoformat(),
                "measures": held.measures.count(),
                "years_so_far": contract.years.filter(start_date__lte=date.today()).count(),
                "children": children_under(contract, held.start_date, held.end_date).count(),
            }
        )
    return {"vendor": _vendor(), "contracts": contracts}


def _vendor() -> str:
    from django.db import connection

    return connection.vendor


class _Timer:
    """Wraps ``data.load`` and ``compute.compute`` to record the time spent in each (negligible cost),
    so the real report code runs unchanged and still says where its time went."""

    def __init__(self):
        from casework.outcomes import compute, data

        self.loads: list[float] = []
        self.computes: dict[str, float] = {}
        load, one = data.load, compute.compute

        def timed_load(*args, **kwargs):
            began = time.perf_counter()
            try:
                return load(*args, **kwargs)
            finally:
                self.loads.append(time.perf_counter() - began)

        def timed_compute(loaded, indicator_id):
            began = time.perf_counter()
            try:
                return one(loaded, indicator_id)
            finally:
                self.computes[indicator_id] = self.computes.get(indicator_id, 0.0) + time.perf_counter() - began

        data.load, compute.compute = timed_load, timed_compute


def _every_measure(contract_pk: int, year_pk: int) -> dict:
    _django()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from casework.contracts import reporting
    from casework.outcomes.indicators import INDICATORS

    contract, year = _contract_year(contract_pk, year_pk)
    keys = [(m.indicator, m.age_band) for m in year.measures.order_by("pk") if m.indicator in INDICATORS]
    timer = _Timer()
    began = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        loads, results = reporting._results(contract, year.start_date, year.end_date, keys)
    seconds = time.perf_counter() - began
    everyone = loads[""]
    return {
        "seconds": round(seconds, 3),
        "queries": len(queries.captured_queries),
        "measures": len(keys),
        "children": everyone.children.height,
        "rows": {
            name: getattr(everyone, name).height for name in PARQUET_FRAMES if getattr(everyone, name) is not None
        },
        "load_seconds": round(sum(timer.loads), 3),
        "compute_seconds": {k: round(v, 3) for k, v in timer.computes.items()},
        "results": {i: [r.numerator, r.denominator] for (i, band), r in results.items() if not band},
    }


def _whole_report(contract_pk: int, year_pk: int) -> dict:
    _django()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from casework.contracts.reporting import contract_report

    contract, year = _contract_year(contract_pk, year_pk)
    timer = _Timer()
    began = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        report = contract_report(contract=contract, year=year)
    seconds = time.perf_counter() - began
    return {
        "seconds": round(seconds, 3),
        "queries": len(queries.captured_queries),
        "children": report.children,
        "rows": len(report.rows),
        "loads": len(timer.loads),
        "load_seconds": round(sum(timer.loads), 3),
        "compute_seconds": round(sum(timer.computes.values()), 3),
        "trend_points": max((len(r.trend) for r in report.rows), default=0),
    }


def _page(contract_pk: int, year_pk: int, fresh: str) -> dict:
    """The report page as the commissioner officer sees it (``year_pk`` 0: the year running today).
    ``fresh`` "1": the contract's stored results cleared first, and the work the page's job does
    (``contracts/jobs.py``: settle every ended year, cache this one) timed instead of the page."""
    _django()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from casework.accounts.models import Role, User
    from casework.accounts.testing import force_login_verified
    from casework.contracts import results
    from casework.contracts.models import Contract, ContractYearResult

    contract = Contract.objects.get(pk=contract_pk)
    if fresh == "1":
        ContractYearResult.objects.filter(contract_year__contract=contract).delete()
        today = timezone.localdate()
        year = contract.years.filter(start_date__lte=today, end_date__gte=today).first()
        began = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            report = results.report(contract=contract, year=year, quarter=None, progress=lambda step, percent: None)
        seconds = time.perf_counter() - began
        job = None
    else:
        officer = User.objects.filter(role=Role.COMMISSIONER_OFFICER, organisation_id=contract.commissioner_id).first()
        client = Client(HTTP_HOST="localhost")
        force_login_verified(client, officer)
        url = f"/contracts/{contract.pk}/report/" + (f"?year={year_pk}" if year_pk else "")
        began = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, secure=True)
        seconds = time.perf_counter() - began
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        # the figures shown, read again outside the timing (the test client keeps no context outside tests)
        job = "report-working" in response.content.decode() or None
        year = contract.years.get(pk=year_pk) if year_pk else None
        if year is None:
            today = timezone.localdate()
            year = contract.years.filter(start_date__lte=today, end_date__gte=today).first()
        report = results.report(contract=contract, year=year, quarter=None, compute=False)
    return {
        "seconds": round(seconds, 3),
        "queries": len(queries.captured_queries),
        "children": report.children,
        "rows": len(report.rows),
        "settled": report.result.settled,
        "job_started": job is not None,
        "trend_points": max((len(r.trend) for r in report.rows), default=0),
        "stored_results": ContractYearResult.objects.filter(contract_year__contract=contract).count(),
    }


def _export(contract_pk: int, year_pk: int, folder: str) -> dict:
    """The year's frames as data.load builds them (the report's own call) written to Parquet."""
    _django()
    from casework.contracts import reporting
    from casework.looked_after import codes, rules
    from casework.outcomes import compute

    contract, year = _contract_year(contract_pk, year_pk)
    loads, _ = reporting._results(contract, year.start_date, year.end_date, [(i, "") for i in HEADLINE])
    loaded = loads[""]
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    sizes = {}
    for name in PARQUET_FRAMES:
        frame = getattr(loaded, name)
        (out / f"{name}.parquet").unlink(missing_ok=True)
        if frame is not None:
            frame.write_parquet(out / f"{name}.parquet")
            sizes[name] = frame.height
    library = {
        "SHORT_BREAKS": sorted(rules.SHORT_BREAK_STATUSES),
        "TEMPORARY": sorted(codes.TEMPORARY_PLACEMENTS),
        "ADOPTION_WITH_FOSTER_CARERS": compute.ADOPTION_WITH_FOSTER_CARERS,
        "PLACEMENT_CHANGES": compute.PLACEMENT_CHANGES,
        "ADOPTED": sorted(codes.ADOPTED),
        "IN_EET": sorted(codes.IN_EDUCATION_EMPLOYMENT_TRAINING),
        "CARE_LEAVER_EXCLUDED": compute.CARE_LEAVER_EXCLUDED,
    }
    drift = {k: [SQL_CODE_LISTS[k], v] for k, v in library.items() if sorted(SQL_CODE_LISTS[k]) != sorted(v)}
    duplicates = loaded.episodes.height - loaded.episodes.unique(["child", "start"]).height
    meta = {
        "period_start": loaded.period_start.isoformat(),
        "period_end": loaded.period_end.isoformat(),
        "visits_from": loaded.visits_from.isoformat(),
        "year_start": loaded.year_start.isoformat(),
    }
    (out / "period.json").write_text(json.dumps(meta))
    return {
        "rows": sizes,
        "megabytes": round(sum(p.stat().st_size for p in out.glob("*.parquet")) / 1e6, 1),
        "code_list_drift": drift,
        "episodes_sharing_child_and_start": duplicates,
    }


def _polars_three(folder: str) -> dict:
    """The library's compute of the three headline measures on the Parquet frames (reading included)."""
    _django()
    import polars as pl

    from casework.outcomes import compute
    from casework.outcomes.data import OutcomeData

    out = Path(folder)
    meta = json.loads((out / "period.json").read_text())
    began = time.perf_counter()
    frames = {
        name: pl.read_parquet(out / f"{name}.parquet") if (out / f"{name}.parquet").exists() else None
        for name in PARQUET_FRAMES
    }
    loaded = OutcomeData(
        period_start=date.fromisoformat(meta["period_start"]),
        period_end=date.fromisoformat(meta["period_end"]),
        visits_from=date.fromisoformat(meta["visits_from"]),
        **frames,
    )
    results = {i: compute.compute(loaded, i) for i in HEADLINE}
    return {
        "seconds": round(time.perf_counter() - began, 3),
        "results": {i: [r.numerator, r.denominator] for i, r in results.items()},
    }


def _duckdb_three(folder: str) -> dict:
    import duckdb

    out = Path(folder)
    meta = json.loads((out / "period.json").read_text())
    params = {name: date.fromisoformat(meta[key]) for name, key in (("ps", "period_start"), ("pe", "period_end"))}
    params["ys"] = date.fromisoformat(meta["year_start"])  # the first day of the 12 months ending on $pe
    began = time.perf_counter()
    connection = duckdb.connect()
    for name in ("children", "episodes", "health_checks", "care_leaver_contacts"):
        path = str(out / f"{name}.parquet").replace("'", "''")
        connection.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{path}')")
    rows = connection.execute(DUCKDB_SQL, params).fetchall()
    seconds = time.perf_counter() - began
    return {
        "seconds": round(seconds, 3),
        "threads": connection.execute("SELECT current_setting('threads')").fetchone()[0],
        "version": duckdb.__version__,
        "results": {measure: [numerator, denominator] for measure, numerator, denominator in rows},
    }


WORKERS = {
    "plan": lambda a: _plan(int(a[0])),
    "every": lambda a: _every_measure(int(a[0]), int(a[1])),
    "report": lambda a: _whole_report(int(a[0]), int(a[1])),
    "export": lambda a: _export(int(a[0]), int(a[1]), a[2]),
    "page": lambda a: _page(int(a[0]), int(a[1]), a[2]),
    "polars3": lambda a: _polars_three(a[0]),
    "duckdb3": lambda a: _duckdb_three(a[0]),
}


# --- the run --------------------------------------------------------------------------------------


def _run_measured(args: list[str], **popen) -> tuple[float, float, str]:
    """Run one process to the end: (seconds, its own peak RSS in MB from wait4, its standard output)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        process = subprocess.Popen(args, stdout=out, stderr=err, text=True, **popen)  # noqa: S603
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if process.returncode != 0:
            raise RuntimeError(f"{args[1:4]} stopped ({process.returncode}): {err.read()[-3000:]}")
        return seconds, usage.ru_maxrss / 1024, out.read()


def _worker(env: dict, *args) -> dict:
    _, peak_mb, stdout = _run_measured([sys.executable, __file__, "--worker", *map(str, args)], env=env, cwd=ROOT)
    return {**json.loads(stdout.strip().splitlines()[-1]), "peak_mb": round(peak_mb)}


def _repeated(env: dict, repeats: int, *args) -> dict:
    """The step in ``repeats`` fresh processes: the median seconds, the largest peak."""
    runs = [_worker(env, *args) for _ in range(repeats)]
    middle = sorted(runs, key=lambda r: r["seconds"])[(len(runs) - 1) // 2]
    return {
        **middle,
        "seconds": round(statistics.median(r["seconds"] for r in runs), 3),
        "all_seconds": [r["seconds"] for r in runs],
        "peak_mb": max(r["peak_mb"] for r in runs),
    }


def _postgres_answers(url: str) -> str | None:
    """None if the server answers, else why not."""
    import psycopg

    try:
        with psycopg.connect(f"{url}/postgres", connect_timeout=3):
            return None
    except psycopg.Error as error:
        return str(error).strip().splitlines()[0]


def _postgres_recreate(url: str, name: str):
    import psycopg
    from psycopg import sql

    with psycopg.connect(f"{url}/postgres", autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def _migrate(env: dict):
    """A reused seed gets the migrations made since (the stored results' table)."""
    subprocess.run([sys.executable, str(ROOT / "manage.py"), "migrate", "-v0"], env=env, check=True, cwd=ROOT)  # noqa: S603


def _seed(env: dict, args) -> dict:
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, cwd=ROOT)  # noqa: S603
    seed = [*manage, "seed", "--practices", str(args.practices), "--people", str(args.people), "--seed", "7"]
    seed += ["--as-of", date(args.year, 5, 1).isoformat(), "--looked-after", str(args.looked_after)]
    seconds, peak_mb, out = _run_measured(seed, env=env, cwd=ROOT)
    print(f"  seeded in {seconds:.0f} s, peak {peak_mb:.0f} MB: {' '.join(out.split())}", flush=True)
    return {"seconds": round(seconds, 1), "peak_mb": round(peak_mb)}


def _measure_database(label: str, env: dict, args) -> dict:
    plan = _worker(env, "plan", args.year)
    contracts = sorted(plan["contracts"], key=lambda c: -c["children"])
    for c in contracts:
        print(
            f"  contract {c['reference']} ({c['commissioner']}), year {c['start']} to {c['end']}: "
            f"{c['children']:,} children, {c['measures']} measures, {c['years_so_far']} years started so far",
            flush=True,
        )
    chosen = contracts[0]
    ids = (chosen["contract"], chosen["year"])
    folder = RESULTS / f"contract_report-{label}-parquet"
    every = _repeated(env, args.repeats, "every", *ids)
    print(
        f"  every measure: {every['seconds']} s, {every['queries']} queries, peak {every['peak_mb']} MB "
        f"(load {every['load_seconds']} s)",
        flush=True,
    )
    cold = _worker(env, "page", chosen["contract"], 0, "1")
    print(
        f"  the job, first time (settles {cold['stored_results'] - 1} years, caches this one): {cold['seconds']} s, "
        f"{cold['queries']} queries, peak {cold['peak_mb']} MB",
        flush=True,
    )
    page = _repeated(env, args.repeats, "page", chosen["contract"], 0, "0")
    print(
        f"  page (this year, {page['children']:,} children, {page['trend_points']} trend points): "
        f"{page['seconds']} s, {page['queries']} queries, peak {page['peak_mb']} MB, "
        f"job started: {page['job_started']}",
        flush=True,
    )
    settled = _repeated(env, args.repeats, "page", *ids, "0")
    print(
        f"  page, settled year ({settled['children']:,} children): {settled['seconds']} s, "
        f"{settled['queries']} queries, peak {settled['peak_mb']} MB",
        flush=True,
    )
    report = {**page, "first_view": cold, "settled_year": settled}
    exported = _worker(env, "export", *ids, folder)
    print(f"  exported to {folder.relative_to(ROOT)}: {exported['megabytes']} MB of Parquet", flush=True)
    if exported["code_list_drift"]:
        print(f"  !!! the SQL's code lists differ from the library's: {exported['code_list_drift']}", flush=True)
    polars3 = _repeated(env, args.repeats, "polars3", folder)
    duck = _repeated(env, args.repeats, "duckdb3", folder)
    print(
        f"  polars 3 measures {polars3['seconds']} s peak {polars3['peak_mb']} MB | "
        f"duckdb 3 measures {duck['seconds']} s peak {duck['peak_mb']} MB",
        flush=True,
    )
    checks = {}
    for indicator in HEADLINE:
        library = [int(v) for v in every["results"][indicator]]
        ducked = [int(v) for v in duck["results"][indicator]]
        from_parquet = [int(v) for v in polars3["results"][indicator]]
        checks[indicator] = {"library": library, "duckdb": ducked, "library_from_parquet": from_parquet}
        same = library == ducked == from_parquet
        mark = "match" if same else "!!! MISMATCH !!!"
        print(
            f"  {indicator}: library {library[0]:,}/{library[1]:,}, duckdb {ducked[0]:,}/{ducked[1]:,}, "
            f"library on the Parquet {from_parquet[0]:,}/{from_parquet[1]:,}: {mark}",
            flush=True,
        )
    return {
        "database": label,
        "vendor": plan["vendor"],
        "contracts": contracts,
        "chosen": chosen,
        "every_measure": every,
        "contract_report": report,
        "export": exported,
        "polars_three": polars3,
        "duckdb_three": duck,
        "checks": checks,
        "all_match": all(c["library"] == c["duckdb"] == c["library_from_parquet"] for c in checks.values()),
    }


def _table(rows: list[dict]):
    if not rows:
        return
    print()
    print("| database | children | step | seconds | peak MB | queries | × DuckDB |")
    print("|---|---|---|---|---|---|---|")
    for row in rows:
        base = row["duckdb_three"]["seconds"]
        children = f"{row['chosen']['children']:,}"
        steps = [
            (f"every measure ({row['every_measure']['measures']})", row["every_measure"]),
            ("the page's job, first time (settles every year)", row["contract_report"]["first_view"]),
            ("page (this year cached, years settled)", row["contract_report"]),
            ("page, settled year", row["contract_report"]["settled_year"]),
            ("polars, 3 measures from Parquet", row["polars_three"]),
            ("DuckDB, 3 measures from Parquet", row["duckdb_three"]),
        ]
        for name, step in steps:
            queries = step.get("queries", "")
            print(
                f"| {row['database']} | {children} | {name} | {step['seconds']:.2f} | {step['peak_mb']} | "
                f"{queries} | {step['seconds'] / base:.1f} |"
            )


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--practices", type=int, default=1)
    parser.add_argument("--looked-after", type=int, default=107_000, metavar="N")
    parser.add_argument("--year", type=int, default=2026, help="the contract year holding 31 March of this year")
    parser.add_argument("--repeats", type=int, default=1, help="fresh processes per step (median seconds)")
    parser.add_argument("--database", type=Path, help="an already seeded SQLite file to reuse")
    parser.add_argument("--postgres-url", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--postgres-db", metavar="NAME", help="an already seeded PostgreSQL database to reuse")
    parser.add_argument("--only", choices=("sqlite", "postgres"), help="one database only")
    parser.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    if args.worker:
        print(json.dumps(WORKERS[args.worker[0]](args.worker[1:])))
        return
    RESULTS.mkdir(parents=True, exist_ok=True)
    rows = []
    if args.only != "postgres":
        database = args.database or RESULTS / "contract_report.sqlite3"
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{database.resolve()}"}
        print(f"SQLite {database}", flush=True)
        seeded = None
        if args.database is None:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{database}{suffix}").unlink(missing_ok=True)
            seeded = _seed(env, args)
        else:
            _migrate(env)
        rows.append({**_measure_database("sqlite", env, args), "seed": seeded})
    if args.only != "sqlite":
        why = _postgres_answers(args.postgres_url)
        if why:
            print(f"PostgreSQL does not answer at {args.postgres_url} ({why}): skipping PostgreSQL", flush=True)
        else:
            name = args.postgres_db or SCRATCH_POSTGRES
            env = {**os.environ, "DATABASE_URL": f"{args.postgres_url}/{name}"}
            print(f"PostgreSQL {args.postgres_url}/{name}", flush=True)
            seeded = None
            if args.postgres_db is None:
                _postgres_recreate(args.postgres_url, name)
                seeded = _seed(env, args)
            else:
                _migrate(env)
            rows.append({**_measure_database("postgresql", env, args), "seed": seeded})
    _table(rows)
    for row in rows:
        every, duck = row["every_measure"]["seconds"], row["duckdb_three"]["seconds"]
        page = row["contract_report"]["seconds"]
        print(
            f"{row['database']}: the page at {row['contract_report']['children']:,} children {page:.2f} s "
            f"(target 2 s: {'met' if page <= 2 else 'NOT MET'}); page / DuckDB three = {page / duck:.1f}; "
            f"page / every measure = {page / every:.2f}; "
            f"every measure / DuckDB three = {every / duck:.1f}; "
            f"polars three / DuckDB three = {row['polars_three']['seconds'] / duck:.1f}; "
            f"DuckDB answers {'match' if row['all_match'] else 'DO NOT MATCH'} the library's"
        )
    if not rows:
        return
    stamp = time.strftime("%Y%m%d-%H%M")
    out = RESULTS / f"contract_report-{args.practices}p-lac{args.looked_after}-{args.year}-{stamp}.json"
    out.write_text(json.dumps({"date": date.today().isoformat(), "rows": rows}, indent=2, default=str))
    print(f"written {out.relative_to(ROOT)}")
    if not all(row["all_match"] for row in rows):
        sys.exit("!!! the DuckDB answers differ from the library's: see above")


if __name__ == "__main__":
    main()
