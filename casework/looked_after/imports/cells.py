"""How each column of each 903 table is read from its text, and the checks on one row by itself.

A reader takes the cell (stripped, in capitals) and the collection year and returns the value, or
raises ``Bad`` with the reason; the column lists themselves are the exporter's (``export.COLUMNS``).
"""

import re
from datetime import date

from casework.core import identifiers
from casework.core.codes import Ethnicity, SocialWorkerChangeReason
from casework.looked_after import codes
from casework.looked_after.export import COLUMNS, fmt

# DfE rule SW13: a blank SW_REASON is accepted only for episodes starting before the 2023/24 collection.
SW_REASON_REQUIRED_FROM = date(2023, 4, 1)


# -- reading values ---------------------------------------------------------------------------------


class Bad(Exception):
    """A cell that cannot be read; the message is the problem's reason."""


_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_PARTIAL_DATE = re.compile(r"(\d{1,2}|ZZ)/(\d{1,2}|ZZ)/(\d{4})")
_LA_PERM = re.compile(r"\d{3}|NIR|SCO|WAL|NUK")
_URN = re.compile(r"[A-Z0-9]{1,8}")


def _parse_date(value: str) -> date:
    match = _DATE.fullmatch(value)
    if not match:
        raise Bad(f"{value!r} is not a date written dd/mm/YYYY")
    try:
        return date(int(match[3]), int(match[2]), int(match[1]))
    except ValueError:
        raise Bad(f"{value} is not a real date") from None


def _required(value: str) -> str:
    if not value:
        raise Bad("required, but blank")
    return value


def _a_date(value, year):
    return _parse_date(_required(value))


def _optional_date(value, year):
    return _parse_date(value) if value else None


def _child_id(value, year):
    if not identifiers.is_valid_903_child_id(_required(value)):
        raise Bad(f"{value!r} is not a child identifier: {identifiers.CHILD_ID_MESSAGE}")
    return value


def _years_valid(code: codes.Code) -> str:
    if code.last_year == codes.LAST:
        return f"valid from {codes.year_label(code.first_year)}"
    if code.first_year == codes.FIRST:
        return f"valid up to {codes.year_label(code.last_year)}"
    return f"valid {codes.year_label(code.first_year)} to {codes.year_label(code.last_year)}"


def _code(code_list: codes.CodeList, *, required: bool = True):
    def read(value, year):
        if not value:
            if required:
                raise Bad("required, but blank")
            return ""
        if value not in code_list:
            raise Bad(f"unknown code {value!r}")
        if not code_list.valid(value, year):
            raise Bad(f"{value} is not valid in {codes.year_label(year)} ({_years_valid(code_list.codes[value])})")
        return value

    return read


def _choice(allowed: dict[str, object], *, required: bool = False):
    def read(value, year):
        if not value and required:
            raise Bad("required, but blank")
        if value not in allowed:
            listed = " or ".join(k for k in allowed if k)
            raise Bad(f"{value!r} is not one of {listed}")
        return allowed[value]

    return read


_FLAG = _choice({"": None, "0": False, "1": True})
_REQUIRED_FLAG = _choice({"0": False, "1": True}, required=True)


def _sex(value, year):
    allowed = {"M": "M", "F": "F", "U": "U"} if year >= 2025 else {"1": "M", "2": "F"}
    if value not in allowed:
        raise Bad(f"{value!r} is not a SEX code in {codes.year_label(year)}: use {', '.join(allowed)}")
    return allowed[value]


def _ethnicity(value, year):
    if _required(value) not in Ethnicity.values:
        raise Bad(f"unknown code {value!r}")
    return value


def _upn(value, year):
    if value and not identifiers.is_valid_upn(value):
        raise Bad("not a unique pupil number (13 characters with a correct check letter) nor UN1 to UN5")
    return value


def _postcode(value, year):
    """Stored in the usual form, as a postcode typed on a page is (``LS11AA`` becomes ``LS1 1AA``)."""
    if value and not identifiers.is_valid_postcode(value):
        raise Bad(f"{value!r} is not a UK postcode")
    return identifiers.normalise_postcode(value) if value else value


def _urn(value, year):
    if value and not _URN.fullmatch(value):
        raise Bad(f"{value!r} is not an Ofsted URN (up to 8 letters and digits)")
    return value


def _sdq_score(value, year):
    if not value:
        return None
    if not value.isdigit() or int(value) > 40:
        raise Bad(f"{value!r} is not a score from 0 to 40")
    return int(value)


def _activity(value, year):
    if _required(value) == "0":
        return ""  # not known
    return _code(codes.CARE_LEAVER_ACTIVITY)(value, year)


