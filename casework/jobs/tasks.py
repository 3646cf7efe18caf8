"""The one task the worker runs: a job, by id (its own record says what to do)."""

from django_tasks import task


@task()
def run_job(job_id: int) -> None:
    from casework.jobs.services import job_run

    job_run(job_id)
