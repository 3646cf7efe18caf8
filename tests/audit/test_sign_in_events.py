import pytest

from casework.accounts.models import Role
from casework.audit.models import AuditEvent
from tests.conftest import PASSWORD


@pytest.mark.django_db
def test_sign_in_failure_and_sign_out_are_audited(world, client):
    user = world.a.users[Role.PRACTITIONER]
    client.post("/accounts/login/", {"username": user.username, "password": "wrong-password"})
    failed = AuditEvent.objects.filter(action="sign_in_failed").get()
    assert failed.object_id == str(user.pk) and failed.actor_id is None
    assert "wrong-password" not in str(failed.detail)

    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="sign_in", actor_id=user.pk).count() == 1
    client.post("/accounts/logout/")
    assert AuditEvent.objects.filter(action="sign_out", actor_id=user.pk).count() == 1


@pytest.mark.django_db
def test_bad_sign_in_shows_the_error_summary(world, client):
    response = client.post("/accounts/login/", {"username": "nobody", "password": "x"})
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
