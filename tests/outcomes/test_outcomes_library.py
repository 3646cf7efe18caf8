"""The indicator library as a whole: every indicator fully defined and computed, documented in
docs/outcomes.md, per-child statuses adding up to the figures, and a fixed number of queries."""

from datetime import date
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from casework.outcomes import compute as outcomes
from casework.outcomes import data as outcome_data
from casework.outcomes.compute import MET, NOT_MET, STATUSES, Result
from casework.outcomes.indicators import INDICATORS, definitions_markdown
from tests.conftest import make_worker
from tests.outcomes.builders import YEAR_END, YEAR_START, Records

d = date
DOC = Path(__file__).resolve().parents[2] / "docs" / "outcomes.md"


def test_every_indicator_is_fully_defined_and_has_a_computation():
    assert list(outcomes.COMPUTE) == list(INDICATORS)
    for key, indicator in INDICATORS.items():
        assert key == indicator.id
        for text in (indicator.title, indicator.definition, indicator.cohort, indicator.numerator):
            assert text.strip()
        assert indicator.denominator.strip() and indicator.period.strip()
        assert indicator.direction in ("higher", "lower", "none")
        assert indicator.unit in ("percent", "mean", "per_child", "days", "ratio")
        # decided child by child only where a child can meet it or not: shares, not averages
        assert not indicator.per_child or indicator.unit == "percent"
        if indicator.benchmark is not None:
            assert 2015 <= indicator.benchmark.year <= 2026 and indicator.benchmark.source


def test_the_brief_s_indicators_are_all_there():
    assert {
        "placement_stability_3plus",
        "long_term_stability",
        "social_workers_3plus",
        "health_assessment",
        "dental_check",
        "immunisations",
        "development_check",
        "sdq_returned",
        "sdq_mean",
        "missing_children",
        "missing_incidents_per_child",
        "reviews_on_time",
        "visits_on_time",
        "care_leavers_eet",
        "care_leavers_suitable_accommodation",
        "care_leavers_in_touch",
        "adopted_share",
        "adoption_timeliness_days",
        "placed_over_20_miles_out_of_area",
        "caseload_per_fte",
    } <= set(INDICATORS)


def test_the_documentation_carries_the_definitions_table_and_every_id():
    doc = DOC.read_text(encoding="utf-8")
    assert definitions_markdown() in doc, (
        "regenerate the table in docs/outcomes.md from indicators.definitions_markdown()"
    )
    for indicator_id in INDICATORS:
        assert f"`{indicator_id}`" in doc


def test_nothing_to_count_gives_no_value_rather_than_an_error():
    empty = outcome_data.build(period_start=YEAR_START, period_end=YEAR_END, children=[])
    results = outcomes.compute_all(empty)
    assert set(results) == set(INDICATORS)
    assert all(result.value is None and not result.denominator for result in results.values())


def test_a_period_must_not_end_before_it_starts():
    with pytest.raises(ValueError):
        outcome_data.build(period_start=YEAR_END, period_end=YEAR_START, children=[])


@pytest.fixture
def mixed(world):
    """A few children touching most indicators: in care all year, new, leaving, a care leaver."""
    r = Records(world)
    a, b, c = world.a.workers
    settled = r.child("Settled", d(2014, 1, 1))
    r.episode(settled, d(2022, 1, 1), place="U4", until_18=True)
    r.reviews(settled, d(2025, 6, 1), d(2025, 11, 20))
    r.visits(settled, d(2025, 1, 5), d(2025, 3, 30), d(2025, 6, 20), d(2025, 9, 10), d(2025, 12, 1), d(2026, 2, 20))
    r.check(settled, "health_assessment", d(2025, 5, 1))
    r.sdq(settled, d(2025, 5, 1), 12)
    r.allocations(r.case(settled), (a, d(2022, 1, 1), d(2025, 5, 1)), (b, d(2025, 5, 1), None))
    moving = r.child("Moving", d(2010, 1, 1))
    r.care(moving, (d(2025, 5, 1), "S", {}), (d(2025, 8, 1), "P", {"place": "K2"}), (d(2026, 1, 5), "P", {}))
    r.missing(moving, d(2025, 9, 1), d(2025, 9, 2))
    r.allocations(
        r.case(moving), (a, d(2025, 5, 1), d(2025, 7, 1)), (b, d(2025, 7, 1), d(2025, 9, 1)), (c, d(2025, 9, 1), None)
    )
    leaving = r.child("Leaving", d(2021, 1, 1))
    r.care(
        leaving,
        (d(2023, 1, 1), "S", {}),
        (d(2024, 12, 1), "P", {"place": "A6", "ls": "E1"}),
        end=d(2025, 10, 1),
        rec="E11",
    )
    leaver = r.child("Leaver", d(2005, 6, 1))
    r.episode(leaver, d(2019, 1, 1), d(2023, 6, 1), rec="E8")
    r.contact(leaver, 20, "YES", "F5", "U", True)
    r.kids = {"settled": settled, "moving": moving, "leaving": leaving, "leaver": leaver}
    return r


