"""Outcome indicators benchmark: ``load`` and ``compute_all`` for one authority's children.

    .venv/bin/python bench/outcomes.py --people 2000 --looked-after 80000 --year 2026
    .venv/bin/python bench/outcomes.py --database bench/results/outcomes.sqlite3 --year 2026   # reuse a seed

Seeds a fresh SQLite database the way bench/returns_903.py does (``manage.py seed --practices 2
--people N --looked-after M --seed 7``, as of 1 May after the collection year), then for each local
authority and for both together, in a fresh process: reads everything with ``outcomes.data.load`` (its time and query
count), computes every indicator with ``compute_all``, then every per-child indicator's statuses
(the per-child matrix), and reports the seconds of each step and the process's peak memory.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
AUTHORITIES = ("E08000035", "E09000007")


def _measure(authority: str, year: int) -> dict:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casework.config.settings")
    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from casework.looked_after.models import LookedAfterChild
    from casework.organisations.models import Worker
    from casework.outcomes import compute, data
    from casework.outcomes.indicators import INDICATORS

    children = LookedAfterChild.objects.all()
    if authority != "all":
        children = children.filter(commissioner__ons_code=authority)
    workers = Worker.objects.filter(organisation_id__in=children.values("organisation_id"))
    start, end = date(year - 1, 4, 1), date(year, 3, 31)
    began = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        loaded = data.load(children, period_start=start, period_end=end, workers=workers)
    loaded_at = time.perf_counter()
    results = compute.compute_all(loaded)
    computed_at = time.perf_counter()
    matrix = {i: compute.per_child(loaded, i) for i, indicator in INDICATORS.items() if indicator.per_child}
    matrix_at = time.perf_counter()
    return {
        "children": loaded.children.height,
        "episodes": loaded.episodes.height,
        "visits": loaded.visits.height,
        "reviews": loaded.reviews.height,
        "queries": len(queries.captured_queries),
        "load_seconds": round(loaded_at - began, 2),
        "compute_all_seconds": round(computed_at - loaded_at, 2),
        "per_child_seconds": round(matrix_at - computed_at, 2),
        "per_child_rows": sum(len(statuses) for statuses in matrix.values()),
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "results": {
            i: [r.numerator, r.denominator, None if r.value is None else round(r.value, 1)] for i, r in results.items()
        },
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--looked-after", type=int, default=80_000, metavar="N")
    parser.add_argument("--year", type=int, default=2026, help="the collection year (2026 is April 2025 to March 2026)")
    parser.add_argument("--database", type=Path, help="an already seeded SQLite file to measure instead of seeding")
    parser.add_argument("--measure", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    if args.measure:
        authority, year = args.measure
        print(json.dumps(_measure(authority, int(year))))
        return
    RESULTS.mkdir(parents=True, exist_ok=True)
    database = args.database or RESULTS / "outcomes.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}"}
    manage = [sys.executable, str(ROOT / "manage.py")]
    if args.database is None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)
        subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, cwd=ROOT)
        seed = [*manage, "seed", "--practices", "2", "--people", str(args.people), "--seed", "7"]
        seed += ["--as-of", date(args.year, 5, 1).isoformat(), "--looked-after", str(args.looked_after)]
        started = time.perf_counter()
        subprocess.run(seed, env=env, check=True, cwd=ROOT, capture_output=True)
        print(
            f"seeded {args.people:,} people and about {args.looked_after:,} looked-after children "
            f"in {time.perf_counter() - started:.0f} s"
        )
    rows = []
    for authority in (*AUTHORITIES, "all"):
        done = subprocess.run(
            [sys.executable, __file__, "--measure", authority, str(args.year)],
            env=env,
            check=True,
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        row = {"authority": authority, **json.loads(done.stdout.strip().splitlines()[-1])}
        rows.append(row)
        print(
            f"{authority} {args.year}: {row['children']:,} children, {row['episodes']:,} episodes, "
            f"{row['visits']:,} visits | load {row['load_seconds']} s ({row['queries']} queries) | "
            f"compute_all {row['compute_all_seconds']} s | per-child matrix {row['per_child_seconds']} s "
            f"({row['per_child_rows']:,} statuses) | peak {row['peak_mb']} MB"
        )
    out = RESULTS / f"outcomes-{args.people}-lac{args.looked_after}-{args.year}.json"
    out.write_text(json.dumps(rows, indent=2))
    print(f"written {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
