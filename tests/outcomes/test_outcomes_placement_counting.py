"""What counts as a placement in "3 or more placements", read against the DfE's published definition
(docs/outcomes.md, "Counting placements"): a change of placement with the same carers (reason for new
episode T) is a placement; a temporary placement (placement type T0 to T4) is not, whatever its length.
The year is 1 April 2025 to 31 March 2026."""

from datetime import date

import pytest

from casework.outcomes.compute import MET, NOT_MET, Result, compute, per_child
from tests.outcomes.builders import Records

pytestmark = pytest.mark.django_db

d = date


def test_rne_t_is_a_placement_and_a_temporary_placement_is_not(world):
    r = Records(world)
    kids = {}
    # X: foster placement U6 from before the year; in June the carers move house (RNE T: new placement,
    # same carers, U6 at a new postcode); in November a move to new carers (P, U4): 3 placements
    kids["X"] = c = r.child("SameCarers", d(2014, 5, 1))
    r.care(
        c,
        (d(2024, 1, 10), "S", {}),
        (d(2025, 6, 1), "T", {"postcode": "LS6 2AA"}),
        (d(2025, 11, 1), "P", {"place": "U4"}),
    )
    # Y: U6; ten days' holiday away from the placement in August (T2, more than 24 hours) and back to
    # the same foster carers; a move to new carers in November: the temporary placement and the return
    # from it are not placements, so 2
    kids["Y"] = c = r.child("Holiday", d(2014, 5, 1))
    r.care(
        c,
        (d(2024, 1, 10), "S", {}),
        (d(2025, 8, 1), "P", {"place": "T2", "postcode": ""}),
        (d(2025, 8, 11), "P", {}),
        (d(2025, 11, 1), "P", {"place": "U4"}),
    )
    # Z: U6; a temporary placement of 7 days or less (T4) in May, back, and a second (T4) in
    # September, back; no other change: 1 placement
    kids["Z"] = c = r.child("Respite", d(2014, 5, 1))
    r.care(
        c,
        (d(2024, 1, 10), "S", {}),
        (d(2025, 5, 1), "P", {"place": "T4", "postcode": ""}),
        (d(2025, 5, 6), "P", {}),
        (d(2025, 9, 1), "P", {"place": "T4", "postcode": ""}),
        (d(2025, 9, 4), "P", {}),
    )
    data = r.load()
    assert compute(data, "placement_stability_3plus") == Result(1, 3, pytest.approx(100 / 3))
    found = per_child(data, "placement_stability_3plus")
    # lower is better: "met" means fewer than 3 placements
    assert {name: found[child.pk] for name, child in kids.items()} == {"X": NOT_MET, "Y": MET, "Z": MET}
