"""Reads about looked-after children: the child's page, due dates and work trays, the return's cohort.

Every read starts from ``access.scoped`` (practice staff) or ``access.return_children``
(commissioner officers). Work trays are set-based: one query per kind of record for all the
children in the tray, then the pure due-date rules per child (``looked_after/timescales.py``).
"""

from dataclasses import dataclass, field
from datetime import date

from django.core.paginator import Paginator
from django.db.models import Count, F, Q
from django.utils import timezone

from casework.cases.models import Allocation
from casework.core import access
from casework.core.codes import ServiceType
from casework.looked_after import dues, rules, timescales
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
    StoredDues,
    StrengthsDifficulties,
    SubstanceMisuse,
    Visit,
)
from casework.organisations.models import Worker

EPISODE_FIELDS = dues.EPISODE_FIELDS
placement_code_ending = dues.placement_code_ending


def child_get(*, actor, looked_after_child_id) -> LookedAfterChild:
    return access.open_record(
        actor,
        access.scoped(actor, LookedAfterChild, restricted="mark").select_related("person", "commissioner"),
        pk=looked_after_child_id,
    )


def child_page_get(*, actor, looked_after_child_id) -> LookedAfterChild:
    """``child_get`` for the child's page: with the child's stored due dates (``dues.py``) and stored
    outcome statuses (``contracts/child_facts.py``) in the same query, each None when there is none."""
    return access.open_record(
        actor,
        access.scoped(actor, LookedAfterChild, restricted="mark").select_related(
            "person", "commissioner", "dues", "outcome_statuses"
        ),
        pk=looked_after_child_id,
    )


def child_page_dues(child: LookedAfterChild, today: date) -> list[timescales.Due]:
    """The child's next due dates as ``due_for`` works them out today (soonest first; none when not
    looked after today), read from the stored row (``child_page_get`` joined it) while it holds: it
    was worked out on or before today and today is before its ``recompute_on`` (every writer refreshes
    it in the same transaction; only time changes it otherwise, first on ``recompute_on``). Otherwise
    (no row yet, or the daily refresh has not reached it) worked out now."""
    try:
        stored = child.dues
    except StoredDues.DoesNotExist:
        stored = None
    if stored is not None and stored.computed_on <= today and stored.recompute_on and today < stored.recompute_on:
        return dues.shown_dues(stored) if stored.in_care else []
    worked = dues.work_out([child], today).get(child.pk)
    return worked[1] if worked and worked[0] else []


def child_get_for_change(*, actor, looked_after_child_id) -> LookedAfterChild:
    """A looked-after child's record, for a recording form or a write: 404 unless the actor may
    change it now (not about a child another practice holds now: ``access.changeable``)."""
    return access.open_record(
        actor,
        access.changeable(actor, LookedAfterChild, restricted="mark").select_related("person", "commissioner"),
        pk=looked_after_child_id,
    )


def child_may_change(*, actor, child: LookedAfterChild) -> bool:
    return access.may_change(actor, child)


def person_looked_after_records(*, actor, person) -> list[LookedAfterChild]:
    """The person's looked-after records, with their authority. Their missing episodes with no return
    yet (the person's page's banner) come from the chronology's read (cases/selectors.py
    ``person_page_records``)."""
    return list(access.scoped(actor, LookedAfterChild).filter(person=person).select_related("commissioner"))


def child_record(*, actor, child: LookedAfterChild) -> dict:
    """Everything recorded about the child, each list in date order (one query per kind, sorted here:
    a child has a few rows of each, and the ORM's ORDER BY cost more to build than the sort)."""

    def rows(model, order):
        field = order.lstrip("-")
        found = access.scoped(actor, model).filter(child_id=child.pk).order_by()
        return sorted(found, key=lambda row: (getattr(row, field), row.pk), reverse=order.startswith("-"))

    episodes = rows(Episode, "start_date")
    return {
        "episodes": episodes,
        "periods": rules.periods_of_care(episodes),
        "current": next((e for e in episodes if e.end_date is None), None),
        "reviews": rows(Review, "-review_date"),
        "visits": rows(Visit, "-visit_date"),
        "health_checks": rows(HealthCheck, "-check_date"),
        "sdqs": rows(StrengthsDifficulties, "-assessed_on"),
        "substance_misuse": rows(SubstanceMisuse, "-identified_on"),
        "convictions": rows(Conviction, "-convicted_on"),
        "missing": rows(MissingEpisode, "-start_date"),
        "adoption_decisions": rows(AdoptionDecision, "-decided_on"),
        "adoptions": rows(Adoption, "-matched_on"),
        "previous_permanence": rows(PreviousPermanence, "-period_start"),
        "care_leaver_contacts": rows(CareLeaverContact, "birthday_age"),
        "deprivations_of_liberty": rows(DeprivationOfLiberty, "-start_date"),
    }


