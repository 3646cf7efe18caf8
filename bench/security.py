"""Security and audit benchmark: audit_verify over a large log, appends, who viewed, the API.

    .venv/bin/python bench/security.py                                    # 100,000 people, 1,000,000 entries
    .venv/bin/python bench/security.py --people 2000 --steps api          # the API at 2,000 people
    .venv/bin/python bench/security.py --database bench/results/security-100000.sqlite3 \\
        --postgres-db casework_bench_security_100000                      # reuse both seeds

For each database (SQLite file under bench/results, PostgreSQL database
casework_bench_security_<people> on postgres://postgres@127.0.0.1:5432, dropped and created; the
PostgreSQL half is skipped with a note if the server does not answer): migrate, then
``manage.py seed --practices 2 --people N --seed 1 --as-of 2026-11-01`` (timed). Then, each step in
a fresh process:

* ``append`` (before the fill, when the log is still the seed's few entries, and again after it):
  N appends through ``audit_record`` (3 queries: lock the head, insert, move the head), each in
  its own transaction, interleaved one for one with the baseline: ``create`` through the ORM of
  an unchained model of the same shape (same columns and indexes) whose table,
  ``bench_plain_event``, is a copy of the log made by the step and dropped at its end, so that
  baseline and log have the same size. Median microseconds per append.
* ``fill``: the log is filled to ``--entries`` with real, correctly chained entries: the hashes
  are computed with ``casework.audit.chain`` exactly as ``audit_record`` computes them, rows are
  inserted in id order in chunks of 50,000 (executemany on SQLite, COPY on PostgreSQL), each chunk
  in one transaction that locks the chain head and moves it to the chunk's last entry. The mix:
  views of people and cases by the practices' staff (about 65 %), sign-ins and second factors,
  case notes written and corrected, allocations, failed sign-ins, spread over the year before the
  fill in increasing time; among them ``--target-views`` views of one child of practice 1 by its
  staff (the first child on p1.practitioner's caseload, as bench/foundation.py picks). Then
  ANALYZE (PostgreSQL: VACUUM ANALYZE, as autovacuum would have done by then).
* ``verify``: ``manage.py audit_verify`` in a fresh process, ``--repeats-verify`` times (wall time,
  the process's own peak RSS from wait4, entries per second), interleaved with the baseline: a
  fresh process that reads the same rows in id order with a plain cursor, 2,000 at a time (keyset:
  ``WHERE id > last ORDER BY id LIMIT 2000``), and takes SHA-256 over each row's text, without the
  canonical JSON, the Entry objects or the chain logic. It must say "intact", which checks the
  fill's writer. A last ``audit_verify`` after every other step checks the chain again.
* ``who_viewed``: ``/people/<id>/who-viewed/`` of the child with the target views, first page and
  ``?page=150``, signed in as p1.manager (MFA-verified), ``--repeats`` times each, interleaved with
  ``/healthz``: median and p95 ms, queries, ratio.
* ``api``: a service account of practice 1 (``p1.api``, a practice manager's role, made if it is not
  there) and a token from ``manage.py api_token_create``; ``/api/people/?page_size=100``, its last
  page, ``/api/cases/?page_size=100`` and ``/api/case-notes/?page_size=100``, interleaved with
  ``/healthz``. The API's throttle is raised for the run (API_THROTTLE_RATE).

Results also go to bench/results/security-<database>-<people>-<time>.json.
"""

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from casework.audit.chain import HASHED_FIELDS  # noqa: E402 (plain Python: no Django set-up needed)

RESULTS = ROOT / "bench" / "results"
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
AS_OF = "2026-11-01"
STEPS = ("append", "fill", "verify", "who_viewed", "api")
# The audit table's columns in the order the fill writes them: the hashed fields as the chain
# defines them (one source), with the id before and the entry's own hash after.
COLUMNS = ("id", *HASHED_FIELDS, "entry_hash")
CHUNK = 50_000
API_USER = "p1.api"


