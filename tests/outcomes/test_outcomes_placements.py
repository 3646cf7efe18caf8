"""Placement stability, long-term stability, social workers and distance on hand-built children.

The year is 1 April 2025 to 31 March 2026; each child's expected answer is worked out in the comment
beside it."""

from datetime import date

import pytest

from casework.organisations import services as org_services
from casework.outcomes.compute import MET, NOT_APPLICABLE, NOT_MET, NOT_YET_DUE, Result, compute, per_child
from tests.conftest import make_worker
from tests.outcomes.builders import Records

pytestmark = pytest.mark.django_db

d = date


def statuses(data, indicator_id, children):
    found = per_child(data, indicator_id)
    return {name: found[child.pk] for name, child in children.items()}


@pytest.fixture
def moves(world):
    r = Records(world)
    kids = {}
    # A: U6 open on 1 April, then two moves to new carers (P): 3 placements -> in the numerator
    kids["A"] = c = r.child("Moves", d(2014, 5, 1))
    r.care(
        c,
        (d(2024, 1, 10), "S", {}),
        (d(2025, 6, 1), "P", {"postcode": "LS6 2AA"}),
        (d(2025, 10, 1), "P", {"place": "U4"}),
    )
    # B: a hospital stay (T1) and the return to the same foster placement: the temporary placement
    # and the return are not placements, so 1 placement
    kids["B"] = c = r.child("Hospital", d(2014, 5, 1))
    r.care(
        c, (d(2024, 1, 10), "S", {}), (d(2025, 5, 1), "P", {"place": "T1", "postcode": ""}), (d(2025, 5, 10), "P", {})
    )
    # C: a move (U6 to U5), then placed for adoption with the same foster carers (A5, same carers: T):
    # the adoption placement is not a change, so 2 placements
    kids["C"] = c = r.child("Adoptive", d(2022, 5, 1))
    r.care(
        c,
        (d(2024, 6, 1), "S", {}),
        (d(2025, 5, 1), "P", {"place": "U5", "postcode": "LS6 2AA"}),
        (d(2025, 9, 1), "T", {"place": "A5", "postcode": "LS6 2AA", "ls": "E1"}),
    )
    # D: a change of legal status only (L) is not a move: C1 U6, C2 U6, then U4 -> 2 placements
    kids["D"] = c = r.child("Legal", d(2014, 5, 1))
    r.care(c, (d(2025, 4, 10), "S", {"ls": "C1"}), (d(2025, 8, 1), "L", {}), (d(2025, 12, 1), "P", {"place": "U4"}))
    # E: three short breaks (V3, each its own period of care) then full-time care: short breaks are
    # not placements, so 1 placement
    kids["E"] = c = r.child("Breaks", d(2014, 5, 1))
    for start in (d(2025, 5, 1), d(2025, 7, 1), d(2025, 9, 1)):
        r.episode(c, start, start.replace(day=4), ls="V3", place="U6", rec="E8")
    r.episode(c, d(2025, 11, 1))
    # F: on a short break on 31 March: not in the cohort
    kids["F"] = c = r.child("OnBreak", d(2014, 5, 1))
    r.episode(c, d(2026, 3, 30), ls="V3")
    # G: in care for less than a day in July (ended the day it began), back in August, a move in
    # October: the same-day placement is under 24 hours, so 2 placements
    kids["G"] = c = r.child("Sameday", d(2014, 5, 1))
    r.episode(c, d(2025, 7, 1), d(2025, 7, 1), rec="E4A")
    r.care(c, (d(2025, 8, 1), "S", {}), (d(2025, 10, 1), "P", {"place": "U4"}))
    # H: three placements but left care in February: not looked after at 31 March, not in the cohort
    kids["H"] = c = r.child("Left", d(2014, 5, 1))
    r.care(
        c,
        (d(2025, 4, 5), "S", {}),
        (d(2025, 6, 1), "P", {"place": "U4"}),
        (d(2025, 9, 1), "P", {"place": "K2"}),
        end=d(2026, 2, 1),
        rec="E4A",
    )
    # I: a move on 1 April itself: the placement that ended that day was in the year too (the 903
    # return reports it), so U6, U4 and K2 are 3 placements
    kids["I"] = c = r.child("FirstDay", d(2014, 5, 1))
    r.care(c, (d(2024, 1, 1), "S", {}), (d(2025, 4, 1), "P", {"place": "U4"}), (d(2025, 9, 1), "P", {"place": "K2"}))
    return r, kids


