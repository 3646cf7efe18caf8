"""The 903 export on hand-built records: who is in which table, and how the year-end snapshot reads."""

from datetime import date

from casework.looked_after.export import build_return
from casework.looked_after.models import (
    Conviction,
    Episode,
    HealthCheck,
    LookedAfterChild,
    Review,
    StrengthsDifficulties,
    SubstanceMisuse,
)
from tests.conftest import add_person


def _child(world, person, child_id, **extra):
    return LookedAfterChild.objects.create(
        organisation=world.a.org, person=person, commissioner=world.commissioner, child_id=child_id, **extra
    )


def _episode(child, start, end=None, rne="S", rec="", ls="C2", place="U6", **extra):
    return Episode.objects.create(
        organisation=child.organisation,
        child=child,
        start_date=start,
        end_date=end,
        reason_new_episode=rne,
        reason_ceased=rec,
        legal_status=ls,
        category_of_need="N1",
        placement_type=place,
        placement_provider="PR1",
        placement_postcode="LS1 4AP",
        urn="SC123456",
        home_postcode="LS2 7UE",
        **extra,
    )


def test_a_child_in_care_all_year_is_in_oc2_and_an_episode_ending_after_31_march_reads_open(world):
    person, _ = add_person(
        world.a, world.commissioner, given="Test", family="Child", dob=date(2012, 9, 1), service=None
    )
    child = _child(world, person, "C0001", is_mother=False)
    _episode(child, date(2024, 2, 1), date(2025, 9, 1), rec="X1", reason_place_change="CARPL")
    _episode(child, date(2025, 9, 1), date(2026, 5, 10), rne="P", rec="E13", reason_place_change="")
    Review.objects.create(
        organisation=child.organisation, child=child, review_date=date(2025, 3, 20), participation="PN1"
    )
    Review.objects.create(
        organisation=child.organisation, child=child, review_date=date(2025, 9, 18), participation="PN1"
    )
    StrengthsDifficulties.objects.create(
        organisation=child.organisation, child=child, assessed_on=date(2025, 6, 1), score=17
    )
    HealthCheck.objects.create(
        organisation=child.organisation, child=child, kind="health_assessment", check_date=date(2025, 6, 1)
    )
    HealthCheck.objects.create(
        organisation=child.organisation, child=child, kind="dental_check", check_date=date(2024, 6, 1)
    )
    SubstanceMisuse.objects.create(
        organisation=child.organisation,
        child=child,
        identified_on=date(2025, 7, 1),
        intervention_received=True,
        intervention_offered_refused=True,
    )
    Conviction.objects.create(organisation=child.organisation, child=child, convicted_on=date(2025, 8, 1))

    tables = build_return(children=LookedAfterChild.objects.all(), year=2026).tables

    assert [r["CHILD"] for r in tables["Header"]] == ["C0001"]
    header = tables["Header"][0]
    assert (header["SEX"], header["DOB"], header["MOTHER"], header["UPN"]) == ("F", "01/09/2012", "0", "")
    assert [(e["DECOM"], e["DEC"], e["REC"], e["REASON_PLACE_CHANGE"]) for e in tables["Episodes"]] == [
        ("01/02/2024", "01/09/2025", "X1", "CARPL"),
        ("01/09/2025", "", "", ""),  # ends in May 2026: still open at 31 March
    ]
    assert [r["REVIEW"] for r in tables["Reviews"]] == ["18/09/2025"]  # only the year's reviews
    oc2 = tables["OC2"][0]
    assert oc2["SDQ_SCORE"] == "17" and oc2["SDQ_REASON"] == ""
    assert (oc2["HEALTH_ASSESSMENT"], oc2["TEETH_CHECK"], oc2["IMMUNISATIONS"]) == ("1", "0", "0")
    assert oc2["HEALTH_CHECK"] == ""  # development checks are for under-5s only
    assert (oc2["CONVICTED"], oc2["SUBSTANCE_MISUSE"], oc2["INTERVENTION_RECEIVED"], oc2["INTERVENTION_OFFERED"]) == (
        "1",
        "1",
        "1",
        "",
    )
    assert tables["PrevPerm"] == []  # the period of care began before the year

    # 2024/25: in care since February 2024, so looked after all year to 31 March 2025
    earlier = build_return(children=LookedAfterChild.objects.all(), year=2025).tables
    assert len(earlier["OC2"]) == 1
    assert [r["REVIEW"] for r in earlier["Reviews"]] == ["20/03/2025"]
    # and the year after: the episode ending in May 2026 closes the period with its reason
    later = build_return(children=LookedAfterChild.objects.all(), year=2027).tables
    assert [(e["DEC"], e["REC"]) for e in later["Episodes"]] == [("10/05/2026", "E13")]
    assert later["OC2"] == []