def open_missing(*, actor, child: LookedAfterChild):
    return access.scoped(actor, MissingEpisode).filter(child=child, end_date__isnull=True)


@dataclass
class ChildDue:
    child: LookedAfterChild
    dues: list[timescales.Due] = field(default_factory=list)
    worker: str = ""
    team_id: int | None = None  # the allocated worker's team

    def overdue_kinds(self, today: date) -> set[str]:
        return {due.kind for due in self.dues if due.status(today) == "overdue"}

    @property
    def first(self) -> timescales.Due | None:
        return self.dues[0] if self.dues else None


def due_for(children, *, today: date | None = None) -> list[ChildDue]:
    """Next due dates for every child in ``children`` (a scoped queryset) who is looked after today,
    worked out now (``dues.work_out``: the same rules the stored dues come from). For one child's
    page; trays and counts read the stored dues (``team_due_page``, ``overdue_counts_by_team``).

    A child restricted from the actor (marked ``is_restricted``) has their dues worked out too, so
    a manager's counts include them, but trays show them by name only and list them last."""
    today = today or timezone.localdate()
    in_care = children.filter(episodes__end_date__isnull=True, episodes__start_date__lte=today).distinct()
    by_id = {c.pk: c for c in in_care.select_related("person")}
    if not by_id:
        return []
    workers = _current_workers(by_id.values())
    found = []
    for child_id, (_, worked, _) in dues.work_out(by_id.values(), today).items():
        child = by_id[child_id]
        worker, team_id = workers.get(child.person_id, ("", None))
        found.append(ChildDue(child=child, dues=worked, worker=worker, team_id=team_id))
    return sorted(found, key=_tray_order)


def _tray_order(row: ChildDue):
    """Soonest due first; a restricted child last, so their place in the tray says nothing of them."""
    if getattr(row.child, "is_restricted", False):
        return (1, date.max, row.child.child_id)
    return (0, row.first.due_on if row.first else date.max, row.child.child_id)


def _current_workers(children) -> dict[int, tuple[str, int | None]]:
    """The allocated worker on each child's open looked-after-child case (name, team), by person."""
    allocations = Allocation.objects.filter(
        case__person_id__in=[c.person_id for c in children],
        case__service_type=ServiceType.LOOKED_AFTER_CHILD,
        case__closed_on__isnull=True,
        end_date__isnull=True,
    ).values("case__person_id", "worker__given_name", "worker__family_name", "worker__team_id")
    return {
        row["case__person_id"]: (f"{row['worker__given_name']} {row['worker__family_name']}", row["worker__team_id"])
        for row in allocations
    }


def my_due_work(*, actor) -> list[ChildDue]:
    """Children on my open looked-after-child cases, with their stored dues, soonest first."""
    worker = getattr(actor, "worker", None)
    if worker is None:
        return []
    # the stored row names the allocated worker (kept with the allocation): read with an index
    return _with_stored_dues(_in_tray_order(_children_with_stored_worker(actor, Q(dues__worker_id=worker.pk))))


def _in_tray_order(children):
    """Children looked after now, most overdue first; a restricted child last (see ``_tray_order``)."""
    return (
        children.filter(dues__in_care=True)
        .select_related("person", "dues", "dues__worker")
        .order_by("is_restricted", "dues__next_due_on", "child_id")
    )


def _with_stored_dues(children) -> list[ChildDue]:
    """The tray's rows, each with the allocated worker's name and team from the stored row."""
    rows = []
    for child in children:
        worker = child.dues.worker
        rows.append(
            ChildDue(
                child=child,
                dues=dues.shown_dues(child.dues),
                worker=f"{worker.given_name} {worker.family_name}" if worker else "",
                team_id=worker.team_id if worker else None,
            )
        )
    return rows


KIND_LABELS = (
    ("review", "Reviews"),
    ("visit", "Visits"),
    ("health_assessment", "Health assessments"),
    ("dental_check", "Dental checks"),
    ("sdq", "SDQs"),
    ("care_ends", "18th birthdays (care ends)"),
    ("placement_code", "Placement codes to record again"),
)


def _overdue_counts(today: date, with_overdue: tuple[str, ...] = dues.KINDS) -> dict:
    """Overdue today, per kind, counted over stored dues rows (one aggregate whatever the team's
    size); ``with_overdue``: the children with any of these kinds overdue."""
    any_of = Q()
    for kind in with_overdue:
        any_of |= Q(**{f"{kind}_on__lt": today})
    # COUNT(worker_id), not the child: every column read is in the index dues_worker_next_due
    return {kind: Count("worker_id", filter=Q(**{f"{kind}_on__lt": today})) for kind in dues.KINDS} | {
        "children": Count("worker_id"),
        "with_overdue": Count("worker_id", filter=any_of),
    }