def test_three_or_more_placements_in_the_year(moves):
    r, kids = moves
    data = r.load()
    # cohort at 31 March: A B C D E G I (F on a short break, H left) = 7; three or more: A and I
    assert compute(data, "placement_stability_3plus") == Result(2, 7, pytest.approx(100 * 2 / 7))
    assert statuses(data, "placement_stability_3plus", kids) == {
        "A": NOT_MET,
        "B": MET,
        "C": MET,
        "D": MET,
        "E": MET,
        "F": NOT_APPLICABLE,
        "G": MET,
        "H": NOT_APPLICABLE,
        "I": NOT_MET,
    }


def test_three_or_more_placements_in_two_years(moves):
    r, kids = moves
    data = r.load()
    # in care since 1 April 2024 or before: A (Jan 2024, 3 placements since), B (1), I (3: U6 from
    # Jan 2024, U4, K2); the rest began later: not yet due
    assert compute(data, "placement_stability_2year_3plus") == Result(2, 3, pytest.approx(100 * 2 / 3))
    found = statuses(data, "placement_stability_2year_3plus", kids)
    assert (found["A"], found["B"], found["I"], found["C"], found["D"]) == (
        NOT_MET,
        MET,
        NOT_MET,
        NOT_YET_DUE,
        NOT_YET_DUE,
    )
    assert found["H"] == NOT_APPLICABLE


def test_a_longer_period_counts_the_placements_over_it(moves):
    # a contract year from July 2025 to June 2026 (nothing recorded after March): A's placements
    # running from 1 July are the June and October ones, 2; I's are U4 and K2, 2
    r, kids = moves
    data = r.load(d(2025, 7, 1), d(2026, 6, 30))
    found = statuses(data, "placement_stability_3plus", kids)
    assert (found["A"], found["I"]) == (MET, MET)


def test_long_term_stability(world):
    r = Records(world)
    kids = {}
    # 2.5 years before 31 March 2026: in care since 1 October 2023 or before; 2 years in the
    # placement: since 1 April 2024 or before; under 16 on 31 March 2026
    kids["L1"] = c = r.child("Settled", d(2015, 1, 1))
    r.episode(c, d(2020, 1, 1), place="U4")  # same placement since 2020: met
    kids["L2"] = c = r.child("Moved", d(2015, 1, 1))
    r.care(c, (d(2020, 1, 1), "S", {}), (d(2024, 6, 1), "P", {"place": "U4"}))  # placement since June 2024: not met
    kids["L3"] = c = r.child("JustEnough", d(2015, 1, 1))
    r.episode(c, d(2023, 9, 1))  # in care 2 years 7 months, same placement: met
    kids["L4"] = c = r.child("TooRecent", d(2015, 1, 1))
    r.episode(c, d(2023, 11, 1))  # 2 years 5 months: not yet in the cohort
    kids["L5"] = c = r.child("Sixteen", d(2009, 6, 1))
    r.episode(c, d(2015, 1, 1))  # 16 on 31 March: not in the cohort
    # L6: fostered from January 2022, placed for adoption with new carers (A6) in February 2025:
    # the adoptive placement and the one before it together last since 2022: met
    kids["L6"] = c = r.child("NewAdopters", d(2020, 1, 1))
    r.care(c, (d(2022, 1, 1), "S", {}), (d(2025, 2, 1), "P", {"place": "A6", "ls": "E1", "postcode": "LS6 2AA"}))
    # L7: placed for adoption with the foster carers (A5) in January 2025: the same placement since 2023: met
    kids["L7"] = c = r.child("FosterAdopt", d(2020, 1, 1))
    r.care(c, (d(2023, 1, 1), "S", {"place": "U5"}), (d(2025, 1, 1), "T", {"place": "A5", "ls": "E1"}))
    # L8: in hospital (T1) over 31 March: the usual placement since 2021 goes on: met
    kids["L8"] = c = r.child("InHospital", d(2015, 1, 1))
    r.care(c, (d(2021, 1, 1), "S", {"place": "U4"}), (d(2026, 3, 25), "P", {"place": "T1", "postcode": ""}))
    data = r.load()
    # cohort L1 L2 L3 L6 L7 L8 = 6, met L1 L3 L6 L7 L8 = 5
    assert compute(data, "long_term_stability") == Result(5, 6, pytest.approx(100 * 5 / 6))
    assert statuses(data, "long_term_stability", kids) == {
        "L1": MET,
        "L2": NOT_MET,
        "L3": MET,
        "L4": NOT_YET_DUE,
        "L5": NOT_APPLICABLE,
        "L6": MET,
        "L7": MET,
        "L8": MET,
    }