# --- helpers for the workers (each runs in its own process) ----------------------------------


def _django():
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casework.config.settings")
    django.setup()


def _target_person():
    """The first child on p1.practitioner's caseload (as bench/foundation.py picks it)."""
    from casework.cases.models import Allocation

    allocation = (
        Allocation.objects.filter(worker__user__username="p1.practitioner", end_date=None)
        .select_related("case__person")
        .order_by("pk")
        .first()
    )
    return allocation.case.person


def _median_ms(samples) -> float:
    return round(statistics.median(samples) * 1000, 3)


def _p95_ms(samples) -> float:
    return round(sorted(samples)[int(0.95 * (len(samples) - 1))] * 1000, 3)


# --- fill: real, chained entries in bulk ------------------------------------------------------


def _fill_worker(entries: int, target_views: int, seed: int) -> dict:
    _django()
    from datetime import timedelta

    from django.db import connection, transaction
    from django.utils import timezone

    from casework.accounts.models import Role, User
    from casework.audit import chain
    from casework.audit.models import AuditChainHead, AuditEvent
    from casework.audit.services import HEAD_ID
    from casework.cases.models import Allocation, Case, CaseNote
    from casework.registration.models import Registration

    started = time.perf_counter()
    have = AuditEvent.objects.count()
    to_add = entries - have
    if to_add <= 0:
        return {"added": 0, "total": have, "seconds": 0.0}
    rng = random.Random(seed)
    target = _target_person()
    practice_1 = target.registrations.order_by("pk").values_list("practice_id", flat=True).first()
    staff_roles = (Role.PRACTITIONER, Role.TEAM_MANAGER, Role.PRACTICE_MANAGER)
    staff: dict[int, list[int]] = {}
    for pk, org in User.objects.filter(role__in=staff_roles).order_by("pk").values_list("pk", "organisation_id"):
        staff.setdefault(org, []).append(pk)
    people: dict[int, list[int]] = {org: [] for org in staff}
    for org, person in Registration.objects.order_by("pk").values_list("practice_id", "person_id"):
        if org in people:
            people[org].append(person)
    cases = {org: [] for org in staff}
    for org, pk, person in Case.objects.order_by("pk").values_list("organisation_id", "pk", "person_id"):
        if org in cases:
            cases[org].append((pk, person))
    notes = {org: [] for org in staff}
    for org, pk, person in CaseNote.objects.order_by("pk").values_list("organisation_id", "pk", "person_id"):
        if org in notes:
            notes[org].append((pk, person))
    allocations = {org: [] for org in staff}
    for org, pk, case, person in Allocation.objects.order_by("pk").values_list(
        "organisation_id", "pk", "case_id", "case__person_id"
    ):
        if org in allocations:
            allocations[org].append((pk, case, person))
    orgs = sorted(staff)
    org_weights = [len(staff[o]) for o in orgs]
    practice_1_staff = staff[practice_1]
    note_types = [c for c, _ in CaseNote.NoteType.choices]
    person_pages = ["person_detail"] * 8 + ["person_edit", "looked_after_child"]
    reasons = ["worker_left", "caseload", "specialism", "family_request"]

    def one_entry(org: int) -> tuple:
        """(actor_id, actor_organisation_id, action, object_type, object_id, person_id, detail)"""
        actor = rng.choice(staff[org])
        roll = rng.random()
        if roll < 0.50 and people[org]:
            person = rng.choice(people[org])
            return actor, org, "view", "people.person", str(person), person, {"page": rng.choice(person_pages)}
        if roll < 0.64 and cases[org]:
            case, person = rng.choice(cases[org])
            page = rng.choice(["case_detail", "case_detail", "case_allocate", "case_note_add"])
            return actor, org, "view", "cases.case", str(case), person, {"page": page}
        if roll < 0.65 and people[org]:
            person = rng.choice(people[org])
            return actor, org, "view_refused", "people.person", str(person), person, {"page": "person_detail"}
        if roll < 0.71:
            return actor, org, "sign_in", "accounts.user", str(actor), None, {}
        if roll < 0.77:
            return actor, org, "mfa_verified", "accounts.user", str(actor), None, {"method": "totp"}
        if roll < 0.81:
            return actor, org, "sign_out", "accounts.user", str(actor), None, {}
        if roll < 0.91 and notes[org]:
            note, person = rng.choice(notes[org])
            return actor, org, "create", "cases.casenote", str(note), person, {"note_type": rng.choice(note_types)}
        if roll < 0.94 and notes[org]:
            note, person = rng.choice(notes[org])
            return actor, org, "update", "cases.casenote", str(note), person, {"fields": ["summary", "text"]}
        if roll < 0.98 and allocations[org]:
            allocation, case, person = rng.choice(allocations[org])
            detail = {"case": case, "reason": rng.choice(reasons)}
            return actor, org, "allocate", "cases.allocation", str(allocation), person, detail
        # a refused password against one of the staff's accounts: no actor
        return None, None, "sign_in_failed", "accounts.user", str(actor), None, {}

    # the target's views at evenly spaced places among the new entries
    targets = {int(k * to_add / target_views) for k in range(target_views)} if target_views else set()
    end = timezone.now()
    start = end - timedelta(days=365)
    step_us = (end - start) / timedelta(microseconds=1) / to_add

    postgres = connection.vendor == "postgresql"
    if postgres:
        # the log is partitioned by month there (audit migration 0008): the year's months, as
        # audit_partitions would have made them month by month, not all in the default partition
        from casework.audit import partitions

        with connection.cursor() as cursor:
            partitions.ensure(cursor, start.date(), end.date())
    columns = ", ".join(COLUMNS)
    hash_seconds = insert_seconds = 0.0
    written = 0
    while written < to_add:
        count = min(CHUNK, to_add - written)
        with transaction.atomic():
            head = AuditChainHead.objects.select_for_update().get(pk=HEAD_ID)
            last = AuditEvent.objects.order_by("-pk").values_list("pk", "entry_hash").first()
            if (head.last_event_id, head.entry_hash) != (last or (None, chain.GENESIS)):
                raise SystemExit(f"the chain head {head.last_event_id} is not the last entry {last}: not filling")
            next_id = (last[0] if last else 0) + 1
            previous = head.entry_hash
            rows = []
            t0 = time.perf_counter()
            for i in range(written, written + count):
                occurred_at = start + timedelta(microseconds=int(i * step_us + rng.random() * step_us * 0.9))
                if i in targets:
                    page = rng.choice(["person_detail"] * 4 + ["case_detail"])
                    fields = (
                        rng.choice(practice_1_staff),
                        practice_1,
                        "view",
                        "people.person",
                        str(target.pk),
                        target.pk,
                        {"page": page},
                    )
                else:
                    fields = one_entry(rng.choices(orgs, org_weights)[0])
                actor_id, actor_org, action, object_type, object_id, person_id, detail = fields
                detail = chain.plain_detail(detail)
                entry_hash = chain.entry_hash(
                    occurred_at=occurred_at,
                    actor_id=actor_id,
                    actor_organisation_id=actor_org,
                    action=action,
                    object_type=object_type,
                    object_id=object_id,
                    person_id=person_id,
                    detail=detail,
                    previous_hash=previous,
                )
                stored_at = occurred_at if postgres else connection.ops.adapt_datetimefield_value(occurred_at)
                rows.append(
                    (
                        next_id + i - written,
                        stored_at,
                        actor_id,
                        actor_org,
                        action,
                        object_type,
                        object_id,
                        person_id,
                        json.dumps(detail),
                        previous,
                        entry_hash,
                    )
                )
                previous = entry_hash
            t1 = time.perf_counter()
            with connection.cursor() as cursor:
                if postgres:
                    with cursor.cursor.copy(f"COPY audit_auditevent ({columns}) FROM STDIN") as copy:
                        for row in rows:
                            copy.write_row(row)
                else:
                    marks = ", ".join(["%s"] * len(COLUMNS))
                    cursor.executemany(f"INSERT INTO audit_auditevent ({columns}) VALUES ({marks})", rows)
            head.last_event_id, head.entry_hash = rows[-1][0], previous
            head.save(update_fields=["last_event_id", "entry_hash"])
            insert_seconds += time.perf_counter() - t1
            hash_seconds += t1 - t0
        written += count
    t2 = time.perf_counter()
    with connection.cursor() as cursor:
        if postgres:
            # explicit ids: the identity sequence must follow them for the next audit_record
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('audit_auditevent', 'id'), "
                "(SELECT max(id) FROM audit_auditevent))"
            )
            cursor.execute("VACUUM ANALYZE audit_auditevent")
        else:
            cursor.execute("ANALYZE")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return {
        "added": to_add,
        "total": AuditEvent.objects.count(),
        "target_person": target.pk,
        "target_views": len(targets),
        "seconds": round(time.perf_counter() - started, 1),
        "hash_seconds": round(hash_seconds, 1),
        "insert_seconds": round(insert_seconds, 1),
        "analyze_seconds": round(time.perf_counter() - t2, 1),
    }


