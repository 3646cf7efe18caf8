"""Import an authority's SSDA903 files (this year's and earlier years') to take on its children.

All or nothing, in two phases:

1. Read and check every file before anything is written: UTF-8 text (a byte-order mark is
   fine), a known table (by file name, else by its header columns: the result's notes say so),
   exactly the columns the year's table has, dates written dd/mm/YYYY, codes valid in the
   collection year (``codes.py``), no duplicate rows, every child in the Header table, child-level
   dates of birth matching the Header, dates in order. Every problem is collected (the first
   ``MAX_PROBLEMS`` are kept) with its file, line (the header row is line 1; 0 means the file as a
   whole), column ("" for the whole row or file) and reason, and ``ReturnImportError`` is raised.
   Header and Episodes are required; another table left out imports nothing (the notes say so).
   SW_ID must be a Social Work England number (SW and digits) and a UPN code UN1 to UN5, as the
   records hold them.
2. Merge into what is already recorded and write it, in one transaction. Checks that need the
   database (a child held by another practice, two open episodes once merged, overlapping social
   worker allocations, an SW_ID belonging to another organisation's worker) are problems too,
   raised before the first write of the year; with several years, an error in a later year rolls
   back the earlier ones.

What the files become (the practice is the importing practice; ``E`` is 31 March of the year):

* A child is matched by (authority, CHILD). A new child gets a new Person recorded by the
  practice. The 903 carries no names, so the person is "Not known" "Child <CHILD>" until the
  practice records their names. SEX (1/2 up to 2023/24, M/F/U from 2024/25), DOB and ETHNIC go to
  the person; a real UPN to ``Person.upn``; a UN code to ``LookedAfterChild.upn_unknown_reason``
  (except UN1 for a child under 5 on 1 April, which the export derives anyway). MOTHER/MC_DOB and
  the UASC table (DUC) go to the child; a blank MOTHER leaves what is recorded.
* Episodes are keyed by (child, DECOM), reviews by (child, REVIEW), missing episodes by (child,
  MIS_START), decisions to place for adoption by (child, DATE_PLACED), DoLOs by (child,
  DOLO_START), social worker episodes by (child's case, SW_DECOM), care leaver contacts by
  (child, birthday age), previous permanence by (child, start of the period of care), adoptions
  by child. A row updates the record with its key; other records are never deleted.
* A blank end date (DEC, MIS_END, SW_DEC, DATE_PLACED_CEASED, DOLO_END) means "still open on 31
  March": an end already recorded after that 31 March is kept, so a later year's ending survives
  an earlier year's file (and importing the same files again changes nothing).
* OC2 gives no dates: what it says is recorded as on ``E`` (a health assessment, dental check,
  immunisations, development check, conviction, substance misuse or SDQ "on 31 March"), unless a
  record of that kind already falls in the year (for the SDQ: unless the latest in the year says
  the same). A 0 removes nothing.
* OC3: a contact for the birthday (17 to 21) that falls in the year, dated on the birthday.
* PrevPerm rows have no date: the n-th row for a child belongs to its n-th period of care
  starting (RNE S) in the year's episodes.
* Postcodes and other codes are kept as written (in capitals), as the recording services keep them.
* Every child with episodes or social worker episodes in the file gets the looked-after-child case
  held by the practice for the authority (made if there is none): opened on the first episode or
  allocation, closed (with its open allocation) the day the child's care ended, reopened when it
  has not. Each SWEpisodes row is an allocation of that case. A worker is matched by SW_ID = Social
  Work England number among the practice's workers; an unknown SW_ID becomes a worker of the
  practice named "Authority social worker <SW_ID>" (no team), marked as having left on the import
  date so they never count as current staff: the practice reallocates the case. The children are
  not put on the practice's list (a registration needs a named worker of the practice).

Years are applied oldest first (``import_903_years``); a child's own details come from the
latest year that states them. Importing an earlier year on its own after a later one would
restate the earlier details: import the years together instead.
"""

import csv
import io
import logging
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import PurePath

from dateutil.relativedelta import relativedelta
from django.db import models, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from casework.audit.services import audit_record
from casework.cases.models import Allocation, Case
from casework.core import access, identifiers
from casework.core.codes import Ethnicity, ServiceType, SocialWorkerChangeReason
from casework.looked_after import codes, rules
from casework.looked_after.export import COLUMNS, FILE_NAMES, fmt
from casework.looked_after.models import (
    Adoption,
    AdoptionDecision,
    CareLeaverContact,
    Conviction,
    DeprivationOfLiberty,
    Episode,
    HealthCheck,
    LookedAfterChild,
    MissingEpisode,
    PreviousPermanence,
    Review,
    StrengthsDifficulties,
    SubstanceMisuse,
)
from casework.organisations.models import Commissioning, Organisation, Worker
from casework.people.models import Person
from casework.people.rules import name_key

logger = logging.getLogger(__name__)

MAX_PROBLEMS = 200
IMPORT_YEARS = tuple(range(2024, max(codes.SUPPORTED_YEARS) + 1))  # SWEpisodes start in 2023/24
REQUIRED_TABLES = ("Header", "Episodes")
FIRST_YEAR_OF_TABLE = {"SWEpisodes": 2024, "DoLo": 2027}
CHANGE_REASON = "SSDA903 import"
WORKER_GIVEN_NAME = "Authority social worker"
UNKNOWN_GIVEN_NAME = "Not known"
# DfE rule SW13: a blank SW_REASON is accepted only for episodes starting before the 2023/24 collection.
SW_REASON_REQUIRED_FROM = date(2023, 4, 1)


# -- problems -------------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    row: int  # line in the file, the header row being line 1; 0 for the file as a whole
    column: str  # the column's name, or "" for the whole row or file
    reason: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.row}:"
        return f"{where} {self.column}: {self.reason}" if self.column else f"{where} {self.reason}"


class ReturnImportError(Exception):
    """The files cannot be imported; ``problems`` says where and why (nothing was written)."""

    def __init__(self, problems: list[Problem]):
        self.total = len(problems)
        self.problems = sorted(problems)[:MAX_PROBLEMS]
        shown = "" if self.total <= MAX_PROBLEMS else f" (the first {MAX_PROBLEMS} are listed)"
        super().__init__(f"{self.total} problem(s) in the 903 files{shown}: nothing was imported")


