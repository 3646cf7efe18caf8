"""What the child's page tells a social worker at a glance: since when the child has been looked
after (the current period of care), each outcome measure as the child's own fact coloured by
whether it is good, and a child missing now."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from casework.accounts.models import Role
from casework.contracts import services as contract_services
from casework.contracts.models import ContractYear
from casework.looked_after import rules, services
from casework.looked_after.models import Episode
from tests.conftest import TODAY
from tests.looked_after.builders import child_in_care, start_care

START = TODAY - timedelta(days=200)


def _date(prefix: str, day: date) -> dict:
    return {f"{prefix}_0": str(day.day), f"{prefix}_1": str(day.month), f"{prefix}_2": str(day.year)}


@pytest.fixture
def child(world):
    return child_in_care(world, START)


def _change_placement(actor, child, day, placement="U4"):
    services.episode_change(
        actor=actor,
        child=child,
        change_date=day,
        legal_status="C1",
        placement_type=placement,
        placement_provider="PR1",
        placement_postcode="LS6 2AA",
        urn="SC654321",
        reason_place_change="CHILD",
    )


def _page(client, world, child) -> str:
    client.force_login(world.a.users[Role.PRACTITIONER])
    return client.get(reverse("looked_after_child", args=[child.pk])).content.decode()


def _summary_row(page: str, key: str) -> str:
    return page.split(f'<dt class="govuk-summary-list__key">{key}</dt>')[1].split("</dd>")[0]


# -- looked after since -------------------------------------------------------------------------


def test_looked_after_since_is_the_start_of_the_current_period_not_of_the_latest_episode(world, client, child):
    _change_placement(world.a.users[Role.PRACTITIONER], child, START + timedelta(days=40))
    row = _summary_row(_page(client, world, child), "Looked after")
    assert f"Yes, since {START:%-d %B %Y}" in row


def test_looked_after_since_a_later_period_of_care_is_that_periods_start(world, client):
    manager = world.a.users[Role.TEAM_MANAGER]
    record = services.looked_after_child_create(
        actor=manager, person=world.a.people[1], commissioner=world.commissioner, child_id="T0002"
    )
    first = TODAY - timedelta(days=290)
    start_care(manager, record, first, is_mother=False)
    services.care_end(actor=manager, child=record, end_date=first + timedelta(days=30), reason_ceased="E13")
    again = first + timedelta(days=100)
    start_care(manager, record, again, previous_permanence="Z1")
    row = _summary_row(_page(client, world, record), "Looked after")
    assert f"Yes, since {again:%-d %B %Y}" in row


def _episode(start, end=None, rne="S", rec=""):
    return Episode(start_date=start, end_date=end, reason_new_episode=rne, reason_ceased=rec)


def test_care_since_follows_episodes_back_to_the_first_without_a_gap():
    d = date(2025, 1, 1)
    assert rules.looked_after_since([]) is None
    one_period = [_episode(d, d + timedelta(days=10), rec="X1"), _episode(d + timedelta(days=10), rne="P")]
    assert rules.looked_after_since(one_period) == d
    # care ended and started again later: the later start
    two = [_episode(d, d + timedelta(days=10), rec="E13"), _episode(d + timedelta(days=30))]
    assert rules.looked_after_since(two) == d + timedelta(days=30)
    # not looked after now: no date
    assert rules.looked_after_since([_episode(d, d + timedelta(days=10), rec="E13")]) is None


# -- outcome measures as the child's facts ----------------------------------------------------------


def _measures(world, *indicators):
    year = ContractYear.objects.get(contract__practice=world.a.org, start_date__lte=TODAY, end_date__gte=TODAY)
    for indicator in indicators:
        contract_services.contract_measure_set(
            actor=world.commissioner_users[Role.COMMISSIONER_OFFICER],
            contract_year=year,
            indicator=indicator,
            target=Decimal("10"),
        )
    return year


def _outcome(page: str, title: str) -> str:
    section = page.split('id="outcome-facts"')[1].split("</dl>")[0]
    return next(row for row in section.split('<div class="govuk-summary-list__row">') if title in row)


def test_one_placement_and_never_missing_read_as_good_facts_not_as_met(world, client, child):
    _measures(world, "placement_stability_3plus", "missing_children")
    page = _page(client, world, child)
    placements = _outcome(page, "Three or more placements in the year")
    missing = _outcome(page, "Children who went missing")
    assert "1 placement this year" in placements and "govuk-tag--green" in placements
    assert "Not missing this year" in missing and "govuk-tag--green" in missing
    assert "Met" not in placements and "Met" not in missing


def test_three_placements_and_going_missing_twice_read_red(world, client, child):
    year = _measures(world, "placement_stability_3plus", "missing_children")
    actor = world.a.users[Role.PRACTITIONER]
    first = max(year.start_date, START) + timedelta(days=1)
    assert first + timedelta(days=10) <= TODAY
    _change_placement(actor, child, first, "U4")
    _change_placement(actor, child, first + timedelta(days=1), "U3")
    for day in (first + timedelta(days=3), first + timedelta(days=6)):
        services.missing_record(
            actor=actor,
            child=child,
            kind="M",
            start_date=day,
            end_date=day + timedelta(days=1),
            return_interview_offered=True,
            return_interview_accepted=True,
        )
    page = _page(client, world, child)
    placements = _outcome(page, "Three or more placements in the year")
    missing = _outcome(page, "Children who went missing")
    assert "3 placements this year" in placements and "govuk-tag--red" in placements
    assert "Went missing 2 times" in missing and "govuk-tag--red" in missing


def test_a_higher_is_better_measure_reads_as_the_fact_too(world, client, child):
    _measures(world, "health_assessment")
    item = _outcome(_page(client, world, child), "Annual health assessment")
    # in care for 200 days: not yet due, shown grey
    assert "Not yet due" in item and "govuk-tag--grey" in item


# -- the class of the "since" bug: a page reading a variable that does not exist shows nothing -------


@pytest.fixture
def loud_templates(settings):
    """Templates print a marker for a variable that does not resolve, instead of nothing."""
    settings.TEMPLATES = [
        {**engine, "OPTIONS": {**engine.get("OPTIONS", {}), "string_if_invalid": "UNRESOLVED[%s]"}}
        for engine in settings.TEMPLATES
    ]


def test_the_childs_and_the_persons_pages_read_no_variable_that_does_not_exist(world, client, child, loud_templates):
    actor = world.a.users[Role.PRACTITIONER]
    _change_placement(actor, child, START + timedelta(days=40))
    services.missing_record(actor=actor, child=child, kind="M", start_date=TODAY - timedelta(days=1))
    _measures(world, "placement_stability_3plus", "missing_children", "health_assessment")
    client.force_login(actor)
    for url in (reverse("looked_after_child", args=[child.pk]), reverse("person_detail", args=[child.person_id])):
        page = client.get(url).content.decode()
        assert "UNRESOLVED[" not in page, [line for line in page.splitlines() if "UNRESOLVED[" in line][:5]
