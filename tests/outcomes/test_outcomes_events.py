"""Missing, care leavers and adoption on hand-built children. The year is 1 April 2025 to 31 March 2026."""

from datetime import date

import pytest

from casework.outcomes.compute import MET, NOT_APPLICABLE, NOT_MET, Result, compute, per_child
from tests.outcomes.builders import Records

pytestmark = pytest.mark.django_db

d = date


def statuses(data, indicator_id, children):
    found = per_child(data, indicator_id)
    return {name: found[child.pk] for name, child in children.items()}


def test_children_going_missing_and_incidents_per_child(world):
    r = Records(world)
    kids = {}
    kids["M1"] = c = r.child("Twice", d(2010, 1, 1))  # two missing incidents; away without authorisation not counted
    r.episode(c, d(2024, 1, 1))
    r.missing(c, d(2025, 5, 1), d(2025, 5, 2))
    r.missing(c, d(2025, 7, 1), d(2025, 7, 3))
    r.missing(c, d(2025, 8, 1), d(2025, 8, 1), kind="A")
    kids["M2"] = c = r.child("Over", d(2010, 1, 1))  # missing over 1 April: counts in this year
    r.episode(c, d(2024, 1, 1))
    r.missing(c, d(2025, 3, 30), d(2025, 4, 2))
    kids["M3"] = c = r.child("Earlier", d(2010, 1, 1))  # missing in March 2025 only: not this year
    r.episode(c, d(2024, 1, 1))
    r.missing(c, d(2025, 3, 1), d(2025, 3, 5))
    kids["M4"] = c = r.child("Left", d(2010, 1, 1))  # left care in May, missing in April: counts
    r.episode(c, d(2024, 1, 1), d(2025, 5, 10), rec="E4A")
    r.missing(c, d(2025, 4, 20), d(2025, 4, 21))
    kids["M5"] = c = r.child("Away", d(2010, 1, 1))  # away without authorisation only: not missing
    r.episode(c, d(2024, 1, 1))
    r.missing(c, d(2025, 6, 1), d(2025, 6, 2), kind="A")
    kids["M6"] = c = r.child("Before", d(2010, 1, 1))  # left care before the year: not in the cohort
    r.episode(c, d(2023, 1, 1), d(2025, 2, 1), rec="E4A")
    data = r.load()
    # cohort M1..M5 = 5; went missing M1 M2 M4
    assert compute(data, "missing_children") == Result(3, 5, 60.0)
    assert statuses(data, "missing_children", kids) == {
        "M1": NOT_MET,
        "M2": NOT_MET,
        "M3": MET,
        "M4": NOT_MET,
        "M5": MET,
        "M6": NOT_APPLICABLE,
    }
    # incidents: 2 + 1 + 1 over 3 children
    assert compute(data, "missing_incidents_per_child") == Result(4, 3, pytest.approx(4 / 3))


