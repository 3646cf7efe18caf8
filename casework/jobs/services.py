"""Every write to a job: start (audited, queued in the same transaction), progress, the file, the
run itself (in the worker), and clearing files past their time."""

import logging
import threading
import traceback
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from casework.audit.services import audit_record
from casework.core import access
from casework.jobs import kinds
from casework.jobs.models import Job, WorkerHeartbeat

logger = logging.getLogger("casework.jobs")

GENERAL_FAILURE = (
    "Something went wrong while this ran, and nothing was changed. "
    "Try again; if it fails again, tell your system administrator."
)
NO_LONGER_PERMITTED = (
    "You no longer have permission to do this, so it was not done. Ask your practice manager if you need to."
)

# the worker process sets this, so a job's steps also show the worker is alive
WORKER_ID: list[str] = []
# set while a ``Beating`` thread keeps the heartbeat
BEATING: list[bool] = []


def job_start(*, actor, kind: str, parameters: dict, upload: bytes | None = None) -> Job:
    """Queue a job for the actor (who must have the kind's capabilities now as well as when it runs).

    The job, its audit entry and the task library's row are written in one transaction, so the
    worker never sees a task without its job, nor a job that was never queued."""
    from casework.jobs.tasks import run_job

    found = kinds.get(kind)
    for capability in found.capabilities:
        access.require(actor, capability)
    with transaction.atomic():
        job = Job.objects.create(
            requested_by=actor,
            organisation_id=actor.organisation_id,
            kind=kind,
            parameters=parameters,
            upload=upload,
            step="Waiting to start",
        )
        audit_record(actor=actor, action="create", obj=job, kind=kind, **_audit_detail(parameters))
        job.task_id = str(run_job.enqueue(job.pk).id)
        job.save(update_fields=["task_id"])
    return job


def _audit_detail(parameters: dict) -> dict:
    # parameters are ids and codes already; only scalar ones go into the audit detail
    return {k: v for k, v in parameters.items() if isinstance(v, int | str | bool)}


def job_progress(job: Job, *, step: str, percent: int) -> None:
    """Say how far the job has got: its own short write, seen by the page at once (the job's work
    is not inside one transaction, so this is committed as it is written)."""
    percent = max(0, min(100, int(percent)))
    Job.objects.filter(pk=job.pk).update(step=step[:200], percent=percent)
    job.step, job.percent = step, percent
    worker_beat()


def job_attach(job: Job, *, data: bytes, name: str, content_type: str) -> None:
    expires = timezone.now() + timedelta(hours=settings.CASEWORK_JOB_FILE_HOURS)
    Job.objects.filter(pk=job.pk).update(
        file=data, file_name=name, file_content_type=content_type, file_expires_at=expires
    )
    # a new file supersedes the requester's earlier ones of the same kind
    Job.objects.filter(requested_by_id=job.requested_by_id, kind=job.kind, file__isnull=False).exclude(
        pk=job.pk
    ).update(file=None, file_expires_at=None)


def job_run(job_id: int) -> None:
    """Run one queued job (called by the task the worker runs): claim it, check the requester may
    still do this, run its kind as the requester, and record the result or the failure."""
    claimed = Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
        status=Job.Status.RUNNING, started_at=timezone.now(), step="Starting", percent=0
    )
    if not claimed:
        return  # run already, or never queued: nothing to do twice
    job = Job.objects.select_related("requested_by").get(pk=job_id)
    worker_beat()
    actor = job.requested_by
    try:
        found = kinds.get(job.kind)
        if actor.organisation_id != job.organisation_id:
            raise PermissionDenied("organisation changed")
        for capability in found.capabilities:
            access.require(actor, capability)
        result = found.run(kinds.Context(job=job, actor=actor))
    except PermissionDenied:
        _finish(job, status=Job.Status.FAILED, failure=NO_LONGER_PERMITTED)
    except kinds.JobFailed as failed:
        _finish(job, status=Job.Status.FAILED, failure=str(failed)[:500])
    except Exception as error:
        # where it failed (file, line, function) without the exception's message or the source
        # lines: a message may quote the data it choked on
        logger.error(
            "Job %s (%s) failed with %s at %s",
            job.pk,
            job.kind,
            type(error).__name__,
            _where(error),
        )
        _finish(job, status=Job.Status.FAILED, failure=GENERAL_FAILURE)
    else:
        _finish(job, status=Job.Status.DONE, result=result, step="Done", percent=100)
    worker_beat()


