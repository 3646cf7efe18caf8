"""Load test: gunicorn and the job worker as production runs them, locust asking the daily page mix.

    .venv/bin/python bench/loadtest/run.py                       # make loadtest
    .venv/bin/python bench/loadtest/run.py --people 2000 --run-time 30s --runs think

1. A PostgreSQL database of its own (``casework_loadtest``, or ``--database sqlite`` for a file in
   bench/results/) is migrated and, if it holds no one yet, seeded with ``--people`` synthetic
   people in two practices and given the demo users' authenticators (``demo_logins``); a database
   already seeded is reused as it is (``--reseed`` starts again).
2. gunicorn (casework/config/gunicorn.py, debug off, plain HTTP, the demo's one-click sign-in on)
   and ``manage.py jobs_worker`` start on 127.0.0.1 at a free port; the runner waits for /readyz.
3. locust runs headless (bench/loadtest/locustfile.py), bounded by ``--run-time`` and the number of
   users (at most 60), once per run:
   * saturation: ``--saturation-users`` users with no thinking time: the most the server does;
   * think: ``--think-users`` users who think ``--think-seconds`` between pages (the issue's
     20 users, 3 s): the times a person waits.
4. Printed per run: requests, errors, p50/p95/p99 and throughput over the measured window (from
   when every user has signed in); all of it also in bench/results/loadtest-<database>.json, with
   locust's own CSV files and the server's log (JSON lines) beside it.

locust runs on the same two cores as the server and the database, so the saturation figure is
what is left to the server after the load generator's share (locust's own CPU time is printed).
"""

import argparse
import json
import os
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.error import URLError
from urllib.request import urlopen

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))  # the runner reads the seeded database through Django
RESULTS = ROOT / "bench" / "results"
LOCUSTFILE = Path(__file__).resolve().parent / "locustfile.py"
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
PG_DB = "casework_loadtest"
MAX_USERS = 60
BIN = Path(sys.executable).parent


def _manage(env, *args, quiet=True):
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL if quiet else None,
    )


def _database_url(database: str, reseed: bool) -> str:
    if database == "sqlite":
        path = RESULTS / "loadtest.sqlite3"
        if reseed:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    import psycopg

    try:
        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True, connect_timeout=3) as conn:
            if reseed:
                conn.execute(f"DROP DATABASE IF EXISTS {PG_DB}")
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [PG_DB]).fetchone():
                conn.execute(f"CREATE DATABASE {PG_DB}")
    except psycopg.OperationalError:
        raise SystemExit("PostgreSQL does not answer at 127.0.0.1:5432 (or use --database sqlite)") from None
    return f"{PG_SERVER}/{PG_DB}"


