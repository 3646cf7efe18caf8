"""SSDA903 benchmark: export time and peak memory next to the DfE validator's, on the same files.

    .venv/bin/python bench/returns_903.py --people 20000 --year 2026

Seeds a fresh SQLite database (as of 1 May 2027, so every supported year is complete), then for
each local authority: builds and writes the return in a fresh process (its time, queries and peak
memory), and runs the DfE validator on those files (its time and peak memory, measured by the
operating system for the child process). The ratio export / validator is measured in the same run.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
AUTHORITIES = ("E08000035", "E09000007")


def _export_worker(authority: str, year: int, out: str) -> dict:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casework.config.settings")
    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from casework.looked_after.export import build_return
    from casework.looked_after.models import LookedAfterChild

    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        result = build_return(children=LookedAfterChild.objects.filter(commissioner__ons_code=authority), year=year)
        result.write(Path(out))
    return {
        "seconds": round(time.perf_counter() - started, 3),
        "queries": len(queries.captured_queries),
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "rows": result.counts(),
    }


def _validator_run(folder: Path, year: int, authority: str) -> dict:
    validator = ROOT / ".venv-903" / "bin" / "python"
    runner = ROOT / "casework" / "looked_after" / "dfe" / "runner.py"
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as scratch:
        done = subprocess.run(
            [str(validator), str(runner), str(folder), str(year), authority],
            cwd=scratch,
            capture_output=True,
            text=True,
            check=True,
        )
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    report = json.loads(done.stdout.strip().splitlines()[-1])
    return {
        "seconds": round(seconds, 3),
        # RUSAGE_CHILDREN keeps the largest child so far: exact when this run is the largest
        "peak_mb": round(max(peak, before) / 1024, 1),
        "errors": len(report["errors"]),
        "rules_ran": report["ran"],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--year", type=int, default=2026)
    parser.add_argument("--export-worker", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    if args.export_worker:
        authority, year, out = args.export_worker
        print(json.dumps(_export_worker(authority, int(year), out)))
        return
    RESULTS.mkdir(parents=True, exist_ok=True)
    database = RESULTS / "bench903.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}"}
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, cwd=ROOT)
    started = time.perf_counter()
    subprocess.run(
        [*manage, "seed", "--practices", "2", "--people", str(args.people), "--seed", "7", "--as-of", "2027-05-01"],
        env=env,
        check=True,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )
    print(f"seeded {args.people:,} people in {time.perf_counter() - started:.1f} s")
    rows = []
    for authority in AUTHORITIES:
        out = RESULTS / f"903-{authority}-{args.year}"
        done = subprocess.run(
            [sys.executable, __file__, "--export-worker", authority, str(args.year), str(out)],
            env=env,
            check=True,
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        exported = json.loads(done.stdout.strip().splitlines()[-1])
        validated = _validator_run(out, args.year, authority)
        row = {
            "authority": authority,
            "children": exported["rows"]["Header"],
            "episodes": exported["rows"]["Episodes"],
            "export": exported,
            "validator": validated,
            "ratio": round(exported["seconds"] / validated["seconds"], 3),
        }
        rows.append(row)
        print(
            f"{authority} {args.year}: {row['children']:,} children, {row['episodes']:,} episodes | export "
            f"{exported['seconds']} s, {exported['queries']} queries, peak {exported['peak_mb']} MB | validator "
            f"{validated['seconds']} s, peak {validated['peak_mb']} MB, {validated['errors']} errors | "
            f"export / validator = {row['ratio']}"
        )
    (RESULTS / f"returns_903-{args.people}-{args.year}.json").write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
