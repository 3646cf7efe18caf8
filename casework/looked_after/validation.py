"""Validate a 903 return with the DfE rules, in their own process and environment.

``validate_directory`` runs ``looked_after/dfe/runner.py`` under ``settings.SSDA903_VALIDATOR_PYTHON``
(.venv-903, created by ``make setup``) in a scratch working directory, so nothing the package
writes or logs reaches the application.
"""

import json
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

RUNNER = Path(__file__).resolve().parent / "dfe" / "runner.py"
# Rules that crash on every input in csc-validator-be-903 0.1.17 (they read columns the package
# never creates; see ../shared/reference/ssda903.md 3.1.8): reported, never counted as errors.
# 709 and 710 (DoLO placements) read a PLACEMENT column that does not exist, so the services
# enforce them instead (looked_after/rules.py); 706 crashes when last year's return had no DoLo
# table (before 2026/27).
KNOWN_BROKEN_RULES = frozenset({"231", "233", "706", "709", "710"})
# The validator sees only this year's and last year's episodes, so it reports care leavers who
# left care earlier than that as never having been looked after (the rules' own note says so).
HISTORY_BLIND_RULES = frozenset({"1001", "1002"})
# 707 ("child ceased to be looked after but there is a DoLO without an end date") takes the end of a
# period of care from the last *ended* episode (pandas' groupby nth skips the open one's blank DEC),
# so a DoLO in force for a child still in care after a change of placement is reported as if care
# had ended. Each such error is checked against the record: kept unless the child is still looked
# after at 31 March with the order in force.
PERIOD_END_MISREAD_RULES = frozenset({"707"})
# SW11b ("social worker episode ended before 31 March and no subsequent episode provided") misreads a
# child with three or more social worker episodes whose middle one ends in the last five days of
# March, although the next starts that same day. Set apart only when the record shows every
# allocation ending in those days was followed by the next worker the same day.
WORKER_CHANGE_MISREAD_RULES = frozenset({"SW11bSTG2"})
# 575 and 577 ("the placement / care the child went missing from has ended, but the missing episode
# has no end date") read the episodes after rules 361 and 362 have filled every blank DEC with 31
# March in place, so a child missing at 31 March from a placement still running is reported as if
# it had ended. The DfE expects that episode open (blank MIS_END; rule 576 next year). Each such
# error is checked against the record: kept unless the missing episode and the placement it
# started from are both still open at 31 March.
OPEN_MISSING_MISREAD_RULES = frozenset({"575", "577"})
# SW17 ("there is no social worker episode open at 31 March") asks that every child's latest social
# worker episode be open, and SW11b ("ended before 31 March and no subsequent episode") that one
# ending in March's last five days be followed by another, including for a child whose care ended
# in the year, whose worker's episode ends the day care ends. Each such error is checked against the
# record: kept unless the child's care ended in the year and no period of care is open at 31 March
# (a child in care then must have a social worker then).
LEFT_CARE_MISREAD_RULES = frozenset({"SW17STG2", "SW11bSTG2"})


class ValidatorUnavailable(RuntimeError):
    pass