@dataclass
class ImportResult:
    commissioner: str  # ONS code
    year: int
    children: int  # rows of the Header table
    rows: int  # data rows read, all tables
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def changed(self) -> int:
        return sum(self.created.values()) + sum(self.updated.values())

    def summary(self) -> str:
        created = ", ".join(f"{name} {n}" for name, n in self.created.items() if n) or "nothing"
        updated = ", ".join(f"{name} {n}" for name, n in self.updated.items() if n) or "nothing"
        return (
            f"{codes.year_label(self.year)}: {self.children} children, {self.rows} rows read; "
            f"created {created}; updated {updated}"
        )


# -- reading values ---------------------------------------------------------------------------------


class _Bad(Exception):
    """A cell that cannot be read; the message is the problem's reason."""


_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_PARTIAL_DATE = re.compile(r"(\d{1,2}|ZZ)/(\d{1,2}|ZZ)/(\d{4})")
_LA_PERM = re.compile(r"\d{3}|NIR|SCO|WAL|NUK")
_URN = re.compile(r"[A-Z0-9]{1,8}")


def _parse_date(value: str) -> date:
    match = _DATE.fullmatch(value)
    if not match:
        raise _Bad(f"{value!r} is not a date written dd/mm/YYYY")
    try:
        return date(int(match[3]), int(match[2]), int(match[1]))
    except ValueError:
        raise _Bad(f"{value} is not a real date") from None


def _required(value: str) -> str:
    if not value:
        raise _Bad("required, but blank")
    return value


def _a_date(value, year):
    return _parse_date(_required(value))


def _optional_date(value, year):
    return _parse_date(value) if value else None


def _child_id(value, year):
    if len(_required(value)) > 20:
        raise _Bad("longer than 20 characters")
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
                raise _Bad("required, but blank")
            return ""
        if value not in code_list:
            raise _Bad(f"unknown code {value!r}")
        if not code_list.valid(value, year):
            raise _Bad(f"{value} is not valid in {codes.year_label(year)} ({_years_valid(code_list.codes[value])})")
        return value

    return read


def _choice(allowed: dict[str, object], *, required: bool = False):
    def read(value, year):
        if not value and required:
            raise _Bad("required, but blank")
        if value not in allowed:
            listed = " or ".join(k for k in allowed if k)
            raise _Bad(f"{value!r} is not one of {listed}")
        return allowed[value]

    return read


_FLAG = _choice({"": None, "0": False, "1": True})
_REQUIRED_FLAG = _choice({"0": False, "1": True}, required=True)


def _sex(value, year):
    allowed = {"M": "M", "F": "F", "U": "U"} if year >= 2025 else {"1": "M", "2": "F"}
    if value not in allowed:
        raise _Bad(f"{value!r} is not a SEX code in {codes.year_label(year)}: use {', '.join(allowed)}")
    return allowed[value]


def _ethnicity(value, year):
    if _required(value) not in Ethnicity.values:
        raise _Bad(f"unknown code {value!r}")
    return value


def _upn(value, year):
    if value and not identifiers.is_valid_upn(value):
        raise _Bad("not a unique pupil number (13 characters with a correct check letter) nor UN1 to UN5")
    return value


def _postcode(value, year):
    """Kept as written (upper case), as the recording services keep it: the return shows it back the same."""
    if value and not identifiers.is_valid_postcode(value):
        raise _Bad(f"{value!r} is not a UK postcode")
    return value


def _urn(value, year):
    if value and not _URN.fullmatch(value):
        raise _Bad(f"{value!r} is not an Ofsted URN (up to 8 letters and digits)")
    return value


def _sdq_score(value, year):
    if not value:
        return None
    if not value.isdigit() or int(value) > 40:
        raise _Bad(f"{value!r} is not a score from 0 to 40")
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
        raise _Bad(f"unknown code {value!r}: an accommodation letter and 1 or 2, or 0")
    if digit == "1" and letter in codes.ALWAYS_UNSUITABLE:
        raise _Bad(f"{value} is not accepted: that accommodation is never suitable")
    return (letter, digit == "1")


def _la_perm(value, year):
    if value and not _LA_PERM.fullmatch(value):
        raise _Bad(f"{value!r} is not a 3-digit local authority code, NIR, SCO, WAL or NUK")
    return value


def _partial_date(value, year):
    """DATE_PERM may leave the day, or the day and month, as ZZ; stored as DD/MM/YYYY."""
    if not value:
        return ""
    match = _PARTIAL_DATE.fullmatch(value)
    if not match or (match[2] == "ZZ" and match[1] != "ZZ"):
        raise _Bad(f"{value!r} is not a date written dd/mm/YYYY (ZZ for a day, or day and month, not known)")
    day, month, year_text = match[1], match[2], match[3]
    try:
        date(int(year_text), 1 if month == "ZZ" else int(month), 1 if day == "ZZ" else int(day))
    except ValueError:
        raise _Bad(f"{value} is not a real date") from None
    return f"{day.zfill(2)}/{month.zfill(2)}/{year_text}"


def _sw_id(value, year):
    value = identifiers.normalise_swe_registration(_required(value))
    if not identifiers.is_valid_swe_registration(value):
        raise _Bad(f"{value!r} is not a Social Work England registration number (SW and up to 7 digits)")
    return value


def _sw_reason(value, year):
    if value and value not in SocialWorkerChangeReason.values:
        raise _Bad(f"unknown code {value!r}")
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


# -- reading files ------------------------------------------------------------------------------------


@dataclass
class _Table:
    name: str  # the 903 table, e.g. "Episodes"
    file: str  # the file it came from
    rows: list[dict] = field(default_factory=list)  # rows read without a problem, with "_line"
    children: set[str] = field(default_factory=set)  # every CHILD named, readable row or not
    refused: set[str] = field(default_factory=set)  # every CHILD with a row refused for a problem
    readable: bool = True  # the columns were right, so the rows were read


@dataclass
class _Year:
    year: int
    tables: dict[str, _Table]
    notes: list[str]

    def rows(self, table: str) -> list[dict]:
        return self.tables[table].rows if table in self.tables else []

    def file(self, table: str) -> str:
        return self.tables[table].file if table in self.tables else FILE_NAMES[table]

    @property
    def row_count(self) -> int:
        return sum(len(t.rows) for t in self.tables.values())


_TABLE_BY_NAME = {name.lower(): table for table, name in FILE_NAMES.items()} | {
    f"{table.lower()}.csv": table for table in COLUMNS
}
_SHARED_COLUMNS = {"CHILD", "DOB", "SEX"}


