from decimal import Decimal

import pytest

from casework.accounts.models import Role
from casework.cases import selectors
from tests.conftest import make_worker


@pytest.mark.django_db
def test_worker_without_cases_has_no_caseload(world):
    manager = world.a.users[Role.PRACTICE_MANAGER]
    idle = make_worker(None, world.a.org, world.a.team)
    row = selectors.worker_caseload(actor=manager, worker=idle)
    assert (row.figures.open_cases, row.figures.weighted, row.figures.per_fte) == (0, Decimal("0"), Decimal("0"))
    assert not row.figures.over_threshold
