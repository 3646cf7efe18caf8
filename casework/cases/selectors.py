"""Reads about cases: caseloads, the case page and allocation history (the chronology is
``core/chronology.py``, with this app's entries in ``cases/chronology.py``)."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from casework.cases import rules
from casework.cases.models import Allocation, Case, CaseNote, CaseWeight
from casework.core import access
from casework.core.codes import ServiceType
from casework.organisations.models import Organisation, Team, Worker
from casework.people.models import Person
from casework.registration.models import Registration


def practice_case_weights(organisation_id: int) -> dict[str, Decimal]:
    overrides = dict(CaseWeight.objects.filter(organisation_id=organisation_id).values_list("service_type", "weight"))
    return rules.case_weights(overrides)


@dataclass
class WorkerCaseload:
    worker: Worker
    figures: rules.CaseloadFigures
    registered: int


@dataclass
class TeamCaseload:
    """A team's caseload: its totals over every worker in post (``totals``, ``worker_count``,
    ``over_count``) and the rows of the workers the page shows (``workers``: one page of them)."""

    team: Team | None
    workers: list[WorkerCaseload] = field(default_factory=list)
    totals: rules.CaseloadFigures | None = None
    worker_count: int = 0
    over_count: int = 0

    @property
    def over_threshold_count(self) -> int:
        if self.totals is not None:
            return self.over_count
        return sum(w.figures.over_threshold for w in self.workers)

    @property
    def figures(self) -> rules.CaseloadFigures:
        if self.totals is not None:
            return self.totals
        threshold = self.workers[0].figures.threshold_per_fte if self.workers else Decimal("0")
        return rules.CaseloadFigures(
            open_cases=sum(w.figures.open_cases for w in self.workers),
            weighted=sum((w.figures.weighted for w in self.workers), Decimal("0")),
            fte=sum((w.worker.fte for w in self.workers), Decimal("0")),
            threshold_per_fte=threshold,
        )


def _workers_in_post(actor, team_ids: set[int] | None) -> QuerySet:
    today = timezone.localdate()
    workers = (
        access.scoped(actor, Worker)
        .filter(Q(leave_date__isnull=True) | Q(leave_date__gt=today))
        .order_by("team__name", "family_name", "given_name", "pk")
    )
    if team_ids is not None:
        workers = workers.filter(team_id__in=team_ids)
    return workers


def _open_counts(actor, worker_ids=None) -> dict[int, dict[str, int]]:
    """Open allocations per worker and service type, read from the partial index
    ``allocation_open_caseload`` alone (both databases; no join to the cases). Restricted people's
    cases count: a worker's load is the same whoever looks."""
    rows = access.scoped(actor, Allocation, restricted="include").filter(end_date__isnull=True)
    if worker_ids is not None:
        rows = rows.filter(worker_id__in=worker_ids)
    counts: dict[int, dict[str, int]] = {}
    # COUNT(worker_id), not COUNT(id): every column the query reads is in the index
    for worker_id, service_type, n in (
        rows.values_list("worker_id", "service_type").annotate(n=Count("worker_id")).order_by()
    ):
        counts.setdefault(worker_id, {})[service_type] = n
    return counts


def _caseload_workers(actor, team_ids: set[int] | None, worker_ids=None, *, workers=None, weights=None):
    """Three set-based queries for the workers asked for (``worker_ids``, or every worker of
    ``team_ids``; or ``workers`` already loaded: a page of them): the workers, their open
    allocations counted per service type, and their registered people counted; each count reads
    only those workers' rows of an index."""
    if workers is None:
        workers = _workers_in_post(actor, team_ids).select_related("team")
        if worker_ids is not None:
            workers = workers.filter(pk__in=worker_ids)
    workers = list(workers)
    pks = [w.pk for w in workers]
    open_counts = _open_counts(actor, pks)
    registered = dict(
        access.scoped(actor, Registration, restricted="include")
        .filter(end_date__isnull=True, named_worker_id__in=pks)
        .values_list("named_worker")
        .annotate(n=Count("named_worker"))
        .order_by()
    )
    weights = weights if weights is not None else practice_case_weights(actor.organisation_id)
    threshold = actor.organisation.caseload_threshold_per_fte
    rows = []
    for w in workers:
        by_service = open_counts.get(w.pk, {})
        rows.append(
            WorkerCaseload(
                worker=w,
                figures=rules.CaseloadFigures(
                    open_cases=sum(by_service.values()),
                    weighted=rules.weighted_caseload(by_service, weights),
                    fte=w.fte,
                    threshold_per_fte=threshold,
                ),
                registered=registered.get(w.pk, 0),
            )
        )
    return rows


