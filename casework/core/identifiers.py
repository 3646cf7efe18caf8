"""Identifiers used in social care records, checked by their published rules. Pure Python."""

import re

_NHS_WEIGHTS = range(10, 1, -1)


def normalise_nhs_number(value: str) -> str:
    """NHS numbers are written 943 476 5919 or 943-476-5919; stored as 10 digits."""
    return re.sub(r"[\s-]", "", value or "")


def nhs_check_digit(nine_digits: str) -> int | None:
    """NHS Data Dictionary modulus 11: weights 10..2; 11 means 0; 10 means the number is never issued."""
    total = sum(int(d) * w for d, w in zip(nine_digits, _NHS_WEIGHTS))
    check = 11 - total % 11
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


def is_valid_nhs_number(value: str) -> bool:
    """10 digits whose last is the modulus 11 check digit of the first nine (NHS Data Dictionary)."""
    value = normalise_nhs_number(value)
    if not re.fullmatch(r"\d{10}", value) or len(set(value)) == 1:
        return False
    return nhs_check_digit(value[:9]) == int(value[9])


UPN_ALPHABET = "ABCDEFGHJKLMNPQRTUVWXYZ"  # 23 letters: no I, O or S (DfE UPN guide)
UPN_UNKNOWN_CODES = {
    "UN1": "Not of school age, no UPN yet",
    "UN2": "Never attended a maintained school in England",
    "UN3": "Educated outside England",
    "UN4": "Newly looked after, UPN not yet known",
    "UN5": "Sources collating UPNs show discrepancies",
}


def upn_check_letter(twelve_chars: str) -> str:
    """DfE UPN check letter: characters 2-13 weighted 2..13, sum mod 23 indexes the 23-letter alphabet.
    A temporary UPN's final letter counts as its position in that alphabet."""
    total = 0
    for weight, ch in enumerate(twelve_chars, start=2):
        total += (UPN_ALPHABET.index(ch) if ch.isalpha() else int(ch)) * weight
    return UPN_ALPHABET[total % 23]


def is_valid_upn(value: str) -> bool:
    """A 13-character UPN with a correct check letter, or UN1-UN5 (SSDA903 rule 168 and the UPN guide)."""
    value = (value or "").strip().upper()
    if value in UPN_UNKNOWN_CODES:
        return True
    match = re.fullmatch(r"([A-Z])(\d{11})([0-9A-Z])", value)
    if not match or (match.group(3).isalpha() and match.group(3) not in UPN_ALPHABET):
        return False
    return match.group(1) == upn_check_letter(value[1:])


def normalise_swe_registration(value: str) -> str:
    """Social Work England numbers are written SW123456; stored uppercase without spaces."""
    return re.sub(r"\s", "", value or "").upper()


def is_valid_swe_registration(value: str) -> bool:
    """Social Work England registration number: SW followed by digits (also the 903 SW_ID form)."""
    return re.fullmatch(r"SW\d{1,7}", value or "") is not None


# Royal Mail format: outward code (A9, A99, A9A, AA9, AA99, AA9A) then inward code 9AA.
# First letter never Q, V, X; second never I, J, Z; inward letters never C, I, K, M, O, V.
_POSTCODE = re.compile(
    r"^(?:[A-PR-UWYZ][0-9]{1,2}|[A-PR-UWYZ][A-HK-Y][0-9]{1,2}|[A-PR-UWYZ][0-9][A-HJKPSTUW]"
    r"|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY]) [0-9][ABD-HJLNP-UW-Z]{2}$"
)


def normalise_postcode(value: str) -> str:
    """Uppercase, no inner spaces but one before the inward code: 'ls11aa' becomes 'LS1 1AA'."""
    compact = re.sub(r"\s", "", value or "").upper()
    return f"{compact[:-3]} {compact[-3:]}" if len(compact) > 3 else compact


def is_valid_postcode(value: str) -> bool:
    """A UK postcode in Royal Mail format, or the special GIR 0AA."""
    postcode = normalise_postcode(value)
    return postcode == "GIR 0AA" or _POSTCODE.match(postcode) is not None


# Ofsted unique reference numbers as the SSDA903 return takes them: SC and 6 digits (children's
# homes and agencies, like SC055123), 6 or 7 digits (Ofsted's numeric URNs), or XXXXXXX, the
# placeholder for a placement through a regional adoption agency (DfE rule 242).
URN_FOR_ADOPTION_AGENCY = "XXXXXXX"
_URN = re.compile(r"SC\d{6}|\d{6,7}|" + URN_FOR_ADOPTION_AGENCY)


def normalise_urn(value: str) -> str:
    """URNs are written sc123456 or ' SC123456 '; stored uppercase without spaces round them."""
    return (value or "").strip().upper()


URN_MESSAGE = (
    "Enter the placement's Ofsted URN as Ofsted writes it: SC and 6 digits (like SC123456), or 6 or 7 "
    "digits, or XXXXXXX for a placement through a regional adoption agency"
)


def is_valid_urn(value: str) -> bool:
    """An Ofsted URN in the 903 format (see ``_URN``)."""
    return _URN.fullmatch(normalise_urn(value)) is not None


# The 903 CHILD: the authority's own identifier for the child, the same every year. The DfE guide
# asks for letters and digits; up to 10, as the looked-after form has always taken. Nothing else is
# taken (a cell a spreadsheet would run as a formula, a line break, a hyphen, a letter outside A-Z).
CHILD_ID_MAX = 10
_CHILD_ID = re.compile(rf"[A-Za-z0-9]{{1,{CHILD_ID_MAX}}}")
CHILD_ID_MESSAGE = f"the authority's child identifier is up to {CHILD_ID_MAX} letters and digits (A to Z, 0 to 9)"


def is_valid_903_child_id(value: str) -> bool:
    return _CHILD_ID.fullmatch(value or "") is not None
