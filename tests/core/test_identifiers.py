"""Identifier rules, checked against numbers worked out by hand from the published algorithms."""

import pytest

from casework.core import identifiers as ids


# 943 476 5919 (the NHS's own published example):
# 9*10 + 4*9 + 3*8 + 4*7 + 7*6 + 6*5 + 5*4 + 9*3 + 1*2 = 90+36+24+28+42+30+20+27+2 = 299
# 299 % 11 = 2, 11 - 2 = 9 = the tenth digit.
def test_published_nhs_number_is_valid():
    assert ids.nhs_check_digit("943476591") == 9
    assert ids.is_valid_nhs_number("9434765919")
    assert ids.is_valid_nhs_number("943 476 5919")
    assert ids.is_valid_nhs_number("943-476-5919")


@pytest.mark.parametrize(
    "value",
    [
        "9434765918",  # wrong check digit
        "943476591",  # nine digits
        "94347659190",  # eleven digits
        "94347659A9",  # a letter
        "",
        "0000000000",  # passes the arithmetic but is never issued
    ],
)
def test_bad_nhs_numbers_are_refused(value):
    assert not ids.is_valid_nhs_number(value)


def test_nhs_number_whose_check_would_be_ten_is_never_valid():
    # 100000009: 1*10 + 9*2 = 28; 28 % 11 = 6; 11 - 6 = 5.
    assert ids.nhs_check_digit("100000009") == 5
    # 000000006: 6*2 = 12; 12 % 11 = 1; 11 - 1 = 10, so no number starting 000000006 is issued.
    assert ids.nhs_check_digit("000000006") is None
    assert not any(ids.is_valid_nhs_number(f"000000006{d}") for d in range(10))


# UPN "A" + "38312341500" + "1": characters 2..13 are 3,8,3,1,2,3,4,1,5,0,0,1 with weights 2..13:
# 6+24+12+5+12+21+32+9+50+0+0+13 = 184; 184 % 23 = 0 -> "A".
def test_upn_check_letter_by_hand():
    assert ids.upn_check_letter("383123415001") == "A"
    assert ids.is_valid_upn("A383123415001")


def test_temporary_upn_with_trailing_letter():
    # 13th character "B" counts as 1 in the 23-letter alphabet: the same as the digit 1 above.
    assert ids.upn_check_letter("38312341500B") == "A"
    assert ids.is_valid_upn("A38312341500B")
    assert not ids.is_valid_upn("A38312341500I")  # I, O and S are not in the UPN alphabet


@pytest.mark.parametrize("code", ["UN1", "UN2", "UN3", "UN4", "UN5"])
def test_unknown_upn_codes_are_valid(code):
    assert ids.is_valid_upn(code)


@pytest.mark.parametrize("value", ["UN6", "B383123415001", "A38312341500", "A3831234150011", "", "I383123415001"])
def test_bad_upns_are_refused(value):
    assert not ids.is_valid_upn(value)


@pytest.mark.parametrize(
    "value, valid",
    [
        ("SW12345", True),
        ("SW1", True),
        ("SW1234567", True),
        ("S12345", False),
        ("SW", False),
        ("SW12A", False),
        ("SW12345678", False),
        ("sw12345", False),
    ],
)
def test_social_work_england_numbers(value, valid):
    assert ids.is_valid_swe_registration(value) is valid


def test_social_work_england_number_normalises():
    assert ids.normalise_swe_registration(" sw 12345 ") == "SW12345"


@pytest.mark.parametrize(
    "value",
    [
        "M1 1AE",  # A9
        "B33 8TH",  # A99
        "W1A 0AX",  # A9A
        "CR2 6XH",  # AA9
        "DN55 1PT",  # AA99
        "EC1A 1BB",  # AA9A
        "LS1 1AA",
        "GIR 0AA",
        "ls11aa",
        " ec1a1bb ",
    ],
)
def test_valid_postcodes(value):
    assert ids.is_valid_postcode(value)


@pytest.mark.parametrize(
    "value",
    [
        "LS1 1CA",  # C is never an inward letter
        "QQ1 1AA",  # Q never starts a postcode
        "AJ1 1AA",  # J is never the second letter
        "LS1",
        "",
        "12345",
        "LS1 1AAA",
    ],
)
def test_invalid_postcodes(value):
    assert not ids.is_valid_postcode(value)


def test_postcode_normalises_spacing_and_case():
    assert ids.normalise_postcode("ls11aa") == "LS1 1AA"
    assert ids.normalise_postcode("EC1A   1BB") == "EC1A 1BB"
