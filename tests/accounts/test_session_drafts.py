"""Sessions end after 30 minutes without a request; a case note posted after that is not saved and
not lost: after signing in again (password and code) the form shows it, once, and saving it then
writes it once."""

import logging
from contextlib import contextmanager
from datetime import timedelta
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from casework.accounts.middleware import SESSION_SAVED_AT
from casework.accounts.models import KeptDraft, Role
from casework.accounts.testing import totp_code
from casework.audit.models import AuditEvent
from casework.cases.models import CaseNote
from tests.conftest import PASSWORD, TODAY

FIXED = 1_900_000_000
BANNER = "We kept the note you were writing"
TEXT = "Seen at home with her foster carer; talked about the school trip and her new bike"


@contextmanager
def clock(at: float):
    with mock.patch("django_otp.plugins.otp_totp.models.time") as fake_time:
        fake_time.time.return_value = at
        yield


def note_form(summary="Home visit after school"):
    return {
        "note_type": "visit",
        "occurred_on_0": str(TODAY.day),
        "occurred_on_1": str(TODAY.month),
        "occurred_on_2": str(TODAY.year),
        "summary": summary,
        "text": TEXT,
        "csrfmiddlewaretoken": "not-kept",
        "submit": "Save note",
    }


def expire_sessions():
    """What 30 minutes without a request does: the session is no longer there."""
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))