def test_care_leavers_19_to_21(world):
    r = Records(world)
    kids = {}
    # CL1: 20 on 1 June 2025, looked after from 13 to 18; in touch, full-time education, independent
    # living judged suitable: EET, suitable, in touch
    kids["CL1"] = c = r.child("Student", d(2005, 6, 1))
    r.episode(c, d(2019, 1, 1), d(2023, 6, 1), rec="E8")
    r.contact(c, 20, "YES", "F2", "U", True)
    # CL2: 19 in September; not in EET, homeless (never suitable): in touch only
    kids["CL2"] = c = r.child("Homeless", d(2006, 9, 1))
    r.episode(c, d(2021, 1, 1), d(2024, 9, 1), rec="E8")
    r.contact(c, 19, "YES", "G5", "S", False)
    # CL3: 21 in December; not in touch: counts as not in EET and not suitably housed
    kids["CL3"] = c = r.child("Lost", d(2004, 12, 1))
    r.episode(c, d(2019, 1, 1), d(2022, 12, 1), rec="E8")
    r.contact(c, 21, "NO")
    # CL4: 20 in August; working, gone abroad: out of the accommodation denominator only
    kids["CL4"] = c = r.child("Abroad", d(2005, 8, 1))
    r.episode(c, d(2020, 1, 1), d(2023, 8, 1), rec="E8")
    r.contact(c, 20, "YES", "F5", "G", False)
    # CL5: died: out of every cohort
    kids["CL5"] = c = r.child("Died", d(2005, 7, 1))
    r.episode(c, d(2020, 1, 1), d(2023, 7, 1), rec="E8")
    r.contact(c, 20, "DIED")
    # CL6: adopted at 16 (E11): not a care leaver, whatever is recorded
    kids["CL6"] = c = r.child("Adopted", d(2005, 10, 1))
    r.episode(c, d(2019, 9, 1), d(2022, 3, 1), rec="E11", place="A4")
    r.contact(c, 20, "YES", "F1", "U", True)
    # CL7: 20 in February 2026, no contact recorded: in every cohort, met in none
    kids["CL7"] = c = r.child("Unrecorded", d(2006, 2, 1))
    r.episode(c, d(2020, 1, 1), d(2024, 2, 1), rec="E8")
    # CL8: short breaks only after 14 (151 + 31 days): not a former relevant child
    kids["CL8"] = c = r.child("Breaks", d(2005, 11, 1))
    r.episode(c, d(2021, 1, 1), d(2021, 6, 1), ls="V3", rec="E8")
    r.episode(c, d(2022, 1, 1), d(2022, 2, 1), ls="V3", rec="E8")
    r.contact(c, 19, "YES", "F1", "U", True)
    # CL9: 18 in the year (19 next year): not in the cohort
    kids["CL9"] = c = r.child("Eighteen", d(2007, 6, 1))
    r.episode(c, d(2021, 1, 1), d(2025, 6, 1), rec="E8")
    # CL10: looked after 44 days after the 16th birthday, under 13 weeks since the 14th: not former relevant
    kids["CL10"] = c = r.child("Brief", d(2006, 5, 1))
    r.episode(c, d(2022, 6, 1), d(2022, 7, 15), rec="E4A")
    r.contact(c, 19, "YES", "F1", "U", True)
    # CL11: 21 in May, deported; CL12: 19 in January, in education, residence not known: both out
    # of the accommodation denominator only
    kids["CL11"] = c = r.child("Deported", d(2004, 5, 20))
    r.episode(c, d(2019, 1, 1), d(2022, 5, 20), rec="E8")
    r.contact(c, 21, "YES", "G4", "H", False)
    kids["CL12"] = c = r.child("Unknown", d(2007, 1, 20))
    r.episode(c, d(2022, 1, 1), d(2025, 1, 20), rec="E8")
    r.contact(c, 19, "YES", "F2", "R", False)
    data = r.load()
    # EET: cohort CL1 CL2 CL3 CL4 CL7 CL11 CL12 = 7; in EET CL1 CL4 CL12
    assert compute(data, "care_leavers_eet") == Result(3, 7, pytest.approx(100 * 3 / 7))
    # suitable: the cohort less CL4 (gone abroad), CL11 (deported), CL12 (residence not known) = 4; suitable CL1
    assert compute(data, "care_leavers_suitable_accommodation") == Result(1, 4, 25.0)
    # in touch: CL1 CL2 CL4 CL11 CL12 of 7
    assert compute(data, "care_leavers_in_touch") == Result(5, 7, pytest.approx(100 * 5 / 7))
    assert statuses(data, "care_leavers_suitable_accommodation", kids) == {
        "CL1": MET,
        "CL2": NOT_MET,
        "CL3": NOT_MET,
        "CL4": NOT_APPLICABLE,
        "CL5": NOT_APPLICABLE,
        "CL6": NOT_APPLICABLE,
        "CL7": NOT_MET,
        "CL8": NOT_APPLICABLE,
        "CL9": NOT_APPLICABLE,
        "CL10": NOT_APPLICABLE,
        "CL11": NOT_APPLICABLE,
        "CL12": NOT_APPLICABLE,
    }
    assert statuses(data, "care_leavers_eet", kids)["CL4"] == MET