def _team_totals(actor, team_ids: set[int] | None, weights=None) -> dict[int | None, TeamCaseload]:
    """Each team's totals over all its workers in post, without loading a worker: their ids, teams
    and FTE as tuples, and the open allocations counted from the index (``_open_counts``)."""
    weights = weights if weights is not None else practice_case_weights(actor.organisation_id)
    threshold = actor.organisation.caseload_threshold_per_fte
    open_counts = _open_counts(actor)
    teams: dict[int | None, TeamCaseload] = {}
    sums: dict[int | None, list] = {}
    for pk, team_id, fte in _workers_in_post(actor, team_ids).values_list("pk", "team_id", "fte"):
        by_service = open_counts.get(pk, {})
        figures = rules.CaseloadFigures(
            open_cases=sum(by_service.values()),
            weighted=rules.weighted_caseload(by_service, weights),
            fte=fte,
            threshold_per_fte=threshold,
        )
        total = sums.setdefault(team_id, [0, Decimal("0"), Decimal("0"), 0, 0])
        total[0] += figures.open_cases
        total[1] += figures.weighted
        total[2] += fte
        total[3] += 1
        total[4] += figures.over_threshold
    named = {t.pk: t for t in access.scoped(actor, Team).filter(pk__in=[t for t in sums if t is not None])}
    for team_id, (open_cases, weighted, fte, count, over) in sums.items():
        teams[team_id] = TeamCaseload(
            team=named.get(team_id),
            totals=rules.CaseloadFigures(
                open_cases=open_cases, weighted=weighted, fte=fte, threshold_per_fte=threshold
            ),
            worker_count=count,
            over_count=over,
        )
    return teams


def worker_picker(*, actor) -> dict[int, WorkerCaseload]:
    """The workers in post a case may be allocated to, each with their caseload figures, by worker id
    (the worker picker's labels and the over-threshold warning): four queries whatever the size."""
    from casework.organisations.selectors import workers_in_post

    in_post = workers_in_post(actor=actor).values("pk")
    return {row.worker.pk: row for row in _caseload_workers(actor, None, worker_ids=in_post)}


def case_weight(*, actor, service_type: str) -> Decimal:
    """What one case of this service type adds to a worker's weighted caseload in the actor's practice."""
    return practice_case_weights(actor.organisation_id).get(service_type, Decimal("1"))


def _allowed_teams(actor, team_id: int | None) -> set[int] | None:
    access.require(actor, "caseload.team")
    allowed = access.managed_team_ids(actor)
    if team_id is None:
        return allowed
    if allowed is not None and team_id not in allowed:
        from django.http import Http404

        raise Http404("No team found")
    return {team_id}


def team_caseloads(*, actor, team_id: int | None = None) -> list[TeamCaseload]:
    """Each team's totals, for the teams the actor oversees (the team summary): counted from the
    indexes, no worker loaded (five queries whatever the practice's size)."""
    return _in_order(_team_totals(actor, _allowed_teams(actor, team_id)).values())


def _in_order(teams) -> list[TeamCaseload]:
    return sorted(teams, key=lambda t: (t.team is None, t.team.name if t.team else ""))


