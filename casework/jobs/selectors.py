"""Reading jobs: a job is its requester's alone (``access.scoped(actor, Job)``), so anyone else,
their own practice manager included, gets 404: a job's result and file were made in the
requester's scope (restricted records they are named on, say), which is not everyone's."""

from datetime import datetime

from django.conf import settings
from django.db.models import Max
from django.shortcuts import get_object_or_404
from django.utils import timezone

from casework.core import access
from casework.jobs.models import Job, WorkerHeartbeat


def job_get(*, actor, job_id: int) -> Job:
    return get_object_or_404(access.scoped(actor, Job).defer("file", "upload"), pk=job_id)


def job_file_get(*, actor, job_id: int) -> Job:
    return get_object_or_404(access.scoped(actor, Job).defer("upload"), pk=job_id)


def recent_jobs(*, actor, kind: str | None = None, limit: int = 10) -> list[Job]:
    return list(requested_jobs(actor=actor, kind=kind)[:limit])


def requested_jobs(*, actor, kind: str | None = None):
    """The actor's jobs, newest first (a query set: /jobs/ pages it)."""
    rows = access.scoped(actor, Job).defer("file", "upload", "result").order_by("-created_at", "-pk")
    if kind:
        rows = rows.filter(kind=kind)
    return rows


def last_worker_heartbeat() -> datetime | None:
    """When a worker last showed it was alive (its start, each idle poll, each job's steps), or None
    if no worker has ever run. /readyz calls this."""
    return WorkerHeartbeat.objects.aggregate(last=Max("seen_at"))["last"]


def background_processing_running(*, now=None) -> bool:
    """Whether a worker is alive: a heartbeat within ``CASEWORK_WORKER_HEARTBEAT_MAX_AGE_SECONDS``
    (a worker beats every few seconds while it runs, during a long step too: ``services.Beating``).
    The job pages say when not: a request waiting will start when one runs again, a job that was
    running will be marked as not finished."""
    limit = settings.CASEWORK_WORKER_HEARTBEAT_MAX_AGE_SECONDS
    heartbeat = last_worker_heartbeat()
    return heartbeat is not None and ((now or timezone.now()) - heartbeat).total_seconds() <= limit
