"""The child's outcome statuses are stored under a digest of what they come from (contracts/child_facts.py):
a second look at an unchanged child works nothing out again, from any server process; any change to
what they come from, whoever makes it, is on the next look; and what the page shows is what the
contract report's rules decide, for every seeded child."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import models, transaction

from casework.accounts.models import Role
from casework.contracts import child_facts, reporting
from casework.contracts.models import AGE_BAND_LIMITS, ChildOutcomeStatuses, ContractMeasure, ContractYear
from casework.looked_after import services
from casework.looked_after.models import Episode, LookedAfterChild
from casework.organisations.models import Organisation
from casework.outcomes import compute, data
from casework.people.models import Person
from casework.synthetic.generate import seed
from tests.conftest import TODAY
from tests.looked_after.test_child_page import START, _measures, _outcome, _page, child  # noqa: F401


def test_every_table_the_statuses_are_worked_out_from_is_in_the_digest():
    digested = {model for model, _ in child_facts.DIGESTED}
    read_by_indicators = {v for v in vars(data).values() if isinstance(v, type) and issubclass(v, models.Model)}
    assert read_by_indicators and read_by_indicators <= digested
    # and what data.load reads through the child: the record, the person's date of birth, the
    # authority's code, the cases the allocations belong to
    assert {LookedAfterChild, Person, Organisation} <= digested


@pytest.fixture
def counted(monkeypatch):
    worked_out = []
    per_child = compute.per_child

    def counting(loaded, indicator_id):
        worked_out.append(indicator_id)
        return per_child(loaded, indicator_id)

    monkeypatch.setattr(compute, "per_child", counting)
    return worked_out


@pytest.mark.django_db
def test_a_second_look_works_nothing_out_and_a_change_is_seen_at_once(world, client, child, counted):  # noqa: F811
    _measures(world, "missing_children")
    first = _outcome(_page(client, world, child), "Children who went missing")
    assert "Not missing this year" in first and counted == ["missing_children"]
    assert ChildOutcomeStatuses.objects.filter(child=child).exists()  # stored: every server process reads them
    again = _outcome(_page(client, world, child), "Children who went missing")
    assert again == first and counted == ["missing_children"]  # kept: nothing worked out again

    day = max(TODAY - timedelta(days=20), START + timedelta(days=1))
    services.missing_record(
        actor=world.a.users[Role.PRACTITIONER],
        child=child,
        kind="M",
        start_date=day,
        end_date=day + timedelta(days=1),
        return_interview_offered=True,
        return_interview_accepted=True,
    )
    changed = _outcome(_page(client, world, child), "Children who went missing")
    assert "Went missing once" in changed and "govuk-tag--red" in changed
    assert counted == ["missing_children", "missing_children"]


@pytest.mark.django_db
def test_a_change_made_without_any_service_a_new_measure_and_a_new_day_are_seen(world, client, child, counted):  # noqa: F811
    _measures(world, "placement_stability_3plus")
    assert "1 placement this year" in _outcome(_page(client, world, child), "Three or more placements in the year")
    # two more placements written straight to the table (as an administrator's correction might be)
    episode = Episode.objects.get(child=child)
    first = max(episode.start_date, reporting.child_year_and_measures(child, TODAY)[0].start_date)
    for n, placement in enumerate(("U4", "U3"), start=1):
        day = first + timedelta(days=n)
        Episode.objects.filter(child=child, end_date__isnull=True).update(end_date=day, reason_ceased="X1")
        Episode.objects.create(
            organisation_id=child.organisation_id,
            child=child,
            case_id=episode.case_id,
            start_date=day,
            reason_new_episode="P",
            legal_status=episode.legal_status,
            category_of_need=episode.category_of_need,
            placement_type=placement,
        )
    page = _page(client, world, child)
    assert "3 placements this year" in _outcome(page, "Three or more placements in the year")
    # a measure added to the year: shown at once
    _measures(world, "missing_children")
    assert "Not missing this year" in _outcome(_page(client, world, child), "Children who went missing")
    # another day: worked out again (what is not yet due depends on the day)
    before = len(counted)
    fresh = LookedAfterChild.objects.select_related("person").get(pk=child.pk)
    child_facts.child_outcome_facts(fresh, TODAY + timedelta(days=1))
    assert len(counted) > before


def _statuses(record, on):
    fresh = LookedAfterChild.objects.select_related("person").get(pk=record.pk)
    year, outcomes = child_facts.child_outcome_facts(fresh, on)
    return year, [(o.indicator.title, o.status) for o in outcomes]


@pytest.mark.django_db
def test_every_seeded_childs_year_measures_and_statuses_are_the_contract_reports(db):
    with transaction.atomic():
        seed(practices=1, people=300, seed=7, as_of=TODAY)
        # measures of one age group each, as a commissioner may set them beside the all-ages ones
        ContractMeasure.objects.bulk_create(
            ContractMeasure(contract_year=year, indicator=indicator, age_band=band, target=Decimal("10"))
            for year in ContractYear.objects.all()
            for indicator in ("placement_stability_3plus", "missing_children", "health_assessment")
            for band in AGE_BAND_LIMITS
        )
        children = list(LookedAfterChild.objects.select_related("person").order_by("pk"))
        banded = 0
        for one in children:
            for day in (TODAY, TODAY - timedelta(days=200), TODAY - timedelta(days=400)):
                found = child_facts.year_and_measures(one, day)
                assert found == reporting.child_year_and_measures(one, day), (one.pk, day)
                banded += sum(1 for m in found[1] if m.age_band)
        assert banded >= 10
        compared = 0
        for one in children:
            year, expected = reporting.child_outcomes(one, TODAY)
            expected = [(indicator.title, status) for indicator, status in expected]
            assert _statuses(one, TODAY) == (year, expected), one.pk  # worked out and stored
            assert _statuses(one, TODAY) == (year, expected), one.pk  # read from the stored row
            if year is not None:
                assert ChildOutcomeStatuses.objects.filter(child=one).exists()
                compared += 1
        assert compared >= 10
        # and as the contract's own matrix of children and measures has them
        year = next(y for c in children if (y := reporting.child_year_and_measures(c, TODAY)[0]) is not None)
        titles, rows = reporting.outcome_matrix(contract=year.contract, year=year)
        for row in rows:
            child_year, shown = _statuses(row.child, TODAY)
            if child_year != year:
                continue
            in_matrix = dict(zip((t.title for t in titles), row.statuses, strict=True))
            for title, status in shown:
                assert in_matrix[title] == status, (row.child.pk, title)
        transaction.set_rollback(True)
