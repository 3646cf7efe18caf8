"""Children under a contract, built through the services as the application builds them."""

from datetime import timedelta

from casework.accounts.models import Role
from casework.cases import services as case_services
from casework.core.codes import ServiceType
from casework.looked_after.models import Episode, HealthCheck, LookedAfterChild
from tests.conftest import add_person


def children_in_care(world, year, groups, *, given="Test", family="Reported", prefix="R"):
    """Children in care all the contract year and a year before, under world.a's contract with the
    commissioner; ``groups`` is a list of (how many, age at the year's end, how many of them had a
    health assessment in the year, how many a dental check). Named ``{given} {family}{n}`` with the
    authority's child identifier ``{prefix}{n}``, n from 1."""
    manager = world.a.users[Role.TEAM_MANAGER]
    n = 0
    for size, age, assessed, dental in groups:
        for i in range(size):
            n += 1
            person, _ = add_person(
                world.a,
                world.commissioner,
                given=given,
                family=f"{family}{n}",
                dob=year.end_date.replace(year=year.end_date.year - age) - timedelta(days=30),
                service=None,
                registered_on=year.start_date - timedelta(days=400),
            )
            case_services.case_open(
                actor=manager,
                person=person,
                service_type=ServiceType.LOOKED_AFTER_CHILD,
                commissioner=world.commissioner,
                opened_on=year.start_date - timedelta(days=380),
                open_reason="Looked after",
                worker=world.a.workers[0],
            )
            child = LookedAfterChild.objects.create(
                organisation=world.a.org, person=person, commissioner=world.commissioner, child_id=f"{prefix}{n}"
            )
            Episode.objects.create(
                organisation=world.a.org,
                child=child,
                start_date=year.start_date - timedelta(days=370),
                reason_new_episode="S",
                legal_status="C2",
                category_of_need="N1",
                placement_type="U6",
                placement_provider="PR4",
                placement_postcode="LS6 2AA",
                urn="SC123456",
                home_postcode="LS2 7UE",
            )
            checks = []
            if i < assessed:  # under 5: twice in the year, as the measure asks
                checks += [("health_assessment", 100), *([("health_assessment", 250)] if age < 5 else [])]
            if i < dental:
                checks.append(("dental_check", 120))
            for kind, days in checks:
                HealthCheck.objects.create(
                    organisation=world.a.org, child=child, kind=kind, check_date=year.end_date - timedelta(days=days)
                )
