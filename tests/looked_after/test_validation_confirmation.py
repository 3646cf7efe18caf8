"""Errors the DfE rules raise on a misreading are set aside only when the child's record shows the
rule's premise is false; any other error of the same rule stays an error."""

from datetime import date

from casework.looked_after.models import DeprivationOfLiberty, Episode, LookedAfterChild
from casework.looked_after.validation import ValidationResult, confirm_against_history
from tests.conftest import add_person


def _child(world, child_id, *, care_ends=None, order_ends=None):
    person, _ = add_person(world.a, world.commissioner, given="Test", family=child_id, dob=date(2011, 5, 5))
    child = LookedAfterChild.objects.create(
        organisation=world.a.org, person=person, commissioner=world.commissioner, child_id=child_id
    )
    common = {"organisation": world.a.org, "child": child, "legal_status": "C2", "category_of_need": "N1"}
    Episode.objects.create(
        **common,
        start_date=date(2026, 4, 10),
        end_date=date(2026, 6, 1),
        reason_new_episode="S",
        reason_ceased="X1",
        reason_place_change="CARPL",
        placement_type="K2",
        placement_provider="PR4",
        urn="SC123456",
    )
    Episode.objects.create(
        **common,
        start_date=date(2026, 6, 1),
        end_date=care_ends,
        reason_new_episode="P",
        reason_ceased="E4A" if care_ends else "",
        placement_type="K2",
        placement_provider="PR4",
        urn="SC654321",
    )
    DeprivationOfLiberty.objects.create(
        organisation=world.a.org, child=child, start_date=date(2026, 5, 1), end_date=order_ends
    )
    return child


def _error(child_id):
    return {"child": child_id, "table": "DoLo", "row": 0, "code": "707", "message": "", "fields": []}


def test_707_is_set_aside_only_for_a_child_still_in_care_with_the_order_in_force(world):
    _child(world, "STILL")  # in care at 31 March 2027, order in force: 707's premise is false
    _child(world, "LEFT", care_ends=date(2027, 1, 10))  # care really ended with the order open
    result = ValidationResult(
        year=2027, authority="E08000035", errors=[_error("STILL"), _error("LEFT")], rules=1, ran=1
    )
    confirm_against_history(result, children=LookedAfterChild.objects.all())
    assert [e["child"] for e in result.errors] == ["LEFT"]
    assert [e["child"] for e in result.confirmed_by_history] == ["STILL"]


def _sw11b(child_id):
    return {"child": child_id, "table": "SWEpisodes", "row": 0, "code": "SW11bSTG2", "message": "", "fields": []}


def test_sw11b_is_set_aside_only_when_the_next_worker_took_over_the_same_day(world):
    from casework.accounts.models import Role
    from casework.cases import services as case_services

    manager = world.a.users[Role.TEAM_MANAGER]
    changed = date(2026, 3, 28)  # in the last five days of 2025/26
    kids = {}
    for name in ("HANDED", "DROPPED"):
        person, case = add_person(world.a, world.commissioner, given="Test", family=name, dob=date(2011, 5, 5))
        kids[name] = (person, case)
        LookedAfterChild.objects.create(
            organisation=world.a.org, person=person, commissioner=world.commissioner, child_id=name
        )
    case_services.allocation_change(
        actor=manager, case=kids["HANDED"][1], worker=world.a.workers[1], start_date=changed, change_reason="LEFTRL"
    )
    case_services.case_close(actor=manager, case=kids["DROPPED"][1], closed_on=changed, close_reason="transferred")
    result = ValidationResult(
        year=2026, authority="E08000035", errors=[_sw11b("HANDED"), _sw11b("DROPPED")], rules=1, ran=1
    )
    confirm_against_history(result, children=LookedAfterChild.objects.all())
    assert [e["child"] for e in result.errors] == ["DROPPED"]
    assert [e["child"] for e in result.confirmed_by_history] == ["HANDED"]


def _sw17(child_id):
    return {"child": child_id, "table": "SWEpisodes", "row": 0, "code": "SW17STG2", "message": "", "fields": []}


def test_sw17_is_set_aside_only_for_a_child_whose_care_ended_in_the_year(world):
    _child(world, "STILL")  # in care at 31 March 2027: their social worker's episode must be open
    _child(world, "LEFT", care_ends=date(2027, 1, 10))  # the worker's episode ended the day care did
    _child(world, "LATER", care_ends=date(2027, 5, 2))  # care ended after the year: in care at 31 March
    result = ValidationResult(
        year=2027, authority="E08000035", errors=[_sw17("STILL"), _sw17("LEFT"), _sw17("LATER")], rules=1, ran=1
    )
    confirm_against_history(result, children=LookedAfterChild.objects.all())
    assert sorted(e["child"] for e in result.errors) == ["LATER", "STILL"]
    assert [e["child"] for e in result.confirmed_by_history] == ["LEFT"]
