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
