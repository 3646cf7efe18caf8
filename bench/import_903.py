"""903 import benchmark: the preview (read, check, match, try in a rolled-back transaction) and the
confirmed import of an authority's files, next to the export of the same files in the same run.

    .venv/bin/python bench/import_903.py --people 2000 4000 --year 2026

For each size: a fresh SQLite database is seeded with that many people (as of 1 May after the year,
so the year is complete) and one authority's return is exported from it (`export_903`, the
baseline). A second database, seeded alike with one practice and one person, takes those
files on: `import_903 --dry-run` (the preview: every child new), `import_903` (confirmed: every
child, episode and allocation written), then the preview again (every child matched, nothing to
change). Each command runs in a fresh process; printed: children, seconds, and each ratio against
the export. Results also go to bench/results/import_903.json.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
AUTHORITY = "E08000035"
PRACTICE = "Riverside Social Work Practice CIC"  # commissioned by that authority in the seed


def _run(env, *args) -> tuple[float, str]:
    started = time.perf_counter()
    command = [sys.executable, str(ROOT / "manage.py"), *args]
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"{args[0]} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return time.perf_counter() - started, done.stdout


def _measure(people: int, year: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        source, target = ({**os.environ, "DATABASE_URL": f"sqlite:///{tmp}/{name}.sqlite3"} for name in ("a", "b"))
        seed = ("seed", "--seed", "7", "--as-of", f"{year}-05-01", "--people")
        # the taking-on practice alone in its database: the other practice's workers are unknown there
        for env, practices, size in ((source, 2, people), (target, 1, 1)):
            _run(env, "migrate", "--noinput", "-v0")
            _run(env, *seed, str(size), "--practices", str(practices))
        files = Path(tmp) / "return"
        export = ("export_903", "--commissioner", AUTHORITY, "--year", str(year), "--out", str(files))
        export_seconds, _ = _run(source, *export)
        children = sum(1 for _ in (files / "header.csv").open()) - 1
        args = ("import_903", str(files), "--commissioner", AUTHORITY, "--year", str(year), "--practice", PRACTICE)
        preview_seconds, _ = _run(target, *args, "--dry-run")
        import_seconds, _ = _run(target, *args)
        again_seconds, _ = _run(target, *args, "--dry-run")
    return {
        "people": people,
        "children": children,
        "export_s": round(export_seconds, 2),
        "preview_new_s": round(preview_seconds, 2),
        "import_new_s": round(import_seconds, 2),
        "preview_matched_s": round(again_seconds, 2),
        "preview_over_export": round(preview_seconds / export_seconds, 2),
        "import_over_export": round(import_seconds / export_seconds, 2),
        "matched_over_export": round(again_seconds / export_seconds, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, nargs="+", default=[2000, 4000])
    parser.add_argument("--year", type=int, default=2026)
    options = parser.parse_args()
    rows = []
    for people in options.people:
        row = _measure(people, options.year)
        rows.append(row)
        print(
            f"{row['people']:>7} people, {row['children']:>5} children: export {row['export_s']} s, "
            f"preview {row['preview_new_s']} s ({row['preview_over_export']}x export), "
            f"import {row['import_new_s']} s ({row['import_over_export']}x), "
            f"preview when every child matches {row['preview_matched_s']} s ({row['matched_over_export']}x)",
            flush=True,
        )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "import_903.json").write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