# --- verify's baseline: read every row and hash its text ----------------------------------------


def _read_worker() -> dict:
    _django()
    import hashlib

    from django.db import connection

    detail = "detail::text" if connection.vendor == "postgresql" else "detail"
    fields = ", ".join(c if c != "detail" else detail for c in COLUMNS)
    sql = f"SELECT {fields} FROM audit_auditevent WHERE id > %s ORDER BY id LIMIT 2000"
    started = time.perf_counter()
    rows = 0
    last = 0
    digest = hashlib.sha256()
    with connection.cursor() as cursor:
        while True:
            cursor.execute(sql, [last])
            chunk = cursor.fetchall()
            if not chunk:
                break
            for row in chunk:
                digest.update(hashlib.sha256("|".join(map(str, row)).encode()).digest())
            rows += len(chunk)
            last = chunk[-1][0]
    return {"rows": rows, "seconds": round(time.perf_counter() - started, 3), "digest": digest.hexdigest()}


# --- append: audit_record against an unchained insert of the same shape ------------------------


def _append_worker(appends: int) -> dict:
    _django()
    from django.db import connection, models, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from casework.accounts.models import User
    from casework.audit.models import AuditEvent
    from casework.audit.services import audit_record
    from casework.registration.models import Registration

    class PlainEvent(models.Model):
        """AuditEvent's columns and indexes without the chain: the baseline's table, a copy of the log."""

        occurred_at = models.DateTimeField(default=timezone.now, db_index=True)
        actor_id = models.BigIntegerField(null=True)
        actor_organisation_id = models.BigIntegerField(null=True)
        action = models.CharField(max_length=20)
        object_type = models.CharField(max_length=60)
        object_id = models.CharField(max_length=40, blank=True)
        person_id = models.BigIntegerField(null=True, blank=True)
        detail = models.JSONField(default=dict, blank=True)
        previous_hash = models.CharField(max_length=64)
        entry_hash = models.CharField(max_length=64)

        class Meta:
            app_label = "audit"
            db_table = "bench_plain_event"
            managed = False
            # the log's own indexes, whatever they are now
            indexes = [
                models.Index(fields=index.fields, name=f"bench_plain_{n}_idx")
                for n, index in enumerate(AuditEvent._meta.indexes)
            ]

    user = User.objects.get(username="p1.practitioner")
    people = list(
        Registration.objects.filter(practice_id=user.organisation_id)
        .order_by("pk")
        .values_list("person_id", flat=True)[:2000]
    )
    log_before = AuditEvent.objects.count()
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_plain_event")
    with connection.schema_editor() as editor:
        editor.create_model(PlainEvent)
    with connection.cursor() as cursor:
        columns = ", ".join(COLUMNS)
        cursor.execute(f"INSERT INTO bench_plain_event ({columns}) SELECT {columns} FROM audit_auditevent")
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('bench_plain_event', 'id'), "
                "(SELECT coalesce(max(id), 1) FROM bench_plain_event))"
            )
            cursor.execute("VACUUM ANALYZE bench_plain_event")
    copy_seconds = time.perf_counter() - started

    def chained(person):
        with transaction.atomic():
            audit_record(
                actor=user,
                action="view",
                object_type="people.person",
                object_id=person,
                person_id=person,
                page="person_detail",
            )

    def plain(person):
        with transaction.atomic():
            PlainEvent.objects.create(
                actor_id=user.pk,
                actor_organisation_id=user.organisation_id,
                action="view",
                object_type="people.person",
                object_id=str(person),
                person_id=person,
                detail={"page": "person_detail"},
                previous_hash="0" * 64,
                entry_hash="0" * 64,
            )

    def timed(fn, person):
        t0 = time.perf_counter()
        fn(person)
        return time.perf_counter() - t0

    for i in range(20):  # warm-up
        timed(chained, people[i % len(people)])
        timed(plain, people[i % len(people)])
    with CaptureQueriesContext(connection) as ctx:
        chained(people[0])
    chained_queries = [q["sql"].split()[0] for q in ctx.captured_queries]
    with CaptureQueriesContext(connection) as ctx:
        plain(people[0])
    plain_queries = [q["sql"].split()[0] for q in ctx.captured_queries]
    chain_samples, plain_samples = [], []
    for i in range(appends):
        person = people[i % len(people)]
        if i % 2:
            chain_samples.append(timed(chained, person))
            plain_samples.append(timed(plain, person))
        else:
            plain_samples.append(timed(plain, person))
            chain_samples.append(timed(chained, person))
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_plain_event")
    return {
        "log_before": log_before,
        "appends": appends,
        "copy_seconds": round(copy_seconds, 1),
        "chain_median_us": round(statistics.median(chain_samples) * 1e6),
        "chain_p95_us": round(sorted(chain_samples)[int(0.95 * (appends - 1))] * 1e6),
        "plain_median_us": round(statistics.median(plain_samples) * 1e6),
        "plain_p95_us": round(sorted(plain_samples)[int(0.95 * (appends - 1))] * 1e6),
        "chain_statements": chained_queries,
        "plain_statements": plain_queries,
        "ratio": round(statistics.median(chain_samples) / statistics.median(plain_samples), 2),
    }


