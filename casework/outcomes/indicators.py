"""The outcome indicators, each defined once: what it counts, for whom, over what period, which way
is better, and the England figure to compare with where the DfE publishes one.

How each is computed is in ``outcomes/compute.py`` (one function per indicator, named in
``compute.COMPUTE``). The definitions follow ../shared/reference/outcomes.md section 2.2 and the
DfE's own wording (LAIT data dictionary, ../shared/reference/dfe/lait_cla_defs.txt); where those
leave a choice, docs/outcomes.md says which was made and why.

"31 March" stands for the last day of the period: the DfE's year ends on 31 March, a contract year
may end on 30 June, and then "at 31 March" means "at 30 June" and "the year" means July to June.
Cohorts "looked after continuously for 12 months" always look back 12 months from that day.

Benchmarks are England figures copied from the DfE's data files in ``outcomes/benchmarks/`` (Open
Government Licence v3.0; the README there gives each file's release and year).
tests/outcomes/test_outcomes_benchmarks.py reads every value back from its file, so a value here
cannot drift from its source. A DfE year is the year ending 31 March (2025 means 2024-25); the
workforce census year is the year of its 30 September count.

``per_child`` indicators are decided child by child (each child in the cohort either meets the
standard or not), so a per-child matrix and per-child payments can be built from them;
``compute.per_child`` gives each child's status.
"""

from dataclasses import dataclass
from typing import Literal

Direction = Literal["higher", "lower", "none"]
Unit = Literal["percent", "mean", "per_child", "days", "ratio"]


@dataclass(frozen=True)
class Benchmark:
    """A national (England) figure: the value in the indicator's unit, its year, where it comes from."""

    value: float
    year: int
    source: str


@dataclass(frozen=True)
class Indicator:
    id: str
    title: str
    definition: str
    cohort: str
    numerator: str
    denominator: str
    period: str
    direction: Direction
    unit: Unit
    benchmark: Benchmark | None
    per_child: bool


_OGL = "Open Government Licence v3.0"
_CLA = "DfE, Children looked after in England including adoptions"
_CSWW = "DfE, Children's social work workforce"

_CLA_AT_31_MARCH = "Children looked after at 31 March, not on a short break (legal status V3 or V4)"
_CLA_12_MONTHS = (
    "Children looked after at 31 March who had been looked after continuously for at least 12 months "
    "(in care on the first day of the 12 months, no new period of care and no care ending before 31 March, "
    "no short break: the 903 OC2 cohort)"
)
_CLA_IN_YEAR = "Children looked after at any time in the year, not counting short breaks (V3 or V4)"
_CARE_LEAVERS = (
    "Former relevant young people whose 19th, 20th or 21st birthday fell in the year: looked after for at "
    "least 13 weeks since their 14th birthday, some of it after their 16th, not counting short breaks, and "
    "not adopted; leaving out those who died or returned home to parents for 6 months or more"
)
_PLACEMENT_COUNTING = (
    "A placement counts if it lasted 24 hours or more (or is still open). Not a new placement: a change of "
    "legal status only; a temporary placement (T0 to T4: hospital, holiday, foster carers' holiday, 7 days "
    "or less) and the return from it to the usual placement; being placed for adoption with the existing "
    "foster carers (A3, A5). Short breaks (V3, V4) are left out."
)


def _indicators(*items: Indicator) -> dict[str, Indicator]:
    return {item.id: item for item in items}


