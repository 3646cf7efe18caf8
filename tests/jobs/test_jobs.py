"""Background jobs (casework/jobs/): run for real through django-tasks' database backend and its
worker, on whichever database the suite runs on (SQLite, and PostgreSQL with DATABASE_URL).

Success (result stored and shown, progress written as it goes), failure (an exception or a plain
refusal: a failed job with a plain message, never a 500, no personal data in the log), permission
(only the requester sees a job or its file; a requester who lost the permission before the worker
ran gets a failed job), audit (starting, taking the file), files deleted after their time."""

import io
import logging
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from casework.accounts.models import Role
from casework.audit.models import AuditEvent
from casework.jobs import kinds, selectors, services
from casework.jobs.models import Job
from tests.conftest import make_user
from tests.jobs.running import no_connection_closing, run_queued_jobs, start_and_run

SEEN: list = []  # what the test kinds saw while they ran


@kinds.register("test_steps", title="A test job in steps", capabilities=("looked_after.return_check",))
def _steps(context):
    for step, percent in (("Reading the records", 20), ("Running the rules", 70)):
        context.progress(step, percent)
        # written at once, in its own statement: what the page reads while the job runs
        SEEN.append(Job.objects.values_list("step", "percent").get(pk=context.job.pk))
    SEEN.append(("actor", context.actor.pk))
    return {"children": 3, "errors": 1}


@kinds.register("test_raises", title="A test job that breaks", capabilities=("looked_after.return_check",))
def _raises(context):
    name = " ".join(["Maya", "Hughes", "2014-03-02"])  # data, as a record would give it
    raise RuntimeError(f"could not parse {name}")


@kinds.register(
    "test_refuses",
    title="A test job that refuses",
    capabilities=("looked_after.return_check",),
    start_again="return_903_check",
)
def _refuses(context):
    raise kinds.JobFailed("The practice no longer works for this local authority.")


@kinds.register("test_file", title="A test file", capabilities=("looked_after.return_check",))
def _file(context):
    context.attach(b"CHILD\nT0001\n", name="test.csv", content_type="text/csv")
    return {"export": {"object_type": "test_export", "object_id": "E1/2026", "detail": {"rows": 1}}}


@pytest.fixture
def manager(world):
    return world.a.users[Role.PRACTICE_MANAGER]


@pytest.fixture(autouse=True)
def _fresh():
    SEEN.clear()


def test_a_job_goes_through_the_queue_and_shows_its_progress_then_its_result(world, client, manager):
    client.force_login(manager)
    job = services.job_start(actor=manager, kind="test_steps", parameters={"year": 2026})
    assert DBTaskResult.objects.get(id=job.task_id).status == "READY"
    waiting = client.get(f"/jobs/{job.pk}/").content.decode()
    assert 'http-equiv="refresh"' in waiting and "<progress" in waiting and "Waiting to start" in waiting
    audit = AuditEvent.objects.get(action="create", object_type="jobs.job", object_id=str(job.pk))
    assert audit.actor_id == manager.pk and audit.detail == {"kind": "test_steps", "year": 2026}

    run_queued_jobs()
    job.refresh_from_db()
    assert SEEN == [("Reading the records", 20), ("Running the rules", 70), ("actor", manager.pk)]
    assert (job.status, job.percent, job.result) == ("done", 100, {"children": 3, "errors": 1})
    assert job.started_at <= job.finished_at
    assert DBTaskResult.objects.get(id=job.task_id).status == "SUCCESSFUL"
    done = client.get(f"/jobs/{job.pk}/").content.decode()
    assert 'http-equiv="refresh"' not in done and "<progress" not in done
    assert f'href="/jobs/{job.pk}/"' in client.get("/jobs/").content.decode()


def test_a_job_shows_its_step_and_percentage_while_it_runs(world, client, manager):
    client.force_login(manager)
    job = services.job_start(actor=manager, kind="test_steps", parameters={})
    Job.objects.filter(pk=job.pk).update(status="running")
    services.job_progress(job, step="Running the DfE rules", percent=45)
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "Running the DfE rules" in page and 'value="45"' in page and "45% done" in page
    assert 'http-equiv="refresh"' in page