def sign_in_again(client, user, login_url, at=FIXED):
    response = client.post(login_url, {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    verify_url = response["Location"]
    assert verify_url.startswith("/accounts/mfa/verify/")
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    with clock(at):
        response = client.post(verify_url, {"code": totp_code(device, at=at)})
    assert response.status_code == 302
    return response["Location"]


def test_sessions_end_after_30_minutes_without_a_request():
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    # the clock restarts on requests a minute apart (tests/accounts/test_session_kept_alive.py)
    assert "casework.accounts.middleware.SessionKeptAliveMiddleware" in settings.MIDDLEWARE


@pytest.mark.django_db
@pytest.mark.session_refresh
def test_every_request_restarts_the_clock(world, client):
    """Every request a minute or more after the session was last written (sooner ones write nothing:
    tests/accounts/test_session_kept_alive.py)."""
    client.force_login(world.a.users[Role.PRACTITIONER])
    session = client.session
    session[SESSION_SAVED_AT] -= 60
    session.save()
    Session.objects.update(expire_date=timezone.now() + timedelta(minutes=1))
    assert client.get("/").status_code == 200
    assert Session.objects.get().expire_date > timezone.now() + timedelta(minutes=29)


@pytest.mark.django_db
def test_a_note_posted_after_the_session_expired_is_kept_and_saved_once_after_signing_in(world, client, caplog):
    user, person = world.a.users[Role.PRACTITIONER], world.a.people[0]
    url = f"/people/{person.pk}/notes/new/"
    client.force_login(user)
    assert client.get(url).status_code == 200

    expire_sessions()
    with caplog.at_level(logging.DEBUG):
        response = client.post(url, note_form())
    assert response.status_code == 302
    login_url = response["Location"]
    assert login_url == f"/accounts/login/?next={url}"
    assert not CaseNote.objects.filter(summary="Home visit after school").exists()
    assert TEXT not in caplog.text  # never in a log

    assert sign_in_again(client, user, login_url) == url
    page = client.get(url)
    html = page.content.decode()
    assert BANNER in html and "govuk-notification-banner" in html
    assert TEXT in html and 'value="Home visit after school"' in html
    assert "govuk-error-summary" not in html
    assert 'value="not-kept"' not in html
    # Offered once: the draft has left the session.
    assert BANNER not in client.get(url).content.decode()

    response = client.post(url, note_form())
    assert response.status_code == 302
    assert CaseNote.objects.filter(summary="Home visit after school", text=TEXT).count() == 1
    for event in AuditEvent.objects.all():
        assert TEXT not in str(event.detail)


@pytest.mark.django_db
def test_a_correction_posted_after_the_session_expired_is_kept_too(world, client):
    from casework.cases import services as case_services

    user, person = world.a.users[Role.PRACTITIONER], world.a.people[0]
    note = case_services.case_note_add(
        actor=user, person=person, note_type="visit", occurred_on=TODAY, summary="Visit", text="Seen at home"
    )
    url = f"/notes/{note.pk}/edit/"
    client.force_login(user)
    page = client.get(url).content.decode()
    version = page.split('name="version" value="')[1].split('"')[0]

    expire_sessions()
    response = client.post(url, {"summary": "Visit", "text": TEXT, "version": version})
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.text == "Seen at home"

    assert sign_in_again(client, user, response["Location"]) == url
    html = client.get(url).content.decode()
    assert BANNER in html and TEXT in html
    assert client.post(url, {"summary": "Visit", "text": TEXT, "version": version}).status_code == 302
    note.refresh_from_db()
    assert note.text == TEXT


@pytest.mark.django_db
def test_a_kept_note_is_not_offered_to_someone_else_who_signs_in_on_that_browser(world, client):
    writer, colleague = world.a.users[Role.PRACTITIONER], world.a.users[Role.TEAM_MANAGER]
    person = world.a.people[0]
    url = f"/people/{person.pk}/notes/new/"
    client.force_login(writer)
    client.get(url)
    expire_sessions()
    response = client.post(url, note_form())

    TOTPDevice.objects.create(user=colleague, name="Phone", confirmed=True)
    assert sign_in_again(client, colleague, response["Location"]) == url
    html = client.get(url).content.decode()
    assert BANNER not in html and TEXT not in html
    # The draft is its writer's, not the browser's: offered to them when they are back, once.
    client.post("/accounts/logout/")
    client.force_login(writer)
    assert TEXT in client.get(url).content.decode()
    assert TEXT not in client.get(url).content.decode()


@pytest.mark.django_db
def test_only_the_case_note_pages_keep_a_post(world, client):
    user, person = world.a.users[Role.PRACTITIONER], world.a.people[0]
    client.force_login(user)
    expire_sessions()
    response = client.post(f"/people/{person.pk}/edit/", {"family_name": "Changed"})
    assert response.status_code == 302
    assert not KeptDraft.objects.exists()


LONG = "x" * 148_000  # what the outside probe posted (issue 13, finding 9)


def kept_drafts() -> list[tuple[int, str]]:
    return list(KeptDraft.objects.values_list("user_id", "path"))


@pytest.mark.django_db
def test_a_visitor_who_was_never_signed_in_cannot_fill_the_session_table(world):
    """100 signed-out POSTs of 148,000 characters to the case-note page, from a client with no
    cookies and from one with a forged writer cookie: no session row, nothing kept."""
    from django.test import Client

    url = f"/people/{world.a.people[0].pk}/notes/new/"
    before = Session.objects.count()
    for n in range(100):
        visitor = Client()
        if n % 2:
            visitor.cookies["casework_writer"] = str(world.a.users[Role.PRACTITIONER].pk)  # not signed
        response = visitor.post(url, note_form() | {"text": LONG})
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert Session.objects.count() == before
    assert kept_drafts() == []


@pytest.mark.django_db
def test_a_kept_draft_is_bounded_in_size_and_one_per_writer(world, client):
    user = world.a.users[Role.PRACTITIONER]
    first, second = (f"/people/{person.pk}/notes/new/" for person in world.a.people[:2])
    client.force_login(user)
    client.get(first)  # the writer cookie names the person signed in on this browser

    expire_sessions()
    before = Session.objects.count()
    client.post(first, note_form() | {"text": LONG})  # too long to keep: nothing kept, no new row
    assert Session.objects.count() == before and kept_drafts() == []

    client.post(first, note_form("First draft"))
    client.post(second, note_form("Second draft"))
    assert kept_drafts() == [(user.pk, second)]  # the later draft replaced the earlier
    assert sign_in_again(client, user, f"/accounts/login/?next={second}") == second
    assert 'value="Second draft"' in client.get(second).content.decode()
    assert BANNER not in client.get(first).content.decode()


@pytest.mark.django_db
def test_replaying_a_writers_cookie_keeps_one_draft_and_makes_no_session(world, client):
    """A browser that was signed in holds a genuine writer cookie for 12 hours; posting with it
    again and again, each time without a session (a new client each time), keeps one draft for
    that writer, not one per post, and no session row."""
    from django.test import Client

    user = world.a.users[Role.PRACTITIONER]
    url = f"/people/{world.a.people[0].pk}/notes/new/"
    client.force_login(user)
    client.get(url)
    cookie = client.cookies["casework_writer"].value
    before = Session.objects.count()
    for n in range(50):
        replay = Client()
        replay.cookies["casework_writer"] = cookie
        assert replay.post(url, note_form(f"Draft {n}")).status_code == 302
    assert Session.objects.count() == before
    assert kept_drafts() == [(user.pk, url)]
    assert KeptDraft.objects.get().fields["summary"] == ["Draft 49"]


@pytest.mark.django_db
def test_signing_out_deletes_the_kept_draft(world, client):
    user = world.a.users[Role.PRACTITIONER]
    url = f"/people/{world.a.people[0].pk}/notes/new/"
    client.force_login(user)
    client.get(url)
    expire_sessions()
    client.post(url, note_form())
    assert kept_drafts() == [(user.pk, url)]
    client.force_login(user)
    client.post("/accounts/logout/")
    assert kept_drafts() == []
