"""Reads about looked-after children: the child's page, due dates and work trays, the return's cohort.

Every read starts from ``access.scoped`` (practice staff) or ``access.return_children``
(commissioner officers). Work trays are set-based: one query per kind of record for all the
children in the tray, then the pure due-date rules per child (``looked_after/timescales.py``).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Q
from django.utils import timezone

from casework.cases.models import Allocation
from casework.core import access
from casework.core.codes import ServiceType
from casework.looked_after import codes, rules, timescales
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
    Visit,
)

EPISODE_FIELDS = (
    "child_id",
    "start_date",
    "end_date",
    "reason_new_episode",
    "reason_ceased",
    "legal_status",
    "placement_type",
    "intended_until_18",
)


def child_get(*, actor, looked_after_child_id) -> LookedAfterChild:
    return access.open_record(
        actor,
        access.scoped(actor, LookedAfterChild, restricted="mark").select_related("person", "commissioner"),
        pk=looked_after_child_id,
    )


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
    return list(access.scoped(actor, LookedAfterChild).filter(person=person).select_related("commissioner"))


def child_record(*, actor, child: LookedAfterChild) -> dict:
    """Everything recorded about the child, each list in date order (one query per kind)."""

    def rows(model, order):
        return list(access.scoped(actor, model).filter(child=child).order_by(order))

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


def person_missing_now(*, actor, person) -> list[MissingEpisode]:
    """The person's missing episodes with no return yet, one per looked-after record at most."""
    return list(
        access.scoped(actor, MissingEpisode).filter(child__person=person, end_date__isnull=True).order_by("start_date")
    )


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
    """Next due dates for every child in ``children`` (a scoped queryset) who is looked after today:
    seven queries whatever the number of children, then the pure rules per child in memory.

    A child restricted from the actor (marked ``is_restricted``) has their dues worked out too, so
    a manager's counts include them, but trays show them by name only and list them last."""
    today = today or timezone.localdate()
    in_care = children.filter(episodes__end_date__isnull=True, episodes__start_date__lte=today).distinct()
    by_id = {c.pk: c for c in in_care.select_related("person")}
    if not by_id:
        return []
    ids = list(by_id)
    episodes, dates = defaultdict(list), defaultdict(lambda: defaultdict(list))
    for row in Episode.objects.filter(child_id__in=ids).order_by("start_date").values(*EPISODE_FIELDS):
        episodes[row["child_id"]].append(row)
    for kind, model, date_field, extra in (
        ("reviews", Review, "review_date", Q()),
        ("visits", Visit, "visit_date", Q()),
        ("health_assessments", HealthCheck, "check_date", Q(kind=HealthCheck.Kind.HEALTH_ASSESSMENT)),
        ("dental_checks", HealthCheck, "check_date", Q(kind=HealthCheck.Kind.DENTAL_CHECK)),
        ("sdqs", StrengthsDifficulties, "assessed_on", Q()),
    ):
        for child_id, day in model.objects.filter(extra, child_id__in=ids).values_list("child_id", date_field):
            dates[child_id][kind].append(day)
    workers = _current_workers(by_id.values())
    found = []
    for child_id, child in by_id.items():
        dues = timescales.due_dates(
            date_of_birth=child.person.date_of_birth,
            episodes=episodes[child_id],
            reviews=dates[child_id]["reviews"],
            visits=dates[child_id]["visits"],
            health_assessments=dates[child_id]["health_assessments"],
            dental_checks=dates[child_id]["dental_checks"],
            sdqs=dates[child_id]["sdqs"],
            today=today,
        )
        eighteenth = rules.birthday(child.person.date_of_birth, 18)
        if eighteenth <= today + timedelta(days=183):
            dues = [*dues, timescales.Due(kind="care_ends", label="18th birthday: care ends", due_on=eighteenth)]
        recode = placement_code_ending(episodes[child_id], today)
        if recode is not None:
            dues = [*dues, recode]
        worker, team_id = workers.get(child.person_id, ("", None))
        found.append(ChildDue(child=child, dues=sorted(dues, key=lambda d: d.due_on), worker=worker, team_id=team_id))
    return sorted(found, key=_tray_order)


def _tray_order(row: ChildDue):
    """Soonest due first; a restricted child last, so their place in the tray says nothing of them."""
    if getattr(row.child, "is_restricted", False):
        return (1, date.max, row.child.child_id)
    return (0, row.first.due_on if row.first else date.max, row.child.child_id)


def placement_code_ending(episodes, today: date) -> timescales.Due | None:
    """A current placement whose code the DfE retires (H5, P2, Z1) must be recoded from the first
    day of the year it is no longer valid in: shown from the autumn before, overdue after."""
    current = next((e for e in episodes if e["end_date"] is None), None)
    if current is None:
        return None
    entry = codes.PLACEMENT_TYPE.codes.get(current["placement_type"])
    if entry is None or entry.last_year >= codes.collection_year_of(today) + 1:
        return None
    return timescales.Due(
        kind="placement_code",
        label=f"Placement code {entry.code} is not used after {codes.year_label(entry.last_year)}: record the new code",
        due_on=codes.collection_start(entry.last_year + 1),
    )


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
    """Children on my open looked-after-child cases."""
    worker = getattr(actor, "worker", None)
    if worker is None:
        return []
    return due_for(_children_allocated_to(actor, Q(worker_id=worker.pk)))


def team_due_work(*, actor, team_id: int) -> list[ChildDue]:
    return due_for(_children_allocated_to(actor, Q(worker__team_id=team_id)))


def teams_due_work(*, actor, team_ids: set[int] | None) -> list[ChildDue]:
    """Children on the open looked-after-child cases of the workers in ``team_ids`` (None: the
    whole practice), each with their team: the manager's home counts what is overdue per team."""
    who = Q() if team_ids is None else Q(worker__team_id__in=team_ids)
    return due_for(_children_allocated_to(actor, who))


def _children_allocated_to(actor, who: Q):
    """The children in a tray; one restricted from the actor is marked ``is_restricted``."""
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
