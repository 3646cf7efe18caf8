"""Running queued jobs in a test: the task library's own worker (claim, run, record), in batch mode
(every job ready, then return), in the test's process and database transaction."""

from contextlib import ExitStack, contextmanager
from unittest import mock

from django_tasks_db.management.commands import db_worker

from casework.jobs.models import Job


def run_queued_jobs() -> None:
    worker = db_worker.Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    with no_connection_closing():
        worker.run()


@contextmanager
def no_connection_closing(*modules):
    """The worker closes connections it thinks stale; inside a test's transaction that would end it."""
    with ExitStack() as stack:
        for module in (db_worker, *modules):
            stack.enter_context(mock.patch.object(module, "close_old_connections", lambda: None))
        yield


def start_and_run(client, url: str, data: dict):
    """POST the form that starts a job, run the worker, and return (job, the job's page)."""
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    job = Job.objects.latest("pk")
    assert response["Location"] == f"/jobs/{job.pk}/"
    run_queued_jobs()
    job.refresh_from_db()
    return job, client.get(response["Location"])


def post_and_run(client, url: str, data: dict):
    """POST a form; if it started a job, run the worker and follow the job's page to where it leads
    (the page itself, or the page of its result). A form refused on the spot comes back as it is."""
    response = client.post(url, data)
    if response.status_code != 302 or not response["Location"].startswith("/jobs/"):
        return response
    run_queued_jobs()
    return client.get(response["Location"], follow=True)