def team_caseloads_page(*, actor, page_number, team_id: int | None = None, per_page: int = 25):
    """The teams' totals and one page of their workers (by team, then name), each with their
    figures: the workers' counts read only the page's workers. Returns (teams, page, every team):
    each of ``teams`` holds the page's workers in it (a team with none on this page is left out)."""
    team_ids = _allowed_teams(actor, team_id)
    weights = practice_case_weights(actor.organisation_id)
    totals = _team_totals(actor, team_ids, weights)
    paginator = Paginator(_workers_in_post(actor, team_ids).select_related("team"), per_page)
    paginator.count = sum(t.worker_count for t in totals.values())  # known already: no COUNT query
    page = paginator.get_page(page_number)
    teams: dict[int | None, TeamCaseload] = {}
    for row in _caseload_workers(actor, team_ids, workers=page.object_list, weights=weights):
        team = teams.setdefault(row.worker.team_id, totals[row.worker.team_id])
        team.workers.append(row)
    return list(teams.values()), page, _in_order(totals.values())


def manager_caseloads(*, actor) -> tuple[list[TeamCaseload], list[WorkerCaseload]]:
    """The manager's home: each team's totals over all its workers (a team is never split; its
    workers are on its own page), and the workers in no team with their figures (they have no team
    page). Counted from the indexes: the same few queries whatever the practice's size."""
    team_ids = _allowed_teams(actor, None)
    weights = practice_case_weights(actor.organisation_id)
    totals = _team_totals(actor, team_ids, weights)
    in_no_team = []
    if None in totals:
        workers = _workers_in_post(actor, team_ids).filter(team__isnull=True)
        in_no_team = _caseload_workers(actor, team_ids, workers=workers, weights=weights)
    return _in_order(totals.values()), in_no_team


def team_get(*, actor, team_id: int) -> Team:
    team = access.one_or_404(access.scoped(actor, Team), pk=team_id)
    access.require(actor, "caseload.team")
    allowed = access.managed_team_ids(actor)
    if allowed is not None and team.pk not in allowed:
        from django.http import Http404

        raise Http404("No team found")
    return team


def worker_caseload(*, actor, worker: Worker) -> WorkerCaseload | None:
    rows = _caseload_workers(actor, None, {worker.pk})
    return rows[0] if rows else None


def my_worker(actor) -> Worker | None:
    return access.scoped(actor, Worker).filter(user=actor).first()


CASELOAD_SORTS = {
    "name": ("case__person__family_name", "case__person__given_name", "pk"),
    "-name": ("-case__person__family_name", "-case__person__given_name", "-pk"),
    "dob": ("case__person__date_of_birth", "pk"),
    "-dob": ("-case__person__date_of_birth", "-pk"),
    "service": ("case__service_type", "case__person__family_name", "pk"),
    "-service": ("-case__service_type", "-case__person__family_name", "-pk"),
    "since": ("start_date", "pk"),
    "-since": ("-start_date", "-pk"),
}


def my_caseload(*, actor, sort: str = "name") -> tuple[Worker | None, list[Allocation], WorkerCaseload | None]:
    """The actor's own open cases (their current allocations) with the person on each; a case of
    a person restricted from the actor is marked ``is_restricted`` (shown by name only)."""
    access.require(actor, "caseload.own")
    worker = my_worker(actor)
    if worker is None:
        return None, [], None
    allocations = list(
        access.scoped(actor, Allocation, restricted="mark")
        .filter(worker=worker, end_date__isnull=True)
        .select_related("case", "case__person", "case__commissioner")
        .order_by(*CASELOAD_SORTS.get(sort, CASELOAD_SORTS["name"]))
    )
    return worker, allocations, worker_caseload(actor=actor, worker=worker)


def worker_get(*, actor, worker_id: int) -> Worker:
    return access.one_or_404(access.scoped(actor, Worker).select_related("team", "user"), pk=worker_id)


def worker_allocations(*, actor, worker: Worker) -> QuerySet:
    return (
        access.scoped(actor, Allocation, restricted="mark")
        .filter(worker=worker, end_date__isnull=True)
        .select_related("case", "case__person")
        .order_by("case__person__family_name", "case__person__given_name", "pk")
    )


