"""The contract price for a year under each price model, worked by hand."""

from datetime import date
from decimal import Decimal

from casework.contracts.rules import contract_price

D = Decimal
YEAR = (date(2025, 4, 1), date(2026, 3, 31))  # 365 days


def test_a_block_price_is_the_years_sum_whatever_the_cases():
    price = contract_price(price_model="block", price=D("250000"), start=YEAR[0], end=YEAR[1], cases={})
    assert price.amount == D("250000.00")
    assert "block sum" in price.workings


def test_per_case_counts_each_case_open_at_some_time_in_the_year():
    cases = {
        "a": [(date(2024, 1, 1), None)],  # open all year
        "b": [(date(2025, 10, 1), date(2025, 12, 1))],  # part of the year
        "c": [(date(2023, 1, 1), date(2025, 3, 31))],  # closed before the year: not counted
        "d": [(date(2026, 4, 1), None)],  # opened after it: not counted
    }
    price = contract_price(price_model="per_case", price=D("3000"), start=YEAR[0], end=YEAR[1], cases=cases)
    assert price.amount == D("6000.00")  # 2 cases x 3,000
    assert "2 cases" in price.workings


def test_per_child_per_week_counts_the_days_each_child_had_an_open_case():
    cases = {
        # all year: 365 days
        "a": [(date(2024, 1, 1), None)],
        # 1 Oct to 1 Dec, closed on 1 Dec (half-open, as allocations are): 61 days
        "b": [(date(2025, 10, 1), date(2025, 12, 1))],
        # two overlapping cases for one child count each day once: 1 Jan to 31 Mar 2026 = 90 days
        "c": [(date(2026, 1, 1), None), (date(2026, 2, 1), date(2026, 3, 1))],
    }
    price = contract_price(price_model="per_child_week", price=D("700"), start=YEAR[0], end=YEAR[1], cases=cases)
    # 365 + 61 + 90 = 516 child-days = 73.714... weeks; x 700 = 51,600.00 (516 x 100 a day)
    assert price.amount == D("51600.00")
    assert "516 days" in price.workings and "3 children" in price.workings


def test_a_year_in_progress_is_priced_to_the_day_given():
    cases = {"a": [(date(2024, 1, 1), None)]}
    price = contract_price(
        price_model="per_child_week", price=D("1150"), start=YEAR[0], end=date(2025, 4, 14), cases=cases
    )
    assert price.amount == D("2300.00")  # 14 days = 2 weeks
