"""The audit log partitioned by month against the same log in one plain table (PostgreSQL).

    .venv/bin/python bench/audit_partitions.py                       # 500,000 entries over 24 months
    .venv/bin/python bench/audit_partitions.py --entries 100000

Scratch database casework_bench_partitions on postgres://postgres@127.0.0.1:5432 (dropped and
made again). Migrate (the log is partitioned by migration audit 0008), fill the log with
``--entries`` view entries spread evenly over the 24 months before today (one INSERT ... SELECT;
the hashes are not chained: nothing here verifies), VACUUM ANALYZE. Then, on the partitioned log,
and again after ``migrate audit 0007`` has turned it back into one table (timed, as is
``migrate audit`` turning it into partitions again at the end):

* ``append``: ``--appends`` calls of ``audit_record``, each in its own transaction (lock the
  head, insert, move the head): median and p95 microseconds;
* ``org month``: an organisation's entries of one month, newest 25 (the audit log page with its
  date filters; the partitioned log reads that month only);
* ``person``: the newest 25 entries about one person (who viewed; no time filter, so every
  month's index is probed);
* ``by id``: one entry by id (``audit_anchor``; every month's index is probed);

each query ``--repeats`` times, median ms. Prints a table; no personal data (ids only).
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
SERVER = "postgres://postgres@127.0.0.1:5432"
DB = "casework_bench_partitions"


def run(*args, env=None):
    subprocess.run(args, check=True, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)


def setup_django():
    os.environ["DATABASE_URL"] = f"{SERVER}/{DB}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casework.config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def fill(entries: int):
    from datetime import timedelta

    from django.db import connection
    from django.utils import timezone

    from casework.audit import partitions

    with connection.cursor() as cursor:
        # the migration made this month's partition and those ahead; the past months' here
        partitions.ensure(cursor, timezone.now().date() - timedelta(days=731), timezone.now().date())
        cursor.execute(
            """INSERT INTO audit_auditevent (occurred_at, actor_id, actor_organisation_id, action, object_type,
                   object_id, person_id, detail, previous_hash, entry_hash)
               SELECT now() - interval '730 days' * (1 - g::float / %s), 1000 + g %% 500, 10 + g %% 20, 'view',
                   'people.person', (g %% 100000)::text, g %% 100000, '{"page": "person_detail"}'::jsonb,
                   md5(g::text) || md5((g + 1)::text), md5((g + 2)::text) || md5((g + 3)::text)
               FROM generate_series(1, %s) g""",
            [entries, entries],
        )
        cursor.execute(
            "UPDATE audit_auditchainhead SET last_event_id = (SELECT max(id) FROM audit_auditevent), "
            "entry_hash = (SELECT entry_hash FROM audit_auditevent ORDER BY id DESC LIMIT 1)"
        )
    connection.close()
    vacuum()


def vacuum():
    from django.db import connection

    connection.close()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE audit_auditevent")
        # VACUUM on a partitioned parent reaches its partitions; ANALYZE of the parent too
    connection.close()


def measure(label: str, appends: int, repeats: int) -> dict:
    from datetime import timedelta

    from django.db import connection, transaction
    from django.utils import timezone

    from casework.audit.models import AuditEvent
    from casework.audit.services import audit_record

    times = []
    for _ in range(appends):
        start = time.perf_counter()
        with transaction.atomic():
            audit_record(actor=None, action="view", object_type="people.person", object_id=4242, person_id=4242)
        times.append((time.perf_counter() - start) * 1e6)
    times.sort()
    result = {
        "log": label,
        "append median µs": round(statistics.median(times)),
        "append p95 µs": round(times[int(len(times) * 0.95) - 1]),
    }
    some_month = timezone.now() - timedelta(days=200)
    last_id = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
    queries = {
        "org month ms": lambda: list(
            AuditEvent.objects.filter(
                actor_organisation_id=17, occurred_at__gte=some_month, occurred_at__lt=some_month + timedelta(days=30)
            ).order_by("-occurred_at", "-id")[:25]
        ),
        "person ms": lambda: list(AuditEvent.objects.filter(person_id=4321).order_by("-occurred_at", "-id")[:25]),
        "by id ms": lambda: AuditEvent.objects.filter(pk=last_id // 2).values_list("entry_hash", flat=True).first(),
    }
    for name, query in queries.items():
        query()  # warm
        spent = []
        for _ in range(repeats):
            start = time.perf_counter()
            query()
            spent.append((time.perf_counter() - start) * 1000)
        result[name] = round(statistics.median(spent), 2)
    connection.close()
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=500_000)
    parser.add_argument("--appends", type=int, default=500)
    parser.add_argument("--repeats", type=int, default=30)
    options = parser.parse_args()

    run("psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", f"DROP DATABASE IF EXISTS {DB}")
    run("psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", f"CREATE DATABASE {DB}")
    env = {**os.environ, "DATABASE_URL": f"{SERVER}/{DB}"}
    run(PYTHON, "manage.py", "migrate", "-v0", env=env)
    setup_django()
    started = time.perf_counter()
    fill(options.entries)
    print(f"filled {options.entries:,} entries in {time.perf_counter() - started:.1f} s", flush=True)

    rows = [measure("partitioned by month", options.appends, options.repeats)]
    started = time.perf_counter()
    run(PYTHON, "manage.py", "migrate", "audit", "0007", "-v0", env=env)
    unpartition = time.perf_counter() - started
    vacuum()
    rows.append(measure("one plain table", options.appends, options.repeats))
    started = time.perf_counter()
    run(PYTHON, "manage.py", "migrate", "audit", "-v0", env=env)
    partition = time.perf_counter() - started

    columns = list(rows[0])
    print("| " + " | ".join(columns) + " |")
    print("|" + "---|" * len(columns))
    for row in rows:
        print("| " + " | ".join(str(row[c]) for c in columns) + " |")
    print(f"migrate audit 0007 (partitions to one table): {unpartition:.1f} s; migrate audit (to partitions): "
          f"{partition:.1f} s, at {options.entries + 2 * options.appends:,} entries")
    run("psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", f"DROP DATABASE {DB}")


if __name__ == "__main__":
    main()