def test_long_term_stability_counts_time_with_the_same_carers(world):
    # The DfE counts children "living with the same carer for at least 2 years" (its placement
    # stability file, the benchmark's row): a change of placement with the same carers (RNE T or U)
    # does not end the time with them, a change of carers (P or B) does. 31 March 2026: in care since
    # 1 October 2023 or before, with the same carers since 1 April 2024 or before, under 16.
    r = Records(world)
    kids = {}
    # S1: with the same foster carers since 2021; the placement became long-term fostering (U6 to
    # U4, same carers: T) in June 2025: with the same carers since 2021, met
    kids["S1"] = c = r.child("LongTerm", d(2015, 1, 1))
    r.care(c, (d(2021, 1, 1), "S", {"place": "U6"}), (d(2025, 6, 1), "T", {"place": "U4"}))
    # S2: the foster carers moved house (T, new postcode) in September 2025, and the care order was
    # made at the same time (U): with them since 2022, met
    kids["S2"] = c = r.child("House move", d(2015, 1, 1))
    r.care(
        c,
        (d(2022, 3, 1), "S", {"ls": "C1"}),
        (d(2025, 9, 1), "U", {"ls": "C2", "postcode": "LS6 2AA"}),
    )
    # S3: new carers (P) in May 2024, after 1 April 2024: not met
    kids["S3"] = c = r.child("New carers", d(2015, 1, 1))
    r.care(c, (d(2021, 1, 1), "S", {}), (d(2024, 5, 1), "P", {"place": "U4", "postcode": "LS6 2AA"}))
    # S4: new carers (B, with the care order) in March 2024, then their placement became long-term
    # (T) in 2025: with them since March 2024, met
    kids["S4"] = c = r.child("Since March", d(2015, 1, 1))
    r.care(
        c,
        (d(2021, 1, 1), "S", {"ls": "V2"}),
        (d(2024, 3, 1), "B", {"postcode": "LS6 2AA"}),
        (d(2025, 7, 1), "T", {"place": "U4", "postcode": "LS6 2AA"}),
    )
    data = r.load()
    # cohort S1..S4 = 4; met S1, S2, S4
    assert compute(data, "long_term_stability") == Result(3, 4, 75.0)
    assert statuses(data, "long_term_stability", kids) == {"S1": MET, "S2": MET, "S3": NOT_MET, "S4": MET}
    # the placement counts still count a change of placement with the same carers as a placement,
    # as the DfE's Placement 1 counts every placement: S1 U6 and U4 = 2, S4 U6 (from 2024) and U4 = 2
    found = statuses(data, "placement_stability_3plus", kids)
    assert found == {"S1": MET, "S2": MET, "S3": MET, "S4": MET}
    # over two years (from 1 April 2024): S4 has the March 2024 and July 2025 placements = 2; S1
    # the 2021 and June 2025 ones = 2
    assert compute(data, "placement_stability_2year_3plus") == Result(0, 4, 0.0)