def _where(error: BaseException) -> str:
    frames = traceback.extract_tb(error.__traceback__)
    return " < ".join(f"{f.filename}:{f.lineno} {f.name}" for f in reversed(frames))


def _finish(job: Job, *, status: str, failure: str = "", result=None, **progress) -> None:
    Job.objects.filter(pk=job.pk).update(
        status=status, failure=failure, result=result, finished_at=timezone.now(), upload=None, **progress
    )


WORKER_STOPPED = "Background processing stopped before this finished, so it did not finish. Start it again."


def abandoned_after() -> timedelta:
    """A worker that has shown no sign of life for this long has stopped (killed, or its machine
    gone): it beats every ``BEAT_SECONDS`` while it runs, during a long step too (``Beating``), so
    this is /readyz's limit, ``CASEWORK_WORKER_HEARTBEAT_MAX_AGE_SECONDS`` (a minute)."""
    return timedelta(seconds=settings.CASEWORK_WORKER_HEARTBEAT_MAX_AGE_SECONDS)


def jobs_fail_abandoned(*, now=None) -> int:
    """Fail the running jobs whose worker has stopped (no heartbeat for ``abandoned_after()``), so
    their pages stop waiting and say to start again. Each worker calls this when it starts and
    between passes."""
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    running = dict(Job.objects.filter(status=Job.Status.RUNNING).values_list("pk", "task_id"))
    if not running:
        return 0
    claimed_by = {
        str(task_id): worker_ids[-1] if worker_ids else ""
        for task_id, worker_ids in DBTaskResult.objects.filter(id__in=running.values()).values_list("id", "worker_ids")
    }
    alive = set(WorkerHeartbeat.objects.filter(seen_at__gt=now - abandoned_after()).values_list("worker_id", flat=True))
    abandoned = [pk for pk, task_id in running.items() if claimed_by.get(task_id, "") not in alive]
    return Job.objects.filter(pk__in=abandoned, status=Job.Status.RUNNING).update(
        status=Job.Status.FAILED, failure=WORKER_STOPPED, finished_at=now, upload=None
    )


def jobs_clear_expired_files(*, now=None) -> int:
    """Delete the files (and any upload left) of jobs past their time; the job's record stays."""
    now = now or timezone.now()
    return Job.objects.filter(file_expires_at__lte=now).update(file=None, file_expires_at=None, upload=None)


# how often a worker's heartbeat is touched while it runs (well inside ``abandoned_after()``)
BEAT_SECONDS = 10


def worker_beat(*, beating: bool = False) -> None:
    """Touch this worker's heartbeat. While ``Beating`` does it, a job's own steps leave it alone:
    a step inside a transaction would otherwise hold the heartbeat's row until it commits."""
    if not WORKER_ID or (BEATING and not beating):
        return
    now = timezone.now()
    updated = WorkerHeartbeat.objects.filter(worker_id=WORKER_ID[0]).update(seen_at=now)
    if not updated:
        WorkerHeartbeat.objects.create(worker_id=WORKER_ID[0], started_at=now, seen_at=now)


class Beating(threading.Thread):
    """Touches the worker's heartbeat every ``every`` seconds until stopped, whatever the worker's
    own thread is doing: a job's step (the DfE validator on a large return) may run for many minutes
    without a word, and a worker that is busy must not look like one that was killed."""

    def __init__(self, *, every: float = BEAT_SECONDS, beat=None):
        super().__init__(name="heartbeat", daemon=True)
        self.every = every
        self.beat = beat or (lambda: worker_beat(beating=True))
        self.stopping = threading.Event()

    def run(self):
        from django.db import DatabaseError, connection

        try:
            while not self.stopping.wait(self.every):
                try:
                    self.beat()
                except DatabaseError:
                    logger.warning("The worker's heartbeat could not be written; trying again")
        finally:
            connection.close()

    def __enter__(self):
        BEATING[:] = [True]
        self.start()
        return self

    def __exit__(self, *exc):
        self.stopping.set()
        self.join()
        BEATING.clear()