@pytest.mark.django_db
def test_per_child_statuses_add_up_to_each_figure(mixed):
    data = mixed.load()
    for indicator_id, indicator in INDICATORS.items():
        if not indicator.per_child:
            continue
        found = outcomes.per_child(data, indicator_id)
        assert set(found.values()) <= set(STATUSES)
        assert set(found) == set(data.children["child"].to_list())
        met = sum(s == MET for s in found.values())
        not_met = sum(s == NOT_MET for s in found.values())
        result = outcomes.compute(data, indicator_id)
        # met is the good side: the numerator counts it when higher is better, the others when lower is
        assert result.denominator == met + not_met, indicator_id
        assert result.numerator == (met if indicator.direction == "higher" else not_met), indicator_id


@pytest.mark.django_db
def test_a_contract_year_from_july_reads_at_30_june(mixed):
    # "at 31 March" is the period's last day. In the DfE year to 31 March 2026 the moving child has
    # had 3 placements (May, August, January); in a contract year from July 2024 to June 2025, at 30
    # June 2025, one (since May); the child adopted in October 2025 is still looked after then: the
    # cohort is settled, moving and leaving
    moving = mixed.kids["moving"].pk
    year = mixed.load()
    assert outcomes.per_child(year, "placement_stability_3plus")[moving] == NOT_MET
    contract_year = mixed.load(d(2024, 7, 1), d(2025, 6, 30))
    assert outcomes.per_child(contract_year, "placement_stability_3plus")[moving] == MET
    assert outcomes.compute(contract_year, "placement_stability_3plus") == Result(0, 3, 0.0)


def _add_children(r: Records, how_many: int, start: int):
    a, b, _ = r.world.a.workers
    for n in range(start, start + how_many):
        child = r.child(f"Q{n}", d(2012, 1, 1))
        r.care(child, (d(2023, 1, 1), "S", {}), (d(2025, 6, 1), "P", {"place": "K2"}))
        r.reviews(child, d(2025, 5, 1))
        r.visits(child, d(2025, 6, 3))
        r.check(child, "dental_check", d(2025, 7, 1))
        r.sdq(child, d(2025, 7, 1), 10)
        r.misuse(child, d(2025, 7, 1))
        r.conviction(child, d(2025, 7, 1))
        r.missing(child, d(2025, 7, 1), d(2025, 7, 2))
        r.contact(child, 17, "YES", "F1", "U", True)
        r.allocations(r.case(child), (a, d(2023, 1, 1), d(2025, 6, 1)), (b, d(2025, 6, 1), None))


@pytest.mark.django_db
def test_load_takes_the_same_number_of_queries_for_3_and_for_30_children(world):
    r = Records(world)
    team = world.a.team
    workers = type(world.a.workers[0]).objects.filter(pk__in=[make_worker(None, world.a.org, team).pk])

    def queries(**kwargs) -> int:
        with CaptureQueriesContext(connection) as captured:
            r.load(**kwargs)
        return len(captured.captured_queries)

    _add_children(r, 3, 0)
    small, small_with_workers = queries(), queries(workers=workers)
    _add_children(r, 27, 3)
    assert (queries(), queries(workers=workers)) == (small, small_with_workers) == (11, 13)