def _case_page(cases: QuerySet) -> QuerySet:
    """A case with what its page shows: the person, the commissioner, the allocations in order."""
    return cases.select_related("person", "commissioner").prefetch_related(
        Prefetch("allocations", queryset=Allocation.objects.select_related("worker").order_by("start_date", "pk"))
    )


def case_get(*, actor, case_id: int) -> Case:
    return access.open_record(actor, _case_page(access.scoped(actor, Case, restricted="mark")), pk=case_id)


def case_get_for_change(*, actor, case_id: int) -> Case:
    """A case, for a form or a write: 404 unless the actor may change it now (not about someone
    another practice holds now: ``access.changeable``)."""
    return access.open_record(actor, _case_page(access.changeable(actor, Case, restricted="mark")), pk=case_id)


def case_may_change(*, actor, case: Case) -> bool:
    return access.may_change(actor, case)


def case_child_in_care(*, actor, case: Case) -> bool:
    """Whether the case is a looked-after child's and the child is looked after now (the case
    closes only with the period of care)."""
    from casework.looked_after.models import Episode

    if case.service_type != ServiceType.LOOKED_AFTER_CHILD:
        return False
    return (
        access.scoped(actor, Episode)
        .filter(child__organisation_id=case.organisation_id, child__person_id=case.person_id, end_date__isnull=True)
        .exists()
    )


def person_cases(*, actor, person: Person) -> list[Case]:
    """The person's cases, newest first, with the fields their page and chronology show; each with
    its allocations, oldest first, in ``allocation_list`` (one query for all of them, through
    ``access.scoped`` as well)."""
    cases = list(
        access.scoped(actor, Case)
        .filter(person=person)
        .select_related("commissioner")
        .only(*PERSON_PAGE_CASE_FIELDS, "commissioner__name")
        .order_by("-opened_on", "-pk")
    )
    allocations = (
        access.scoped(actor, Allocation)
        .filter(case_id__in=[c.pk for c in cases])
        .select_related("worker")
        .only(*PERSON_PAGE_ALLOCATION_FIELDS, "worker__given_name", "worker__family_name")
        .order_by("start_date", "pk")
        if cases
        else []
    )
    by_case = {c.pk: c for c in cases}
    for c in cases:
        c.allocation_list = []
    for a in allocations:
        by_case[a.case_id].allocation_list.append(a)
    return cases


# What the person's page and chronology show of a case and an allocation (cases/chronology.py)
PERSON_PAGE_CASE_FIELDS = ("person_id", "service_type", "opened_on", "open_reason", "closed_on", "close_reason")
PERSON_PAGE_ALLOCATION_FIELDS = ("case_id", "start_date", "end_date", "change_reason")


def allocated_workers_not_named(*, actor, person: Person, named_users) -> list[Worker]:
    """The workers allocated now to the person's open cases with the actor's practice whose sign-in is
    not among ``named_users``: restricting the record would leave them seeing only the name."""
    named = {u.pk for u in named_users}
    allocations = (
        access.scoped(actor, Allocation, restricted="include")
        .filter(case__person=person, case__closed_on__isnull=True, end_date__isnull=True)
        .select_related("worker__user")
        .order_by("worker__family_name", "worker__given_name", "worker_id")
    )
    workers = {a.worker_id: a.worker for a in allocations}
    return [w for w in workers.values() if getattr(w, "user", None) is None or w.user.pk not in named]


def person_open_cases(*, actor, person: Person) -> QuerySet:
    return access.scoped(actor, Case).filter(person=person, closed_on__isnull=True)


def person_registrations(*, actor, person: Person) -> list[Registration]:
    """The person's registrations with the actor's practice, newest first, with the fields their
    page and chronology (registration/chronology.py) show."""
    return list(
        access.scoped(actor, Registration)
        .filter(person=person)
        .select_related("practice", "named_worker", "household")
        .only(
            "person_id",
            "start_date",
            "route",
            "end_date",
            "end_reason",
            "practice__name",
            "named_worker__given_name",
            "named_worker__family_name",
            "household__name",
        )
        .order_by("-start_date", "-pk")
    )


