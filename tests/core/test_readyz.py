"""/readyz: 200 only when the database answers, every migration is applied and the job worker's
heartbeat is recent; otherwise 503 naming what is not ready. Open without signing in."""

import json
from datetime import timedelta
from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from casework.config import readiness


@pytest.fixture(autouse=True)
def _migrations_looked_at_afresh(monkeypatch):
    monkeypatch.setattr(readiness, "_migrations_seen_applied", False)


def _heartbeat(seconds_ago):
    when = None if seconds_ago is None else timezone.now() - timedelta(seconds=seconds_ago)
    return mock.patch.object(readiness, "last_worker_heartbeat", return_value=when)


def _readyz(client):
    response = client.get("/readyz")
    return response.status_code, json.loads(response.content)


@pytest.mark.django_db
def test_ready_when_database_migrations_and_worker_are(client):
    with _heartbeat(5):
        status, body = _readyz(client)
    assert status == 200
    assert body == {"ready": True, "checks": {"database": "ok", "migrations": "ok", "worker": "ok"}}


@pytest.mark.django_db
def test_the_real_heartbeat_selector_is_asked(client):
    """Wired to the job runner's selector, not only to the name patched above."""
    from casework.jobs import selectors

    with mock.patch.object(selectors, "last_worker_heartbeat", return_value=timezone.now()) as asked:
        status, _ = _readyz(client)
    assert asked.called and status == 200


@pytest.mark.django_db
def test_database_not_answering_is_503(client):
    with _heartbeat(5), mock.patch.object(connection, "cursor", side_effect=OperationalError("down")):
        status, body = _readyz(client)
    assert status == 503
    assert body["ready"] is False
    assert body["checks"]["database"] == "not answering"


@pytest.mark.django_db
def test_a_migration_not_applied_is_503(client):
    executor = MigrationExecutor(connection)
    app, name = sorted(executor.loader.graph.leaf_nodes())[0]
    MigrationRecorder.Migration.objects.filter(app=app, name=name).delete()  # rolled back after the test
    with _heartbeat(5):
        status, body = _readyz(client)
    assert status == 503
    assert body["checks"] == {"database": "ok", "migrations": "1 not applied (run manage.py migrate)", "worker": "ok"}


@pytest.mark.django_db
def test_a_stale_worker_heartbeat_is_503_naming_the_worker(client, settings):
    settings.CASEWORK_WORKER_HEARTBEAT_MAX_AGE_SECONDS = 60
    with _heartbeat(300):
        status, body = _readyz(client)
    assert status == 503
    assert body["checks"]["database"] == "ok" and body["checks"]["migrations"] == "ok"
    assert body["checks"]["worker"] == "last heartbeat 300 s ago (more than 60 s)"
    with _heartbeat(None):
        status, body = _readyz(client)
    assert status == 503
    assert body["checks"]["worker"].startswith("no heartbeat from the job worker")


@pytest.mark.django_db
def test_migrations_are_read_once_per_process_after_they_pass(client):
    with _heartbeat(5):
        assert _readyz(client)[0] == 200
        with mock.patch.object(readiness, "MigrationExecutor") as executor:
            assert _readyz(client)[0] == 200
    assert not executor.called


def test_readyz_is_open_to_a_signed_in_user_who_has_not_passed_mfa(client, world):
    from casework.accounts.models import Role
    from casework.accounts.testing import force_login_password_only

    force_login_password_only(client, world.a.users[Role.PRACTITIONER])
    with _heartbeat(5):
        assert client.get("/readyz").status_code == 200


@pytest.mark.django_db
def test_a_job_left_running_does_not_keep_a_silent_worker_ready(client, settings, world):
    """A worker beats during a long step too (a thread of its own), so a stale heartbeat means it is
    gone even while a job it started is still marked running: the job pages say background
    processing stopped, and /readyz agrees (it counted such a job as a busy worker before)."""
    from casework.accounts.models import Role
    from casework.jobs.models import Job

    settings.CASEWORK_WORKER_HEARTBEAT_MAX_AGE_SECONDS = 60
    user = world.a.users[Role.PRACTICE_MANAGER]
    Job.objects.create(
        requested_by=user,
        organisation=user.organisation,
        kind="return_903_check",
        status=Job.Status.RUNNING,
        started_at=timezone.now() - timedelta(seconds=90),
    )
    with _heartbeat(120):
        status, body = _readyz(client)
    assert status == 503 and body["checks"]["worker"] == "last heartbeat 120 s ago (more than 60 s)"
    with _heartbeat(5):
        assert _readyz(client)[0] == 200
