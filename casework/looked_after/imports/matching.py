"""Who each child in the files is: a child the practice already records, someone else it records,
or a new person; and the files refused when they would record someone twice.

A child is matched, in this order, by:

1. the authority's child identifier (CHILD): the child recorded for the chosen authority with it;
2. the unique pupil number: a person of the practice (recorded by it or on its list) with that
   UPN, of the same date of birth and sex, who has no record for the chosen authority yet: the
   child's looked-after record is added to that person.

Refused (a problem on the Header row, nothing written):

* CHILD recorded for the chosen authority by another practice;
* the same CHILD, date of birth and sex recorded by the practice for another authority (checked
  before the UPN): the files are most likely that authority's (one problem says which, besides one
  per child);
* a UPN recorded for someone with another date of birth or sex, or for another child of the
  chosen authority;
* a child matched (either way) who is registered with another practice now: the practice they
  left reads its earlier records but changes nothing of theirs (``access.held_by_another_practice``);
* no match, but a looked-after child of the practice has the same date of birth and sex and no
  UPN that tells them apart: importing would record them twice.

Reads only: four queries whatever the number of children.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db.models import Q

from casework.core import access
from casework.looked_after.imports.problems import Problem
from casework.looked_after.imports.reading import ParsedYear
from casework.looked_after.models import LookedAfterChild
from casework.people.models import Person
from casework.registration.models import Registration

BY_CHILD_ID = "child_id"
BY_UPN = "upn"
NEW = "new"
# How a match was made, in words for the preview.
HOW = {
    BY_CHILD_ID: "the authority's child identifier",
    BY_UPN: "unique pupil number, date of birth and sex",
    NEW: "",
}


@dataclass(frozen=True)
class Match:
    how: str  # BY_CHILD_ID, BY_UPN or NEW
    person_id: int | None = None  # the person matched (BY_UPN), or whose child record it is (BY_CHILD_ID)


def _header_rows(parsed_years: list[ParsedYear]) -> dict[str, tuple[str, dict]]:
    """Each child's Header row in the latest year that has one, with the file it is in."""
    rows = {}
    for parsed in parsed_years:
        for row in parsed.rows("Header"):
            rows[row["CHILD"]] = (parsed.file("Header"), row)
    return rows


def _practice_people(practice):
    registered_here = Registration.objects.filter(practice=practice).values("person_id")
    return Person.objects.filter(Q(organisation=practice) | Q(pk__in=registered_here))


def _same_person(person: Person, row: dict) -> bool:
    return person.date_of_birth == row["DOB"] and person.sex == row["SEX"]


def _told_apart(person: Person, upn: str) -> bool:
    """Two unique pupil numbers, both real and different: not the same child."""
    return bool(upn) and bool(person.upn) and person.upn != upn and not person.upn.startswith("UN")


def match_children(
    *, practice, commissioner, parsed_years: list[ParsedYear], upns: dict[str, str]
) -> tuple[dict[str, Match], list[Problem]]:
    """``upns`` is each child's real UPN from the files ("" when none). Returns each CHILD's match and the
    problems that refuse the files."""
    rows = _header_rows(parsed_years)
    matches: dict[str, Match] = {}
    problems: list[Problem] = []

    def refuse(code: str, column: str, reason: str) -> None:
        file, row = rows[code]
        problems.append(Problem(file, row["_line"], column, reason))

    # children recorded for this authority (any practice), and the practice's looked-after children
    recorded = LookedAfterChild.objects.filter(
        Q(commissioner=commissioner, child_id__in=list(rows)) | Q(organisation=practice)
    ).select_related("person", "commissioner")
    ours_by_id = {}
    elsewhere_by_id = defaultdict(list)  # CHILD -> the practice's children of other authorities
    looked_after_people = {}
    for child in recorded:
        if child.commissioner_id == commissioner.pk:
            ours_by_id[child.child_id] = child
        elif child.organisation_id == practice.pk:
            elsewhere_by_id[child.child_id].append(child)
        if child.organisation_id == practice.pk:
            looked_after_people.setdefault(child.person_id, child)
    unknown = [code for code in rows if code not in ours_by_id]
    wanted_upns = {upns[code] for code in unknown if upns.get(code)}
    wanted_births = {rows[code][1]["DOB"] for code in unknown}
    candidates = _practice_people(practice).filter(Q(upn__in=wanted_upns) | Q(date_of_birth__in=wanted_births))
    by_upn, by_birth = defaultdict(list), defaultdict(list)
    for person in candidates:
        if person.upn in wanted_upns:
            by_upn[person.upn].append(person)
        by_birth[(person.date_of_birth, person.sex)].append(person)
    this_authority_people = {c.person_id: c for c in ours_by_id.values()} | {
        c.person_id: c for c in looked_after_people.values() if c.commissioner_id == commissioner.pk
    }
    other_authority = Counter()

    for code, (_file, row) in rows.items():
        child = ours_by_id.get(code)
        if child is not None:
            if child.organisation_id != practice.pk:
                refuse(code, "CHILD", "this child is recorded in Casework by another practice")
            matches[code] = Match(BY_CHILD_ID, child.person_id)
            continue
        same_id = [c for c in elsewhere_by_id.get(code, []) if _same_person(c.person, row)]
        if same_id:
            authority = same_id[0].commissioner
            other_authority[authority.name] += 1
            refuse(
                code,
                "CHILD",
                f"child {code} with this date of birth and sex is recorded for {authority.name}, not "
                f"{commissioner.name}: are these {authority.name}'s files?",
            )
            continue
        upn = upns.get(code, "")
        with_upn = by_upn.get(upn, []) if upn else []
        if with_upn:
            person = with_upn[0]
            if not _same_person(person, row):
                refuse(
                    code,
                    "UPN",
                    f"this UPN is recorded for someone else (Casework ID {person.pk}, another date of birth or sex)",
                )
            elif person.pk in this_authority_people:
                other = this_authority_people[person.pk]
                refuse(code, "UPN", f"this UPN is recorded for child {other.child_id} of {commissioner.name}")
            else:
                matches[code] = Match(BY_UPN, person.pk)
            continue
        twins = [
            p
            for p in by_birth.get((row["DOB"], row["SEX"]), [])
            if p.pk in looked_after_people and not _told_apart(p, upn)
        ]
        if twins:
            other = looked_after_people[twins[0].pk]
            refuse(
                code,
                "DOB",
                f"would record a child twice: Casework ID {twins[0].pk} (child {other.child_id} of "
                f"{other.commissioner.name}) has the same date of birth and sex; if they are different "
                "children, give each one's unique pupil number",
            )
            continue
        matches[code] = Match(NEW)
    matched = {code: m.person_id for code, m in matches.items() if m.person_id is not None}
    held_elsewhere = set(
        access.held_by_another_practice(practice.pk)
        .filter(person_id__in=set(matched.values()))
        .values_list("person_id", flat=True)
    )
    for code, person_id in matched.items():
        if person_id in held_elsewhere:
            refuse(
                code,
                "UPN" if matches[code].how == BY_UPN else "CHILD",
                f"this child (Casework ID {person_id}) is registered with another practice now: only the practice "
                "that holds them can change their record",
            )
    for name, count in other_authority.items():
        file = next(iter(rows.values()))[0]
        problems.append(
            Problem(
                file,
                0,
                "",
                f"these look like {name}'s files, not {commissioner.name}'s: {count} of the {len(rows)} children "
                f"are recorded for {name} with the same child identifier, date of birth and sex; choose {name}",
            )
        )
    return matches, problems