def _table_by_columns(columns: list[str]) -> str | None:
    """The table whose own columns (beyond CHILD, DOB and SEX) the file has most of, at least half."""
    present = set(columns)
    scores = {}
    for table, expected in COLUMNS.items():
        own = set(expected) - _SHARED_COLUMNS
        scores[table] = len(own & present) / len(own)
    best = max(scores.values())
    winners = [table for table, score in scores.items() if score == best]
    return winners[0] if best >= 0.5 and len(winners) == 1 else None


def _decode(name: str, data: bytes, problems: list[Problem]) -> str | None:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        byte = data[error.start]
        problems.append(
            Problem(name, line, "", f"not UTF-8 text (save the file as UTF-8 CSV): byte 0x{byte:02X} cannot be read")
        )
        return None
    if not text.strip():
        problems.append(Problem(name, 0, "", "empty file: not even a header row"))
        return None
    return text


def _read_file(name: str, data: bytes, year: int, claimed: dict[str, str], notes: list[str], problems: list[Problem]):
    """One file: its table, its columns, its rows read into values. Returns a _Table or None."""
    table = _TABLE_BY_NAME.get(name.lower())
    if table is not None and not _claim(table, name, year, claimed, problems):
        return None
    text = _decode(name, data, problems)
    if text is None:
        return None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        columns = [c.strip().upper() for c in next(reader)]
    except csv.Error as error:
        problems.append(Problem(name, reader.line_num, "", f"not readable as CSV: {error}"))
        return None
    if table is None:
        table = _table_by_columns(columns)
        if table is None:
            problems.append(Problem(name, 0, "", "not a 903 table: its name and columns match none of the tables"))
            return None
        if not _claim(table, name, year, claimed, problems):
            return None
        notes.append(f"{name} read as the {table} table (by its columns)")
    result = _Table(table, name)
    result.readable = _check_columns(result, columns, year, problems)
    _read_rows(result, reader, columns, year, problems)
    return result


def _claim(table: str, name: str, year: int, claimed: dict[str, str], problems: list[Problem]) -> bool:
    """The file is the year's ``table``: refused if another file is, or the year has no such table."""
    if table in claimed:
        problems.append(Problem(name, 0, "", f"a second {table} table: {claimed[table]} is one already"))
        return False
    claimed[table] = name
    if year < FIRST_YEAR_OF_TABLE.get(table, 0):
        problems.append(Problem(name, 0, "", f"there is no {table} table in {codes.year_label(year)}"))
        return False
    return True


def _check_columns(table: _Table, columns: list[str], year: int, problems: list[Problem]) -> bool:
    expected = COLUMNS[table.name]
    found = []
    for column, count in Counter(columns).items():
        if count > 1:
            found.append(Problem(table.file, 1, column, "this column appears more than once"))
    for column in expected:
        if column not in columns:
            found.append(Problem(table.file, 1, column, f"missing column (the {table.name} table needs it)"))
    for column in columns:
        if column not in expected:
            shown = column or "(blank)"
            found.append(
                Problem(table.file, 1, shown, f"unknown column for the {table.name} table in {codes.year_label(year)}")
            )
    problems.extend(found)
    return not found


def _read_rows(table: _Table, reader, columns: list[str], year: int, problems: list[Problem]) -> None:
    readers = READERS[table.name]
    check = ROW_CHECKS.get(table.name)
    child_at = columns.index("CHILD") if "CHILD" in columns else None
    try:
        for cells in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            child = cells[child_at].strip().upper() if child_at is not None and child_at < len(cells) else ""
            table.children.add(child)
            if not table.readable:
                continue
            if len(cells) != len(columns):
                problems.append(Problem(table.file, line, "", f"{len(cells)} values for {len(columns)} columns"))
                table.refused.add(child)
                continue
            row = _read_row(table, line, dict(zip(columns, cells)), readers, year, problems)
            checked = check(row) if row is not None and check else []
            found = [Problem(table.file, line, column, reason) for column, reason in checked]
            problems.extend(found)
            if row is None or found:
                table.refused.add(child)
            else:
                table.rows.append(row)
    except csv.Error as error:
        problems.append(Problem(table.file, reader.line_num, "", f"not readable as CSV: {error}"))


def _read_row(table: _Table, line: int, cells: dict[str, str], readers, year: int, problems) -> dict | None:
    row, ok = {"_line": line}, True
    for column, read in readers.items():
        try:
            row[column] = read(cells[column].strip().upper(), year)
        except _Bad as bad:
            problems.append(Problem(table.file, line, column, str(bad)))
            ok = False
    return row if ok else None


# -- checks across rows and tables ---------------------------------------------------------------------


def _check_duplicates(table: _Table, problems: list[Problem]) -> None:
    key_columns = KEYS[table.name]
    first_seen: dict[tuple, int] = {}
    kept = []
    for row in table.rows:
        key = tuple(row[c] for c in key_columns)
        if key in first_seen:
            what = "the same row" if len(key_columns) > 2 else f"the same {' and '.join(key_columns)}"
            problems.append(
                Problem(table.file, row["_line"], key_columns[-1], f"duplicate: line {first_seen[key]} has {what}")
            )
        else:
            first_seen[key] = row["_line"]
            kept.append(row)
    table.rows = kept


def _check_against_header(parsed: _Year, problems: list[Problem]) -> None:
    """Every child is in the Header table; a child-level DOB (and SEX in UASC) matches it."""
    header = parsed.tables.get("Header")
    if header is None or not header.readable:
        return  # the Header's own problems are reported; comparing with it would only repeat them
    named = header.children
    by_child = {row["CHILD"]: row for row in header.rows}
    for name, table in parsed.tables.items():
        if name == "Header":
            continue
        for row in table.rows:
            if row["CHILD"] not in named:
                problems.append(
                    Problem(table.file, row["_line"], "CHILD", f"child {row['CHILD']} is not in {header.file}")
                )
                continue
            known = by_child.get(row["CHILD"])
            if known is None:
                continue
            for column in ("DOB", "SEX"):
                if column in row and row[column] != known[column]:
                    problems.append(
                        Problem(
                            table.file, row["_line"], column, f"does not match the child's {column} in {header.file}"
                        )
                    )


def _check_episodes(parsed: _Year, problems: list[Problem]) -> None:
    """At most one open episode per child (the database holds one open episode at a time)."""
    by_child = defaultdict(list)
    for row in parsed.rows("Episodes"):
        by_child[row["CHILD"]].append(row)
    for rows in by_child.values():
        open_rows = sorted((r for r in rows if r["DEC"] is None), key=lambda r: r["DECOM"])
        for row in open_rows[:-1]:
            problems.append(
                Problem(
                    parsed.file("Episodes"),
                    row["_line"],
                    "DEC",
                    f"blank, but the child's episode from {fmt(open_rows[-1]['DECOM'])} is open too",
                )
            )


