"""Wilson intervals checked against values worked by hand from the closed forms."""

import pytest

from casework.core.statistics import suppressed, wilson_interval

Z2 = 1.959963984540054**2  # 3.8414588...


def test_no_successes_has_the_closed_form_upper_bound_z2_over_n_plus_z2():
    low, high = wilson_interval(0, 10)
    assert low == 0.0
    assert high == pytest.approx(Z2 / (10 + Z2))  # 3.8415 / 13.8415 = 0.2775


def test_all_successes_has_the_closed_form_lower_bound_n_over_n_plus_z2():
    low, high = wilson_interval(10, 10)
    assert low == pytest.approx(10 / (10 + Z2))  # 0.7225
    assert high == pytest.approx(1.0)


def test_half_is_symmetric_about_one_half():
    # centre (5 + Z2/2) / (10 + Z2) = 0.5; half-width z * sqrt(10/4 + Z2/4) / (10 + Z2) = 0.2634
    low, high = wilson_interval(5, 10)
    assert (low + high) / 2 == pytest.approx(0.5)
    assert high - 0.5 == pytest.approx(1.959963984540054 * ((10 / 4 + Z2 / 4) ** 0.5) / (10 + Z2))
    assert low == pytest.approx(0.2366, abs=1e-4)


def test_no_trials_has_no_interval_and_impossible_counts_are_refused():
    assert wilson_interval(0, 0) is None
    with pytest.raises(ValueError):
        wilson_interval(11, 10)


def test_counts_under_five_are_suppressed_but_zero_is_not():
    assert [suppressed(n) for n in (0, 1, 4, 5, 120)] == ["0", "[c]", "[c]", "5", "120"]


# --- what of a table may be shown (hand-worked: each case says how a reader would work a count back) --


def test_a_count_under_5_is_withheld_and_so_is_nothing_else_when_nothing_gives_it_away():
    from casework.core.statistics import withheld

    values = {"met": 3, "cohort": 30, "zero": 0, "five": 5}
    assert withheld(values, counts=values) == {"met"}


def test_one_category_withheld_beside_its_total_takes_the_next_smallest_with_it():
    from casework.core.statistics import Sum, withheld

    # 30 = 2 + 6 + 22: showing 30, 6 and 22 gives 2 back (30 - 6 - 22), so 6 goes too (22 stays)
    values = {"all": 30, "a": 2, "b": 6, "c": 22}
    assert withheld(values, counts=values, sums=[Sum("all", ("a", "b", "c"))]) == {"a", "b"}


def test_two_small_categories_hide_each_other():
    from casework.core.statistics import Sum, withheld

    # 30 = 1 + 3 + 26: 30 - 26 = 4 is the two together, neither alone
    values = {"all": 30, "a": 1, "b": 3, "c": 26}
    assert withheld(values, counts=values, sums=[Sum("all", ("a", "b", "c"))]) == {"a", "b"}


def test_a_group_left_out_of_the_table_counts_when_it_is_empty_and_is_protected_when_small():
    from casework.core.statistics import Sum, withheld

    # age groups: all ages 30 = under 5 (4) + 5 to 10 (6) + 11 to 15 (20) + 16 and over (left out)
    values = {"all": 30, "u5": 4, "5-10": 6, "11-15": 20, "16+": 0}
    sums = [Sum("all", ("u5", "5-10", "11-15", "16+"))]
    # nobody 16 or over: a reader guesses 0 and works the 4 back from 30 - 6 - 20, so 6 goes too
    assert withheld(values, counts=values, sums=sums, unpublished={"16+"}) == {"u5", "5-10"}
    # 2 young people 16 or over: 32 - 6 - 20 = 6 is the under-5s and the over-16s together, neither
    # alone, so 6 and 20 may show
    values = {"all": 32, "u5": 4, "5-10": 6, "11-15": 20, "16+": 2}
    assert withheld(values, counts=values, sums=sums, unpublished={"16+"}) == {"u5"}
    # 7 aged 16 or over, never shown: 30 - 6 - 20 - 4 = 7 gives nothing under 5 away
    values = {"all": 37, "u5": 5, "5-10": 6, "11-15": 19, "16+": 7}
    assert withheld(values, counts=values, sums=sums, unpublished={"16+"}) == set()


def test_worked_back_through_a_chain_of_sums():
    from casework.core.statistics import Sum, withheld

    # met + not met = cohort, and met is also the same count in another measure's cohort
    values = {"cohort": 30, "met": 27, "not_met": 3, "met_elsewhere": 27}
    sums = [Sum("cohort", ("met", "not_met")), Sum("met_elsewhere", ("met",))]
    hidden = withheld(values, counts=values, sums=sums)
    assert "not_met" in hidden and ({"met", "met_elsewhere"} <= hidden or "cohort" in hidden)


def test_a_protected_total_of_scores_is_withheld_even_when_large():
    from casework.core.statistics import Sum, withheld

    values = {"scores": 57, "children": 3, "scores_all": 200, "scores_rest": 143}
    hidden = withheld(
        values, counts={"children"}, protect={"scores"}, sums=[Sum("scores_all", ("scores", "scores_rest"))]
    )
    assert {"scores", "children"} <= hidden and hidden & {"scores_all", "scores_rest"}
