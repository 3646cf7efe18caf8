"""What the page benchmarks share: a database of each kind seeded with N synthetic people (made
fresh, or reused when it is there with the same number of people: seeding 100,000 takes minutes),
and the measuring done in a second process that runs against it and prints its figures as JSON.

Used by bench/foundation.py, bench/person_search.py and bench/daily_pages.py.
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
AS_OF = "2026-11-01"


def manage(env: dict, *args: str) -> None:
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args], env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL
    )


def _people_in(env: dict) -> int:
    code = "from casework.people.models import Person; print(Person.objects.count())"
    command = [sys.executable, str(ROOT / "manage.py"), "shell", "-c", code]
    out = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
    try:
        return int(out.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return 0


def vacuum(url: str) -> None:
    """What autovacuum does to a database in use: statistics, and the visibility map an index-only
    scan needs (a bulk load or a migration's UPDATE leaves every page to be checked in the table)."""
    import psycopg

    with psycopg.connect(url.replace("postgres://", "postgresql://"), autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


def prepare(database: str, people: int, *, name: str, reuse: bool, env: dict | None = None) -> dict | None:
    """A migrated database of ``database`` ("sqlite" or "postgresql") called ``name`` holding
    ``people`` seeded people: reused when ``reuse`` and it already holds that many, else made
    afresh. Returns {"env": the environment pointing at it, "seed_seconds": None when reused}, or
    None when PostgreSQL does not answer."""
    env = {**os.environ, "DJANGO_SECURE_COOKIES": "false", **(env or {})}
    if database == "sqlite":
        path = RESULTS / f"{name}.sqlite3"
        env["DATABASE_URL"] = f"sqlite:///{path}"
        fresh = not (reuse and path.exists() and _people_in(env) == people)
        if fresh:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
    else:
        import psycopg

        env["DATABASE_URL"] = f"{PG_SERVER}/{name}"
        try:
            with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True, connect_timeout=3) as conn:
                exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
                fresh = not (reuse and exists and _people_in(env) == people)
                if fresh:
                    conn.execute(f"DROP DATABASE IF EXISTS {name}")
                    conn.execute(f"CREATE DATABASE {name}")
        except psycopg.OperationalError:
            print("PostgreSQL does not answer at 127.0.0.1:5432: skipping it")
            return None
    manage(env, "migrate", "--noinput", "-v0")  # a reused database gets the migrations added since
    seed_seconds = None
    if fresh:
        started = time.perf_counter()
        manage(env, "seed", "--practices", "2", "--people", str(people), "--seed", "7", "--as-of", AS_OF)
        seed_seconds = round(time.perf_counter() - started, 1)
    if database != "sqlite":
        vacuum(env["DATABASE_URL"])
    return {"env": env, "seed_seconds": seed_seconds}


def measure(script: str, env: dict, *args: str) -> dict:
    """Run ``script --worker args`` against the prepared database; its last line of output is JSON."""
    out = subprocess.run(
        [sys.executable, script, "--worker", *args], env=env, cwd=ROOT, check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])