def _stored_dues_of_workers(actor, workers: Q):
    """The stored dues rows of the children in care allocated now to the actor's practice's workers
    chosen by ``workers``, restricted children too (for counts only: nothing about any one child).
    Scoped through the workers: a row's allocated worker is always of the child's own practice (the
    allocation services refuse a worker of another), so no join to the children is needed."""
    chosen = access.scoped(actor, Worker).filter(workers).values("pk")
    return StoredDues.objects.filter(in_care=True, worker_id__in=chosen)


@dataclass
class DuePage:
    rows: list[ChildDue]
    page: object  # a django Page of the rows
    overdue: dict[str, int]  # the whole team's children in care ("children"), any overdue, and per kind

    @property
    def overdue_by_kind(self) -> list[tuple[str, int]]:
        return [(label, self.overdue[kind]) for kind, label in KIND_LABELS]


def team_due_page(*, actor, team_id: int, page_number=None, per_page: int = 25) -> DuePage:
    """One page of the team's looked-after children with their stored dues, most overdue first
    (restricted children last, by name only), and the team's counts from one aggregate: the same
    few queries whatever the size of the team."""
    today = timezone.localdate()
    children = _children_with_stored_worker(actor, Q(dues__worker__team_id=team_id)).filter(dues__in_care=True)
    stored = _stored_dues_of_workers(actor, Q(team_id=team_id))
    counts = stored.aggregate(**_overdue_counts(today), undated=Count("worker_id", filter=Q(next_due_on__isnull=True)))
    undated = counts.pop("undated")
    paginator = Paginator(_in_tray_order(children), per_page)
    paginator.count = counts["children"]  # known already: no COUNT query
    page = paginator.get_page(page_number)
    page.object_list = _tray_page(children, stored, page, per_page, exact_order_only=bool(undated))
    return DuePage(rows=_with_stored_dues(page.object_list), page=page, overdue=counts)


def _tray_page(children, stored, page, per_page: int, *, exact_order_only: bool) -> list:
    """The page's children in tray order without joining every child of the team: the due dates
    at the page's first and last places come from the stored rows' index (ties do not move a
    date), then only the children due between those dates are read and put in order. Where the
    index cannot say (a restricted child, who goes last, or a child in care with nothing due)
    the whole tray is ordered by the database as before."""
    offset = (page.number - 1) * per_page
    window = list(stored.order_by("next_due_on").values_list("next_due_on", flat=True)[offset : offset + per_page])
    if not window or exact_order_only or children.filter(is_restricted=True).exists():
        return list(_in_tray_order(children)[offset : offset + per_page])
    first, last = window[0], window[-1]
    before = stored.filter(next_due_on__lt=first).count()
    due_between = _in_tray_order(children).filter(dues__next_due_on__gte=first, dues__next_due_on__lte=last)
    return list(due_between[offset - before : offset - before + per_page])


def overdue_counts_by_team(
    *, actor, team_ids: set[int] | None, with_overdue: tuple[str, ...] = dues.KINDS
) -> dict[int | None, dict[str, int]]:
    """Per team (the allocated worker's; None for workers in no team): the looked-after children on
    its caseloads and how many have each kind of work overdue today, from the stored dues in one
    grouped query. Restricted children are counted: nothing about any one child is shown."""
    today = timezone.localdate()
    # the stored row names the child's allocated worker (kept with the allocation): grouped by the
    # worker's team, no join to the children, cases or allocations
    workers = Q() if team_ids is None else Q(team_id__in=team_ids)
    rows = (
        _stored_dues_of_workers(actor, workers)
        .values(team_id=F("worker__team_id"))
        .annotate(**_overdue_counts(today, with_overdue))
        .order_by()
    )
    return {row.pop("team_id"): row for row in rows}


def _children_with_stored_worker(actor, who: Q):
    """The children in a tray, chosen by their stored allocated worker (``who``: a lookup through
    ``dues__worker``); one restricted from the actor is marked ``is_restricted``."""
    return access.scoped(actor, LookedAfterChild, restricted="mark").filter(who)


def _children_allocated_to(actor, who: Q):
    """The children allocated now through ``who`` (a lookup on their open allocation), read live
    from the allocations: what the stored worker (``dues.allocated_workers``) must agree with."""
    allocated = (
        access.scoped(actor, Allocation, restricted="include")
        .filter(
            who, end_date__isnull=True, case__service_type=ServiceType.LOOKED_AFTER_CHILD, case__closed_on__isnull=True
        )
        .values("case__person_id")
    )
    return access.scoped(actor, LookedAfterChild, restricted="mark").filter(person_id__in=allocated)


def practice_return_children(*, actor, commissioner):
    """The practice's children for one authority: what a manager checks before the authority's
    return. Restricted children are in it, marked ``is_restricted``: the return must be whole."""
    return access.scoped(actor, LookedAfterChild, restricted="mark").filter(commissioner=commissioner)


def commissioner_return_children(*, actor):
    return access.return_children(actor)
