"""The daily page mix at 100,000 people: CPU per request (app plus database) against /healthz.

    .venv/bin/python bench/daily_pages.py --people 100000 --repeats 20            # seeds, then measures
    .venv/bin/python bench/daily_pages.py --people 100000 --repeats 20 --reuse    # measures the seeded databases

For each database in turn (SQLite, then PostgreSQL): a database of ``--people`` people is migrated and
seeded (``--reuse`` keeps one seeded earlier with the same size), then a worker process requests each
page of the mix through Django's WSGI handler, as a server would (request_started and
request_finished fire, so ``CONN_MAX_AGE`` and the session middleware act as they do in
production; the test client keeps the connection open whatever the setting). Each page is asked
``repeats`` times in rounds, each round followed by as many /healthz requests: the baseline measured
in the same run.

CPU per request = the process's CPU (``time.process_time``: Python, templates, and SQLite, which
runs in-process) + on PostgreSQL the server's CPU for our connection: the backend's utime+stime from
/proc/<pid>/stat, and the CPU of backends that ended in the window (the postmaster's
cutime+cstime: a new connection per request when ``CONN_MAX_AGE`` is 0). /proc counts in clock
ticks (10 ms), so the database's share is the round's total divided by its requests. Printed per
page: the median CPU ms of the process, the database's mean, their sum, the wall median, the SQL
queries of one request, and the mix's mean CPU per request (the five pages the issue names) with
its ratio to /healthz. Results also in bench/results/daily_pages-<database>-<people>.json.
"""

import argparse
import json
import os
import statistics
import sys
import time
from io import BytesIO
from pathlib import Path

import seeded

ROOT = seeded.ROOT
RESULTS = seeded.RESULTS
# The five pages issue 14 names; the others are printed beside them, not in the mix's mean.
MIX = ("home (practitioner)", "person search", "person page", "looked-after child", "team caseloads")
TICK = os.sysconf("SC_CLK_TCK")


def _proc_ticks(pid: int, children: bool = False) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    # after the name: state is fields[0]; utime, stime, cutime, cstime are fields 14-17 of stat
    first = 13 if children else 11
    return int(fields[first]) + int(fields[first + 1])


class _DatabaseCpu:
    """The database server's CPU spent for this process's connection, in seconds."""

    def __init__(self, connection):
        self.connection = connection
        self.postgres = connection.vendor == "postgresql"
        if self.postgres:
            connection.ensure_connection()
            # the postmaster is our backend's parent (the fourth field of its stat)
            stat = Path(f"/proc/{self._backend()}/stat").read_text().rsplit(")", 1)[1].split()
            self.postmaster = int(stat[1])

    def _backend(self) -> int | None:
        if self.connection.connection is None:
            return None
        return self.connection.connection.info.backend_pid

    def read(self) -> tuple[int | None, int, int]:
        if not self.postgres:
            return None, 0, 0
        backend = self._backend()
        return backend, _proc_ticks(backend) if backend else 0, _proc_ticks(self.postmaster, children=True)

    @staticmethod
    def seconds(before, after) -> float:
        if before[0] is not None and before[0] == after[0]:
            return (after[1] - before[1]) / TICK  # one backend throughout: its own CPU only
        # a connection closed in between: its CPU is in the postmaster's children's (with any other
        # client's backend that ended meanwhile: noise, so the run keeps connections for 10 minutes)
        return (after[1] + after[2] - before[1] - before[2]) / TICK


