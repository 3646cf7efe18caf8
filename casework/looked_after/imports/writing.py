"""Merging one year's checked rows into what the practice has recorded, then writing the differences.

One query per table to load what is recorded, the changes worked out by comparing values, then
bulk writes (with history) in ``WRITE_ORDER``.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from dateutil.relativedelta import relativedelta
from django.db import models
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from casework.cases.models import Allocation, Case
from casework.core import identifiers
from casework.core.codes import ServiceType
from casework.looked_after import codes, dues, rules
from casework.looked_after.export import fmt
from casework.looked_after.imports.problems import Problem, ReturnImportError
from casework.looked_after.imports.reading import ParsedYear
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
from casework.organisations.models import Worker
from casework.people.models import Person
from casework.people.rules import name_key

CHANGE_REASON = "SSDA903 import"
WORKER_GIVEN_NAME = "Authority social worker"
UNKNOWN_GIVEN_NAME = "Not known"


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

    def counts(self) -> dict:
        """What the year's files did, as the import's preview keeps it (worded by ``year_in_words``)."""
        return {
            "year": self.year,
            "children": self.children,
            "rows": self.rows,
            "created": dict(self.created),
            "updated": dict(self.updated),
        }

    def summary(self) -> str:
        return year_in_words(self.counts(), done=True)



# -- the child's own details, folded over the years ----------------------------------------------------


def child_details(parsed_years: list[ParsedYear]) -> dict[str, dict]:
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
                upn_given=upn,
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

    def diffs(self, model) -> list[tuple[models.Model, dict[str, tuple]]]:
        """Each object of ``model`` loaded and since changed, with {field: (as loaded, now)}."""
        found = []
        for obj in self.loaded[model]:
            before = self.original[id(obj)]
            diff = {name: (before[name], value) for name, value in _values(obj).items() if before[name] != value}
            if diff:
                found.append((obj, diff))
        return found

    def changes(self, model) -> tuple[list, list[str]]:
        found = self.diffs(model)
        return [obj for obj, _ in found], sorted({name for _, diff in found for name in diff})


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
# What the records are called on the page (``ImportResult`` counts them by model).
RECORD_WORDS = {
    Worker: "social workers of the authority",
    Person: "people",
    LookedAfterChild: "children",
    Case: "cases",
    Episode: "episodes of care",
    Allocation: "social worker allocations",
    Review: "reviews",
    MissingEpisode: "missing episodes",
    HealthCheck: "health checks",
    StrengthsDifficulties: "strengths and difficulties scores",
    Conviction: "convictions",
    SubstanceMisuse: "substance misuse records",
    CareLeaverContact: "care leaver contacts",
    Adoption: "adoptions",
    AdoptionDecision: "decisions to place for adoption",
    PreviousPermanence: "previous permanence records",
    DeprivationOfLiberty: "deprivation of liberty orders",
}
# One of each, for a count of 1 ("1 person", never "1 people").
RECORD_WORD = {
    Worker: "social worker of the authority",
    Person: "person",
    LookedAfterChild: "child",
    Case: "case",
    Episode: "episode of care",
    Allocation: "social worker allocation",
    Review: "review",
    MissingEpisode: "missing episode",
    HealthCheck: "health check",
    StrengthsDifficulties: "strengths and difficulties score",
    Conviction: "conviction",
    SubstanceMisuse: "substance misuse record",
    CareLeaverContact: "care leaver contact",
    Adoption: "adoption",
    AdoptionDecision: "decision to place for adoption",
    PreviousPermanence: "previous permanence record",
    DeprivationOfLiberty: "deprivation of liberty order",
}
_WORDS_BY_NAME = {model.__name__: (RECORD_WORD[model], words) for model, words in RECORD_WORDS.items()}


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _in_words(counts: dict[str, int]) -> str:
    # in the order the records are written, never the dict's: PostgreSQL's jsonb, where a preview
    # keeps its counts, gives keys back in an order of its own
    worded = [_count(counts[name], *words) for name, words in _WORDS_BY_NAME.items() if counts.get(name)]
    return ", ".join(worded) or "nothing"


def year_in_words(year: dict | str, *, done: bool) -> str:
    """One year of an import in words: what it will do (``done`` false: the preview, before anything
    is written) or what it did. A preview kept before the counts were (a line of words) is shown as it is."""
    if isinstance(year, str):
        return year
    created, updated = _in_words(year["created"]), _in_words(year["updated"])
    return (
        f"{codes.year_label(year['year'])}: {_count(year['children'], 'child', 'children')}, "
        f"{_count(year['rows'], 'row', 'rows')} read; "
        + (f"created {created}; updated {updated}" if done else f"will create {created}; will update {updated}")
    )


# Why the case closes, from how the child's care ended.
CLOSE_REASONS = {"E2": Case.CloseReason.DIED, "E3": Case.CloseReason.MOVED_AWAY}
# Rows that may be open (no end) only one at a time: ending one is written before opening another.
OPEN_FIELD = {Episode: "end_date", Allocation: "end_date", Case: "closed_on"}


class YearWriter:
    """Merges one year's rows into what is recorded, then writes the differences."""

    def __init__(
        self,
        *,
        actor,
        practice,
        commissioner,
        parsed: ParsedYear,
        details: dict[str, dict],
        today: date,
        matched_people: dict[str, int] | None = None,
    ):
        self.actor = actor
        self.matched_people = matched_people or {}  # CHILD -> the person (already recorded) they are
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
        wanted = [pk for code, pk in self.matched_people.items() if code not in by_id]
        people = {p.pk: p for p in self.track.load(Person.objects.filter(pk__in=wanted))} if wanted else {}
        for row in self.parsed.rows("Header"):
            child = by_id.get(row["CHILD"])
            if child is not None and child.organisation_id != self.practice.pk:
                self.problem("Header", row, "CHILD", "this child is recorded in Casework by another practice")
                continue
            if child is None:
                child = self._new_child(row["CHILD"], people.get(self.matched_people.get(row["CHILD"])))
            else:
                self.track.load([child, child.person])
            self._update_child(child, self.details[row["CHILD"]])
            self.child[row["CHILD"]] = child

    def _new_child(self, code: str, person: Person | None) -> LookedAfterChild:
        """The child's record, for the person already recorded that they were matched to, else a new person."""
        person = person or self.track.add(
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
        _set(person, sex=details["sex"], date_of_birth=details["date_of_birth"], ethnicity=details["ethnicity"])
        if person.upn != details["upn_given"]:  # a UN code kept as the person's UPN says what the file says
            upn = details["upn"] or (person.upn if person.upn not in identifiers.UPN_UNKNOWN_CODES else "")
            _set(person, upn=upn)
            _set(child, upn_unknown_reason="" if details["upn"] else details["upn_unknown_reason"])
        for name in ("is_mother", "mother_child_dob", "uasc", "uasc_ceased"):
            if name in details:
                setattr(child, name, details[name])
        if child.uasc_ceased == rules.birthday(person.date_of_birth, 18) and child.uasc_ceased is not None:
            # the return reports the 18th birthday when status has not ceased before it (export.py): a
            # child recorded without a date (or new) keeps none, which reads back the same
            if self.track.original.get(id(child), {}).get("uasc_ceased") is None:
                child.uasc_ceased = None

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
                    Allocation(
                        organisation=self.practice,
                        case=case,
                        service_type=case.service_type,
                        start_date=row["SW_DECOM"],
                    )
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
            if not self.episodes.get(row["CHILD"]):
                # care ended before the records held here: the return's word that they are former relevant
                self.child[row["CHILD"]].former_relevant_by_return = True
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
        # the authority's children's stored due dates, from what was just written (same transaction)
        dues.refresh([child.pk for child in self.child.values()])
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
