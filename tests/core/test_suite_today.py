"""A suite that runs across midnight: the services' today stays the tests' ``TODAY``
(tests/conftest.py), so a date the tests build as "tomorrow" is still refused as in the future."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from casework.accounts.models import Role
from casework.people import services
from tests.conftest import TODAY


@pytest.mark.django_db
def test_the_services_today_does_not_move_on_when_the_clock_passes_midnight(world, monkeypatch):
    clock = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: clock() + timedelta(days=1))  # the clock, past midnight
    manager = world.a.users[Role.TEAM_MANAGER]
    with pytest.raises(ValidationError):
        services.person_update(actor=manager, person=world.a.people[0], date_of_birth=TODAY + timedelta(days=1))
