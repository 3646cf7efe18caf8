"""RAG and payment by outcomes on values worked by hand."""

from decimal import Decimal

from casework.contracts.rules import earned, rag

D = Decimal


def test_rag_for_higher_and_lower_is_better():
    assert rag(90, D("90"), "higher") == "green"
    assert rag(81, D("90"), "higher") == "amber"  # 90 - 9 = 81 is the edge of amber
    assert rag(80.9, D("90"), "higher") == "red"
    assert rag(10, D("10"), "lower") == "green"
    assert rag(11, D("10"), "lower") == "amber"
    assert rag(11.5, D("10"), "lower") == "red"
    assert rag(None, D("10"), "lower") == "grey"


def test_threshold_for_the_cohort_pays_all_or_nothing():
    terms = {"payment_rule": "threshold", "payment_basis": "cohort", "amount_at_stake": D("20000"), "floor": None}
    met = earned(**terms, target=D("85"), direction="higher", value=86.2)
    missed = earned(**terms, target=D("85"), direction="higher", value=84.9)
    assert met.amount == D("20000.00") and "meets the target of 85" in met.workings
    assert missed.amount == D("0.00") and "does not meet" in missed.workings


def test_per_child_pays_for_each_child_who_met_the_measure():
    result = earned(
        payment_rule="threshold",
        payment_basis="per_child",
        amount_at_stake=D("250"),
        target=D("100"),
        floor=None,
        direction="higher",
        value=75,
        children_met=12,
    )
    assert result.amount == D("3000.00")  # 12 x 250
    assert "12 children" in result.workings


def test_sliding_scale_pays_in_proportion_between_floor_and_target():
    terms = {"payment_rule": "sliding", "payment_basis": "cohort", "amount_at_stake": D("10000")}
    # higher is better: floor 60, target 80, value 75 -> 15/20 = 75 % of 10,000 = 7,500
    assert earned(**terms, floor=D("60"), target=D("80"), direction="higher", value=75).amount == D("7500.00")
    assert earned(**terms, floor=D("60"), target=D("80"), direction="higher", value=59).amount == D("0.00")
    assert earned(**terms, floor=D("60"), target=D("80"), direction="higher", value=95).amount == D("10000.00")
    # lower is better: floor 20 %, target 10 %, value 13 % -> 7/10 = 70 % of 10,000 = 7,000
    result = earned(**terms, floor=D("20"), target=D("10"), direction="lower", value=13)
    assert result.amount == D("7000.00")
    assert "70.0% of £10,000.00 = £7,000.00" in result.workings


def test_no_terms_or_no_cohort_earn_nothing():
    assert earned(
        payment_rule="", payment_basis="", amount_at_stake=None, target=D("1"), floor=None, direction="higher", value=5
    ).amount == D("0.00")
    none = earned(
        payment_rule="threshold",
        payment_basis="cohort",
        amount_at_stake=D("500"),
        target=D("1"),
        floor=None,
        direction="higher",
        value=None,
    )
    assert none.amount == D("0.00") and "No children" in none.workings