# --- pages: who viewed, the API ---------------------------------------------------------------


def _time_pages(pages, repeats: int) -> dict:
    """pages: (name, client, url). Each page `repeats` times, each time after a /healthz."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    baseline_client = Client(HTTP_HOST="localhost")

    def timed(client, url):
        started = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - started
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}: {response.content[:300]!r}")
        return elapsed, response

    results, baseline_all = [], []
    for name, client, url in pages:
        for _ in range(3):
            timed(client, url)
            timed(baseline_client, "/healthz")
        with CaptureQueriesContext(connection) as ctx:
            _, response = timed(client, url)
        queries = len(ctx.captured_queries)
        rows = response.json().get("count") if response["Content-Type"].startswith("application/json") else None
        samples, baseline = [], []
        for _ in range(repeats):
            baseline.append(timed(baseline_client, "/healthz")[0])
            samples.append(timed(client, url)[0])
        baseline_all += baseline
        results.append(
            {
                "page": name,
                "url": url,
                "median_ms": _median_ms(samples),
                "p95_ms": _p95_ms(samples),
                "queries": queries,
                "count": rows,
                "ratio": round(statistics.median(samples) / statistics.median(baseline), 1),
            }
        )
    return {"healthz_median_ms": _median_ms(baseline_all), "pages": results}


def _who_viewed_worker(repeats: int) -> dict:
    _django()
    from django.test import Client

    from casework.accounts.models import User
    from casework.accounts.testing import force_login_verified
    from casework.audit import selectors
    from casework.audit.models import AuditEvent

    manager = User.objects.get(username="p1.manager")
    person = _target_person()
    client = Client(HTTP_HOST="localhost")
    force_login_verified(client, manager)  # signed in and past MFA, as a person would be
    views = selectors.record_views(actor=manager, person=person).count()
    url = f"/people/{person.pk}/who-viewed/"
    measured = _time_pages([("first page", client, url), ("page 150", client, f"{url}?page=150")], repeats)
    return {"log": AuditEvent.objects.count(), "person": person.pk, "views": views, **measured}


def _api_user_worker() -> dict:
    _django()
    import secrets

    from casework.accounts.models import Role, User
    from casework.organisations import services as org_services

    manager = User.objects.get(username="p1.manager")
    if not User.objects.filter(username=API_USER).exists():
        org_services.user_create(
            actor=None,
            username=API_USER,
            password=secrets.token_urlsafe(24),
            role=Role.PRACTICE_MANAGER,
            organisation=manager.organisation,
        )
    return {"user": API_USER}


def _api_worker(repeats: int) -> dict:
    _django()
    from django.test import Client

    from casework.cases.models import Case, CaseNote
    from casework.people.models import Person

    client = Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Bearer {os.environ['BENCH_API_TOKEN']}")
    first = client.get("/api/people/?page_size=100")
    if first.status_code != 200:
        raise SystemExit(f"/api/people/ answered {first.status_code}: {first.content[:300]!r}")
    last_page = max(1, -(-first.json()["count"] // 100))
    pages = [
        ("/api/people/ page 1", client, "/api/people/?page_size=100"),
        (f"/api/people/ page {last_page} (last)", client, f"/api/people/?page_size=100&page={last_page}"),
        ("/api/cases/ page 1", client, "/api/cases/?page_size=100"),
        ("/api/case-notes/ page 1", client, "/api/case-notes/?page_size=100"),
    ]
    measured = _time_pages(pages, repeats)
    return {
        "people": Person.objects.count(),
        "cases": Case.objects.count(),
        "case_notes": CaseNote.objects.count(),
        **measured,
    }


# --- the orchestrator --------------------------------------------------------------------------


def _run_measured(args: list[str], env: dict) -> tuple[float, float, str]:
    """Run one process to the end: (seconds, its own peak RSS in MB from wait4, its stdout)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        process = subprocess.Popen(args, stdout=out, stderr=err, text=True, env=env, cwd=ROOT)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if process.returncode != 0:
            raise RuntimeError(f"{args[1:4]} stopped ({process.returncode}): {err.read()[-3000:]}")
        return seconds, usage.ru_maxrss / 1024, out.read()


