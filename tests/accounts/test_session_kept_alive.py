"""The idle timeout with sessions written at most once a minute (accounts/middleware.py
SessionKeptAliveMiddleware): a page read within a minute of the last write writes nothing; a page
read a minute or more after it restarts the 30-minute clock."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from casework.accounts.middleware import SESSION_SAVED_AT
from casework.accounts.models import Role

pytestmark = pytest.mark.session_refresh


def session_writes(client, url="/") -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    table = Session._meta.db_table
    writes = [q["sql"] for q in ctx.captured_queries if q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT"))]
    return sum(table in sql for sql in writes)


def set_saved_at(client, seconds_ago: int) -> None:
    session = client.session
    session[SESSION_SAVED_AT] = int(timezone.now().timestamp()) - seconds_ago
    session.save()


@pytest.mark.django_db
def test_a_page_within_a_minute_of_the_last_write_writes_no_session(world, client):
    client.force_login(world.a.users[Role.PRACTITIONER])
    set_saved_at(client, 5)
    assert session_writes(client) == 0  # was 1 on every request with SESSION_SAVE_EVERY_REQUEST
    assert "sessionid" not in client.get("/").cookies  # no cookie sent again either


@pytest.mark.django_db
def test_a_page_a_minute_after_the_last_write_restarts_the_clock(world, client):
    client.force_login(world.a.users[Role.PRACTITIONER])
    set_saved_at(client, 61)
    Session.objects.update(expire_date=timezone.now() + timedelta(minutes=1))
    assert session_writes(client) == 1
    assert Session.objects.get().expire_date > timezone.now() + timedelta(minutes=29)
    assert session_writes(client) == 0  # and the next page, seconds later, writes nothing


@pytest.mark.django_db
def test_signed_out_requests_make_no_session(client):
    assert client.get("/healthz").status_code == 200
    client.get("/")  # sent to sign in
    assert Session.objects.count() == 0
