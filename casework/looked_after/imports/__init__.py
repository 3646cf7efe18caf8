"""Import an authority's SSDA903 files (this year's and earlier years') to take on its children.

The package, one job a file: ``cells.py`` (reading each column), ``reading.py`` (a year's files,
zips opened, into checked rows), ``matching.py`` (who each child is; files refused that look like
another authority's or would record someone twice), ``writing.py`` (merging and writing),
``batches.py`` (preview, confirm once, reverse: what the page does), ``models.py`` (ImportBatch),
and the pages (``views.py``, ``forms.py``, ``selectors.py``). This module holds the entry points:
``prepare`` (read, check, match), ``write_years`` and ``import_903_years`` (no preview).

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
* OC3: a contact for the birthday (17 to 21) that falls in the year, dated on the birthday. A care
  leaver with no episodes (care ended before the files) is marked former relevant by the return.
* PrevPerm rows have no date: the n-th row for a child belongs to its n-th period of care
  starting (RNE S) in the year's episodes.
* Postcodes are stored in the usual form, a space before the inward code (``LS11AA`` becomes
  ``LS1 1AA``), as a postcode typed on a page is; other codes are kept as written (in capitals).
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

import logging
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from casework.audit.services import audit_record
from casework.core import access
from casework.looked_after import codes
from casework.looked_after.imports.cells import READERS
from casework.looked_after.imports.matching import BY_UPN, Match, match_children
from casework.looked_after.imports.problems import Problem, ReturnImportError
from casework.looked_after.imports.reading import read_return
from casework.looked_after.imports.writing import ImportResult, YearWriter, child_details
from casework.organisations.models import Commissioning, Organisation

__all__ = ["READERS", "ImportResult", "Problem", "ReturnImportError", "import_903", "import_903_years", "read_return"]

logger = logging.getLogger(__name__)

IMPORT_YEARS = tuple(range(2024, max(codes.SUPPORTED_YEARS) + 1))  # SWEpisodes start in 2023/24


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
    if not years:
        raise ValueError("No 903 files were given: choose the year's files and check them again.")
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


@dataclass
class Prepared:
    """Files read, checked and matched to who is recorded: ready to write."""

    practice: Organisation
    commissioner: Organisation
    parsed_years: list
    details: dict[str, dict]
    matches: dict[str, Match]


def prepare(*, actor, commissioner: Organisation, years: dict[int, dict[str, bytes]], into_practice=None) -> Prepared:
    """Read and check every file of every year (a zip is opened first) and match each child to who is
    recorded; raises ReturnImportError with every problem found. Reads only."""
    practice = _practice_of(actor, into_practice)
    _check_arguments(practice, commissioner, years)
    parsed_years, problems = [], []
    for year in sorted(years):
        parsed, found = read_return(year, years[year])
        parsed_years.append(parsed)
        problems.extend(found)
    if problems:
        raise ReturnImportError(problems)
    details = child_details(parsed_years)
    upns = {code: known.get("upn", "") for code, known in details.items()}
    matches, problems = match_children(
        practice=practice, commissioner=commissioner, parsed_years=parsed_years, upns=upns
    )
    if problems:
        raise ReturnImportError(problems)
    return Prepared(practice, commissioner, parsed_years, details, matches)


def write_years(prepared: Prepared, *, actor) -> list[YearWriter]:
    """Write every year, oldest first, inside the caller's transaction; each writer holds what it did."""
    today = timezone.localdate()
    matched = {code: m.person_id for code, m in prepared.matches.items() if m.how == BY_UPN}
    writers = []
    for parsed in prepared.parsed_years:
        writer = YearWriter(
            actor=actor,
            practice=prepared.practice,
            commissioner=prepared.commissioner,
            parsed=parsed,
            details=prepared.details,
            today=today,
            matched_people=matched,
        )
        writer.result = writer.run()
        writers.append(writer)
    return writers


def audit_years(prepared: Prepared, writers: list[YearWriter], *, actor) -> None:
    ons = prepared.commissioner.ons_code
    for writer in writers:
        result = writer.result
        created, updated = sum(result.created.values()), sum(result.updated.values())
        audit_record(
            actor=actor,
            action="import",
            object_type="ssda903",
            object_id=f"{ons}/{result.year}",
            children=result.children,
            rows=result.rows,
            created=created,
            updated=updated,
        )
        logger.info(
            "903 import %s/%s: %s children, %s rows, %s created, %s updated",
            *(ons, result.year, result.children, result.rows, created, updated),
        )


def import_903_years(
    *,
    actor,
    commissioner: Organisation,
    years: dict[int, dict[str, bytes]],
    into_practice: Organisation | None = None,
) -> list[ImportResult]:
    """Import several collection years (``{2025: files, 2026: files}``), oldest first, all or nothing,
    with no preview (the command and the tests; the page previews first: ``batches.py``).

    ``files`` maps a file name (``header.csv`` ...) to its bytes. Every file of every year is read
    and checked before anything is written; then the years are written in one transaction.
    Raises ReturnImportError with the problems found, having written nothing.
    """
    prepared = prepare(actor=actor, commissioner=commissioner, years=years, into_practice=into_practice)
    with transaction.atomic():
        writers = write_years(prepared, actor=actor)
        audit_years(prepared, writers, actor=actor)
    return [writer.result for writer in writers]


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