def test_social_workers_three_or_more(world):
    r = Records(world)
    a, b, c = world.a.workers
    kids = {}
    # W1: A, B, then A again: returning to a worker is not a new one, 2 workers
    kids["W1"] = k = r.child("Returns", d(2014, 1, 1))
    r.episode(k, d(2023, 1, 1))
    r.allocations(
        r.case(k), (a, d(2023, 1, 1), d(2025, 6, 1)), (b, d(2025, 6, 1), d(2025, 9, 1)), (a, d(2025, 9, 1), None)
    )
    # W2: A, B, C in the year: 3
    kids["W2"] = k = r.child("Three", d(2014, 1, 1))
    r.episode(k, d(2023, 1, 1))
    r.allocations(
        r.case(k), (a, d(2023, 1, 1), d(2025, 5, 1)), (b, d(2025, 5, 1), d(2025, 8, 1)), (c, d(2025, 8, 1), None)
    )
    # W3: A's allocation ended in March 2025, before the year: B and C only, 2
    kids["W3"] = k = r.child("Before", d(2014, 1, 1))
    r.episode(k, d(2023, 1, 1))
    r.allocations(
        r.case(k), (a, d(2023, 1, 1), d(2025, 3, 20)), (b, d(2025, 3, 20), d(2025, 7, 1)), (c, d(2025, 7, 1), None)
    )
    # W4: came into care in October; the workers on the case before then count: 3
    kids["W4"] = k = r.child("Before care", d(2014, 1, 1))
    r.episode(k, d(2025, 10, 1))
    r.allocations(
        r.case(k), (a, d(2025, 5, 1), d(2025, 7, 1)), (b, d(2025, 7, 1), d(2025, 10, 1)), (c, d(2025, 10, 1), None)
    )
    # W5: came into care in September from a child-in-need case worked by A, then B; C holds the
    # looked-after-child case from September. The DfE counts every social worker assigned in the
    # year, "including while not looked after" (903 rule SW12STG2): A, B and C, 3
    kids["W5"] = k = r.child("From CIN", d(2014, 1, 1))
    r.episode(k, d(2025, 9, 1))
    r.allocations(
        r.case(k, service="cin", opened=d(2025, 1, 1), closed=d(2025, 9, 1)),
        (a, d(2025, 1, 1), d(2025, 6, 1)),
        (b, d(2025, 6, 1), d(2025, 9, 1)),
    )
    r.allocations(r.case(k, opened=d(2025, 9, 1)), (c, d(2025, 9, 1), None))
    # W7: a child-in-need case worked by C that closed in February 2025, before the year, then care
    # from March 2025 with A and, from June, B: C is not counted, 2
    kids["W7"] = k = r.child("Old CIN", d(2014, 1, 1))
    r.episode(k, d(2025, 3, 1))
    r.allocations(
        r.case(k, service="cin", opened=d(2024, 6, 1), closed=d(2025, 2, 1)), (c, d(2024, 6, 1), d(2025, 2, 1))
    )
    r.allocations(r.case(k, opened=d(2025, 3, 1)), (a, d(2025, 3, 1), d(2025, 6, 1)), (b, d(2025, 6, 1), None))
    # W8: the same worker on both cases: A on the child-in-need case until care began in May, then A
    # and later B on the looked-after-child case: A once, 2
    kids["W8"] = k = r.child("Same worker", d(2014, 1, 1))
    r.episode(k, d(2025, 5, 1))
    r.allocations(
        r.case(k, service="cin", opened=d(2024, 1, 1), closed=d(2025, 5, 1)), (a, d(2024, 1, 1), d(2025, 5, 1))
    )
    r.allocations(r.case(k, opened=d(2025, 5, 1)), (a, d(2025, 5, 1), d(2025, 11, 1)), (b, d(2025, 11, 1), None))
    # W6: three workers but left care in January: not in the cohort
    kids["W6"] = k = r.child("Gone", d(2014, 1, 1))
    r.episode(k, d(2023, 1, 1), d(2026, 1, 10), rec="E4A")
    r.allocations(
        r.case(k), (a, d(2025, 4, 1), d(2025, 5, 1)), (b, d(2025, 5, 1), d(2025, 6, 1)), (c, d(2025, 6, 1), None)
    )
    data = r.load()
    # cohort W1..W5, W7, W8 = 7; three or more: W2, W4 and W5
    assert compute(data, "social_workers_3plus") == Result(3, 7, pytest.approx(100 * 3 / 7))
    assert statuses(data, "social_workers_3plus", kids) == {
        "W1": MET,
        "W2": NOT_MET,
        "W3": MET,
        "W4": NOT_MET,
        "W5": NOT_MET,
        "W6": NOT_APPLICABLE,
        "W7": MET,
        "W8": MET,
    }


