"""Each per-child measure as one child's fact, in words, coloured by whether it is good.

A per-child status (``compute.per_child``) says whether the child is on the good side of the
measure, whichever way the measure runs: "met" on "Three or more placements" means fewer than
three. A social worker reads that as the opposite, so a child's page shows the fact itself ("1
placement this year", "Went missing 2 times") and colours it green when it is good, red when it is
not; a measure not yet due or not applying to the child is grey.

``COUNTED`` measures show the child's count, read from the column the measure's computation
leaves on its frame; every other measure has words for its good and its not-good side.
"""

from dataclasses import dataclass

from casework.outcomes import compute
from casework.outcomes.data import OutcomeData

GOOD, NOT_GOOD, NEUTRAL = "green", "red", "grey"


@dataclass(frozen=True)
class Counted:
    column: str  # on the frame compute.COMPUTE[indicator] returns
    one: str
    many: str  # with {n}
    none: str = ""  # words for 0, when "0 ..." reads badly

    def words(self, n: int) -> str:
        if n == 0 and self.none:
            return self.none
        return self.one if n == 1 else self.many.format(n=n)


COUNTED = {
    "placement_stability_3plus": Counted("placements", "1 placement this year", "{n} placements this year"),
    "placement_stability_2year_3plus": Counted("placements", "1 placement in two years", "{n} placements in two years"),
    "social_workers_3plus": Counted("workers", "1 social worker this year", "{n} social workers this year"),
    "missing_children": Counted("incidents", "Went missing once", "Went missing {n} times", "Not missing this year"),
}

# (good, not good) for every other per-child measure
WORDS = {
    "long_term_stability": ("With the same carers for two years or more", "Not with the same carers for two years"),
    "placed_over_20_miles_out_of_area": (
        "Placed within 20 miles of home or inside the authority",
        "Placed more than 20 miles from home, outside the authority",
    ),
    "health_assessment": ("Health assessment done", "Health assessment not done"),
    "dental_check": ("Dental check done", "No dental check"),
    "immunisations": ("Immunisations up to date", "Immunisations not up to date"),
    "development_check": ("Development assessment done", "Development assessment not done"),
    "sdq_returned": ("Strengths and Difficulties score recorded", "No Strengths and Difficulties score"),
    "sdq_concern": ("Strengths and Difficulties score not a concern", "Strengths and Difficulties score of concern"),
    "substance_misuse": ("No substance misuse identified", "Substance misuse identified"),
    "convictions": ("Not convicted or cautioned", "Convicted or cautioned"),
    "reviews_on_time": ("Reviews on time", "A review was late"),
    "visits_on_time": ("Visits on time", "A visit was late"),
    "care_leavers_eet": ("In education, employment or training", "Not in education, employment or training"),
    "care_leavers_suitable_accommodation": ("In suitable accommodation", "Not in suitable accommodation"),
    "care_leavers_in_touch": ("In touch", "Not in touch"),
    "adopted_share": ("Adopted", "Left care, not adopted"),
}

OTHER_STATUSES = {compute.NOT_YET_DUE: "Not yet due", compute.NOT_APPLICABLE: "Does not apply"}


@dataclass(frozen=True)
class Fact:
    words: str
    colour: str


def fact(indicator_id: str, status: str, count: int | None = None) -> Fact:
    """The child's fact for a measure from their status (and count, for a counted measure)."""
    if status not in (compute.MET, compute.NOT_MET):
        return Fact(OTHER_STATUSES[status], NEUTRAL)
    colour = GOOD if status == compute.MET else NOT_GOOD
    if indicator_id in COUNTED:
        return Fact(COUNTED[indicator_id].words(count or 0), colour)
    good, not_good = WORDS[indicator_id]
    return Fact(good if status == compute.MET else not_good, colour)


def counts(data: OutcomeData, indicator_id: str) -> dict[int, int]:
    """Each child's count for a counted measure (none recorded: 0)."""
    column = COUNTED[indicator_id].column
    frame = compute.COMPUTE[indicator_id](data).select("child", column)
    return {child: int(n or 0) for child, n in frame.iter_rows()}