def person_notes(*, actor, person: Person) -> list[CaseNote]:
    """The person's case notes, newest first, with the fields their page and chronology show."""
    return list(
        access.scoped(actor, CaseNote)
        .filter(person=person)
        .select_related("author")
        .only(
            "person_id",
            "note_type",
            "occurred_on",
            "summary",
            "text",
            "created_at",
            "author__username",
            "author__first_name",
            "author__last_name",
        )
        .order_by("-occurred_on", "-created_at")
    )


@dataclass
class PersonPageRecords:
    """The person's records their page shows, each kind read once through ``access.scoped``."""

    registrations: list  # newest first
    cases: list  # newest first, each with its allocations
    notes: list  # newest first
    looked_after_records: list
    chronology: list  # chronology.Entry, newest first
    missing_now: list  # missing episodes with no return yet, earliest first


def person_page_records(*, actor, person: Person) -> PersonPageRecords:
    """The person's registrations, cases (with their allocations), case notes and looked-after
    records, and their chronology made from those same rows (``chronology.for_person``'s ``read``)
    rather than from a second read of each; the chronology reads the rest (the looked-after
    records' own rows, only for someone with a looked-after record). The missing episodes with no
    return yet are those the chronology read. ``person`` is opened by ``person_get``."""
    from casework.core import chronology
    from casework.looked_after.models import LookedAfterChild, MissingEpisode
    from casework.looked_after.selectors import person_looked_after_records

    registrations = person_registrations(actor=actor, person=person)
    cases = person_cases(actor=actor, person=person)
    notes = person_notes(actor=actor, person=person)
    looked_after_records = person_looked_after_records(actor=actor, person=person)
    read = {
        Registration: registrations,
        Case: cases,
        Allocation: [a for c in cases for a in c.allocation_list],
        CaseNote: notes,
        LookedAfterChild: looked_after_records,
    }
    entries = chronology.for_person(actor=actor, person=person, read=read)
    # no looked-after record in scope, no missing episode in scope (each carries its child's practice)
    missing = [m for m in read.get(MissingEpisode, []) if m.end_date is None]
    return PersonPageRecords(
        registrations=registrations,
        cases=cases,
        notes=notes,
        looked_after_records=looked_after_records,
        chronology=entries,
        missing_now=sorted(missing, key=lambda m: (m.start_date, m.pk)),
    )


def note_get(*, actor, note_id: int) -> CaseNote:
    return access.open_record(
        actor, access.scoped(actor, CaseNote, restricted="mark").select_related("person", "author"), pk=note_id
    )


def note_get_for_change(*, actor, note_id: int) -> CaseNote:
    """A case note, to correct it: 404 unless the actor may change it now (``access.changeable``)."""
    return access.open_record(
        actor, access.changeable(actor, CaseNote, restricted="mark").select_related("person", "author"), pk=note_id
    )


def commissioned_practice_counts(*, actor) -> list[dict]:
    """For a commissioner: per practice it commissions, counts only (no person-level data)."""
    access.require(actor, "commissioning.aggregates")
    practices = list(access.scoped(actor, Organisation).filter(kind=Organisation.Kind.PRACTICE).order_by("name"))
    ids = [p.pk for p in practices]
    registered = dict(
        Registration.objects.filter(practice_id__in=ids, end_date__isnull=True, referred_by_id=actor.organisation_id)
        .values_list("practice_id")
        .annotate(n=Count("pk"))
    )
    open_cases = {
        (row["organisation_id"], row["service_type"]): row["n"]
        for row in Case.objects.filter(
            organisation_id__in=ids, commissioner_id=actor.organisation_id, closed_on__isnull=True
        )
        .values("organisation_id", "service_type")
        .annotate(n=Count("pk"))
    }
    rows = []
    for p in practices:
        by_service = {ServiceType(st).label: n for (pid, st), n in sorted(open_cases.items()) if pid == p.pk}
        rows.append(
            {
                "practice": p,
                "registered_by_us": registered.get(p.pk, 0),
                "open_cases": sum(by_service.values()),
                "by_service": by_service,
            }
        )
    return rows