INDICATORS: dict[str, Indicator] = _indicators(
    Indicator(
        id="placement_stability_3plus",
        title="Three or more placements in the year",
        definition=(
            "Share of children looked after at 31 March who had three or more placements during the year, "
            "counting the placement open on 1 April and the one open on 31 March. "
            + _PLACEMENT_COUNTING
            + " (DfE 'Placement 1', formerly NI 62.)"
        ),
        cohort=_CLA_AT_31_MARCH,
        numerator="Those with 3 or more placements during the year",
        denominator="All in the cohort",
        period="year to 31 March",
        direction="lower",
        unit="percent",
        benchmark=Benchmark(
            10.0,
            2025,
            f"{_CLA} 2025, la_cla_placement_stability.csv: National, 'CLA on 31 March', "
            f"'With 3 or more placements during the year' (8,500 of 81,770); {_OGL}",
        ),
        per_child=True,
    ),
    Indicator(
        id="placement_stability_2year_3plus",
        title="Three or more placements in two years",
        definition=(
            "Share of children looked after at 31 March, and continuously for the two years before, who had "
            "three or more placements during those two years. " + _PLACEMENT_COUNTING
        ),
        cohort=(
            "Children looked after at 31 March, not on a short break, whose period of care began on or before "
            "the first day of the two years"
        ),
        numerator="Those with 3 or more placements during the two years",
        denominator="All in the cohort",
        period="2 years to 31 March",
        direction="lower",
        unit="percent",
        benchmark=Benchmark(
            23.0,
            2025,
            f"{_CLA} 2025, la_cla_placement_stability.csv: National, 'CLA 2 years on 31 March', "
            f"'With 3 or more placements during the previous 2 years' (13,410 of 59,430); {_OGL}",
        ),
        per_child=True,
    ),
    Indicator(
        id="long_term_stability",
        title="Same placement for at least two years",
        definition=(
            "Share of children under 16 at 31 March, looked after continuously for at least two and a half "
            "years, who had lived in the same placement, with the same carers, for at least two years, or who "
            "are placed for adoption and whose adoptive placement and the placement before it together have "
            "lasted at least two years. Only a move to new carers (P, B) or a new period of care ends the time: "
            "not a change of placement with the same carers (T, U: the carers move house, the placement becomes "
            "long-term fostering), a change of legal status, a temporary placement or an adoption placement "
            "with the same foster carers. (DfE long-term placement stability, 'living with the same carer for "
            "at least 2 years', formerly NI 63.)"
        ),
        cohort=(
            "Children looked after at 31 March, not on a short break, aged under 16 at 31 March, whose period "
            "of care began on or before the day two and a half years before 31 March (1 October)"
        ),
        numerator=(
            "Those living with carers they have lived with since the first day of the two years to 31 March or "
            "before (for a child placed for adoption with new carers: the carers before them)"
        ),
        denominator="All in the cohort",
        period="at 31 March",
        direction="higher",
        unit="percent",
        benchmark=Benchmark(
            69.0,
            2025,
            f"{_CLA} 2025, la_cla_placement_stability.csv: National, 'Children looked after continuously for "
            f"at least 2.5 years on 31 March aged under 16 years', 'Living with the same carer for at least "
            f"2 years' (19,680 of 28,710); {_OGL}",
        ),
        per_child=True,
    ),
    Indicator(
        id="social_workers_3plus",
        title="Three or more social workers in the year",
        definition=(
            "Share of children looked after at 31 March who had three or more different social workers "
            "allocated during the year. A worker who comes back counts once (A, B, then A again is two "
            "workers), as does one who holds both of the child's cases; social workers the child had while "
            "not looked after count too (their child-in-need case before coming into care in the year), as "
            "the DfE counts them."
        ),
        cohort=_CLA_AT_31_MARCH,
        numerator=(
            "Those with 3 or more different social workers allocated to their looked-after-child or "
            "child-in-need case(s) for the responsible authority at any time in the year"
        ),
        denominator="All in the cohort",
        period="year to 31 March",
        direction="lower",
        unit="percent",
        benchmark=Benchmark(
            27.0,
            2024,
            f"{_CLA} 2024 (social worker stability, official statistics in development), la_cla_swcount.csv: "
            f"National, 'CLA on 31 March', '3 or more social workers during the year' (22,140 of 83,300); {_OGL}",
        ),
        per_child=True,
    ),
    Indicator(
        id="placed_over_20_miles_out_of_area",
        title="Placed more than 20 miles from home and outside the authority",
        definition=(
            "Share of children looked after at 31 March whose placement at 31 March was more than 20 miles from "
            "their home postcode (straight line between the two postcodes' ONS grid references, in miles to one "
            "decimal place as the 903 guidance works it out) and outside the responsible authority's boundary "
            "(for a county council, outside all its districts). Children whose distance cannot be worked out "
            "(no home postcode, "
            "as for an unaccompanied asylum-seeking child, or a postcode not in the ONS list) stay in the "
            "denominator, as in the DfE's figure."
        ),
        cohort=_CLA_AT_31_MARCH,
        numerator="Those placed more than 20 miles from home and in another local authority's area",
        denominator="All in the cohort",
        period="at 31 March",
        direction="lower",
        unit="percent",
        benchmark=None,
        per_child=True,
    ),
    Indicator(
        id="health_assessment",
        title="Annual health assessment",
        definition=(
            "Share of children looked after continuously for 12 months at 31 March whose health assessments "
            "were done in the 12 months: two for a child under 5 at 31 March (they are due every six months), "
            "one for a child of 5 or over."
        ),
        cohort=_CLA_12_MONTHS,
        numerator="Those with the health assessment(s) done in the 12 months to 31 March",
        denominator="All in the cohort",
        period="12 months to 31 March",
        direction="higher",
        unit="percent",
        benchmark=Benchmark(
            90.0,
            2025,
            f"{_CLA} 2025, la_conviction_health_outcome_cla.csv: National, 'Health assessments: Children looked "
            f"after all ages', 'Had their annual health assessment' (52,580 of 58,530); {_OGL}",
        ),
        per_child=True,
    ),
    Indicator(
        id="dental_check",
        title="Dental check",
        definition=(
            "Share of children looked after continuously for 12 months at 31 March whose teeth were checked by "
            "a dentist in the 12 months (a check the child refused is not a check)."
        ),
        cohort=_CLA_12_MONTHS,
        numerator="Those with a dental check in the 12 months to 31 March",
        denominator="All in the cohort",
        period="12 months to 31 March",
        direction="higher",
        unit="percent",
        benchmark=Benchmark(
            81.0,
            2025,
            f"{_CLA} 2025, la_conviction_health_outcome_cla.csv: National, 'Health assessments: Children looked "
            f"after all ages', 'Had their teeth checked by a dentist' (47,320 of 58,530); {_OGL}",
        ),
        per_child=True,
    ),
    Indicator(
        id="immunisations",
        title="Immunisations up to date",
        definition=(
            "Share of children looked after continuously for 12 months at 31 March whose immunisations were "
            "recorded as up to date in the 12 months (every immunisation due for their age, including any due "
            "before they came into care)."
        ),
        cohort=_CLA_12_MONTHS,
        numerator="Those with immunisations recorded as up to date in the 12 months to 31 March",
        denominator="All in the cohort",
        period="12 months to 31 March",
        direction="higher",
        unit="percent",
        benchmark=Benchmark(
            84.0,
            2025,
            f"{_CLA} 2025, la_conviction_health_outcome_cla.csv: National, 'Health assessments: Children looked "
            f"after all ages', 'Had their immunisations up to date' (49,160 of 58,530); {_OGL}",
        ),
        per_child=True,
    ),
    Indicator(
        id="development_check",
        title="Development assessment (under 5)",
        definition=(
            "Share of children aged under 5 at 31 March, looked after continuously for 12 months, whose "
            "development assessment was done in the 12 months."
        ),
        cohort=_CLA_12_MONTHS + ", aged 0 to 4 at 31 March",
        numerator="Those with a development assessment in the 12 months to 31 March",
        denominator="All in the cohort",
        period="12 months to 31 March",
        direction="higher",
        unit="percent",
        benchmark=Benchmark(
            88.0,
            2025,
            f"{_CLA} 2025, la_conviction_health_outcome_cla.csv: National, 'Development assessments: Children "
            f"looked after ages 0 to 4 years', 'Development assessments up to date' (5,580 of 6,360); {_OGL}",
        ),
        per_child=True,
    ),
    Indicator(
        id="sdq_returned",
        title="SDQ returned",
        definition=(
            "Share of children aged 5 to 16 at 31 March, looked after continuously for 12 months, with a "
            "Strengths and Difficulties Questionnaire score: the latest SDQ recorded in the 12 months has a "
            "score (the one the 903 return reports; a later 'not done' replaces an earlier score there too)."
        ),
        cohort=_CLA_12_MONTHS + ", aged 5 to 16 at 31 March",
        numerator="Those whose latest SDQ in the 12 months to 31 March has a score",
        denominator="All in the cohort",
        period="12 months to 31 March",
        direction="higher",
        unit="percent",
        benchmark=Benchmark(
            78.0,
            2025,
            f"{_CLA} 2025, la_conviction_health_outcome_cla.csv: National, 'Ages 5 to 16 years with SDQ score', "
            f"'SDQ score was received' (33,790 of 43,220); {_OGL}",
        ),
        per_child=True,
    ),
    Indicator(
        id="sdq_mean",
        title="Average SDQ score",
        definition=(
            "Mean total difficulties score (0 to 40; 0 to 13 normal, 14 to 16 borderline, 17 to 40 a cause for "
            "concern) of children aged 5 to 16 at 31 March, looked after continuously for 12 months, whose "
            "latest SDQ in the 12 months has a score. (Formerly NI 58.)"
        ),
        cohort=_CLA_12_MONTHS + ", aged 5 to 16 at 31 March, with an SDQ score",
        numerator="Sum of each child's latest SDQ score in the 12 months to 31 March",
        denominator="Children with a score",
        period="12 months to 31 March",
        direction="lower",
        unit="mean",
        benchmark=Benchmark(
            14.9,
            2025,
            f"{_CLA} 2025, la_conviction_health_outcome_cla.csv: National, 'Ages 5 to 16 years with SDQ score', "
            f"'SDQ average score'; {_OGL}",
        ),
        per_child=False,
    ),
    Indicator(
        id="sdq_concern",
        title="SDQ score a cause for concern",
        definition=(
            "Share of children aged 5 to 16 at 31 March with an SDQ score (as for the average) whose latest "
            "score in the 12 months is 17 or more."
        ),
        cohort=_CLA_12_MONTHS + ", aged 5 to 16 at 31 March, with an SDQ score",
        numerator="Those whose latest score is 17 or more",
        denominator="Children with a score",
        period="12 months to 31 March",
        direction="lower",
        unit="percent",
        benchmark=Benchmark(
            42.0,
            2025,
            f"{_CLA} 2025, la_conviction_health_outcome_cla.csv: National, 'Ages 5 to 16 years with SDQ score', "
            f"'SDQ score is a cause for concern' (14,320 of 33,790); {_OGL}",
        ),
        per_child=True,
    ),
    Indicator(
        id="substance_misuse",
        title="Substance misuse identified",
        definition=(
            "Share of children looked after continuously for 12 months at 31 March identified as having a "
            "substance misuse problem during the 12 months."
        ),
        cohort=_CLA_12_MONTHS,
        numerator="Those identified as having a substance misuse problem in the 12 months to 31 March",
        denominator="All in the cohort",
        period="12 months to 31 March",
        direction="lower",
        unit="percent",
        benchmark=Benchmark(
            3.0,
            2025,
            f"{_CLA} 2025, la_conviction_health_outcome_cla.csv: National, 'Substance misuse: Children looked "
            f"after all ages', 'Identified as having a substance misuse problem' (1,780 of 58,530); {_OGL}",
        ),
        per_child=True,
    ),
    Indicator(
        id="convictions",
        title="Convicted or cautioned",
        definition=(
            "Share of children aged 10 to 17 at 31 March, looked after continuously for 12 months, convicted "
            "or given a youth caution or youth conditional caution during the 12 months."
        ),
        cohort=_CLA_12_MONTHS + ", aged 10 to 17 at 31 March",
        numerator="Those convicted or cautioned in the 12 months to 31 March",
        denominator="All in the cohort",
        period="12 months to 31 March",
        direction="lower",
        unit="percent",
        benchmark=Benchmark(
            2.0,
            2025,
            f"{_CLA} 2025, la_conviction_health_outcome_cla.csv: National, 'Convictions: Children looked after "
            f"Ages 10 to 17 years', 'Convicted or subject to youth cautions, or youth conditional cautions "
            f"during the year' (800 of 40,990); {_OGL}",
        ),
        per_child=True,
    ),
    Indicator(
        id="missing_children",
        title="Children who went missing",
        definition=(
            "Share of children looked after during the year who had at least one missing incident (whereabouts "
            "not known) in the year, counting an incident that began before the year and was still going on "
            "1 April. Being away from placement without authorisation is not counted."
        ),
        cohort=_CLA_IN_YEAR,
        numerator="Those with at least one missing incident in the year",
        denominator="All in the cohort",
        period="year to 31 March",
        direction="lower",
        unit="percent",
        benchmark=None,
        per_child=True,
    ),
    Indicator(
        id="missing_incidents_per_child",
        title="Missing incidents per child who went missing",
        definition=(
            "Average number of missing incidents in the year for each child looked after who went missing "
            "(incidents as for 'Children who went missing')."
        ),
        cohort=_CLA_IN_YEAR + ", who went missing in the year",
        numerator="Missing incidents in the year of those children",
        denominator="Children who went missing",
        period="year to 31 March",
        direction="lower",
        unit="per_child",
        benchmark=None,
        per_child=False,
    ),
    Indicator(
        id="reviews_on_time",
        title="Reviews on time",
        definition=(
            "Share of children, of those with a review due in the year, all of whose reviews due in the year "
            "were held on time (regulation 33): the first within 20 working days of coming into care, the second "
            "within 3 months of the first, then at most 6 months apart, each due date counted from the review "
            "actually held before it (worked out as in the work tray). A review due only after "
            "the child left care is not due; one overdue before the year and still not held on 1 April is late "
            "in this year too. Not a national statistic."
        ),
        cohort=_CLA_IN_YEAR + ", with at least one review due in the year",
        numerator="Those whose every review due in the year was held on or before its due date",
        denominator="All in the cohort",
        period="year to 31 March",
        direction="higher",
        unit="percent",
        benchmark=None,
        per_child=True,
    ),
    Indicator(
        id="visits_on_time",
        title="Visits on time",
        definition=(
            "Share of children, of those with a social work visit due in the year, all of whose visits due in "
            "the year were made on time (regulation 28, worked out as in the work tray): within a week of the "
            "start of each placement (new carers: S, P, B), then at most 6 weeks apart in the placement's "
            "first year, 3 months after that where the placement is meant to last until 18; weekly until the "
            "first review when placed with parents, then 6-weekly (4-weekly "
            "under an interim care order). The gap allowed after a visit is the one in force on that visit. "
            "A visit overdue before the year and still not made on 1 April is late in this year too. Not a "
            "national statistic."
        ),
        cohort=_CLA_IN_YEAR + ", with at least one visit due in the year",
        numerator="Those whose every visit due in the year was made on or before its due date",
        denominator="All in the cohort",
        period="year to 31 March",
        direction="higher",
        unit="percent",
        benchmark=None,
        per_child=True,
    ),
    Indicator(
        id="care_leavers_eet",
        title="Care leavers aged 19 to 21 in education, employment or training",
        definition=(
            "Share of former relevant young people with a 19th, 20th or 21st birthday in the year who were in "
            "education, employment or training around that birthday (as recorded at the birthday contact). "
            "Young people the authority is not in touch with, who refused contact or no longer need services "
            "stay in the cohort; unless their activity is known all the same (from a third party), they count "
            "as not known, so not in EET, as do those with no contact recorded. (Formerly NI 148.)"
        ),
        cohort=_CARE_LEAVERS,
        numerator="Those recorded in education, employment or training (full or part time) at the birthday contact",
        denominator="All in the cohort",
        period="birthdays in the year to 31 March",
        direction="higher",
        unit="percent",
        benchmark=Benchmark(
            54.0,
            2025,
            f"{_CLA} 2025, la_care_leavers_activity.csv: National, '19 to 21 years', 'Total in education, "
            f"employment or training' (20,760 of 38,440); {_OGL}",
        ),
        per_child=True,
    ),
    Indicator(
        id="care_leavers_suitable_accommodation",
        title="Care leavers aged 19 to 21 in suitable accommodation",
        definition=(
            "Share of former relevant young people with a 19th, 20th or 21st birthday in the year whose "
            "accommodation was judged suitable at the birthday contact. Those who had gone abroad, been "
            "deported or whose residence is not known are left out; those not in touch or with no contact "
            "recorded stay in, as not suitable. (Formerly NI 147.)"
        ),
        cohort=_CARE_LEAVERS + "; less those gone abroad (G), deported (H) or residence not known (R)",
        numerator="Those whose accommodation was judged suitable",
        denominator="All in the cohort",
        period="birthdays in the year to 31 March",
        direction="higher",
        unit="percent",
        benchmark=Benchmark(
            89.0,
            2025,
            f"{_CLA} 2025, la_care_leavers_accommodation_suitability.csv: National, '19 to 21 years', "
            f"'Accommodation considered suitable' (33,810 of 38,190); {_OGL}",
        ),
        per_child=True,
    ),
    Indicator(
        id="care_leavers_in_touch",
        title="Care leavers aged 19 to 21 in touch",
        definition=(
            "Share of former relevant young people with a 19th, 20th or 21st birthday in the year with whom "
            "the authority was in touch around that birthday, in the DfE's categories: in touch (contact code "
            "YES), or not in touch directly but with the main activity known from a third party (the DfE's "
            "'local authority not in touch' leaves those out). The DfE's other categories, 'local authority "
            "not in touch' (NO, nothing known), 'young person refuses contact' (REFU) and 'young person no "
            "longer requires services' (NREQ), are shown apart and are not in touch; so is a birthday with "
            "no contact recorded."
        ),
        cohort=_CARE_LEAVERS,
        numerator="Those in touch (YES) at the birthday contact, or not in touch (NO) with the activity known",
        denominator="All in the cohort",
        period="birthdays in the year to 31 March",
        direction="higher",
        unit="percent",
        benchmark=Benchmark(
            94.0,
            2025,
            f"Derived from {_CLA} 2025, la_care_leavers_activity.csv: 100 less National, '19 to 21 years', "
            f"'Total information not known' (6%: 2,390 of 38,440), as ../shared/reference/outcomes.md does. "
            f"'Information not known' is the young people whose activity is not known: the local authority "
            f"not in touch, refused contact or no longer requires services, with no third party's account. "
            f"The DfE's in-touch table itself is not among the files copied here; {_OGL}",
        ),
        per_child=True,
    ),
    Indicator(
        id="adopted_share",
        title="Adopted, of children leaving care",
        definition=(
            "Share of children who ceased to be looked after in the year who were adopted (reason ceased E11 "
            "or E12). Only the last time a child left care in the year counts; short breaks are left out."
        ),
        cohort="Children who ceased to be looked after during the year (the last time in the year for each child)",
        numerator="Those adopted (E11, E12)",
        denominator="All in the cohort",
        period="year to 31 March",
        direction="higher",
        unit="percent",
        benchmark=None,
        per_child=True,
    ),
    Indicator(
        id="adoption_timeliness_days",
        title="Days from entering care to adoption",
        definition=(
            "Average number of days from the start of the period of care to the adoption order, for children "
            "adopted in the year (DfE adoption stage 6, 'entry into care to adoption')."
        ),
        cohort="Children adopted from care during the year",
        numerator="Total days from the start of the period of care that ended in adoption to the adoption",
        denominator="Children adopted",
        period="year to 31 March",
        direction="lower",
        unit="days",
        benchmark=Benchmark(
            822.0,
            2025,
            f"{_CLA} 2025, national_cla_adopted_average_time_between_adoption_process_stages.csv: '6. Total "
            f"average time between entry into care and adoption', Total: 02:03 (2 years 3 months), converted "
            f"at 365.25 / 12 days a month; {_OGL}",
        ),
        per_child=False,
    ),
    Indicator(
        id="adoption_placed_days",
        title="Days from entering care to being placed for adoption",
        definition=(
            "Average number of days from the start of the period of care to being placed for adoption (A3 to "
            "A6) with the family that adopted the child, for children adopted in the year (DfE adoption stage "
            "4, 'entry into care to placed for adoption'; the adoption scorecard's A1 for one year). An "
            "earlier placement for adoption with other adopters that broke down does not count; with the "
            "foster carers (A3, A5) it is the day the placement became one for adoption."
        ),
        cohort="Children adopted from care during the year who had a placement for adoption recorded",
        numerator=("Total days from the start of the period of care to the placement for adoption with the adopters"),
        denominator="Children adopted with a placement for adoption recorded",
        period="year to 31 March",
        direction="lower",
        unit="days",
        benchmark=Benchmark(
            578.0,
            2025,
            f"{_CLA} 2025, national_cla_adopted_average_time_between_adoption_process_stages.csv: '4. Total "
            f"average time between entry into care and date placed for adoption', Total: 01:07 (1 year 7 "
            f"months), converted at 365.25 / 12 days a month; {_OGL}",
        ),
        per_child=False,
    ),
    Indicator(
        id="caseload_per_fte",
        title="Cases per case-holding full-time equivalent",
        definition=(
            "Open cases allocated at 31 March to the workers given (for example a practice's social workers), "
            "divided by the full-time equivalents of those of them in post who held at least one case that day "
            "(the workforce census's caseload per case-holding FTE). An exposure measure: it explains outcomes "
            "rather than being one."
        ),
        cohort="The workers given, in post at 31 March and holding at least one open case",
        numerator="Open cases allocated to them at 31 March",
        denominator="Their full-time equivalents (FTE)",
        period="at 31 March",
        direction="lower",
        unit="ratio",
        benchmark=Benchmark(
            15.2,
            2025,
            f"{_CSWW} 2025 (30 September 2025), csww_indicators_2017_to_2025.csv: National, caseload_fte "
            f"(321,661 cases, 21,105.4 case-holding FTE); {_OGL}",
        ),
        per_child=False,
    ),
)


def definitions_markdown() -> str:
    """The definitions table for docs/outcomes.md (a test checks the doc carries exactly this)."""

    def cell(text: str) -> str:
        return text.replace("|", "/").replace("\n", " ")

    lines = [
        "| id | title | cohort | numerator | denominator | period | better | unit | England benchmark |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for item in INDICATORS.values():
        bench = "none published" if item.benchmark is None else f"{item.benchmark.value:g} ({item.benchmark.year})"
        per_child = " (per child)" if item.per_child else ""
        lines.append(
            "| "
            + " | ".join(
                cell(text)
                for text in (
                    f"`{item.id}`",
                    item.title + per_child,
                    item.cohort,
                    item.numerator,
                    item.denominator,
                    item.period,
                    item.direction,
                    item.unit,
                    bench,
                )
            )
            + " |"
        )
    return "\n".join(lines) + "\n"