def _manage(env, *args) -> str:
    return _run_measured([sys.executable, str(ROOT / "manage.py"), *args], env)[2]


def _worker(env, *args) -> dict:
    out = _run_measured([sys.executable, __file__, "--worker", *map(str, args)], env)[2]
    return json.loads(out.strip().splitlines()[-1])


def _prepare(database: str, args) -> tuple[dict, dict] | None:
    env = {**os.environ, "DJANGO_SECURE_COOKIES": "false", "API_THROTTLE_RATE": "1000000/minute"}
    if database == "sqlite":
        reuse = args.database is not None
        path = (args.database or RESULTS / f"security-{args.people}.sqlite3").resolve()
        if not reuse:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        env["DATABASE_URL"] = f"sqlite:///{path}"
        where = str(path)
    else:
        import psycopg

        reuse = args.postgres_db is not None
        name = args.postgres_db or f"casework_bench_security_{args.people}"
        try:
            with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True, connect_timeout=3) as conn:
                if not reuse:
                    conn.execute(f"DROP DATABASE IF EXISTS {name}")
                    conn.execute(f"CREATE DATABASE {name}")
        except psycopg.OperationalError:
            print("PostgreSQL does not answer at 127.0.0.1:5432: skipping it")
            return None
        env["DATABASE_URL"] = f"{PG_SERVER}/{name}"
        where = name
    info = {"database": where, "reused": reuse}
    if not reuse:
        _manage(env, "migrate", "--noinput", "-v0")
        started = time.perf_counter()
        _manage(env, "seed", "--practices", "2", "--people", str(args.people), "--seed", "1", "--as-of", AS_OF)
        info["seed_seconds"] = round(time.perf_counter() - started, 1)
    return env, info


