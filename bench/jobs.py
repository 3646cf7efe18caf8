"""Background jobs benchmark: how long the 903 return check takes as a job at demo size, and what
the job runner adds (from queued to started: the worker's poll, claiming the task, the job's own
checks), with the same check run in-process (no queue, no worker) in the same run as the baseline.

    .venv/bin/python bench/jobs.py --people 600 --runs 3

A fresh SQLite database is seeded as `make demo` seeds it (2 practices, --people, seed 2026);
`manage.py jobs_worker` runs against it (--interval 1, as in `make demo`); each run queues one
check for practice 1's manager (the first authority, the running collection year) and waits for it.
Printed per run: queued-to-started, started-to-finished (the check itself) and the in-process check.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=600)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "jobs.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{db}"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casework.config.settings")
        manage = [sys.executable, str(ROOT / "manage.py")]
        subprocess.run([*manage, "migrate", "--noinput", "-v0"], check=True, cwd=ROOT)
        seed = ["seed", "--practices", "2", "--people", str(args.people), "--seed", "2026"]
        subprocess.run([*manage, *seed], check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
        import django

        django.setup()
        from casework.accounts.models import User
        from casework.jobs import services
        from casework.jobs.models import Job
        from casework.looked_after import codes, selectors
        from casework.looked_after.views import validate_return
        from casework.organisations import selectors as org_selectors

        manager = User.objects.get(username="p1.manager")
        commissioner = org_selectors.our_commissioners(actor=manager).first()
        year = codes.collection_year_of(date.today())
        children = selectors.practice_return_children(actor=manager, commissioner=commissioner)
        print(f"{args.people} people; {children.count()} looked-after children of practice 1 for {commissioner.name}")

        worker = subprocess.Popen(
            [*manage, "jobs_worker", "--interval", "1"], cwd=ROOT, stdout=subprocess.DEVNULL, env=os.environ
        )
        try:
            time.sleep(5)  # the worker's start-up (Django, the apps) is not a job's cost
            waits, runs, direct = [], [], []
            for _ in range(args.runs):
                job = services.job_start(
                    actor=manager, kind="903_check", parameters={"commissioner_id": commissioner.pk, "year": year}
                )
                while not Job.objects.get(pk=job.pk).is_finished:
                    time.sleep(0.05)
                job.refresh_from_db()
                assert job.status == "done", job.failure
                waits.append((job.started_at - job.created_at).total_seconds())
                runs.append((job.finished_at - job.started_at).total_seconds())
                started = time.perf_counter()
                validate_return(children, commissioner.ons_code, year)
                direct.append(time.perf_counter() - started)
            for i, (w, r, d) in enumerate(zip(waits, runs, direct, strict=True), 1):
                print(f"run {i}: queued to started {w:.2f} s, check as a job {r:.2f} s, in-process {d:.2f} s")
            print(
                f"median: queued to started {statistics.median(waits):.2f} s, "
                f"job {statistics.median(runs):.2f} s, in-process {statistics.median(direct):.2f} s "
                f"({statistics.median(runs) / statistics.median(direct):.2f}x)"
            )
        finally:
            worker.terminate()
            worker.wait(timeout=60)


if __name__ == "__main__":
    main()