@dataclass
class ValidationResult:
    year: int
    authority: str
    errors: list[dict]
    rules: int
    ran: int
    skipped: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    # errors the validator could not judge for want of history, each confirmed against the
    # child's full record here; shown apart, never silently dropped
    confirmed_by_history: list[dict] = field(default_factory=list)
    # errors of rules that judge the whole year, in a year still running: due by 31 March, not wrong
    # yet (looked_after/year_end.py); set apart by ``set_apart_not_yet_due``
    due_by_year_end: list[dict] = field(default_factory=list)

    @property
    def due_label(self) -> str:
        from casework.looked_after import year_end

        return year_end.due_label(self.year)

    @property
    def unexpected_failures(self) -> list[str]:
        return [code for code in self.failed if code not in KNOWN_BROKEN_RULES]

    def by_child(self) -> dict[str, list[dict]]:
        grouped: dict[str, list[dict]] = {}
        for error in self.errors:
            grouped.setdefault(error["child"], []).append(error)
        return grouped

    def by_code(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for error in self.errors:
            counts[error["code"]] = counts.get(error["code"], 0) + 1
        return dict(sorted(counts.items(), key=lambda kv: -kv[1]))


def set_apart_not_yet_due(result: ValidationResult, *, as_of) -> ValidationResult:
    """While the collection year has not ended on ``as_of``, move the errors of rules that judge the
    whole year (``year_end.DUE_BY_YEAR_END``) to ``due_by_year_end``; a past year is judged in full."""
    from casework.looked_after import year_end

    result.errors, due = year_end.split(result.errors, year=result.year, as_of=as_of)
    result.due_by_year_end.extend(due)
    return result


def validator_python() -> Path:
    return Path(settings.SSDA903_VALIDATOR_PYTHON)


def validate_directory(directory: Path, *, year: int, authority: str, previous: Path | None = None) -> ValidationResult:
    if _header_rows(Path(directory)) == 0:
        # the DfE validator cannot run on a return with no children (pandas fails on empty frames);
        # an empty return has nothing to be wrong
        return ValidationResult(year=year, authority=authority, errors=[], rules=0, ran=0)
    python = validator_python()
    if not python.exists():
        raise ValidatorUnavailable(f"The DfE validator is not installed at {python}: run `make setup`")
    args = [str(python), str(RUNNER), str(Path(directory).resolve()), str(year), authority]
    if previous is not None and _header_rows(Path(previous)) > 0:  # it fails on an empty previous year too
        args.append(str(Path(previous).resolve()))
    with tempfile.TemporaryDirectory(prefix="validator-") as scratch:
        completed = subprocess.run(  # noqa: S603 (fixed interpreter and script, arguments are paths and codes)
            args, cwd=scratch, capture_output=True, text=True, timeout=settings.SSDA903_VALIDATOR_TIMEOUT
        )
    lines = completed.stdout.strip().splitlines()
    if completed.returncode != 0 or not lines:
        tail = completed.stderr.strip().splitlines()[-5:]
        raise ValidatorUnavailable("The DfE validator stopped: " + " | ".join(tail))
    data = json.loads(lines[-1])
    return ValidationResult(year=year, authority=authority, **data)


def _header_rows(directory: Path) -> int:
    header = directory / "header.csv"
    if not header.exists():
        return 0
    with header.open(encoding="utf-8") as rows:
        return max(0, sum(1 for line in rows if line.strip()) - 1)


def confirm_against_history(result: ValidationResult, *, children) -> ValidationResult:
    """Check each history-blind error on the child's full episode history; keep it as an error unless
    the full history shows the young person is a former relevant child and part of that care began
    before the previous year's return (so the files the validator saw could not show all of it)."""
    from casework.looked_after import codes, rules
    from casework.looked_after.models import Episode

    _confirm_open_orders(result, children=children)
    _confirm_worker_changes(result, children=children)
    _confirm_open_missing(result, children=children)
    _confirm_left_care(result, children=children)
    suspects = {e["child"] for e in result.errors if e["code"] in HISTORY_BLIND_RULES and e["table"] == "OC3"}
    if not suspects:
        return result
    records = {c.child_id: c for c in children.filter(child_id__in=suspects).select_related("person")}
    episodes: dict[int, list] = {}
    for episode in Episode.objects.filter(child__in=records.values()).order_by("start_date"):
        episodes.setdefault(episode.child_id, []).append(episode)
    previous_start = codes.collection_start(result.year - 1)
    year_end = codes.collection_end(result.year)
    confirmed = set()
    for child_id, record in records.items():
        history = episodes.get(record.pk, [])
        # the two files the validator saw hold only episodes open on or after the previous year's start
        partly_unseen = bool(history) and history[0].start_date < previous_start
        if partly_unseen and rules.is_former_relevant_child(record.person.date_of_birth, history, year_end):
            confirmed.add(child_id)
        elif record.former_relevant_by_return and not history:  # care ended before the episodes held here
            confirmed.add(child_id)
    _set_apart(
        result,
        lambda error: error["code"] in HISTORY_BLIND_RULES and error["table"] == "OC3" and error["child"] in confirmed,
    )
    return result


def _set_apart(result: ValidationResult, confirmed_misread) -> None:
    """Move each error ``confirmed_misread(error)`` holds for from the errors to those confirmed by
    the record (shown apart, never dropped)."""
    kept = []
    for error in result.errors:
        (result.confirmed_by_history if confirmed_misread(error) else kept).append(error)
    result.errors = kept


def _confirm_open_orders(result: ValidationResult, *, children) -> None:
    from casework.looked_after import codes
    from casework.looked_after.models import DeprivationOfLiberty, Episode

    suspects = {e["child"] for e in result.errors if e["code"] in PERIOD_END_MISREAD_RULES}
    if not suspects:
        return
    year_end = codes.collection_end(result.year)
    ids = dict(children.filter(child_id__in=suspects).values_list("pk", "child_id"))
    in_care = set(
        Episode.objects.filter(child_id__in=ids, start_date__lte=year_end)
        .exclude(end_date__lte=year_end)
        .values_list("child_id", flat=True)
    )
    order_in_force = set(
        DeprivationOfLiberty.objects.filter(child_id__in=ids, start_date__lte=year_end)
        .exclude(end_date__lte=year_end)
        .values_list("child_id", flat=True)
    )
    confirmed = {ids[pk] for pk in in_care & order_in_force}
    _set_apart(result, lambda error: error["code"] in PERIOD_END_MISREAD_RULES and error["child"] in confirmed)


def _confirm_open_missing(result: ValidationResult, *, children) -> None:
    from django.db.models import Q

    from casework.looked_after import codes
    from casework.looked_after.models import Episode, MissingEpisode

    suspects = {e["child"] for e in result.errors if e["code"] in OPEN_MISSING_MISREAD_RULES}
    if not suspects:
        return
    year_end = codes.collection_end(result.year)
    ids = dict(children.filter(child_id__in=suspects).values_list("pk", "child_id"))
    open_at_end = Q(start_date__lte=year_end) & (Q(end_date__isnull=True) | Q(end_date__gt=year_end))
    missing = dict(MissingEpisode.objects.filter(open_at_end, child_id__in=ids).values_list("child_id", "start_date"))
    placements = Episode.objects.filter(open_at_end, child_id__in=missing).values_list("child_id", "start_date")
    confirmed = {ids[pk] for pk, start in placements if start <= missing[pk]}
    _set_apart(result, lambda error: error["code"] in OPEN_MISSING_MISREAD_RULES and error["child"] in confirmed)


def _confirm_worker_changes(result: ValidationResult, *, children) -> None:
    from datetime import timedelta

    from casework.cases.models import Allocation
    from casework.core.codes import ServiceType
    from casework.looked_after import codes

    suspects = {e["child"] for e in result.errors if e["code"] in WORKER_CHANGE_MISREAD_RULES}
    if not suspects:
        return
    year_end = codes.collection_end(result.year)
    people = dict(children.filter(child_id__in=suspects).values_list("person_id", "child_id"))
    rows = Allocation.objects.filter(
        case__person_id__in=people, case__service_type=ServiceType.LOOKED_AFTER_CHILD
    ).values_list("case__person_id", "case_id", "start_date", "end_date")
    starts = {(case_id, start) for _, case_id, start, _ in rows}
    followed = dict.fromkeys(people, True)
    for person_id, case_id, _, end in rows:
        if end is not None and year_end - timedelta(days=5) <= end <= year_end and (case_id, end) not in starts:
            followed[person_id] = False
    confirmed = {people[p] for p, ok in followed.items() if ok}
    _set_apart(result, lambda error: error["code"] in WORKER_CHANGE_MISREAD_RULES and error["child"] in confirmed)


def _confirm_left_care(result: ValidationResult, *, children) -> None:
    from django.db.models import Q

    from casework.looked_after import codes
    from casework.looked_after.models import Episode

    suspects = {e["child"] for e in result.errors if e["code"] in LEFT_CARE_MISREAD_RULES}
    if not suspects:
        return
    year_end = codes.collection_end(result.year)
    ids = dict(children.filter(child_id__in=suspects).values_list("pk", "child_id"))
    episodes = Episode.objects.filter(child_id__in=ids, start_date__lte=year_end)
    in_care = set(
        episodes.filter(Q(end_date__isnull=True) | Q(end_date__gt=year_end)).values_list("child_id", flat=True)
    )
    left_care = set(
        episodes.filter(end_date__range=(codes.collection_start(result.year), year_end)).values_list(
            "child_id", flat=True
        )
    )
    confirmed = {ids[pk] for pk in left_care - in_care}
    _set_apart(result, lambda error: error["code"] in LEFT_CARE_MISREAD_RULES and error["child"] in confirmed)