def _accommodation(value, year):
    """ACCOM: the accommodation letter and 1 (suitable) or 2 (not suitable), or 0 when not known."""
    if _required(value) == "0":
        return ("", None)
    letter, digit = value[:1], value[1:]
    if letter not in codes.CARE_LEAVER_ACCOMMODATION or digit not in ("1", "2"):
        raise Bad(f"unknown code {value!r}: an accommodation letter and 1 or 2, or 0")
    if digit == "1" and letter in codes.ALWAYS_UNSUITABLE:
        raise Bad(f"{value} is not accepted: that accommodation is never suitable")
    return (letter, digit == "1")


def _la_perm(value, year):
    if value and not _LA_PERM.fullmatch(value):
        raise Bad(f"{value!r} is not a 3-digit local authority code, NIR, SCO, WAL or NUK")
    return value


def _partial_date(value, year):
    """DATE_PERM may leave the day, or the day and month, as ZZ; stored as DD/MM/YYYY."""
    if not value:
        return ""
    match = _PARTIAL_DATE.fullmatch(value)
    if not match or (match[2] == "ZZ" and match[1] != "ZZ"):
        raise Bad(f"{value!r} is not a date written dd/mm/YYYY (ZZ for a day, or day and month, not known)")
    day, month, year_text = match[1], match[2], match[3]
    try:
        date(int(year_text), 1 if month == "ZZ" else int(month), 1 if day == "ZZ" else int(day))
    except ValueError:
        raise Bad(f"{value} is not a real date") from None
    return f"{day.zfill(2)}/{month.zfill(2)}/{year_text}"


def _sw_id(value, year):
    value = identifiers.normalise_swe_registration(_required(value))
    if not identifiers.is_valid_swe_registration(value):
        raise Bad(f"{value!r} is not a Social Work England registration number (SW and up to 7 digits)")
    return value


def _sw_reason(value, year):
    if value and value not in SocialWorkerChangeReason.values:
        raise Bad(f"unknown code {value!r}")
    return value


_NB_ADOPTERS = _choice({"1": 1, "2": 2}, required=True)

# How each column of each table is read; the column lists themselves are the exporter's.
READERS = {
    "Header": {
        "CHILD": _child_id,
        "SEX": _sex,
        "DOB": _a_date,
        "ETHNIC": _ethnicity,
        "UPN": _upn,
        "MOTHER": _FLAG,
        "MC_DOB": _optional_date,
    },
    "Episodes": {
        "CHILD": _child_id,
        "DECOM": _a_date,
        "RNE": _code(codes.REASON_NEW_EPISODE),
        "LS": _code(codes.LEGAL_STATUS),
        "CIN": _code(codes.CATEGORY_OF_NEED),
        "PLACE": _code(codes.PLACEMENT_TYPE),
        "PLACE_PROVIDER": _code(codes.PLACEMENT_PROVIDER, required=False),
        "DEC": _optional_date,
        "REC": _code(codes.REASON_EPISODE_CEASED, required=False),
        "REASON_PLACE_CHANGE": _code(codes.REASON_PLACE_CHANGE, required=False),
        "HOME_POST": _postcode,
        "PL_POST": _postcode,
        "URN": _urn,
    },
    "Reviews": {
        "CHILD": _child_id,
        "DOB": _a_date,
        "REVIEW": _a_date,
        "REVIEW_CODE": _code(codes.REVIEW_PARTICIPATION),
    },
    "UASC": {"CHILD": _child_id, "SEX": _sex, "DOB": _a_date, "DUC": _optional_date},
    "OC2": {
        "CHILD": _child_id,
        "DOB": _a_date,
        "SDQ_SCORE": _sdq_score,
        "SDQ_REASON": _code(codes.SDQ_REASON, required=False),
        "CONVICTED": _FLAG,
        "HEALTH_CHECK": _FLAG,
        "IMMUNISATIONS": _FLAG,
        "TEETH_CHECK": _FLAG,
        "HEALTH_ASSESSMENT": _FLAG,
        "SUBSTANCE_MISUSE": _FLAG,
        "INTERVENTION_RECEIVED": _FLAG,
        "INTERVENTION_OFFERED": _FLAG,
    },
    "OC3": {
        "CHILD": _child_id,
        "DOB": _a_date,
        "IN_TOUCH": _code(codes.CARE_LEAVER_IN_TOUCH),
        "ACTIV": _activity,
        "ACCOM": _accommodation,
    },
    "AD1": {
        "CHILD": _child_id,
        "DOB": _a_date,
        "DATE_INT": _a_date,
        "DATE_MATCH": _a_date,
        "FOSTER_CARE": _REQUIRED_FLAG,
        "NB_ADOPTR": _NB_ADOPTERS,
        "SEX_ADOPTR": _code(codes.ADOPTER_SEX),
        "LS_ADOPTR": _code(codes.ADOPTER_LEGAL_STATUS),
    },
    "PlacedAdoption": {
        "CHILD": _child_id,
        "DOB": _a_date,
        "DATE_PLACED": _a_date,
        "DATE_PLACED_CEASED": _optional_date,
        "REASON_PLACED_CEASED": _code(codes.PLACED_FOR_ADOPTION_CEASED, required=False),
    },
    "PrevPerm": {
        "CHILD": _child_id,
        "DOB": _a_date,
        "PREV_PERM": _code(codes.PREVIOUS_PERMANENCE),
        "LA_PERM": _la_perm,
        "DATE_PERM": _partial_date,
    },
    "Missing": {
        "CHILD": _child_id,
        "DOB": _a_date,
        "MISSING": _code(codes.MISSING_TYPE),
        "MIS_START": _a_date,
        "MIS_END": _optional_date,
    },
    "SWEpisodes": {
        "CHILD": _child_id,
        "DOB": _a_date,
        "SW_ID": _sw_id,
        "SW_DECOM": _a_date,
        "SW_DEC": _optional_date,
        "SW_REASON": _sw_reason,
    },
    "DoLo": {"CHILD": _child_id, "DOB": _a_date, "DOLO_START": _a_date, "DOLO_END": _optional_date},
}