def _check_social_workers(parsed: _Year, problems: list[Problem]) -> None:
    """One social worker at a time: each episode ends on or before the next one starts."""
    by_child = defaultdict(list)
    for row in parsed.rows("SWEpisodes"):
        by_child[row["CHILD"]].append(row)
    for rows in by_child.values():
        rows.sort(key=lambda r: r["SW_DECOM"])
        for row, following in zip(rows, rows[1:]):
            if row["SW_DEC"] is None or row["SW_DEC"] > following["SW_DECOM"]:
                problems.append(
                    Problem(
                        parsed.file("SWEpisodes"),
                        row["_line"],
                        "SW_DEC",
                        f"overlaps the social worker episode starting {fmt(following['SW_DECOM'])}",
                    )
                )


def _care_leaver_age(date_of_birth: date, year: int) -> int | None:
    start, end = codes.collection_start(year), codes.collection_end(year)
    for age in range(17, 22):
        if start <= rules.birthday(date_of_birth, age) <= end:
            return age
    return None


def _check_care_leavers(parsed: _Year, problems: list[Problem]) -> None:
    for row in parsed.rows("OC3"):
        row["_age"] = _care_leaver_age(row["DOB"], parsed.year)
        if row["_age"] is None:
            problems.append(
                Problem(
                    parsed.file("OC3"),
                    row["_line"],
                    "DOB",
                    f"no 17th to 21st birthday falls in {codes.year_label(parsed.year)}",
                )
            )


def _check_previous_permanence(parsed: _Year, problems: list[Problem]) -> None:
    """Each PrevPerm row belongs to a period of care starting (RNE S) in the year: the n-th row of a
    child to its n-th such start, which becomes the row's ``_period_start``."""
    start, end = codes.collection_start(parsed.year), codes.collection_end(parsed.year)
    starts = defaultdict(list)
    for row in parsed.rows("Episodes"):
        if row["RNE"] == "S" and start <= row["DECOM"] <= end:
            starts[row["CHILD"]].append(row["DECOM"])
    episodes = parsed.tables.get("Episodes")
    if episodes is None or not episodes.readable:
        return  # the Episodes table's own problems are reported
    seen = Counter()
    for row in parsed.rows("PrevPerm"):
        if row["CHILD"] in episodes.refused:
            continue  # the child's episodes have problems of their own, reported already
        child_starts = sorted(starts[row["CHILD"]])
        n = seen[row["CHILD"]]
        seen[row["CHILD"]] += 1
        if n < len(child_starts):
            row["_period_start"] = child_starts[n]
        else:
            problems.append(
                Problem(
                    parsed.file("PrevPerm"),
                    row["_line"],
                    "CHILD",
                    f"no period of care (an episode with RNE S) starting in {codes.year_label(parsed.year)} "
                    "for this row in the Episodes table",
                )
            )


def read_return(year: int, files: dict[str, bytes]) -> tuple[_Year, list[Problem]]:
    """Read and check one year's files without touching the database."""
    problems: list[Problem] = []
    notes: list[str] = []
    claimed: dict[str, str] = {}
    tables: dict[str, _Table] = {}
    for name, data in files.items():
        table = _read_file(PurePath(name).name, data, year, claimed, notes, problems)
        if table is not None:
            tables[table.name] = table
    for required in REQUIRED_TABLES:
        if required not in claimed:
            problems.append(Problem(FILE_NAMES[required], 0, "", f"missing: every return has a {required} table"))
    for table in COLUMNS:
        if table not in claimed and table not in REQUIRED_TABLES and year >= FIRST_YEAR_OF_TABLE.get(table, 0):
            notes.append(f"no {table} table ({FILE_NAMES[table]}): nothing of it imported")
    parsed = _Year(year, tables, notes)
    for table in tables.values():
        _check_duplicates(table, problems)
    _check_against_header(parsed, problems)
    _check_episodes(parsed, problems)
    _check_social_workers(parsed, problems)
    _check_care_leavers(parsed, problems)
    _check_previous_permanence(parsed, problems)
    return parsed, problems


# -- the child's own details, folded over the years ----------------------------------------------------


def _child_details(parsed_years: list[_Year]) -> dict[str, dict]:
    """Each child's details as the latest year states them (a blank MOTHER, or no UASC row, says nothing)."""
    details: dict[str, dict] = {}
    for parsed in parsed_years:
        start = codes.collection_start(parsed.year)
        for row in parsed.rows("Header"):
            known = details.setdefault(row["CHILD"], {})
            upn = row["UPN"]
            is_code = upn in identifiers.UPN_UNKNOWN_CODES
            derived = upn == "UN1" and rules.age_on(row["DOB"], start) < 5  # the export writes UN1 itself
            known.update(
                sex=row["SEX"],
                date_of_birth=row["DOB"],
                ethnicity=row["ETHNIC"],
                upn="" if is_code else upn,
                upn_unknown_reason=upn if is_code and not derived else "",
            )
            if row["MOTHER"] is not None:
                known.update(is_mother=row["MOTHER"], mother_child_dob=row["MC_DOB"])
        for row in parsed.rows("UASC"):
            details.setdefault(row["CHILD"], {}).update(uasc=True, uasc_ceased=row["DUC"])
    return details


# -- writing ---------------------------------------------------------------------------------------------


def _values(obj: models.Model) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


class _Tracker:
    """Objects loaded from the database (with their values as loaded) and objects to create, per model.

    Changes are worked out at the end by comparing values, so a field set and then set back is no
    change: that is what makes a second import of the same files write nothing.
    """

    def __init__(self):
        self.loaded: dict[type, list] = defaultdict(list)
        self.original: dict[int, dict] = {}
        self.new: dict[type, list] = defaultdict(list)

    def load(self, objects):
        objects = list(objects)
        for obj in objects:
            self.loaded[type(obj)].append(obj)
            self.original[id(obj)] = _values(obj)
        return objects

    def add(self, obj):
        self.new[type(obj)].append(obj)
        return obj

    def changes(self, model) -> tuple[list, list[str]]:
        changed, fields = [], set()
        for obj in self.loaded[model]:
            before = self.original[id(obj)]
            diff = {name for name, value in _values(obj).items() if before[name] != value}
            if diff:
                changed.append(obj)
                fields |= diff
        return changed, sorted(fields)


