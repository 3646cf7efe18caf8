"""Foundation benchmark: seed N people, then time the everyday pages against a trivial view.

    .venv/bin/python bench/foundation.py --people 100000 --repeats 30 --databases sqlite,postgresql

For each database: a fresh database is migrated and seeded (timed), then a worker process signs in
as the demo users and requests each page `repeats` times, interleaved with the trivial /healthz
view so that machine noise hits page and baseline alike. Printed per page: median and p95 in ms,
SQL queries, and the ratio median(page) / median(/healthz). Results also go to
bench/results/foundation-<database>.json.
"""

import argparse
import json
import os
import statistics
import sys
import time

import seeded

ROOT = seeded.ROOT
RESULTS = seeded.RESULTS
AS_OF = seeded.AS_OF


def _worker(repeats: int) -> dict:
    """Runs inside a process whose DATABASE_URL points at the seeded database."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casework.config.settings")
    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from casework.accounts.models import User
    from casework.accounts.testing import force_login_verified
    from casework.cases.models import Allocation, Case
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
    family = child.family_name
    misspelt = family[:3] + family[4] + family[3] + family[5:] if len(family) >= 5 else family
    pages = [
        ("caseload (home)", practitioner, "/"),
        ("person search", practitioner, f"/people/?name={child.given_name}+{misspelt}"),
        ("person page", practitioner, f"/people/{child.pk}/"),
        ("practice list", manager, "/practice/list/?sort=worker&page=3"),
        ("team caseloads", manager, "/caseloads/"),
    ]
    clients = {}
    for user in (practitioner, manager):
        client = Client(HTTP_HOST="localhost")
        force_login_verified(client, user)  # signed in and past MFA, as a person would be
        clients[user.pk] = client
    baseline_client = Client(HTTP_HOST="localhost")

    def timed(client, url):
        started = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - started
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        return elapsed

    results = []
    baseline_all = []
    for name, user, url in pages:
        client = clients[user.pk]
        for _ in range(3):
            timed(client, url)
            timed(baseline_client, "/healthz")
        with CaptureQueriesContext(connection) as ctx:
            timed(client, url)
        queries = len(ctx.captured_queries)  # read now: the next request clears the log
        samples, baseline = [], []
        for _ in range(repeats):
            baseline.append(timed(baseline_client, "/healthz"))
            samples.append(timed(client, url))
        baseline_all += baseline
        median = statistics.median(samples)
        results.append(
            {
                "page": name,
                "url": url,
                "median_ms": round(median * 1000, 2),
                "p95_ms": round(sorted(samples)[int(0.95 * (len(samples) - 1))] * 1000, 2),
                "queries": queries,
                "ratio": round(median / statistics.median(baseline), 1),
            }
        )
    return {
        "vendor": connection.vendor,
        "people": Person.objects.count(),
        "cases": Case.objects.count(),
        "allocations": Allocation.objects.count(),
        "healthz_median_ms": round(statistics.median(baseline_all) * 1000, 3),
        "pages": results,
    }


def _print(database: str, prepared: dict, measured: dict) -> None:
    print(
        f"\n{database}: {measured['people']:,} people, {measured['cases']:,} cases, "
        f"{measured['allocations']:,} allocations; seeded in {prepared['seed_seconds']} s; "
        f"/healthz median {measured['healthz_median_ms']} ms"
    )
    print(f"{'page':<18}{'median ms':>11}{'p95 ms':>9}{'queries':>9}{'x /healthz':>12}")
    for row in measured["pages"]:
        print(f"{row['page']:<18}{row['median_ms']:>11}{row['p95_ms']:>9}{row['queries']:>9}{row['ratio']:>12}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    if args.worker:
        print(json.dumps(_worker(args.repeats)))
        return
    RESULTS.mkdir(parents=True, exist_ok=True)
    for database in args.databases.split(","):
        name = "bench" if database == "sqlite" else "casework_bench"
        prepared = seeded.prepare(database, args.people, name=name, reuse=False)
        if prepared is None:
            continue
        measured = seeded.measure(__file__, prepared["env"], "--repeats", str(args.repeats))
        measured["seed_seconds"] = prepared["seed_seconds"]
        (RESULTS / f"foundation-{database}-{args.people}.json").write_text(json.dumps(measured, indent=2))
        _print(database, prepared, measured)


if __name__ == "__main__":
    main()