# -- checks on one row ----------------------------------------------------------------------------


def _ends_after(row, start: str, end: str) -> list[tuple[str, str]]:
    if row[end] is not None and row[end] < row[start]:
        return [(end, f"{fmt(row[end])} is before {start} ({fmt(row[start])})")]
    return []


def _both_or_neither(row, first: str, second: str) -> list[tuple[str, str]]:
    if bool(row[first]) and not row[second]:
        return [(second, f"needed when {first} is given")]
    if bool(row[second]) and not row[first]:
        return [(first, f"needed when {second} is given")]
    return []


def _header_checks(row):
    return [("MC_DOB", "needed when MOTHER is 1")] if row["MOTHER"] and row["MC_DOB"] is None else []


def _episode_checks(row):
    return _ends_after(row, "DECOM", "DEC") + _both_or_neither(row, "DEC", "REC")


def _oc2_checks(row):
    if row["SDQ_SCORE"] is not None and row["SDQ_REASON"]:
        return [("SDQ_REASON", "give SDQ_SCORE or SDQ_REASON, not both")]
    return []


def _prev_perm_checks(row):
    if row["PREV_PERM"] == "Z1":
        return []
    return [(column, "needed unless PREV_PERM is Z1") for column in ("LA_PERM", "DATE_PERM") if not row[column]]


def _sw_checks(row):
    problems = _ends_after(row, "SW_DECOM", "SW_DEC")
    if not row["SW_REASON"] and row["SW_DECOM"] >= SW_REASON_REQUIRED_FROM:
        problems.append(("SW_REASON", "required for a social worker episode starting from 1 April 2023"))
    return problems


ROW_CHECKS = {
    "Header": _header_checks,
    "Episodes": _episode_checks,
    "OC2": _oc2_checks,
    "PlacedAdoption": lambda row: (
        _ends_after(row, "DATE_PLACED", "DATE_PLACED_CEASED")
        + _both_or_neither(row, "DATE_PLACED_CEASED", "REASON_PLACED_CEASED")
    ),
    "PrevPerm": _prev_perm_checks,
    "Missing": lambda row: _ends_after(row, "MIS_START", "MIS_END"),
    "SWEpisodes": _sw_checks,
    "DoLo": lambda row: _ends_after(row, "DOLO_START", "DOLO_END"),
}

# What makes a row unique in its table (PrevPerm rows carry no date: only exact copies are duplicates).
KEYS = {
    "Header": ("CHILD",),
    "Episodes": ("CHILD", "DECOM"),
    "Reviews": ("CHILD", "REVIEW"),
    "UASC": ("CHILD",),
    "OC2": ("CHILD",),
    "OC3": ("CHILD",),
    "AD1": ("CHILD",),
    "PlacedAdoption": ("CHILD", "DATE_PLACED"),
    "PrevPerm": tuple(COLUMNS["PrevPerm"]),
    "Missing": ("CHILD", "MIS_START"),
    "SWEpisodes": ("CHILD", "SW_DECOM"),
    "DoLo": ("CHILD", "DOLO_START"),
}