def _prepare(env: dict, people: int) -> dict:
    """Migrates, seeds an empty database, and returns what the locustfile asks for."""
    _manage(env, "migrate", "--noinput", "-v0")
    os.environ.update({key: env[key] for key in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")})
    import django

    django.setup()
    from casework.people.models import Person

    seed_seconds = None
    if not Person.objects.exists():
        print(f"Seeding {people:,} people (a few minutes at 100,000) ...", flush=True)
        started = time.perf_counter()
        _manage(env, "seed", "--practices", "2", "--people", str(people), "--seed", "7")
        seed_seconds = round(time.perf_counter() - started, 1)
        _manage(env, "demo_logins")
    return {"seed_seconds": seed_seconds, **_targets()}


def _targets() -> dict:
    from django.db import connection

    from casework.accounts.models import User
    from casework.cases.models import Allocation
    from casework.core import access
    from casework.looked_after.models import LookedAfterChild
    from casework.organisations.models import Team
    from casework.people.models import Person

    practices = []
    for prefix in ("p1", "p2"):
        practitioner = User.objects.get(username=f"{prefix}.practitioner")
        team_manager = User.objects.get(username=f"{prefix}.teammanager")
        # the people a practitioner opens: mostly their own caseload, as in a working day
        own = list(
            Allocation.objects.filter(worker__user=practitioner, end_date=None)
            .order_by("pk")
            .values_list("case__person_id", flat=True)[:200]
        )
        people = list(access.scoped(practitioner, Person).order_by("pk").values_list("pk", "given_name", "family_name"))
        step = max(1, len(people) // 200)
        sample = people[::step][:200]
        looked_after = list(access.scoped(practitioner, LookedAfterChild).order_by("pk").values_list("pk", flat=True))
        managed = access.managed_team_ids(team_manager)
        team = Team.objects.filter(pk__in=managed) if managed is not None else access.scoped(team_manager, Team)
        practices.append(
            {
                "practitioner": practitioner.username,
                "team_manager": team_manager.username,
                "people": own or [pk for pk, _, _ in sample],
                "names": [[given, family] for _, given, family in sample],
                "looked_after": looked_after[:: max(1, len(looked_after) // 200)][:200],
                "team": team.order_by("pk").values_list("pk", flat=True).first(),
            }
        )
    return {
        "vendor": connection.vendor,
        "people": Person.objects.count(),
        "looked_after_children": LookedAfterChild.objects.count(),
        "practices": practices,
    }


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_ready(url: str, processes: list, seconds: int = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if any(process.poll() is not None for process in processes):
            raise SystemExit("gunicorn or the worker stopped while starting: see the server log")
        try:
            with urlopen(f"{url}/readyz", timeout=5) as answer:  # noqa: S310 (our own server on 127.0.0.1)
                if answer.status == 200:
                    return
        except (URLError, OSError):
            pass
        time.sleep(1)
    raise SystemExit(f"{url}/readyz did not answer 200 within {seconds} s")


def _cpu_seconds(pid: int) -> float:
    """User and system CPU of a process so far (Linux /proc), children not included."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _locust(env: dict, url: str, name: str, users: int, think: float, run_time: str, warm_up: float) -> dict:
    prefix = RESULTS / f"loadtest-{name}"
    summary_path = Path(f"{prefix}-summary.json")
    summary_path.unlink(missing_ok=True)
    command = [
        str(BIN / "locust"),
        "-f",
        str(LOCUSTFILE),
        "--headless",
        "--host",
        url,
        "--users",
        str(users),
        "--spawn-rate",
        str(users),
        "--run-time",
        run_time,
        "--stop-timeout",
        "10",
        "--only-summary",
        "--csv",
        str(prefix),
        "--loglevel",
        "WARNING",
    ]
    locust_env = {
        **env,
        "LOADTEST_THINK_SECONDS": str(think),
        "LOADTEST_WARM_UP": str(warm_up),
        "LOADTEST_SUMMARY": str(summary_path),
    }
    started = time.perf_counter()
    # locust's own tables (per page, per percentile) go to a file beside the CSVs, not the terminal
    locust_log = Path(f"{prefix}-locust.log").open("w")
    process = subprocess.Popen(command, env=locust_env, cwd=ROOT, stdout=locust_log, stderr=subprocess.STDOUT)
    cpu = 0.0
    try:
        while process.poll() is None:
            cpu = _cpu_seconds(process.pid)
            time.sleep(0.5)
    except FileNotFoundError:
        pass
    process.wait()
    locust_log.close()
    if not summary_path.exists():
        raise SystemExit(f"locust ({name}) wrote no summary: exit {process.returncode}")
    summary = json.loads(summary_path.read_text())
    summary.update({"run": name, "wall_seconds": round(time.perf_counter() - started, 1), "locust_cpu_seconds": cpu})
    return summary


def _print(summary: dict) -> None:
    print(
        f"{summary['run']:<11} {summary['users']:>5} {summary['think_seconds']:>7} {summary['requests']:>8} "
        f"{summary['errors']:>6} {summary['p50_ms']!s:>8} {summary['p95_ms']!s:>8} {summary['p99_ms']!s:>8} "
        f"{summary['requests_per_second']!s:>7} {summary['measured_seconds']:>8} {summary['locust_cpu_seconds']:>9.1f}"
    )
    for reason, count in summary["failures"].items():
        print(f"    {count} x {reason}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["postgresql", "sqlite"], default="postgresql")
    parser.add_argument("--people", type=int, default=100_000, help="people to seed into an empty database")
    parser.add_argument("--reseed", action="store_true", help="drop the load test's database and seed again")
    parser.add_argument("--runs", default="saturation,think", help="which runs, comma-separated")
    parser.add_argument("--saturation-users", type=int, default=40)
    parser.add_argument("--think-users", type=int, default=20)
    parser.add_argument("--think-seconds", type=float, default=3.0)
    parser.add_argument("--run-time", default="60s", help="locust's --run-time for each run (sign-ins included)")
    parser.add_argument("--warm-up", type=float, default=3.0, help="seconds after the last sign-in not counted")
    parser.add_argument("--workers", help="GUNICORN_WORKERS for this run (default: the config's)")
    parser.add_argument("--threads", help="GUNICORN_THREADS for this run (default: the config's)")
    args = parser.parse_args()
    runs = [run.strip() for run in args.runs.split(",") if run.strip()]
    if set(runs) - {"saturation", "think"}:
        parser.error("--runs takes saturation and/or think")
    if max(args.saturation_users, args.think_users) > MAX_USERS:
        parser.error(f"at most {MAX_USERS} users: the machine is shared")

    RESULTS.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "casework.config.settings",
        "DATABASE_URL": _database_url(args.database, args.reseed),
        "DJANGO_DEBUG": "false",
        "DJANGO_SECURE_COOKIES": "false",
        "CASEWORK_DEMO_SIGN_IN": "true",
    }
    for name, value in (("GUNICORN_WORKERS", args.workers), ("GUNICORN_THREADS", args.threads)):
        if value:
            env[name] = value
    prepared = _prepare(env, args.people)
    targets_path = RESULTS / "loadtest-targets.json"
    targets_path.write_text(json.dumps(prepared))
    env["LOADTEST_TARGETS"] = str(targets_path)

    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env["GUNICORN_BIND"] = f"127.0.0.1:{port}"
    log = (RESULTS / f"loadtest-{args.database}-server.log").open("w")
    web = subprocess.Popen(
        [str(BIN / "gunicorn"), "-c", "casework/config/gunicorn.py"], env=env, cwd=ROOT, stdout=log, stderr=log
    )
    worker = subprocess.Popen([sys.executable, "manage.py", "jobs_worker"], env=env, cwd=ROOT, stdout=log, stderr=log)
    summaries = []
    try:
        _wait_ready(url, [web, worker])
        from casework.config import gunicorn as config

        workers = int(env.get("GUNICORN_WORKERS", config.workers))
        threads = int(env.get("GUNICORN_THREADS", config.threads))
        print(
            f"\n{prepared['vendor']}: {prepared['people']:,} people, "
            f"{prepared['looked_after_children']:,} looked-after children; "
            f"gunicorn {workers} workers x {threads} threads at {url}; locust {args.run_time} per run"
        )
        print(
            f"{'run':<11} {'users':>5} {'think s':>7} {'requests':>8} {'errors':>6} {'p50 ms':>8} {'p95 ms':>8} "
            f"{'p99 ms':>8} {'req/s':>7} {'window s':>8} {'locust cpu s':>9}"
        )
        for run in runs:
            saturation = run == "saturation"
            users = args.saturation_users if saturation else args.think_users
            think = 0.0 if saturation else args.think_seconds
            summary = _locust(env, url, f"{args.database}-{run}", users, think, args.run_time, args.warm_up)
            summaries.append(summary)
            _print(summary)
    finally:
        for process in (web, worker):
            process.terminate()
        for process in (web, worker):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        log.close()
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    # the code measured is the work tree: say when it was not exactly the commit named
    changed = subprocess.run(["git", "status", "--porcelain", "-uno"], cwd=ROOT, capture_output=True, text=True)
    out = RESULTS / f"loadtest-{args.database}.json"
    out.write_text(
        json.dumps(
            {
                "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "commit": commit.stdout.strip(),
                "files_changed_since_commit": len(changed.stdout.splitlines()),
                "database": prepared["vendor"],
                "people": prepared["people"],
                "seed_seconds": prepared["seed_seconds"],
                "gunicorn": {"workers": workers, "threads": threads},
                "runs": summaries,
            },
            indent=2,
        )
    )
    print(f"Results in {out}")


if __name__ == "__main__":
    main()
