"""The audit log cannot be rewritten, by the ORM or by raw SQL, on SQLite and PostgreSQL."""

import pytest
from django.db import DatabaseError, connection, transaction

from casework.accounts.models import Role
from casework.audit.models import AuditEvent


@pytest.mark.django_db
def test_audit_rows_cannot_be_updated_or_deleted(world):
    event = AuditEvent.objects.order_by("pk").first()
    original = (event.action, event.object_id)
    attempts = [
        lambda: AuditEvent.objects.filter(pk=event.pk).update(action="view"),
        lambda: AuditEvent.objects.filter(pk=event.pk).delete(),
        lambda: connection.cursor().execute("UPDATE audit_auditevent SET object_id = 'x' WHERE id = %s", [event.pk]),
        lambda: connection.cursor().execute("DELETE FROM audit_auditevent WHERE id = %s", [event.pk]),
    ]
    for attempt in attempts:
        with pytest.raises(DatabaseError), transaction.atomic():
            attempt()
    event.refresh_from_db()
    assert (event.action, event.object_id) == original
    assert AuditEvent.objects.count() > 1


@pytest.mark.django_db
def test_viewing_a_person_page_is_logged_without_personal_data(world, client):
    user, person = world.a.users[Role.PRACTITIONER], world.a.people[0]
    client.force_login(user)
    assert client.get(f"/people/{person.pk}/").status_code == 200
    view = AuditEvent.objects.filter(action="view").get()
    assert (view.actor_id, view.actor_organisation_id) == (user.pk, world.a.org.pk)
    assert (view.object_type, view.object_id) == ("people.person", str(person.pk))
    for personal in (person.given_name, person.family_name, person.nhs_number, person.postcode):
        assert personal not in str(view.detail)
    # a refused look (another practice's user) leaves no view event, only a 404
    client.force_login(world.b.users[Role.PRACTICE_MANAGER])
    assert client.get(f"/people/{person.pk}/").status_code == 404
    assert AuditEvent.objects.filter(action="view").count() == 1