def test_placed_more_than_20_miles_from_home_and_out_of_area(world):
    # Leeds (E08000035). Straight-line distances from the ONS grid references of the postcodes:
    # LS2 7UE to LS1 4AP 1.0 mile; to BD1 1HY (Bradford) 9.1; to YO1 7HH (York) 21.5; to M1 1AE
    # (Manchester) 36.1
    r = Records(world)
    kids = {}
    kids["near"] = c = r.child("Near", d(2014, 1, 1))
    r.episode(c, d(2024, 1, 1), postcode="LS1 4AP", home="LS2 7UE")  # in Leeds, 1 mile: met
    kids["york"] = c = r.child("York", d(2014, 1, 1))
    r.episode(c, d(2024, 1, 1), postcode="YO1 7HH", home="LS2 7UE")  # York, 21.5 miles: not met
    kids["bradford"] = c = r.child("Bradford", d(2014, 1, 1))
    r.episode(c, d(2024, 1, 1), postcode="BD1 1HY", home="LS2 7UE")  # out of area but 9.1 miles: met
    kids["inside"] = c = r.child("Inside", d(2014, 1, 1))
    r.episode(c, d(2024, 1, 1), postcode="LS1 4AP", home="M1 1AE")  # 35 miles but inside Leeds: met
    kids["unknown"] = c = r.child("Unknown", d(2014, 1, 1))
    r.episode(c, d(2024, 1, 1), postcode="M1 1AE", home="")  # no home postcode (UASC): in the denominator, met
    kids["moved"] = c = r.child("Moved back", d(2014, 1, 1))
    # placed in Manchester until February, then back in Leeds: the placement at 31 March counts: met
    r.care(c, (d(2024, 1, 1), "S", {"postcode": "M1 1AE"}), (d(2026, 2, 1), "P", {"postcode": "LS1 4AP"}))
    data = r.load()
    assert compute(data, "placed_over_20_miles_out_of_area") == Result(1, 6, pytest.approx(100 / 6))
    found = statuses(data, "placed_over_20_miles_out_of_area", kids)
    assert found == {
        "near": MET,
        "york": NOT_MET,
        "bradford": MET,
        "inside": MET,
        "unknown": MET,
        "moved": MET,
    }


