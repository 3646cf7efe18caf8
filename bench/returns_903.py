"""SSDA903 benchmark: export time and peak memory next to the DfE validator's, on the same files.

    .venv/bin/python bench/returns_903.py --people 20000 --year 2026
    .venv/bin/python bench/returns_903.py --people 2000 --looked-after 80000 --year 2026

Seeds a fresh SQLite database, then for each local authority: builds and writes the return in a
fresh process (its time, queries and peak memory), and runs the DfE validator on those files (its
time, and its peak memory as the operating system reports it for that one process, from wait4).
The ratio export / validator is measured in the same run.

Without --looked-after the seed is the usual mix of people, as of 1 May 2027 (every supported
year complete). With --looked-after N the seed adds children looked after in the year until about
N are (across both authorities), as of 1 May after the year ends, so that --year is the last
complete collection year, the one the seed fills.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
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
        # the header also lists care leavers not looked after in the year (OC3 only)
        "looked_after": len({row["CHILD"] for row in result.tables["Episodes"]}),
    }


def _run_measured(args: list[str], **popen) -> tuple[float, float, str]:
    """Run one process to the end: (seconds, its own peak RSS in MB, its standard output).

    The peak is that process's, from wait4: RUSAGE_CHILDREN would report the largest child so far
    (the seed's, a much bigger process than any validator run)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        process = subprocess.Popen(args, stdout=out, stderr=err, text=True, **popen)  # noqa: S603
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if process.returncode != 0:
            raise RuntimeError(f"{args[:3]} stopped ({process.returncode}): {err.read()[-2000:]}")
        return seconds, usage.ru_maxrss / 1024, out.read()


def _validator_run(folder: Path, year: int, authority: str) -> dict:
    validator = ROOT / ".venv-903" / "bin" / "python"
    runner = ROOT / "casework" / "looked_after" / "dfe" / "runner.py"
    with tempfile.TemporaryDirectory() as scratch:
        seconds, peak_mb, stdout = _run_measured(
            [str(validator), str(runner), str(folder), str(year), authority], cwd=scratch
        )
    report = json.loads(stdout.strip().splitlines()[-1])
    by_code: dict[str, int] = {}
    for error in report["errors"]:
        by_code[error["code"]] = by_code.get(error["code"], 0) + 1
    return {
        "seconds": round(seconds, 3),
        "peak_mb": round(peak_mb, 1),
        "errors": len(report["errors"]),
        "errors_by_code": dict(sorted(by_code.items(), key=lambda kv: -kv[1])),
        "error_children": sorted({e["child"] for e in report["errors"]}),
        "rules_ran": report["ran"],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--year", type=int, default=2026)
    parser.add_argument(
        "--looked-after",
        type=int,
        default=None,
        metavar="N",
        help="seed about N children looked after in --year (both authorities together); see above",
    )
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
    as_of = date(2027, 5, 1) if args.looked_after is None else date(args.year, 5, 1)
    seed = [*manage, "seed", "--practices", "2", "--people", str(args.people), "--seed", "7"]
    seed += ["--as-of", as_of.isoformat()]
    if args.looked_after is not None:
        seed += ["--looked-after", str(args.looked_after)]
    seed_seconds, seed_peak, seed_out = _run_measured(seed, env=env, cwd=ROOT)
    extra = "" if args.looked_after is None else f" and about {args.looked_after:,} looked-after children"
    print(f"seeded {args.people:,} people{extra} as of {as_of} in {seed_seconds:.1f} s, peak {seed_peak:.0f} MB")
    print("  " + " ".join(seed_out.split()))
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
            "year": args.year,
            "children": exported["rows"]["Header"],
            "looked_after": exported["looked_after"],
            "episodes": exported["rows"]["Episodes"],
            "export": exported,
            "validator": validated,
            "ratio": round(exported["seconds"] / validated["seconds"], 3),
        }
        rows.append(row)
        print(
            f"{authority} {args.year}: {row['children']:,} children ({row['looked_after']:,} looked after), "
            f"{row['episodes']:,} episodes | export "
            f"{exported['seconds']} s, {exported['queries']} queries, peak {exported['peak_mb']} MB | validator "
            f"{validated['seconds']} s, peak {validated['peak_mb']} MB, {validated['errors']} errors "
            f"{validated['errors_by_code']} | export / validator = {row['ratio']}"
        )
    export_s = sum(r["export"]["seconds"] for r in rows)
    validator_s = sum(r["validator"]["seconds"] for r in rows)
    print(
        f"both {args.year}: {sum(r['children'] for r in rows):,} children "
        f"({sum(r['looked_after'] for r in rows):,} looked after), "
        f"{sum(r['episodes'] for r in rows):,} episodes | export {export_s:.3f} s | validator {validator_s:.3f} s, "
        f"{sum(r['validator']['errors'] for r in rows)} errors | export / validator = {export_s / validator_s:.3f}"
    )
    size = str(args.people) if args.looked_after is None else f"{args.people}-lac{args.looked_after}"
    summary = {"as_of": as_of.isoformat(), "seed_seconds": round(seed_seconds, 1), "seed_peak_mb": round(seed_peak)}
    (RESULTS / f"returns_903-{size}-{args.year}.json").write_text(json.dumps({**summary, "rows": rows}, indent=2))


if __name__ == "__main__":
    main()