def _set(obj, **values) -> None:
    for name, value in values.items():
        setattr(obj, name, value)


def _overlap(what: str, start: date, end: date | None) -> str:
    """Why a row cannot join what is recorded: usually a year left out between two imported years."""
    if end is None:
        return (
            f"the {what} from {fmt(start)} already recorded is still open: "
            "import the years in between too, or the year that ends it"
        )
    return f"overlaps the {what} from {fmt(start)} to {fmt(end)} already recorded"


def _end(existing: date | None, given: date | None, year_end: date) -> date | None:
    """A blank end means "open on 31 March": an end recorded after that 31 March is kept."""
    if given is None and existing is not None and existing > year_end:
        return existing
    return given


# The order rows are written in: whatever a row points at is written before it.
WRITE_ORDER = (
    Worker,
    Person,
    LookedAfterChild,
    Case,
    Episode,
    Allocation,
    Review,
    MissingEpisode,
    HealthCheck,
    StrengthsDifficulties,
    Conviction,
    SubstanceMisuse,
    CareLeaverContact,
    Adoption,
    AdoptionDecision,
    PreviousPermanence,
    DeprivationOfLiberty,
)
# Why the case closes, from how the child's care ended.
CLOSE_REASONS = {"E2": Case.CloseReason.DIED, "E3": Case.CloseReason.MOVED_AWAY}
# Rows that may be open (no end) only one at a time: ending one is written before opening another.
OPEN_FIELD = {Episode: "end_date", Allocation: "end_date", Case: "closed_on"}