def _verify(env, repeats: int) -> dict:
    verify, read = [], []
    for _ in range(repeats):
        seconds, peak, out = _run_measured([sys.executable, str(ROOT / "manage.py"), "audit_verify"], env)
        if "Audit log intact" not in out:
            raise SystemExit(f"audit_verify did not say intact: {out[-500:]}")
        checked = int(out.split("intact: ")[1].split()[0])
        verify.append((seconds, peak, checked))
        seconds, peak, out = _run_measured([sys.executable, __file__, "--worker", "read"], env)
        read.append((seconds, peak, json.loads(out.strip().splitlines()[-1])["rows"]))
    verify_s = statistics.median(s for s, _, _ in verify)
    read_s = statistics.median(s for s, _, _ in read)
    return {
        "entries": verify[-1][2],
        "verify_seconds": round(verify_s, 2),
        "verify_runs": [round(s, 2) for s, _, _ in verify],
        "verify_peak_mb": round(max(p for _, p, _ in verify)),
        "verify_per_second": round(verify[-1][2] / verify_s),
        "read_rows": read[-1][2],
        "read_seconds": round(read_s, 2),
        "read_runs": [round(s, 2) for s, _, _ in read],
        "read_peak_mb": round(max(p for _, p, _ in read)),
        "read_per_second": round(read[-1][2] / read_s),
        "ratio": round(verify_s / read_s, 2),
    }


