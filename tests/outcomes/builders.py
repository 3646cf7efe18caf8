"""Hand-built records for the indicator tests, made through the ORM as tests/looked_after/test_export.py
makes them (the services would refuse some of the edge cases on purpose: short breaks, same-day care)."""

from datetime import date, timedelta
from itertools import count

from casework.cases.models import Allocation, Case
from casework.core.codes import ServiceType
from casework.looked_after.models import (
    CareLeaverContact,
    Conviction,
    Episode,
    HealthCheck,
    LookedAfterChild,
    MissingEpisode,
    Review,
    StrengthsDifficulties,
    SubstanceMisuse,
    Visit,
)
from casework.outcomes import data
from tests.conftest import TODAY, add_person

# The DfE year 2025-26: every "at 31 March" below is 31 March 2026.
YEAR_START, YEAR_END = date(2025, 4, 1), date(2026, 3, 31)

_numbers = count(1)


class Records:
    """Records for one practice and authority of the ``world`` fixture (Leeds, E08000035)."""

    def __init__(self, world):
        self.world = world
        self.org = world.a.org
        self.commissioner = world.commissioner

    def child(self, name: str, dob: date, *, commissioner=None) -> LookedAfterChild:
        commissioner = commissioner or self.commissioner
        person, _ = add_person(
            self.world.a,
            commissioner,
            given="Test",
            family=name,
            dob=dob,
            service=None,
            registered_on=max(dob, TODAY - timedelta(days=400)),
        )
        return LookedAfterChild.objects.create(
            organisation=self.org, person=person, commissioner=commissioner, child_id=f"{name[:12]}{next(_numbers)}"
        )

    def episode(
        self,
        child,
        start: date,
        end: date | None = None,
        *,
        rne: str = "S",
        rec: str = "",
        ls: str = "C2",
        place: str = "U6",
        postcode: str = "LS1 4AP",
        home: str = "LS2 7UE",
        until_18: bool = False,
    ) -> Episode:
        if end is not None and not rec:
            rec = "X1"
        return Episode.objects.create(
            organisation=self.org,
            child=child,
            start_date=start,
            end_date=end,
            reason_new_episode=rne,
            reason_ceased=rec,
            legal_status=ls,
            category_of_need="N1",
            placement_type=place,
            placement_provider="" if place.startswith("T") else "PR1",
            placement_postcode=postcode,
            urn="SC123456",
            home_postcode=home,
            intended_until_18=until_18,
        )

    def care(self, child, *steps, end: date | None = None, rec: str = "", **common):
        """A period of care as consecutive episodes: steps are (start, rne, overrides) and each ends
        (X1) when the next starts; the last ends on ``end`` with ``rec`` (open if no end)."""
        made = []
        for i, (start, rne, overrides) in enumerate(steps):
            last = i == len(steps) - 1
            finish = end if last else steps[i + 1][0]
            made.append(
                self.episode(
                    child,
                    start,
                    finish,
                    rne=rne,
                    rec=(rec if last else "X1") if finish else "",
                    **{**common, **overrides},
                )
            )
        return made

    def reviews(self, child, *days):
        for day in days:
            Review.objects.create(organisation=self.org, child=child, review_date=day, participation="PN1")

    def visits(self, child, *days):
        for day in days:
            Visit.objects.create(organisation=self.org, child=child, visit_date=day)

    def check(self, child, kind: str, *days):
        for day in days:
            HealthCheck.objects.create(organisation=self.org, child=child, kind=kind, check_date=day)

    def sdq(self, child, day: date, score: int | None = None, reason: str = ""):
        StrengthsDifficulties.objects.create(
            organisation=self.org, child=child, assessed_on=day, score=score, reason_not_done=reason
        )

    def misuse(self, child, day: date):
        SubstanceMisuse.objects.create(organisation=self.org, child=child, identified_on=day)

    def conviction(self, child, day: date):
        Conviction.objects.create(organisation=self.org, child=child, convicted_on=day)

    def missing(self, child, start: date, end: date | None = None, kind: str = "M"):
        MissingEpisode.objects.create(organisation=self.org, child=child, kind=kind, start_date=start, end_date=end)

    def contact(self, child, age: int, in_touch: str = "YES", activity="", accommodation="", suitable=None):
        dob = child.person.date_of_birth
        CareLeaverContact.objects.create(
            organisation=self.org,
            child=child,
            birthday_age=age,
            contacted_on=dob.replace(year=dob.year + age),
            in_touch=in_touch,
            activity=activity,
            accommodation=accommodation,
            accommodation_suitable=suitable,
        )

    def case(
        self, child, *, service=ServiceType.LOOKED_AFTER_CHILD, opened=date(2020, 1, 1), closed=None, commissioner=None
    ):
        return Case.objects.create(
            organisation=self.org,
            person=child.person,
            commissioner=commissioner or child.commissioner,
            service_type=service,
            opened_on=opened,
            open_reason="Looked after",
            closed_on=closed,
            close_reason="other" if closed else "",
        )

    def allocations(self, case, *spells):
        """Spells (worker, start, end or None), in order, on ``case``."""
        for i, (worker, start, end) in enumerate(spells):
            Allocation.objects.create(
                organisation=self.org,
                case=case,
                service_type=case.service_type,
                worker=worker,
                start_date=start,
                end_date=end,
                change_reason="FCONTA" if i == 0 else "MANAGE",
            )

    def load(self, start: date = YEAR_START, end: date = YEAR_END, **kwargs) -> data.OutcomeData:
        return data.load(LookedAfterChild.objects.all(), period_start=start, period_end=end, **kwargs)