def test_distance_for_a_county_council_and_the_guidance_s_miles(world):
    # A county council (Kent, E10000016): a postcode's local authority in the ONS list is its
    # district, and a placement in any Kent district is inside Kent's boundary, as the DfE's
    # validator decides it (ONS lower to upper tier lookup). Grid references (easting, northing):
    # ME14 1XQ Maidstone (576017, 156294); CT9 1AA Margate, Thanet (635457, 170854); CT1 2EH
    # Canterbury (615146, 157812); ME4 4TR Chatham, Medway, a unitary authority outside Kent
    # (575711, 168586). Miles as the 903 guidance has them: metres / 1000 / 1.6093, to 0.1.
    kent = org_services.organisation_create(
        actor=None, name="Kent County Council", kind="commissioner", commissioner_type="la", ons_code="E10000016"
    )
    org_services.commissioning_create(actor=None, commissioner=kent, practice=world.a.org, start_date=d(2020, 1, 1))
    r = Records(world)
    kids = {}
    # K1: Maidstone to Margate: dx 59,440, dy 14,560, sqrt(3,533,113,600 + 211,993,600) = 61,197 m,
    # 38.0 miles, but inside Kent: met
    kids["K1"] = c = r.child("Margate", d(2014, 1, 1), commissioner=kent)
    r.episode(c, d(2024, 1, 1), postcode="CT9 1AA", home="ME14 1XQ")
    # K2: Canterbury to Chatham: dx 39,435, dy 10,774, sqrt(1,555,119,225 + 116,079,076) = 40,880 m,
    # 25.4 miles, in Medway: not met
    kids["K2"] = c = r.child("Medway far", d(2014, 1, 1), commissioner=kent)
    r.episode(c, d(2024, 1, 1), postcode="ME4 4TR", home="CT1 2EH")
    # K3: Maidstone to Chatham: dx 306, dy 12,292, 12,296 m, 7.6 miles, in Medway but near: met
    kids["K3"] = c = r.child("Medway near", d(2014, 1, 1), commissioner=kent)
    r.episode(c, d(2024, 1, 1), postcode="ME4 4TR", home="ME14 1XQ")
    # L1 (Leeds, E08000035): LS2 7UE (430988, 433656) to BD20 7LN in North Yorkshire (400566,
    # 444193): dx 30,422, dy 10,537, sqrt(925,498,084 + 111,028,369) = 32,195.1 m; / 1000 / 1.6093
    # = 20.006, 20.0 miles to one decimal place: not more than 20 miles, met (at 1,609.344 m a mile
    # it would be 20.005, and counted)
    kids["L1"] = c = r.child("Just twenty", d(2014, 1, 1))
    r.episode(c, d(2024, 1, 1), postcode="BD20 7LN", home="LS2 7UE")
    data = r.load()
    assert compute(data, "placed_over_20_miles_out_of_area") == Result(1, 4, 25.0)
    assert statuses(data, "placed_over_20_miles_out_of_area", kids) == {
        "K1": MET,
        "K2": NOT_MET,
        "K3": MET,
        "L1": MET,
    }


def test_caseload_per_case_holding_fte(world):
    r = Records(world)
    org, team = world.a.org, world.a.team
    full = make_worker(None, org, team, start=d(2020, 1, 1))
    half = make_worker(None, org, team, start=d(2020, 1, 1), fte="0.50")
    idle = make_worker(None, org, team, start=d(2020, 1, 1))  # in post, no case on 31 March: not a case holder
    leaver = make_worker(None, org, team, start=d(2020, 1, 1), leave_date=d(2026, 1, 1))
    child = r.child("Caseload", d(2014, 1, 1))
    # one open case per service type and person: a case of each type for the same child
    services = iter(["cin", "lac", "care_leaver", "adult_access", "adult_complex", "safeguarding", "chc", "dols_cop"])
    # full: 3 cases open and allocated on 31 March, and one closed before then; half: 2
    for _ in range(3):
        r.allocations(r.case(child, service=next(services)), (full, d(2025, 1, 1), None))
    r.allocations(r.case(child, service="cin", closed=d(2026, 2, 1)), (full, d(2025, 1, 1), d(2026, 2, 1)))
    r.allocations(
        r.case(child, service=next(services)), (leaver, d(2025, 1, 1), d(2026, 1, 1)), (half, d(2026, 1, 1), None)
    )
    r.allocations(r.case(child, service=next(services)), (half, d(2025, 1, 1), None))
    # an allocation ending on 31 March has ended by then (the next worker's starts that day): full's
    r.allocations(
        r.case(child, service=next(services)), (idle, d(2025, 1, 1), d(2026, 3, 31)), (full, d(2026, 3, 31), None)
    )
    workers = type(full).objects.filter(pk__in=[full.pk, half.pk, idle.pk, leaver.pk])
    data = r.load(workers=workers)
    # 4 + 2 = 6 cases over 1.0 + 0.5 FTE = 4.0 per FTE
    assert compute(data, "caseload_per_fte") == Result(6, 1.5, 4.0)
    # without workers there is nothing to divide by
    assert compute(r.load(), "caseload_per_fte") == Result(0, 0, None)