class _YearWriter:
    """Merges one year's rows into what is recorded, then writes the differences."""

    def __init__(self, *, actor, practice, commissioner, parsed: _Year, details: dict[str, dict], today: date):
        self.actor = actor
        self.practice = practice
        self.commissioner = commissioner
        self.parsed = parsed
        self.details = details
        self.today = today
        self.year_start = codes.collection_start(parsed.year)
        self.year_end = codes.collection_end(parsed.year)
        self.track = _Tracker()
        self.problems: list[Problem] = []

    def problem(self, table: str, row: dict, column: str, reason: str) -> None:
        self.problems.append(Problem(self.parsed.file(table), row["_line"], column, reason))

    # -- loading what is recorded: one query per table ---------------------------------------------------

    def _mine(self, model, **filters):
        return self.track.load(
            model.objects.filter(child__commissioner=self.commissioner, child__organisation=self.practice, **filters)
        )

    def _in_year(self, model, date_field: str):
        return self._mine(model, **{f"{date_field}__range": (self.year_start, self.year_end)})

    def run(self) -> ImportResult:
        self.children()
        self.cases_and_episodes()
        self.simple_tables()
        self.outcomes()
        if self.problems:
            raise ReturnImportError(self.problems)
        return self.write()

    # -- children -------------------------------------------------------------------------------------

    def children(self) -> None:
        recorded = LookedAfterChild.objects.filter(commissioner=self.commissioner).select_related("person")
        by_id = {child.child_id: child for child in recorded}
        self.code_of = {child.pk: code for code, child in by_id.items()}
        self.child = {}
        for row in self.parsed.rows("Header"):
            child = by_id.get(row["CHILD"])
            if child is not None and child.organisation_id != self.practice.pk:
                self.problem("Header", row, "CHILD", "this child is recorded in Casework by another practice")
                continue
            if child is None:
                child = self._new_child(row["CHILD"])
            else:
                self.track.load([child, child.person])
            self._update_child(child, self.details[row["CHILD"]])
            self.child[row["CHILD"]] = child

    def _new_child(self, code: str) -> LookedAfterChild:
        person = self.track.add(
            Person(
                organisation=self.practice,
                given_name=UNKNOWN_GIVEN_NAME,
                family_name=f"Child {code}",
                given_name_key=name_key(UNKNOWN_GIVEN_NAME),
                family_name_key=name_key("Child"),
            )
        )
        return self.track.add(
            LookedAfterChild(organisation=self.practice, person=person, commissioner=self.commissioner, child_id=code)
        )

    def _update_child(self, child: LookedAfterChild, details: dict) -> None:
        person = child.person
        upn = details["upn"] or (person.upn if person.upn not in identifiers.UPN_UNKNOWN_CODES else "")
        _set(
            person, sex=details["sex"], date_of_birth=details["date_of_birth"], ethnicity=details["ethnicity"], upn=upn
        )
        reason = "" if details["upn"] else details["upn_unknown_reason"]
        _set(child, upn_unknown_reason=reason)
        for name in ("is_mother", "mother_child_dob", "uasc", "uasc_ceased"):
            if name in details:
                setattr(child, name, details[name])

    def _rows_by_child(self, table: str):
        for row in self.parsed.rows(table):
            child = self.child.get(row["CHILD"])
            if child is not None:
                yield row, child

    def _key(self, obj, date_field: str):
        return (self.code_of.get(obj.child_id), getattr(obj, date_field))

    # -- episodes, the case and its allocations -------------------------------------------------------

    def cases_and_episodes(self) -> None:
        self.episodes = defaultdict(dict)  # CHILD -> start -> Episode
        for episode in self._mine(Episode):
            self.episodes[self.code_of[episode.child_id]][episode.start_date] = episode
        file_rows = defaultdict(list)
        for row, child in self._rows_by_child("Episodes"):
            episode = self.episodes[row["CHILD"]].get(row["DECOM"])
            if episode is None:
                episode = self.track.add(Episode(organisation=self.practice, child=child, start_date=row["DECOM"]))
                self.episodes[row["CHILD"]][row["DECOM"]] = episode
            ended = _end(episode.end_date, row["DEC"], self.year_end)
            kept = ended is not None and row["DEC"] is None
            _set(
                episode,
                reason_new_episode=row["RNE"],
                legal_status=row["LS"],
                category_of_need=row["CIN"],
                placement_type=row["PLACE"],
                placement_provider=row["PLACE_PROVIDER"],
                placement_postcode=row["PL_POST"],
                urn=row["URN"],
                home_postcode=row["HOME_POST"],
                end_date=ended,
                reason_ceased=episode.reason_ceased if kept else row["REC"],
                reason_place_change=episode.reason_place_change if kept else row["REASON_PLACE_CHANGE"],
            )
            file_rows[row["CHILD"]].append(row)
        for code, rows in file_rows.items():
            opened = [e for e in self.episodes[code].values() if e.end_date is None]
            if len(opened) > 1:
                in_file = {row["DECOM"]: row for row in rows}
                row = next((in_file[e.start_date] for e in opened if e.start_date in in_file), rows[0])
                other = next(e for e in opened if e.start_date != row["DECOM"])
                self.problem("Episodes", row, "DEC", _overlap("episode", other.start_date, None))
        self._cases()

    def _cases(self) -> None:
        sw_rows = defaultdict(list)
        for row, _child in self._rows_by_child("SWEpisodes"):
            sw_rows[row["CHILD"]].append(row)
        in_care = {row["CHILD"] for row in self.parsed.rows("Episodes")}
        needing = [code for code in self.child if code in sw_rows or code in in_care]
        if not needing:
            return
        held_here = {
            "organisation": self.practice,
            "service_type": ServiceType.LOOKED_AFTER_CHILD,
            "person__looked_after_records__commissioner": self.commissioner,
        }
        by_person = defaultdict(list)
        for case in self.track.load(Case.objects.filter(**held_here).distinct()):
            by_person[case.person_id].append(case)
        allocations = defaultdict(dict)
        cases_here = {f"case__{name}": value for name, value in held_here.items()}
        for allocation in self.track.load(Allocation.objects.filter(**cases_here).distinct()):
            allocations[allocation.case_id][allocation.start_date] = allocation
        self.workers = self._workers(sw_rows)
        for code in needing:
            child = self.child[code]
            case = self._case_for(child, by_person[child.person_id])
            held = allocations[case.pk] if case.pk else {}
            self._allocations(case, held, sw_rows[code])
            self._case_dates(code, case, held, by_person[child.person_id], sw_rows[code])
            for episode in self.episodes[code].values():
                if episode.pk is None:
                    episode.case = case

    def _first_row(self, code: str) -> tuple[str, dict]:
        for table in ("Episodes", "SWEpisodes"):
            for row in self.parsed.rows(table):
                if row["CHILD"] == code:
                    return table, row
        raise LookupError(code)

    def _case_for(self, child, cases: list[Case]) -> Case:
        mine = [c for c in cases if c.commissioner_id == self.commissioner.pk]
        if mine:
            return max(mine, key=lambda c: (c.closed_on is None, c.opened_on, c.pk))
        return self.track.add(
            Case(
                organisation=self.practice,
                person=child.person,
                commissioner=self.commissioner,
                service_type=ServiceType.LOOKED_AFTER_CHILD,
                open_reason=f"Taken on from the {self.commissioner.name} SSDA903 return"[:200],
            )
        )

    def _workers(self, sw_rows: dict[str, list[dict]]) -> dict[str, Worker]:
        """SW_ID -> the practice's worker with that Social Work England number (made if unknown)."""
        first_start: dict[str, date] = {}
        first_row: dict[str, dict] = {}
        for rows in sw_rows.values():
            for row in rows:
                if row["SW_ID"] not in first_start or row["SW_DECOM"] < first_start[row["SW_ID"]]:
                    first_start[row["SW_ID"]] = row["SW_DECOM"]
                first_row.setdefault(row["SW_ID"], row)
        known = {w.swe_registration_number: w for w in Worker.objects.filter(swe_registration_number__in=first_start)}
        workers = {}
        for sw_id, started in first_start.items():
            worker = known.get(sw_id)
            if worker is not None and worker.organisation_id != self.practice.pk:
                self.problem(
                    "SWEpisodes", first_row[sw_id], "SW_ID", "this registration number is another organisation's worker"
                )
                continue
            workers[sw_id] = worker or self.track.add(
                Worker(
                    organisation=self.practice,
                    team=None,
                    given_name=WORKER_GIVEN_NAME,
                    family_name=sw_id,
                    job_role=Worker.JobRole.SOCIAL_WORKER,
                    swe_registration_number=sw_id,
                    start_date=started,
                    leave_date=max(self.today, started),
                )
            )
        return workers

    def _allocations(self, case: Case, held: dict[date, Allocation], rows: list[dict]) -> None:
        for row in rows:
            worker = self.workers.get(row["SW_ID"])
            if worker is None:
                continue
            allocation = held.get(row["SW_DECOM"])
            if allocation is None:
                allocation = self.track.add(
                    Allocation(organisation=self.practice, case=case, start_date=row["SW_DECOM"])
                )
                held[row["SW_DECOM"]] = allocation
            _set(
                allocation,
                worker=worker,
                end_date=_end(allocation.end_date, row["SW_DEC"], self.year_end),
                change_reason=row["SW_REASON"],
            )

    def _case_dates(self, code, case: Case, held: dict, person_cases: list[Case], sw_rows: list[dict]) -> None:
        """Open from the first episode or allocation; closed when the child's care has ended."""
        episodes = sorted(self.episodes[code].values(), key=lambda e: e.start_date)
        allocations = sorted(held.values(), key=lambda a: a.start_date)
        self._check_allocations(allocations, sw_rows)
        starts = [e.start_date for e in episodes] + [a.start_date for a in allocations]
        case.opened_on = min(starts + ([case.opened_on] if case.opened_on else []))
        last = episodes[-1] if episodes else None
        if last is not None and last.end_date is not None and last.reason_ceased != "X1":
            # closed on the day care ended, or later if an allocation or the practice's own closing says so
            ends = [last.end_date, *starts, *(a.end_date for a in allocations if a.end_date)]
            closed_before = self.track.original.get(id(case), {}).get("closed_on")
            if closed_before:
                ends.append(closed_before)
            if case.closed_on is None or not case.close_reason:
                case.close_reason = CLOSE_REASONS.get(last.reason_ceased, Case.CloseReason.NO_LONGER_ELIGIBLE)
            case.closed_on = max(ends)
            for allocation in allocations:
                if allocation.end_date is None:
                    allocation.end_date = case.closed_on
        else:
            if any(other is not case and other.closed_on is None for other in person_cases):
                table, row = self._first_row(code)
                self.problem(table, row, "CHILD", "the practice holds another open looked-after-child case for them")
            _set(case, closed_on=None, close_reason="")

    def _check_allocations(self, allocations: list[Allocation], sw_rows: list[dict]) -> None:
        """One social worker at a time, once the file's rows are merged with the allocations recorded."""
        from_file = {row["SW_DECOM"]: row for row in sw_rows}
        for allocation, following in zip(allocations, allocations[1:]):
            if allocation.end_date is not None and allocation.end_date <= following.start_date:
                continue
            later, earlier = from_file.get(following.start_date), from_file.get(allocation.start_date)
            if later is not None:
                self.problem(
                    "SWEpisodes", later, "SW_DECOM", _overlap("allocation", allocation.start_date, allocation.end_date)
                )
            elif earlier is not None:
                self.problem(
                    "SWEpisodes", earlier, "SW_DEC", _overlap("allocation", following.start_date, following.end_date)
                )

    # -- tables keyed by a date -------------------------------------------------------------------------

    def _keyed(self, table: str, model, date_field: str, column: str, make):
        """Rows of ``table`` matched to ``model`` records by (child, date); ``make`` builds a new one."""
        if not self.parsed.rows(table):
            return
        recorded = {self._key(obj, date_field): obj for obj in self._mine(model)}
        for row, child in self._rows_by_child(table):
            key = (row["CHILD"], row[column])
            obj = recorded.get(key)
            if obj is None:
                obj = recorded[key] = self.track.add(make(child=child, organisation=self.practice))
                setattr(obj, date_field, row[column])
            yield row, obj

    def simple_tables(self) -> None:
        for row, review in self._keyed("Reviews", Review, "review_date", "REVIEW", Review):
            review.participation = row["REVIEW_CODE"]
        for row, missing in self._keyed("Missing", MissingEpisode, "start_date", "MIS_START", MissingEpisode):
            _set(missing, kind=row["MISSING"], end_date=_end(missing.end_date, row["MIS_END"], self.year_end))
        for row, decision in self._keyed(
            "PlacedAdoption", AdoptionDecision, "decided_on", "DATE_PLACED", AdoptionDecision
        ):
            ceased = _end(decision.ceased_on, row["DATE_PLACED_CEASED"], self.year_end)
            kept = ceased is not None and row["DATE_PLACED_CEASED"] is None
            _set(
                decision,
                ceased_on=ceased,
                ceased_reason=decision.ceased_reason if kept else row["REASON_PLACED_CEASED"],
            )
        for row, order in self._keyed("DoLo", DeprivationOfLiberty, "start_date", "DOLO_START", DeprivationOfLiberty):
            order.end_date = _end(order.end_date, row["DOLO_END"], self.year_end)
        for row, permanence in self._keyed(
            "PrevPerm", PreviousPermanence, "period_start", "_period_start", PreviousPermanence
        ):
            _set(permanence, option=row["PREV_PERM"], arranged_by=row["LA_PERM"], order_date=row["DATE_PERM"])
        for row, contact in self._keyed("OC3", CareLeaverContact, "birthday_age", "_age", CareLeaverContact):
            if contact.contacted_on is None:
                contact.contacted_on = rules.birthday(row["DOB"], row["_age"])  # the return gives no date
            accommodation, suitable = row["ACCOM"]
            _set(
                contact,
                in_touch=row["IN_TOUCH"],
                activity=row["ACTIV"],
                accommodation=accommodation,
                accommodation_suitable=suitable,
            )
        adoptions = {self.code_of.get(a.child_id): a for a in self._mine(Adoption)} if self.parsed.rows("AD1") else {}
        for row, child in self._rows_by_child("AD1"):
            adoption = adoptions.get(row["CHILD"]) or self.track.add(Adoption(organisation=self.practice, child=child))
            _set(
                adoption,
                decision_date=row["DATE_INT"],
                matched_on=row["DATE_MATCH"],
                by_foster_carers=row["FOSTER_CARE"],
                number_of_adopters=row["NB_ADOPTR"],
                adopter_sex=row["SEX_ADOPTR"],
                adopter_legal_status=row["LS_ADOPTR"],
            )

    # -- OC2: outcomes recorded as on 31 March --------------------------------------------------------

    HEALTH_COLUMNS = {
        "HEALTH_CHECK": HealthCheck.Kind.DEVELOPMENT_CHECK,
        "IMMUNISATIONS": HealthCheck.Kind.IMMUNISATIONS,
        "TEETH_CHECK": HealthCheck.Kind.DENTAL_CHECK,
        "HEALTH_ASSESSMENT": HealthCheck.Kind.HEALTH_ASSESSMENT,
    }

    def outcomes(self) -> None:
        rows = list(self._rows_by_child("OC2"))
        if not rows:
            return
        in_year_checks = list(self._in_year(HealthCheck, "check_date"))
        checks = {(self.code_of.get(c.child_id), c.kind) for c in in_year_checks}
        assessment_days = defaultdict(set)
        for c in in_year_checks:
            if c.kind == HealthCheck.Kind.HEALTH_ASSESSMENT:
                assessment_days[self.code_of.get(c.child_id)].add(c.check_date)
        convicted = {self.code_of.get(c.child_id) for c in self._in_year(Conviction, "convicted_on")}
        sdqs, misuse = defaultdict(list), defaultdict(list)
        for sdq in self._in_year(StrengthsDifficulties, "assessed_on"):
            sdqs[self.code_of.get(sdq.child_id)].append(sdq)
        for record in self._in_year(SubstanceMisuse, "identified_on"):
            misuse[self.code_of.get(record.child_id)].append(record)
        common = {"organisation": self.practice}
        for row, child in rows:
            code, common["child"] = row["CHILD"], child
            for column, kind in self.HEALTH_COLUMNS.items():
                if kind == HealthCheck.Kind.HEALTH_ASSESSMENT:
                    if row[column]:
                        self._health_assessments(row["DOB"], assessment_days[code], common)
                elif row[column] and (code, kind) not in checks:
                    self.track.add(HealthCheck(kind=kind, check_date=self.year_end, **common))
            if row["CONVICTED"] and code not in convicted:
                self.track.add(Conviction(convicted_on=self.year_end, **common))
            self._sdq(row, sdqs[code], common)
            if row["SUBSTANCE_MISUSE"]:
                self._substance_misuse(row, misuse[code], common)

    def _health_assessments(self, date_of_birth: date, recorded: set[date], common) -> None:
        """Up to date means two assessments in the year for a child under 5 at 31 March, one from 5
        (as the export reads them): the return gives no dates, so the missing ones are dated 31 March
        and six months before it (never before the birth)."""
        needed = 2 if rules.age_on(date_of_birth, self.year_end) < 5 else 1
        candidates = [self.year_end, max(self.year_end - relativedelta(months=6), date_of_birth)]
        for day in candidates:
            if len(recorded) >= needed:
                return
            if day not in recorded:
                recorded.add(day)
                self.track.add(HealthCheck(kind=HealthCheck.Kind.HEALTH_ASSESSMENT, check_date=day, **common))

    def _sdq(self, row, recorded: list[StrengthsDifficulties], common) -> None:
        """The latest SDQ in the year is the one reported: one on 31 March says what the row says."""
        if row["SDQ_SCORE"] is None and not row["SDQ_REASON"]:
            return
        if row["SDQ_REASON"] == "SDQ1" and not recorded and self._sdq1_by_age(row["DOB"]):
            return  # the export says SDQ1 by itself for a child under 4 or over 16 with no SDQ in the year
        values = {"score": row["SDQ_SCORE"], "reason_not_done": row["SDQ_REASON"]}
        latest = max(recorded, key=lambda s: (s.assessed_on, s.pk), default=None)
        if latest is not None and (latest.score, latest.reason_not_done) == (
            values["score"],
            values["reason_not_done"],
        ):
            return
        on_the_day = next((s for s in recorded if s.assessed_on == self.year_end), None)
        if on_the_day is not None:
            _set(on_the_day, **values)
        else:
            self.track.add(StrengthsDifficulties(assessed_on=self.year_end, **values, **common))

    def _sdq1_by_age(self, date_of_birth: date) -> bool:
        return rules.age_on(date_of_birth, self.year_start) < 4 or rules.age_on(date_of_birth, self.year_end) >= 17

    def _substance_misuse(self, row, recorded: list[SubstanceMisuse], common) -> None:
        values = {
            "intervention_received": bool(row["INTERVENTION_RECEIVED"]),
            "intervention_offered_refused": bool(row["INTERVENTION_OFFERED"]),
        }
        on_the_day = next((s for s in recorded if s.identified_on == self.year_end), None)
        if on_the_day is not None:
            _set(on_the_day, **values)
        elif not recorded:
            self.track.add(SubstanceMisuse(identified_on=self.year_end, **values, **common))

    # -- writing ---------------------------------------------------------------------------------------

    def write(self) -> ImportResult:
        result = ImportResult(
            commissioner=self.commissioner.ons_code,
            year=self.parsed.year,
            children=len(self.parsed.rows("Header")),
            rows=self.parsed.row_count,
            notes=list(self.parsed.notes),
        )
        history = {"default_user": self.actor, "default_change_reason": CHANGE_REASON, "batch_size": 500}
        now = timezone.now()
        for model in WRITE_ORDER:
            changed, fields = self.track.changes(model)
            if model is Person:
                for person in changed:
                    person.updated_at = now
                fields = sorted(set(fields) | {"updated_at"}) if changed else fields
            for batch in self._update_batches(model, changed):
                bulk_update_with_history(batch, model, fields, **history)
            created = self.track.new[model]
            if created:
                bulk_create_with_history(created, model, **history)
            result.created[model.__name__] = len(created)
            result.updated[model.__name__] = len(changed)
        return result

    @staticmethod
    def _update_batches(model, changed: list) -> list[list]:
        """Rows being ended are written before rows being (re)opened, so at most one is open at any time."""
        if model not in OPEN_FIELD:
            return [changed] if changed else []
        name = OPEN_FIELD[model]
        ending = [obj for obj in changed if getattr(obj, name) is not None]
        opening = [obj for obj in changed if getattr(obj, name) is None]
        return [batch for batch in (ending, opening) if batch]