def test_a_job_that_raises_fails_with_a_plain_message_and_logs_no_personal_data(world, client, manager, caplog):
    client.force_login(manager)
    job = services.job_start(actor=manager, kind="test_raises", parameters={})
    with caplog.at_level(logging.ERROR, logger="casework.jobs"):
        run_queued_jobs()
    job.refresh_from_db()
    assert job.status == "failed" and job.failure == services.GENERAL_FAILURE
    response = client.get(f"/jobs/{job.pk}/")
    body = response.content.decode()
    assert response.status_code == 200 and "govuk-error-summary" in body and "Something went wrong" in body
    assert "Maya" not in body and "Traceback" not in body
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert f"Job {job.pk} (test_raises) failed with RuntimeError" in logged and "_raises" in logged
    assert "Maya" not in logged and "2014" not in logged
    # the library's own row records a task that ended normally: no traceback kept there either
    assert DBTaskResult.objects.get(id=job.task_id).traceback == ""


def test_a_plain_refusal_is_shown_as_it_is_with_a_way_to_try_again(world, client, manager):
    client.force_login(manager)
    job = services.job_start(actor=manager, kind="test_refuses", parameters={})
    run_queued_jobs()
    body = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "The practice no longer works for this local authority." in body
    assert 'href="/returns/903/check/">Try again' in body


def test_a_job_and_its_file_are_the_requesters_alone(world, client, manager):
    job = services.job_start(actor=manager, kind="test_file", parameters={})
    run_queued_jobs()
    others = [
        world.a.users[Role.TEAM_MANAGER],  # the same practice: a job is its requester's, not the practice's
        world.a.users[Role.AUDITOR],
        world.b.users[Role.PRACTICE_MANAGER],
        world.commissioner_users[Role.COMMISSIONER_OFFICER],
    ]
    for user in others:
        client.force_login(user)
        assert client.get(f"/jobs/{job.pk}/").status_code == 404, user.username
        assert client.get(f"/jobs/{job.pk}/file/").status_code == 404, user.username
        assert f"/jobs/{job.pk}/" not in client.get("/jobs/").content.decode()
    assert not AuditEvent.objects.filter(action="export").exists()
    client.force_login(manager)
    response = client.get(f"/jobs/{job.pk}/file/")
    assert response.status_code == 200 and response.content == b"CHILD\nT0001\n"
    assert response["Content-Disposition"].startswith('attachment; filename="test.csv"')
    export = AuditEvent.objects.get(action="export")
    assert (export.actor_id, export.object_type, export.object_id) == (manager.pk, "test_export", "E1/2026")
    assert export.detail == {"job": job.pk, "rows": 1}
    # a requester who may no longer do what made it sees neither the result nor the file
    manager.role = Role.PRACTITIONER
    manager.save()
    assert client.get(f"/jobs/{job.pk}/file/").status_code == 403
    assert 'id="job-not-permitted"' in client.get(f"/jobs/{job.pk}/").content.decode()


@pytest.mark.parametrize("change", ["deactivated", "now a practitioner", "moved to another organisation"])
def test_a_requester_who_lost_the_permission_before_the_worker_ran_gets_a_failed_job(world, client, change):
    user = make_user(world.a.org, Role.PRACTICE_MANAGER, "leaving.manager")
    job = services.job_start(actor=user, kind="test_steps", parameters={})
    if change == "deactivated":
        user.is_active = False
    elif change == "now a practitioner":
        user.role = Role.PRACTITIONER
    else:
        user.organisation = world.b.org
    user.save()
    run_queued_jobs()
    job.refresh_from_db()
    assert (job.status, job.failure) == ("failed", services.NO_LONGER_PERMITTED)
    assert SEEN == []  # the work itself never ran
    if change == "now a practitioner":
        client.force_login(user)
        assert "You no longer have permission" in client.get(f"/jobs/{job.pk}/").content.decode()


def test_starting_a_job_needs_the_permission_and_good_input(world, client):
    client.force_login(world.a.users[Role.PRACTITIONER])
    assert client.post("/returns/903/check/", {"commissioner": world.commissioner.pk, "year": 2026}).status_code == 403
    client.force_login(world.a.users[Role.PRACTICE_MANAGER])
    response = client.post("/returns/903/check/", {"commissioner": "99999", "year": "next year"})
    body = response.content.decode()
    assert response.status_code == 200 and "govuk-error-summary" in body
    assert not Job.objects.exists()


