"""Every per-child measure reads as the child's fact, coloured by whether it is good."""

from datetime import date

import pytest

from casework.looked_after.models import LookedAfterChild
from casework.outcomes import data, facts
from casework.outcomes.indicators import INDICATORS


def test_every_per_child_measure_has_words_for_a_child():
    per_child = {i.id for i in INDICATORS.values() if i.per_child}
    assert per_child == set(facts.COUNTED) | set(facts.WORDS)
    assert not set(facts.COUNTED) & set(facts.WORDS)


@pytest.mark.django_db
def test_every_counted_measure_leaves_its_count_on_its_frame():
    loaded = data.load(LookedAfterChild.objects.none(), period_start=date(2025, 4, 1), period_end=date(2026, 3, 31))
    for indicator_id in facts.COUNTED:
        assert facts.counts(loaded, indicator_id) == {}


def test_the_colour_follows_whether_it_is_good_not_the_measures_direction():
    # "Three or more placements" (lower is better): met means fewer than three, good news
    assert facts.fact("placement_stability_3plus", "met", 1) == facts.Fact("1 placement this year", "green")
    assert facts.fact("placement_stability_3plus", "not_met", 3) == facts.Fact("3 placements this year", "red")
    assert facts.fact("missing_children", "met", None) == facts.Fact("Not missing this year", "green")
    assert facts.fact("missing_children", "not_met", 1) == facts.Fact("Went missing once", "red")
    assert facts.fact("health_assessment", "not_met") == facts.Fact("Health assessment not done", "red")
    assert facts.fact("dental_check", "not_yet_due") == facts.Fact("Not yet due", "grey")
    assert facts.fact("convictions", "not_applicable") == facts.Fact("Does not apply", "grey")