def _worker(repeats: int, rounds: int) -> dict:
    """Runs inside a process whose DATABASE_URL points at the seeded database."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casework.config.settings")
    django.setup()
    from django.conf import settings
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection
    from django.db.models import Count
    from django.test import Client, RequestFactory
    from django.test.utils import CaptureQueriesContext

    from casework.accounts.models import User
    from casework.accounts.testing import force_login_verified
    from casework.cases.models import Allocation, Case
    from casework.core.codes import ServiceType
    from casework.looked_after.models import LookedAfterChild
    from casework.people.models import Person

    practitioner = User.objects.get(username="p1.practitioner")
    manager = User.objects.get(username="p1.manager")
    child = (
        Allocation.objects.filter(worker__user=practitioner, end_date=None)
        .select_related("case__person")
        .order_by("pk")
        .first()
        .case.person
    )
    looked_after = (
        LookedAfterChild.objects.filter(organisation_id=practitioner.organisation_id, episodes__end_date=None)
        .order_by("pk")
        .first()
    )
    busiest_team = (
        Allocation.objects.filter(
            organisation_id=manager.organisation_id, end_date=None, service_type=ServiceType.LOOKED_AFTER_CHILD
        )
        .values("worker__team_id")
        .annotate(children=Count("pk"))
        .order_by("-children")
        .first()["worker__team_id"]
    )
    family = child.family_name
    misspelt = family[:3] + family[4] + family[3] + family[5:] if len(family) >= 5 else family
    pages = [
        ("home (practitioner)", practitioner, "/"),
        ("person search", practitioner, f"/people/?name={child.given_name}+{misspelt}"),
        ("person page", practitioner, f"/people/{child.pk}/"),
        ("looked-after child", practitioner, f"/looked-after/{looked_after.pk}/"),
        ("team caseloads", manager, "/caseloads/"),
        ("home (manager)", manager, "/"),
        ("practice list", manager, "/practice/list/?sort=worker&page=3"),
        # outside the mix: the team with the most looked-after children, its page with their due work
        ("team caseload", manager, f"/teams/{busiest_team}/caseload/"),
    ]
    cookies = {}
    for user in (practitioner, manager):
        client = Client(HTTP_HOST="localhost")
        force_login_verified(client, user)  # signed in and past MFA, as a person would be
        cookies[user.pk] = "; ".join(f"{k}={v.value}" for k, v in client.cookies.items())
    connection.close()  # from here on, connections open and close as the settings say

    handler = WSGIHandler()
    factory = RequestFactory()

    def get(url: str, cookie: str | None) -> None:
        path, _, query = url.partition("?")
        environ = factory._base_environ(PATH_INFO=path, QUERY_STRING=query, REQUEST_METHOD="GET")
        environ.update({"HTTP_HOST": "localhost", "wsgi.input": BytesIO()})
        if cookie:
            environ["HTTP_COOKIE"] = cookie
        status = []
        response = handler(environ, lambda s, headers, exc_info=None: status.append(s))
        body = b"".join(response)
        response.close()  # request_finished: the connection closes or stays as CONN_MAX_AGE says
        if not status[0].startswith("200") or not body:
            raise SystemExit(f"{url} answered {status[0]}")

    database = _DatabaseCpu(connection)

    def batch(url: str, cookie: str | None, n: int) -> tuple[list[float], list[float], float]:
        """n requests: each one's process CPU and wall seconds, and the database's CPU for all n."""
        cpu, wall = [], []
        db_before = database.read()
        for _ in range(n):
            started_cpu, started = time.process_time(), time.perf_counter()
            get(url, cookie)
            wall.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
        db_after = database.read()
        return cpu, wall, _DatabaseCpu.seconds(db_before, db_after)

    per_round = max(1, repeats // rounds)
    results = []
    baseline = {"cpu": [], "wall": [], "db": 0.0, "n": 0}
    for name, user, url in pages:
        for _ in range(3):  # warm: templates compiled, the connection open, caches filled
            get(url, cookies[user.pk])
            get("/healthz", None)
        with CaptureQueriesContext(connection) as ctx:
            get(url, cookies[user.pk])
        queries = len(ctx.captured_queries)
        cpu, wall, db = [], [], 0.0
        for _ in range(rounds):
            c, w, d = batch(url, cookies[user.pk], per_round)
            cpu += c
            wall += w
            db += d
            c, w, d = batch("/healthz", None, per_round)
            baseline["cpu"] += c
            baseline["wall"] += w
            baseline["db"] += d
            baseline["n"] += per_round
        app_ms = statistics.median(cpu) * 1000
        db_ms = db / len(cpu) * 1000
        results.append(
            {
                "page": name,
                "url": url,
                "app_cpu_ms": round(app_ms, 2),
                "db_cpu_ms": round(db_ms, 2),
                "cpu_ms": round(app_ms + db_ms, 2),
                "wall_ms": round(statistics.median(wall) * 1000, 2),
                "queries": queries,
            }
        )
    healthz_cpu = statistics.median(baseline["cpu"]) * 1000 + baseline["db"] / baseline["n"] * 1000
    mix = statistics.mean(r["cpu_ms"] for r in results if r["page"] in MIX)
    return {
        "vendor": connection.vendor,
        "conn_max_age": settings.DATABASES["default"].get("CONN_MAX_AGE"),
        "people": Person.objects.count(),
        "cases": Case.objects.count(),
        "allocations": Allocation.objects.count(),
        "looked_after_children": LookedAfterChild.objects.count(),
        "healthz_cpu_ms": round(healthz_cpu, 3),
        "healthz_wall_ms": round(statistics.median(baseline["wall"]) * 1000, 3),
        "mix_cpu_ms": round(mix, 2),
        "mix_ratio": round(mix / healthz_cpu, 1),
        "pages": results,
    }


def _print(database: str, prepared: dict, measured: dict) -> None:
    seeded = "reused" if prepared["seed_seconds"] is None else f"seeded in {prepared['seed_seconds']} s"
    print(
        f"\n{database}: {measured['people']:,} people, {measured['cases']:,} cases, "
        f"{measured['allocations']:,} allocations, {measured['looked_after_children']:,} looked-after children; "
        f"{seeded}; CONN_MAX_AGE {measured['conn_max_age']}"
    )
    print(f"{'page':<22}{'app CPU':>9}{'db CPU':>8}{'CPU ms':>8}{'wall ms':>9}{'queries':>9}")
    for row in measured["pages"]:
        mark = "" if row["page"] in MIX else " (not in the mix)"
        print(
            f"{row['page']:<22}{row['app_cpu_ms']:>9}{row['db_cpu_ms']:>8}{row['cpu_ms']:>8}"
            f"{row['wall_ms']:>9}{row['queries']:>9}{mark}"
        )
    print(
        f"mix (the five pages), mean CPU per request: {measured['mix_cpu_ms']} ms; "
        f"/healthz {measured['healthz_cpu_ms']} ms CPU ({measured['healthz_wall_ms']} ms wall); "
        f"ratio {measured['mix_ratio']}"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--reuse", action="store_true", help="measure databases seeded by an earlier run")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    if args.worker:
        print(json.dumps(_worker(args.repeats, args.rounds)))
        return
    RESULTS.mkdir(parents=True, exist_ok=True)
    for database in args.databases.split(","):  # one after the other: never two heavy jobs at once
        # One connection for the run (the setting's 60 s would end it mid-run, and a backend's CPU can
        # only be read while it lives); DJANGO_CONN_MAX_AGE=0 measures a connection per request.
        env = {"DJANGO_DEBUG": "false", "DJANGO_CONN_MAX_AGE": os.environ.get("DJANGO_CONN_MAX_AGE", "600")}
        name = f"daily-{args.people}" if database == "sqlite" else f"casework_daily_{args.people}"
        prepared = seeded.prepare(database, args.people, name=name, reuse=args.reuse, env=env)
        if prepared is None:
            continue
        measured = seeded.measure(
            __file__, prepared["env"], "--repeats", str(args.repeats), "--rounds", str(args.rounds)
        )
        measured["seed_seconds"] = prepared["seed_seconds"]
        (RESULTS / f"daily_pages-{database}-{args.people}.json").write_text(json.dumps(measured, indent=2))
        _print(database, prepared, measured)


if __name__ == "__main__":
    main()
