"""A job the worker runs for someone, and the worker's heartbeat.

The task library's own row (``django_tasks_db.DBTaskResult``) says only whether a task ran; a
``Job`` carries what the page shows while it runs (the step in words, a percentage), whose it is
(the requester and their organisation: the job is scoped to the requester), and what it left (a
result as JSON, a file to download, or a plain-English failure). Parameters are ids and codes,
never personal data: the people a job touches are read again through the requester's scope.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Job(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="jobs")
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="jobs")
    kind = models.CharField(max_length=40)
    parameters = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    step = models.CharField(max_length=200, blank=True)
    percent = models.PositiveSmallIntegerField(default=0)
    result = models.JSONField(null=True, blank=True)
    failure = models.CharField(max_length=500, blank=True)
    # what was uploaded for the job to read (the 903 import's files): gone once the job has run
    upload = models.BinaryField(null=True, blank=True)
    # what the job made to download: never served as a static file, deleted after JOB_FILE_HOURS
    file = models.BinaryField(null=True, blank=True)
    file_name = models.CharField(max_length=200, blank=True)
    file_content_type = models.CharField(max_length=100, blank=True)
    file_expires_at = models.DateTimeField(null=True, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["requested_by", "-created_at"], name="job_requester_recent")]
        constraints = [models.CheckConstraint(condition=Q(percent__lte=100), name="job_percent_at_most_100")]

    def __str__(self):
        return f"Job {self.pk} ({self.kind}, {self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def has_file(self) -> bool:
        return bool(self.file_name) and self.file_expires_at is not None and self.file_expires_at > timezone.now()


class WorkerHeartbeat(models.Model):
    """One row per worker process, touched when it starts, every few seconds while idle, and at each
    job's start, step and end, so /readyz can tell a worker is alive (``selectors.last_worker_heartbeat``)."""

    worker_id = models.CharField(max_length=100, unique=True)
    started_at = models.DateTimeField(default=timezone.now)
    seen_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return self.worker_id


class HousekeepingRun(models.Model):
    """When each of the worker's calendar tasks (``housekeeping.py``) last ran: locked while one runs,
    so it runs once a day however many workers there are."""

    name = models.CharField(max_length=60, unique=True)
    last_run_on = models.DateField(null=True, blank=True)

    def __str__(self):
        return self.name
