"""Reads for the home pages. The manager's home: the caseloads, overdue statutory work, unallocated
cases and list size of the teams a manager oversees (a team manager their team; a practice manager
the practice). The evaluator's home: the outcome measures' published definitions only.

Each part comes from the selector that owns it; the page costs the same number of queries
whatever the caseloads (pinned in tests/test_query_counts.py)."""

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from casework.cases import selectors as case_selectors
from casework.cases.models import Allocation, Case
from casework.core import access
from casework.looked_after import selectors as looked_after_selectors
from casework.outcomes.indicators import INDICATORS
from casework.registration import selectors as registration_selectors

# The statutory work a manager is asked about first, in the order the page shows it.
OVERDUE_KINDS = (
    ("review", "reviews"),
    ("visit", "visits"),
    ("health_assessment", "health assessments"),
)


@dataclass
class TeamOverdue:
    team: object  # a Team, or None for workers in no team
    children: int = 0  # looked-after children on the team's caseloads
    with_overdue: int = 0  # of them, children with any of the kinds below overdue
    overdue: dict[str, int] = field(default_factory=lambda: {kind: 0 for kind, _ in OVERDUE_KINDS})

    @property
    def counts(self) -> list[tuple[str, str, int]]:
        return [(kind, label, self.overdue[kind]) for kind, label in OVERDUE_KINDS]


def unallocated_cases(*, actor) -> QuerySet:
    """Open cases of the practice that no worker holds now, oldest first; a restricted person's
    case is marked ``is_restricted`` (shown by name only, but counted)."""
    access.require(actor, "allocation.manage")
    held = Allocation.objects.filter(case=OuterRef("pk"), end_date__isnull=True)
    return (
        access.scoped(actor, Case, restricted="mark")
        .filter(closed_on__isnull=True)
        .exclude(Exists(held))
        .select_related("person")
        .order_by("opened_on", "pk")
    )


def overdue_by_team(*, actor, teams, team_ids: set[int] | None) -> tuple[list[TeamOverdue], TeamOverdue]:
    """Per team (in the order of ``teams``) and in total: how many looked-after children have each
    kind of statutory work overdue today, from the stored dues (one grouped query)."""
    rows = {t.team.pk if t.team else None: TeamOverdue(team=t.team) for t in teams}
    total = TeamOverdue(team=None)
    kinds = tuple(kind for kind, _ in OVERDUE_KINDS)
    counted_by_team = looked_after_selectors.overdue_counts_by_team(actor=actor, team_ids=team_ids, with_overdue=kinds)
    for team_id, counts in counted_by_team.items():
        for counted in (rows.setdefault(team_id, TeamOverdue(team=None)), total):
            counted.children += counts["children"]
            counted.with_overdue += counts["with_overdue"]
            for kind in kinds:
                counted.overdue[kind] += counts[kind]
    return list(rows.values()), total


def manager_home(*, actor) -> dict:
    access.require(actor, "caseload.team")
    team_ids = access.managed_team_ids(actor)
    # each team whole, as its totals, with a link to its own page of workers (never split across
    # pages of the home); the workers in no team listed, as they have no team page
    teams, in_no_team = case_selectors.manager_caseloads(actor=actor)
    by_team, overdue = overdue_by_team(actor=actor, teams=teams, team_ids=team_ids)
    unallocated = list(unallocated_cases(actor=actor))
    return {
        "whole_practice": team_ids is None,
        "teams": [t for t in teams if t.team is not None],
        "in_no_team": in_no_team,
        "overdue_by_team": by_team,
        "overdue": overdue,
        "unallocated": unallocated,
        "list_size": registration_selectors.practice_list_size(actor=actor),
        "today": timezone.localdate(),
    }


def _england_figure(indicator) -> str:
    """The England benchmark in words, e.g. "10% in 2024-25"; "" where the DfE publishes none."""
    bench = indicator.benchmark
    if bench is None:
        return ""
    value = f"{bench.value:g}"
    shown = {"percent": f"{value}%", "days": f"{value} days"}.get(indicator.unit, value)
    return f"{shown} in {bench.year - 1}-{bench.year % 100:02d}"


def outcome_measures() -> list[dict]:
    """Every outcome indicator's definition and England figure: published definitions, no one's data."""
    better = {"higher": "Higher is better", "lower": "Lower is better", "none": ""}
    return [
        {
            "title": indicator.title,
            "definition": indicator.definition,
            "better": better[indicator.direction],
            "england": _england_figure(indicator),
        }
        for indicator in INDICATORS.values()
    ]