# -- entry points ------------------------------------------------------------------------------------


def _practice_of(actor, into_practice: Organisation | None) -> Organisation:
    if actor is not None:
        access.require(actor, "looked_after.record")
        access.require(actor, "case.manage")
        if into_practice is not None and into_practice.pk != actor.organisation_id:
            raise ValueError("Import into your own practice only")
        return actor.organisation
    if into_practice is None:
        raise ValueError("Say which practice takes the children on")
    return into_practice


def _check_arguments(practice: Organisation, commissioner: Organisation, years) -> None:
    if not practice.is_practice:
        raise ValueError(f"{practice} is not a practice")
    if commissioner.commissioner_type != Organisation.CommissionerType.LOCAL_AUTHORITY or not commissioner.ons_code:
        raise ValueError(f"{commissioner} is not a local authority with an ONS code")
    if not Commissioning.objects.filter(commissioner=commissioner, practice=practice).exists():
        raise ValueError(f"{commissioner} does not commission {practice}")
    unsupported = [y for y in years if y not in IMPORT_YEARS]
    if unsupported:
        raise ValueError(
            f"Collection year {unsupported[0]} cannot be imported: choose from {', '.join(map(str, IMPORT_YEARS))}"
        )


def import_903_years(
    *,
    actor,
    commissioner: Organisation,
    years: dict[int, dict[str, bytes]],
    into_practice: Organisation | None = None,
) -> list[ImportResult]:
    """Import several collection years (``{2025: files, 2026: files}``), oldest first, all or nothing.

    ``files`` maps a file name (``header.csv`` ...) to its bytes. Every file of every year is read
    and checked before anything is written; then the years are written in one transaction.
    Raises ReturnImportError with the problems found, having written nothing.
    """
    practice = _practice_of(actor, into_practice)
    _check_arguments(practice, commissioner, years)
    parsed_years, problems = [], []
    for year in sorted(years):
        parsed, found = read_return(year, years[year])
        parsed_years.append(parsed)
        problems.extend(found)
    if problems:
        raise ReturnImportError(problems)
    details = _child_details(parsed_years)
    today = timezone.localdate()
    results = []
    with transaction.atomic():
        for parsed in parsed_years:
            writer = _YearWriter(
                actor=actor, practice=practice, commissioner=commissioner, parsed=parsed, details=details, today=today
            )
            result = writer.run()
            audit_record(
                actor=actor,
                action="import",
                object_type="ssda903",
                object_id=f"{commissioner.ons_code}/{parsed.year}",
                children=result.children,
                rows=result.rows,
                created=sum(result.created.values()),
                updated=sum(result.updated.values()),
            )
            logger.info(
                "903 import %s/%s: %s children, %s rows, %s created, %s updated",
                commissioner.ons_code,
                parsed.year,
                result.children,
                result.rows,
                sum(result.created.values()),
                sum(result.updated.values()),
            )
            results.append(result)
    return results


def import_903(
    *,
    actor,
    commissioner: Organisation,
    year: int,
    files: dict[str, bytes],
    into_practice: Organisation | None = None,
) -> ImportResult:
    """Import one collection year's 903 files for ``commissioner`` into the actor's practice
    (or ``into_practice`` when run by the system, with no actor). All or nothing: see the module."""
    return import_903_years(actor=actor, commissioner=commissioner, years={year: files}, into_practice=into_practice)[0]
