"""The job pages: one job (progress while it runs, its result or failure after), its file, and the
requester's recent jobs. Each opens the job through ``selectors`` (the requester's alone: 404)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse

from casework.audit.services import audit_record
from casework.core import access, downloads
from casework.core.views import paginate
from casework.jobs import describing, kinds, selectors
from casework.jobs.models import Job

REFRESH_SECONDS = 2


def _start_again(kind: kinds.Kind) -> str:
    try:
        return reverse(kind.start_again) if kind.start_again else ""
    except NoReverseMatch:
        return ""


def _may(user, kind: kinds.Kind) -> bool:
    """A result is shown, and a file given, only while the requester may still do what made it."""
    return all(access.can(user, capability) for capability in kind.capabilities)


def job_detail(request, job_id: int):
    job = selectors.job_get(actor=request.user, job_id=job_id)
    kind = kinds.get(job.kind)
    if job.status == Job.Status.DONE and kind.done_url and _may(request.user, kind) and (address := kind.done_url(job)):
        if message := (kind.done_message(job) if callable(kind.done_message) else kind.done_message):
            messages.success(request, message)
        return redirect(address)
    context = {"job": job, "kind": kind, "start_again": _start_again(kind), "refresh": REFRESH_SECONDS}
    context["may_see_result"] = _may(request.user, kind)
    # a started job whose background processing has stopped will not finish: no progress shown as if it would
    context["stopped_under_it"] = (
        job.status == Job.Status.RUNNING
        and job.started_at is not None
        and not selectors.background_processing_running()
    )
    if job.status == Job.Status.DONE and kind.result_link and context["may_see_result"]:
        context["result_link"] = kind.result_link(job)
    if job.status == Job.Status.DONE and kind.result_context and context["may_see_result"]:
        # what a result names is read again now, in the viewer's scope as it is today
        context.update(kind.result_context(job, request.user))
    return render(request, "jobs/job.html", context)


def job_file(request, job_id: int):
    """The file a job made, to its requester only, while it is kept (audited as the export it is)."""
    job = selectors.job_file_get(actor=request.user, job_id=job_id)
    if not _may(request.user, kinds.get(job.kind)):
        raise PermissionDenied("no longer permitted")
    if job.status != Job.Status.DONE or not job.has_file:
        return render(request, "jobs/no_file.html", {"job": job, "kind": kinds.get(job.kind)})
    export = (job.result or {}).get("export", {})
    with transaction.atomic():
        audit_record(
            actor=request.user,
            action="export",
            object_type=export.get("object_type", "jobs.job"),
            object_id=export.get("object_id", job.pk),
            job=job.pk,
            **export.get("detail", {}),
        )
    response = HttpResponse(bytes(job.file), content_type=job.file_content_type)
    return downloads.attachment(response, job.file_name)


JOBS_PER_PAGE = 25


def job_list(request):
    page = paginate(request, selectors.requested_jobs(actor=request.user), JOBS_PER_PAGE)
    jobs = list(page.object_list)
    about = describing.describe(jobs)
    rows = [(job, kinds.KINDS.get(job.kind), about.get(job.pk, "")) for job in jobs]
    waiting = any(not job.is_finished for job in jobs)
    return render(request, "jobs/job_list.html", {"jobs": rows, "page": page, "waiting": waiting})