def test_care_leavers_in_touch_counts_activity_known_from_a_third_party(world):
    # The DfE's "local authority not in touch" leaves out young people whose activity a third party
    # provided (LAIT), and the 94% benchmark is 100 less "information not known". A 903 return can
    # carry such a row (imported as given), so: in touch = YES, or activity known.
    r = Records(world)
    kids = {}
    # T1: in touch, working: in touch
    kids["T1"] = c = r.child("Touch", d(2005, 6, 1))
    r.episode(c, d(2019, 1, 1), d(2023, 6, 1), rec="E8")
    r.contact(c, 20, "YES", "F5", "U", True)
    # T2: not in touch, but in full-time education by a third party's account: in touch (and in EET)
    kids["T2"] = c = r.child("ThirdParty", d(2005, 7, 1))
    r.episode(c, d(2019, 1, 1), d(2023, 7, 1), rec="E8")
    r.contact(c, 20, "NO", "F2", "0", None)
    # T3: refuses contact, nothing known: not in touch
    kids["T3"] = c = r.child("Refuses", d(2005, 8, 1))
    r.episode(c, d(2019, 1, 1), d(2023, 8, 1), rec="E8")
    r.contact(c, 20, "REFU")
    # T4: not in touch, activity 0 (not known): not in touch
    kids["T4"] = c = r.child("NotKnown", d(2005, 9, 1))
    r.episode(c, d(2019, 1, 1), d(2023, 9, 1), rec="E8")
    r.contact(c, 20, "NO", "0", "0", None)
    # T5: no longer requires services, nothing known: not in touch (stays in the cohort, as the DfE counts it)
    kids["T5"] = c = r.child("NoNeed", d(2005, 10, 1))
    r.episode(c, d(2019, 1, 1), d(2023, 10, 1), rec="E8")
    r.contact(c, 20, "NREQ")
    data = r.load()
    # cohort T1..T5 = 5; in touch T1 and T2
    assert compute(data, "care_leavers_in_touch") == Result(2, 5, 40.0)
    assert statuses(data, "care_leavers_in_touch", kids) == {
        "T1": MET,
        "T2": MET,
        "T3": NOT_MET,
        "T4": NOT_MET,
        "T5": NOT_MET,
    }
    # EET: T1 (F5) and T2 (F2) of 5; T4's 0 is not known
    assert compute(data, "care_leavers_eet") == Result(2, 5, 40.0)


def test_adoptions_share_and_timeliness(world):
    r = Records(world)
    kids = {}
    # AD1: care from 10 January 2023, placed with adopters (A6) 1 November 2024, adopted 10 September 2025
    kids["AD1"] = c = r.child("Adopted", d(2021, 1, 1))
    r.care(
        c, (d(2023, 1, 10), "S", {}), (d(2024, 11, 1), "P", {"place": "A6", "ls": "E1"}), end=d(2025, 9, 10), rec="E11"
    )
    # AD2: care from 1 June 2023, placed for adoption with the foster carers (A5) 15 January 2025,
    # adopted 1 February 2026
    kids["AD2"] = c = r.child("FosterAdopted", d(2021, 1, 1))
    r.care(
        c,
        (d(2023, 6, 1), "S", {"place": "U5"}),
        (d(2025, 1, 15), "T", {"place": "A5", "ls": "E1"}),
        end=d(2026, 2, 1),
        rec="E12",
    )
    # AD3: went home
    kids["AD3"] = c = r.child("Home", d(2015, 1, 1))
    r.episode(c, d(2024, 1, 1), d(2025, 8, 1), rec="E4A")
    # AD4: left care twice in the year; only the last time counts (a special guardianship order)
    kids["AD4"] = c = r.child("Twice", d(2015, 1, 1))
    r.episode(c, d(2024, 1, 1), d(2025, 5, 1), rec="E4B")
    r.episode(c, d(2025, 6, 1), d(2025, 12, 1), rec="E45")
    # AD5: left before the year; AD6: a short break ending in the year; AD7: still in care
    kids["AD5"] = c = r.child("Before", d(2015, 1, 1))
    r.episode(c, d(2024, 1, 1), d(2025, 3, 20), rec="E4A")
    kids["AD6"] = c = r.child("Break", d(2015, 1, 1))
    r.episode(c, d(2025, 6, 1), d(2025, 6, 3), ls="V3", rec="E8")
    kids["AD7"] = c = r.child("InCare", d(2015, 1, 1))
    r.episode(c, d(2024, 1, 1))
    data = r.load()
    # ceased in the year: AD1 AD2 AD3 AD4 = 4; adopted AD1 AD2
    assert compute(data, "adopted_share") == Result(2, 4, 50.0)
    assert statuses(data, "adopted_share", kids) == {
        "AD1": MET,
        "AD2": MET,
        "AD3": NOT_MET,
        "AD4": NOT_MET,
        "AD5": NOT_APPLICABLE,
        "AD6": NOT_APPLICABLE,
        "AD7": NOT_APPLICABLE,
    }
    # entry to adoption: AD1 10 Jan 2023 to 10 Sep 2025 = 365 + 366 (2024 a leap year) to 10 Jan 2025,
    # + 243 (21 + 28 + 31 + 30 + 31 + 30 + 31 + 31 + 10) = 974 days; AD2 1 Jun 2023 to 1 Jun 2025 =
    # 366 + 365, + 245 to 1 Feb 2026 = 976 days
    assert (d(2025, 9, 10) - d(2023, 1, 10)).days == 974 and (d(2026, 2, 1) - d(2023, 6, 1)).days == 976
    assert compute(data, "adoption_timeliness_days") == Result(974 + 976, 2, 975.0)
    # entry to placed for adoption: AD1 10 Jan 2023 to 1 Nov 2024 = 365 + 296 = 661; AD2 (with the
    # foster carers) 1 Jun 2023 to 15 Jan 2025 = 366 + 228 = 594
    assert (d(2024, 11, 1) - d(2023, 1, 10)).days == 661 and (d(2025, 1, 15) - d(2023, 6, 1)).days == 594
    assert compute(data, "adoption_placed_days") == Result(661 + 594, 2, 627.5)


