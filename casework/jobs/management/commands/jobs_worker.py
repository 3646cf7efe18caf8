"""The worker: runs queued jobs, and keeps a heartbeat row so /readyz can tell it is alive.

It is django-tasks-db's own worker (``Worker`` from its ``db_worker`` command, which claims each
task in a locked transaction so two workers never run one job), run in batch mode in a loop: each
pass runs every job ready, then the heartbeat is touched and expired files cleared, then it waits
``--interval`` seconds. Ctrl-C (or SIGTERM) lets a running job finish, then stops; a second one
stops at once. While it runs (not ``--batch``), a second thread touches the heartbeat every 10
seconds, during a long step too (``services.Beating``), so a heartbeat older than a minute
(``CASEWORK_WORKER_HEARTBEAT_MAX_AGE_SECONDS``) means the worker was killed: a job it left running
is failed, with a message to start it again, by the next worker to start or to finish a pass
(``services.jobs_fail_abandoned``), and its page says so meanwhile. Once a day it
also runs the product's calendar tasks (``housekeeping.py``: stored due dates, audit
partitions). Run this command, not
the library's ``db_worker``: only this one keeps a heartbeat.

    python manage.py jobs_worker             # in production, as its own process
    python manage.py jobs_worker --batch     # run what is queued, then exit
"""

import contextlib
import os
import socket
import time
from datetime import datetime, timedelta

from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker

from casework.jobs import housekeeping, services


def _next_look(outcome) -> datetime:
    if outcome.failed:
        return timezone.now() + timedelta(minutes=10)
    tomorrow = timezone.localdate() + timedelta(days=1)
    return timezone.make_aware(datetime.combine(tomorrow, datetime.min.time()))


class Command(BaseCommand):
    help = "Run background jobs (the 903 check, import and download, reports) as they are queued"

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds to wait when nothing is queued")
        parser.add_argument("--batch", action="store_true", help="Run every job queued now, then exit")

    def handle(self, *, interval: float, batch: bool, **options):
        worker_id = f"{socket.gethostname()}:{os.getpid()}"[:64]
        services.WORKER_ID[:] = [worker_id]
        worker = Worker(
            queue_names=["default"],
            interval=interval,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=worker_id,
            excluded_queue_names=[],
        )
        worker.configure_signals()
        self.stdout.write(f"Jobs worker {worker_id} started")
        look_again_at = timezone.now()  # the calendar tasks: at start, then daily (or soon after a failure)
        # the heartbeat kept by a second thread while it runs; a batch run beats at each job's steps
        beating = contextlib.nullcontext() if batch else services.Beating()
        try:
            with beating:
                while worker.running:
                    close_old_connections()
                    services.worker_beat(beating=True)
                    services.jobs_clear_expired_files()
                    services.jobs_fail_abandoned()
                    if timezone.now() >= look_again_at:
                        look_again_at = _next_look(housekeeping.run_due())
                    worker.run()  # every job ready now, then back here
                    if batch:
                        break
                    time.sleep(interval)
        finally:
            worker.reset_signals()
            services.WORKER_ID.clear()