def test_a_jobs_file_is_deleted_after_its_time_or_when_a_newer_one_is_made(world, client, manager):
    client.force_login(manager)
    first = services.job_start(actor=manager, kind="test_file", parameters={})
    run_queued_jobs()
    assert client.get(f"/jobs/{first.pk}/file/").status_code == 200
    second = services.job_start(actor=manager, kind="test_file", parameters={})
    run_queued_jobs()
    assert_no_file(client, first)  # superseded
    assert Job.objects.get(pk=first.pk).file is None
    assert services.jobs_clear_expired_files(now=timezone.now() + timedelta(hours=23)) == 0
    assert client.get(f"/jobs/{second.pk}/file/").status_code == 200
    assert services.jobs_clear_expired_files(now=timezone.now() + timedelta(hours=25)) == 1
    assert_no_file(client, second)


def assert_no_file(client, job):
    response = client.get(f"/jobs/{job.pk}/file/")
    assert response.status_code == 200 and not response.has_header("Content-Disposition")
    assert "This file is no longer kept" in response.content.decode()


def test_the_worker_command_runs_what_is_queued_and_keeps_a_heartbeat(world, manager):
    from casework.jobs.management.commands import jobs_worker

    assert selectors.last_worker_heartbeat() is None
    job = services.job_start(actor=manager, kind="test_steps", parameters={})
    before = timezone.now()
    with no_connection_closing(jobs_worker):
        call_command("jobs_worker", "--batch", stdout=io.StringIO())
    assert Job.objects.get(pk=job.pk).status == "done"
    assert selectors.last_worker_heartbeat() >= before


def test_the_903_check_says_plainly_when_the_dfe_validator_cannot_run(world, client, manager, settings):
    from casework.looked_after import codes
    from tests.looked_after.builders import child_in_care

    child_in_care(world, timezone.localdate() - timedelta(days=200))
    settings.SSDA903_VALIDATOR_PYTHON = "/nowhere/python"
    client.force_login(manager)
    year = codes.collection_year_of(timezone.localdate())  # the year she is in care
    job, page = start_and_run(client, "/returns/903/check/", {"commissioner": world.commissioner.pk, "year": year})
    assert (job.status, job.failure) == (
        "failed",
        "The DfE validator could not run: The DfE validator is not installed at /nowhere/python: run `make setup`",
    )
    body = page.content.decode()
    assert page.status_code == 200 and "govuk-error-summary" in body and "The DfE validator could not run" in body


def test_a_job_left_running_by_a_worker_that_stopped_fails_within_a_minute_with_a_way_to_try_again(
    world, client, manager
):
    """A worker beats every few seconds while it runs (``services.Beating``), so a heartbeat older
    than a minute means it was killed: its job is failed (it used to wait 15 minutes)."""
    from casework.jobs.models import WorkerHeartbeat

    now = timezone.now()
    WorkerHeartbeat.objects.create(worker_id="gone:1", seen_at=now - timedelta(seconds=61))
    WorkerHeartbeat.objects.create(worker_id="busy:2", seen_at=now - timedelta(seconds=5))
    jobs = {}
    for worker_id in ("gone:1", "busy:2"):
        job = services.job_start(actor=manager, kind="test_refuses", parameters={})
        Job.objects.filter(pk=job.pk).update(status="running", started_at=now - timedelta(seconds=90))
        DBTaskResult.objects.filter(id=job.task_id).update(status="RUNNING", worker_ids=[worker_id])
        jobs[worker_id] = job
    assert services.jobs_fail_abandoned(now=now) == 1
    gone, busy = (Job.objects.get(pk=jobs[w].pk) for w in ("gone:1", "busy:2"))
    assert (gone.status, gone.failure) == ("failed", services.WORKER_STOPPED) and busy.status == "running"
    client.force_login(manager)
    page = client.get(f"/jobs/{gone.pk}/").content.decode()
    assert "Background processing stopped before this finished" in page and 'http-equiv="refresh"' not in page
    assert ">Try again</a>" in page


def test_the_heartbeat_is_kept_by_its_own_thread_while_a_step_runs(manager):
    """The worker's own thread may spend many minutes in one step; the heartbeat thread beats all the
    same, and the job's steps leave the heartbeat's row alone meanwhile (no lock held on it)."""
    import threading

    beaten = threading.Event()
    services.WORKER_ID[:] = ["beating:1"]
    try:
        with services.Beating(every=0.01, beat=beaten.set):
            assert beaten.wait(timeout=30)  # beat while this thread did nothing at all
            services.worker_beat()  # a job's step: the thread keeps the heartbeat, not the step
            assert selectors.last_worker_heartbeat() is None
        services.worker_beat()
        assert selectors.last_worker_heartbeat() is not None
    finally:
        services.WORKER_ID.clear()
