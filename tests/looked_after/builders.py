"""Looked-after children for tests, built through the services."""

from datetime import date

from casework.accounts.models import Role
from casework.looked_after import services


def child_in_care(world, start: date, child_id: str = "T0001", person=None):
    """Amara (world.a.people[0], born 1 June 2015, a girl with an open looked-after case), or another
    ``person`` of practice A, looked after by the world's commissioner from ``start``: C1, in foster
    care (U6) with her own authority."""
    manager = world.a.users[Role.TEAM_MANAGER]
    record = services.looked_after_child_create(
        actor=manager, person=person or world.a.people[0], commissioner=world.commissioner, child_id=child_id
    )
    start_care(manager, record, start, is_mother=False)
    return record


def start_care(manager, child, day: date, **extra):
    """A period of care from ``day``: C1, in foster care (U6) with the child's own authority."""
    return services.care_start(
        actor=manager,
        child=child,
        start_date=day,
        legal_status="C1",
        category_of_need="N1",
        placement_type="U6",
        placement_provider="PR1",
        placement_postcode="LS6 2AA",
        urn="SC123456",
        home_postcode="LS2 7UE",
        **extra,
    )
