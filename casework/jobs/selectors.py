"""Reading jobs: a job is its requester's alone (``access.scoped(actor, Job)``), so anyone else,
their own practice manager included, gets 404: a job's result and file were made in the
requester's scope (restricted records they are named on, say), which is not everyone's."""

from datetime import datetime

from django.db.models import Max
from django.shortcuts import get_object_or_404

from casework.core import access
from casework.jobs.models import Job, WorkerHeartbeat


def job_get(*, actor, job_id: int) -> Job:
    return get_object_or_404(access.scoped(actor, Job).defer("file", "upload"), pk=job_id)


def job_file_get(*, actor, job_id: int) -> Job:
    return get_object_or_404(access.scoped(actor, Job).defer("upload"), pk=job_id)


def recent_jobs(*, actor, kind: str | None = None, limit: int = 10) -> list[Job]:
    rows = access.scoped(actor, Job).defer("file", "upload", "result").order_by("-created_at", "-pk")
    if kind:
        rows = rows.filter(kind=kind)
    return list(rows[:limit])


def last_worker_heartbeat() -> datetime | None:
    """When a worker last showed it was alive (its start, each idle poll, each job's steps), or None
    if no worker has ever run. /readyz calls this."""
    return WorkerHeartbeat.objects.aggregate(last=Max("seen_at"))["last"]