def _print(database: str, info: dict, r: dict) -> None:
    print(f"\n== {database} ({info['database']}{', reused' if info['reused'] else ''})")
    if "seed_seconds" in info:
        print(f"seeded in {info['seed_seconds']} s")
    if "fill" in r and not r["fill"]["added"]:
        print(f"fill: nothing to add, the log already has {r['fill']['total']:,} entries")
    elif "fill" in r:
        f = r["fill"]
        print(
            f"fill: {f['added']:,} entries added in {f['seconds']} s (hashing {f.get('hash_seconds')} s, "
            f"inserting {f.get('insert_seconds')} s, analyze {f.get('analyze_seconds')} s); log now {f['total']:,}"
        )
    for key in ("append_small", "append_large"):
        if key in r:
            a = r[key]
            print(
                f"append at a log of {a['log_before']:,}: audit_record median {a['chain_median_us']} µs "
                f"(p95 {a['chain_p95_us']}, {'/'.join(a['chain_statements'])}) vs ORM create "
                f"{a['plain_median_us']} µs (p95 {a['plain_p95_us']}, {'/'.join(a['plain_statements'])}): "
                f"x {a['ratio']}  [copy of the log for the baseline: {a['copy_seconds']} s]"
            )
    if "verify" in r:
        v = r["verify"]
        print(
            f"audit_verify: {v['entries']:,} entries, median {v['verify_seconds']} s {v['verify_runs']}, "
            f"{v['verify_per_second']:,}/s, peak {v['verify_peak_mb']} MB; read + SHA-256 baseline "
            f"{v['read_seconds']} s {v['read_runs']}, {v['read_per_second']:,}/s, peak {v['read_peak_mb']} MB; "
            f"x {v['ratio']}"
        )
    for key in ("who_viewed", "api"):
        if key not in r:
            continue
        m = r[key]
        if key == "who_viewed":
            print(f"who viewed: person {m['person']}, {m['views']:,} views among {m['log']:,} entries")
        else:
            print(f"API: {m['people']:,} people, {m['cases']:,} cases, {m['case_notes']:,} case notes")
        print(f"  /healthz median {m['healthz_median_ms']} ms")
        print(f"  {'page':<34}{'median ms':>11}{'p95 ms':>9}{'queries':>9}{'x /healthz':>12}{'count':>10}")
        for row in m["pages"]:
            print(
                f"  {row['page']:<34}{row['median_ms']:>11}{row['p95_ms']:>9}{row['queries']:>9}"
                f"{row['ratio']:>12}{row['count'] if row['count'] is not None else '':>10}"
            )
    if "verify_after" in r:
        v = r["verify_after"]
        print(f"audit_verify after the run: intact, {v['entries']:,} entries in {v['verify_seconds']} s")