def test_a_child_starting_care_in_the_year_gets_sw_episodes_from_allocations_and_no_oc2(world):
    person, case = add_person(world.a, world.commissioner, dob=date(2021, 1, 15))
    child = _child(world, person, "C0002", is_mother=False)
    _episode(child, case.opened_on, case=case, ls="C1")
    year = case.opened_on.year + (1 if case.opened_on.month >= 4 else 0)

    tables = build_return(children=LookedAfterChild.objects.all(), year=year).tables

    assert tables["OC2"] == []
    assert tables["Header"][0]["UPN"] == "UN1"  # under school age with no UPN yet
    sw = tables["SWEpisodes"]
    assert [(r["SW_ID"], r["SW_DEC"], r["SW_REASON"]) for r in sw] == [
        (world.a.workers[0].swe_registration_number, "", "FCONTA")
    ]
    # another authority's return never includes the child
    assert (
        build_return(children=LookedAfterChild.objects.filter(commissioner=world.other_commissioner), year=year).tables[
            "Header"
        ]
        == []
    )


def test_a_child_turning_17_on_1_april_is_reported_with_the_sdq_reason_not_left_blank(world):
    # DfE rule 197B counts a 17th birthday on the first day of the year as "turning 17 in the year";
    # rule 189 excludes only those 17 before it.
    person, _ = add_person(
        world.a, world.commissioner, given="Test", family="Older", dob=date(2008, 4, 1), service=None
    )
    child = _child(world, person, "C0003", is_mother=False)
    _episode(child, date(2023, 10, 28))
    younger, _ = add_person(
        world.a, world.commissioner, given="Test", family="Younger", dob=date(2008, 4, 2), service=None
    )
    _episode(_child(world, younger, "C0004", is_mother=False), date(2023, 10, 28))
    older, _ = add_person(
        world.a, world.commissioner, given="Test", family="Oldest", dob=date(2008, 3, 31), service=None
    )
    _episode(_child(world, older, "C0005", is_mother=False), date(2023, 10, 28))

    oc2 = {row["CHILD"]: row for row in build_return(children=LookedAfterChild.objects.all(), year=2026).tables["OC2"]}

    assert (oc2["C0003"]["SDQ_SCORE"], oc2["C0003"]["SDQ_REASON"]) == ("", "SDQ1")
    assert oc2["C0004"]["SDQ_REASON"] == "SDQ1"  # 16 on 1 April, 17 by 31 March
    assert (oc2["C0005"]["SDQ_SCORE"], oc2["C0005"]["SDQ_REASON"]) == ("", "")  # already 17 before the year


def test_an_under_five_needs_two_health_assessments_in_the_year_to_be_up_to_date(world):
    """Born 1 June 2022: 3 at 31 March 2026, so one assessment in 2025/26 is not enough (6-monthly
    under 5); born 1 March 2021, 5 by 31 March 2026, one is."""
    flags = {}
    for child_id, dob, dates in (
        ("U1", date(2022, 6, 1), [date(2025, 6, 1)]),
        ("U2", date(2022, 6, 1), [date(2025, 6, 1), date(2025, 12, 1)]),
        ("F1", date(2021, 3, 1), [date(2025, 6, 1)]),
    ):
        person, _ = add_person(world.a, world.commissioner, given="Test", family=child_id, dob=dob, service=None)
        child = _child(world, person, child_id, is_mother=False)
        _episode(child, date(2024, 12, 1))
        for day in dates:
            HealthCheck.objects.create(
                organisation=child.organisation, child=child, kind="health_assessment", check_date=day
            )
    for row in build_return(children=LookedAfterChild.objects.all(), year=2026).tables["OC2"]:
        flags[row["CHILD"]] = row["HEALTH_ASSESSMENT"]
    assert flags == {"U1": "0", "U2": "1", "F1": "1"}