def test_adoption_placed_days_counts_to_the_placement_with_the_adoptive_family(world):
    # "Entry into care to moving in with its adoptive family" (adoption scorecard A1; DfE stage 4,
    # after stage 3 "matching to placed"): a placement for adoption that broke down is not the one.
    r = Records(world)
    # care from 1 February 2023; placed for adoption with adopters X (A6, new carers) 1 June 2024;
    # that broke down: back to foster carers (P) 1 December 2024; placed with adopters Y (A6, P)
    # 1 March 2025; adopted by Y 1 December 2025
    child = r.child("Disrupted", d(2021, 6, 1))
    r.care(
        child,
        (d(2023, 2, 1), "S", {}),
        (d(2024, 6, 1), "P", {"place": "A6", "ls": "E1", "postcode": "LS6 2AA"}),
        (d(2024, 12, 1), "P", {"place": "U6", "ls": "E1", "postcode": "LS1 4AP"}),
        (d(2025, 3, 1), "P", {"place": "A6", "ls": "E1", "postcode": "BD1 1HY"}),
        end=d(2025, 12, 1),
        rec="E12",
    )
    # a second child adopted by their foster carers, who took a holiday with the child on the way
    # (T2, and back): care from 1 September 2023, placed for adoption with them (A5, T) 1 July 2025
    fostered = r.child("FosterCarers", d(2022, 6, 1))
    r.care(
        fostered,
        (d(2023, 9, 1), "S", {"place": "U5"}),
        (d(2024, 8, 1), "P", {"place": "T2", "postcode": ""}),
        (d(2024, 8, 15), "P", {"place": "U5"}),
        (d(2025, 7, 1), "T", {"place": "A5", "ls": "E1"}),
        end=d(2026, 3, 1),
        rec="E11",
    )
    data = r.load()
    # 1 February 2023 to 1 March 2025 (placed with Y, not X on 1 June 2024): 365 to 1 February 2024,
    # 366 to 1 February 2025 (29 February 2024), 28 to 1 March = 759 days.
    # 1 September 2023 to 1 July 2025: 366 to 1 September 2024, then 30 + 31 + 30 + 31 + 31 + 28 + 31
    # + 30 + 31 + 30 = 303 to 1 July 2025 = 669 days.
    assert (d(2025, 3, 1) - d(2023, 2, 1)).days == 759 and (d(2025, 7, 1) - d(2023, 9, 1)).days == 669
    assert compute(data, "adoption_placed_days") == Result(759 + 669, 2, 714.0)