WORKERS = {
    "fill": lambda a: _fill_worker(int(a[0]), int(a[1]), int(a[2])),
    "read": lambda a: _read_worker(),
    "append": lambda a: _append_worker(int(a[0])),
    "who_viewed": lambda a: _who_viewed_worker(int(a[0])),
    "api_user": lambda a: _api_user_worker(),
    "api": lambda a: _api_worker(int(a[0])),
}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--entries", type=int, default=1_000_000, help="fill the audit log to this many entries")
    parser.add_argument("--target-views", type=int, default=5000, help="views of the who-viewed page's person")
    parser.add_argument("--appends", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=30, help="requests per page")
    parser.add_argument("--repeats-verify", type=int, default=3, help="audit_verify processes (median)")
    parser.add_argument("--steps", default=",".join(STEPS), help=f"some of {','.join(STEPS)}")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--database", type=Path, help="an already seeded SQLite file to reuse")
    parser.add_argument("--postgres-db", metavar="NAME", help="an already seeded PostgreSQL database to reuse")
    parser.add_argument("--seed", type=int, default=1, help="random seed of the fill")
    parser.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    if args.worker:
        print(json.dumps(WORKERS[args.worker[0]](args.worker[1:])))
        return
    steps = set(args.steps.split(","))
    if steps - set(STEPS):
        parser.error(f"unknown steps: {', '.join(sorted(steps - set(STEPS)))}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    for database in args.databases.split(","):
        prepared = _prepare(database, args)
        if prepared is None:
            continue
        env, info = prepared
        r: dict = {"info": info, "args": vars(args) | {"database": str(args.database)}}
        if "append" in steps and not info["reused"]:
            r["append_small"] = _worker(env, "append", args.appends)
        if "fill" in steps:
            r["fill"] = _worker(env, "fill", args.entries, args.target_views, args.seed)
        if "verify" in steps:
            r["verify"] = _verify(env, args.repeats_verify)
        if "append" in steps:
            r["append_large"] = _worker(env, "append", args.appends)
        if "who_viewed" in steps:
            r["who_viewed"] = _worker(env, "who_viewed", args.repeats)
        if "api" in steps:
            _worker(env, "api_user")
            token = _manage(env, "api_token_create", "--user", API_USER, "--name", "bench/security.py").strip()
            r["api"] = _worker({**env, "BENCH_API_TOKEN": token}, "api", args.repeats)
        if "verify" in steps and ("append" in steps or "who_viewed" in steps):
            r["verify_after"] = _verify(env, 1)
        stamp = time.strftime("%Y%m%d-%H%M")
        (RESULTS / f"security-{database}-{args.people}-{stamp}.json").write_text(json.dumps(r, indent=2))
        _print(database, info, r)
        sys.stdout.flush()


if __name__ == "__main__":
    main()
