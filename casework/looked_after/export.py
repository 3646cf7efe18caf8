"""The SSDA903 return for one local authority and one collection year, built set-based.

One query per table (none per child): rows are read with ``values()`` and shaped in Python. The
return is a snapshot at 31 March: anything recorded after the collection end (an episode ending
later, a review next month) is left out or shown as still open, as the DfE expects.

Who is in which table (DfE guidance, as the validation rules read it):

* Header: every child looked after at any time in the year, and every care leaver with a 17th to
  21st birthday in the year.
* Episodes: each episode open at any time in the year. Reviews, Missing: those in the year.
* OC2: children looked after continuously for 12 months at 31 March (no new period started in
  the year, none ended, no short-break episodes).
* OC3: care leavers with a birthday from 17 to 21 in the year, from the contact recorded for it.
* AD1: children adopted (an episode ceasing E11/E12) in the year. PlacedAdoption: decisions that
  a child should be placed for adoption still in force in the year. PrevPerm: children starting a
  period of care in the year. UASC: unaccompanied asylum-seeking children in the year.
* SWEpisodes: the allocation history of the child's looked-after-child case(s), from the
  allocations themselves: one row per allocation overlapping the year; for a child in care at 31
  March the latest is reported as open (the child's current social worker, DfE rule SW17); for a
  child whose care ended in the year it keeps its end date.
* DoLo (from 2026/27): deprivation of liberty orders in force in the year.
"""

import io
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.db.models import Q

from casework.cases.models import Allocation
from casework.core import downloads
from casework.core.codes import ServiceType
from casework.looked_after import codes, rules
from casework.looked_after.models import (
    Adoption,
    AdoptionDecision,
    CareLeaverContact,
    Conviction,
    DeprivationOfLiberty,
    Episode,
    HealthCheck,
    MissingEpisode,
    PreviousPermanence,
    Review,
    StrengthsDifficulties,
    SubstanceMisuse,
)

COLUMNS = {
    "Header": ["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"],
    "Episodes": [
        "CHILD",
        "DECOM",
        "RNE",
        "LS",
        "CIN",
        "PLACE",
        "PLACE_PROVIDER",
        "DEC",
        "REC",
        "REASON_PLACE_CHANGE",
        "HOME_POST",
        "PL_POST",
        "URN",
    ],
    "Reviews": ["CHILD", "DOB", "REVIEW", "REVIEW_CODE"],
    "UASC": ["CHILD", "SEX", "DOB", "DUC"],
    "OC2": [
        "CHILD",
        "DOB",
        "SDQ_SCORE",
        "SDQ_REASON",
        "CONVICTED",
        "HEALTH_CHECK",
        "IMMUNISATIONS",
        "TEETH_CHECK",
        "HEALTH_ASSESSMENT",
        "SUBSTANCE_MISUSE",
        "INTERVENTION_RECEIVED",
        "INTERVENTION_OFFERED",
    ],
    "OC3": ["CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"],
    "AD1": ["CHILD", "DOB", "DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR"],
    "PlacedAdoption": ["CHILD", "DOB", "DATE_PLACED", "DATE_PLACED_CEASED", "REASON_PLACED_CEASED"],
    "PrevPerm": ["CHILD", "DOB", "PREV_PERM", "LA_PERM", "DATE_PERM"],
    "Missing": ["CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"],
    "SWEpisodes": ["CHILD", "DOB", "SW_ID", "SW_DECOM", "SW_DEC", "SW_REASON"],
    "DoLo": ["CHILD", "DOB", "DOLO_START", "DOLO_END"],
}
FILE_NAMES = {
    "Header": "header.csv",
    "Episodes": "episodes.csv",
    "Reviews": "reviews.csv",
    "UASC": "uasc.csv",
    "OC2": "oc2.csv",
    "OC3": "oc3.csv",
    "AD1": "ad1.csv",
    "PlacedAdoption": "placed_for_adoption.csv",
    "PrevPerm": "previous_permanence.csv",
    "Missing": "missing.csv",
    "SWEpisodes": "sw_episodes.csv",
    "DoLo": "DoLo.csv",
}


def tables_for(year: int) -> list[str]:
    return [t for t in COLUMNS if t != "DoLo" or year >= 2027]


def fmt(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def flag(value: bool | None) -> str:
    return "" if value is None else ("1" if value else "0")


@dataclass
class Return:
    commissioner_code: str
    year: int
    tables: dict[str, list[dict]]

    def counts(self) -> dict[str, int]:
        return {name: len(rows) for name, rows in self.tables.items()}

    def csv_text(self, table: str) -> str:
        # through the product's one CSV writer: valid 903 values never start with a formula character
        # (identifiers are refused at entry), so it changes nothing in a valid return
        buffer = io.StringIO()
        writer = downloads.csv_writer(buffer, lineterminator="\n")
        writer.writerow(COLUMNS[table])
        writer.writerows([row.get(column, "") for column in COLUMNS[table]] for row in self.tables[table])
        return buffer.getvalue()

    def write(self, directory: Path) -> list[Path]:
        directory.mkdir(parents=True, exist_ok=True)
        written = []
        for table in self.tables:
            path = directory / FILE_NAMES[table]
            path.write_text(self.csv_text(table), encoding="utf-8")
            written.append(path)
        return written


def _overlapping(queryset, start_field: str, end_field: str, start: date, end: date):
    return queryset.filter(**{f"{start_field}__lte": end}).filter(
        Q(**{f"{end_field}__isnull": True}) | Q(**{f"{end_field}__gte": start})
    )


def build_return(*, children, year: int) -> Return:
    """``children``: a LookedAfterChild queryset already scoped to one authority (and to the actor)."""
    start, end = codes.collection_start(year), codes.collection_end(year)
    commissioner_code = ""

    episode_rows = list(
        _overlapping(Episode.objects.filter(child__in=children), "start_date", "end_date", start, end)
        .order_by("child_id", "start_date")
        .values(
            "child_id",
            "start_date",
            "end_date",
            "reason_new_episode",
            "legal_status",
            "category_of_need",
            "placement_type",
            "placement_provider",
            "placement_postcode",
            "urn",
            "home_postcode",
            "reason_ceased",
            "reason_place_change",
        )
    )
    episodes_by_child = defaultdict(list)
    for row in episode_rows:
        episodes_by_child[row["child_id"]].append(row)

    contacts = defaultdict(list)
    for row in CareLeaverContact.objects.filter(child__in=children).values(
        "child_id",
        "birthday_age",
        "in_touch",
        "activity",
        "accommodation",
        "accommodation_suitable",
        "child__person__date_of_birth",
    ):
        turned = rules.birthday(row["child__person__date_of_birth"], row["birthday_age"])
        if start <= turned <= end:
            contacts[row["child_id"]].append(row)

    cohort = set(episodes_by_child) | set(contacts)
    child_rows = {
        row["pk"]: row
        for row in children.filter(pk__in=cohort).values(
            "pk",
            "child_id",
            "is_mother",
            "mother_child_dob",
            "uasc",
            "uasc_ceased",
            "commissioner__ons_code",
            "person__sex",
            "person__date_of_birth",
            "person__ethnicity",
            "person__upn",
            "upn_unknown_reason",
            "person_id",
        )
    }
    for row in child_rows.values():
        commissioner_code = row["commissioner__ons_code"]

    def ident(pk):
        return child_rows[pk]["child_id"]

    def dob(pk):
        return fmt(child_rows[pk]["person__date_of_birth"])

    tables: dict[str, list[dict]] = {name: [] for name in tables_for(year)}
    for pk, row in sorted(child_rows.items(), key=lambda kv: kv[1]["child_id"]):
        # Mother status is asked of every girl looked after in the year (DfE rules 393, 628); the first
        # child's date of birth, once reported, is reported every year after (rule 624).
        is_girl = row["person__sex"] == "F"
        looked_after_girl = is_girl and pk in episodes_by_child
        tables["Header"].append(
            {
                "CHILD": row["child_id"],
                "SEX": codes.sex_code(row["person__sex"], year),
                "DOB": fmt(row["person__date_of_birth"]),
                "ETHNIC": row["person__ethnicity"],
                "UPN": row["person__upn"]
                or row["upn_unknown_reason"]
                or _unknown_upn(row["person__date_of_birth"], start),
                "MOTHER": _mother(row, end) if looked_after_girl else "",
                "MC_DOB": fmt(row["mother_child_dob"]) if is_girl and _mother(row, end) == "1" else "",
            }
        )
        ceased = (row["uasc_ceased"] or rules.birthday(row["person__date_of_birth"], 18)) if row["uasc"] else None
        # The rules treat a child as (formerly) UASC only when this year's or last year's UASC table
        # has them (392a/b, 406): then there is no home postcode to report.
        row["no_home_postcode"] = ceased is not None and ceased >= codes.collection_start(year - 1)
        if ceased is not None and ceased >= start:  # formerly UASC before the year: not in the table (rule 104)
            tables["UASC"].append(
                {
                    "CHILD": row["child_id"],
                    "SEX": codes.sex_code(row["person__sex"], year),
                    "DOB": fmt(row["person__date_of_birth"]),
                    # UASC status ends at 18 unless it ceased earlier; the DfE expects that date
                    # reported ahead (rule 205B compares it year on year)
                    "DUC": fmt(ceased),
                }
            )

    for row in episode_rows:
        still_open = row["end_date"] is None or row["end_date"] > end
        tables["Episodes"].append(
            {
                "CHILD": ident(row["child_id"]),
                "DECOM": fmt(row["start_date"]),
                "RNE": row["reason_new_episode"],
                "LS": row["legal_status"],
                "CIN": row["category_of_need"],
                "PLACE": row["placement_type"],
                "PLACE_PROVIDER": row["placement_provider"],
                "DEC": "" if still_open else fmt(row["end_date"]),
                "REC": "" if still_open else row["reason_ceased"],
                "REASON_PLACE_CHANGE": "" if still_open else row["reason_place_change"],
                # an unaccompanied asylum-seeking child has no home in England to measure distance from (406)
                "HOME_POST": "" if child_rows[row["child_id"]]["no_home_postcode"] else row["home_postcode"],
                "PL_POST": row["placement_postcode"],
                "URN": row["urn"],
            }
        )

    looked_after = set(episodes_by_child)
    for row in (
        Review.objects.filter(child_id__in=looked_after, review_date__range=(start, end))
        .order_by("child_id", "review_date")
        .values("child_id", "review_date", "participation")
    ):
        tables["Reviews"].append(
            {
                "CHILD": ident(row["child_id"]),
                "DOB": dob(row["child_id"]),
                "REVIEW": fmt(row["review_date"]),
                "REVIEW_CODE": row["participation"],
            }
        )

    for row in (
        _overlapping(MissingEpisode.objects.filter(child_id__in=looked_after), "start_date", "end_date", start, end)
        .order_by("child_id", "start_date")
        .values("child_id", "kind", "start_date", "end_date")
    ):
        ended = row["end_date"] if row["end_date"] and row["end_date"] <= end else None
        tables["Missing"].append(
            {
                "CHILD": ident(row["child_id"]),
                "DOB": dob(row["child_id"]),
                "MISSING": row["kind"],
                "MIS_START": fmt(row["start_date"]),
                "MIS_END": fmt(ended),
            }
        )

    _outcomes_for_continuously_looked_after(tables, episodes_by_child, child_rows, start, end)

    for child_pk, rows in contacts.items():
        for row in rows:
            suitable = {True: "1", False: "2", None: ""}[row["accommodation_suitable"]]
            tables["OC3"].append(
                {
                    "CHILD": ident(child_pk),
                    "DOB": dob(child_pk),
                    "IN_TOUCH": row["in_touch"],
                    "ACTIV": row["activity"] or "0",
                    "ACCOM": (row["accommodation"] + suitable) if row["accommodation"] else "0",
                }
            )

    adopted = {
        r["child_id"]
        for r in episode_rows
        if r["reason_ceased"] in codes.ADOPTED and r["end_date"] and r["end_date"] <= end
    }
    for row in Adoption.objects.filter(child_id__in=adopted).order_by("child_id").values():
        tables["AD1"].append(
            {
                "CHILD": ident(row["child_id"]),
                "DOB": dob(row["child_id"]),
                "DATE_INT": fmt(row["decision_date"]),
                "DATE_MATCH": fmt(row["matched_on"]),
                "FOSTER_CARE": flag(row["by_foster_carers"]),
                "NB_ADOPTR": str(row["number_of_adopters"]),
                "SEX_ADOPTR": row["adopter_sex"],
                "LS_ADOPTR": row["adopter_legal_status"],
            }
        )

    for row in (
        _overlapping(AdoptionDecision.objects.filter(child_id__in=looked_after), "decided_on", "ceased_on", start, end)
        .order_by("child_id", "decided_on")
        .values()
    ):
        ceased = row["ceased_on"] if row["ceased_on"] and row["ceased_on"] <= end else None
        tables["PlacedAdoption"].append(
            {
                "CHILD": ident(row["child_id"]),
                "DOB": dob(row["child_id"]),
                "DATE_PLACED": fmt(row["decided_on"]),
                "DATE_PLACED_CEASED": fmt(ceased),
                "REASON_PLACED_CEASED": row["ceased_reason"] if ceased else "",
            }
        )

    starts = {
        (r["child_id"], r["start_date"])
        for r in episode_rows
        if r["reason_new_episode"] == "S" and r["start_date"] >= start
    }
    if starts:
        for row in PreviousPermanence.objects.filter(child_id__in={c for c, _ in starts}).order_by("child_id").values():
            if (row["child_id"], row["period_start"]) in starts:
                tables["PrevPerm"].append(
                    {
                        "CHILD": ident(row["child_id"]),
                        "DOB": dob(row["child_id"]),
                        "PREV_PERM": row["option"],
                        "LA_PERM": row["arranged_by"],
                        "DATE_PERM": row["order_date"],
                    }
                )

    in_care_at_end = {
        pk
        for pk, rows in episodes_by_child.items()
        if any(r["start_date"] <= end and (r["end_date"] is None or r["end_date"] > end) for r in rows)
    }
    _social_worker_episodes(tables, child_rows, looked_after, in_care_at_end, ident, dob, start, end)

    if "DoLo" in tables:
        for row in (
            _overlapping(
                DeprivationOfLiberty.objects.filter(child_id__in=looked_after), "start_date", "end_date", start, end
            )
            .order_by("child_id", "start_date")
            .values()
        ):
            ended = row["end_date"] if row["end_date"] and row["end_date"] <= end else None
            tables["DoLo"].append(
                {
                    "CHILD": ident(row["child_id"]),
                    "DOB": dob(row["child_id"]),
                    "DOLO_START": fmt(row["start_date"]),
                    "DOLO_END": fmt(ended),
                }
            )
    return Return(commissioner_code=commissioner_code, year=year, tables=tables)


def _mother(child: dict, end: date) -> str:
    """Whether the girl is a mother as at the end of the year (a first child born later does not count)."""
    if child["is_mother"] is None:
        return ""
    born = child["mother_child_dob"]
    return "1" if child["is_mother"] and born is not None and born <= end else "0"


def _unknown_upn(date_of_birth: date, start: date) -> str:
    """UN1 (not of school age, no UPN yet) is derived; a school-age child without a UPN is left blank
    so that the return flags it and the record gets fixed."""
    return "UN1" if rules.age_on(date_of_birth, start) < 5 else ""


def continuously_looked_after(episodes: list[dict], start: date, end: date) -> bool:
    """Looked after for the whole year to 31 March: in care on 1 April, not leaving, no short breaks."""
    if not episodes:
        return False
    in_care_at_start = any(
        e["start_date"] <= start and (e["end_date"] is None or e["end_date"] >= start) for e in episodes
    )
    for e in episodes:
        if e["legal_status"] in rules.SHORT_BREAK_STATUSES:
            return False
        if e["reason_new_episode"] == "S" and start < e["start_date"] <= end:
            return False
        # leaving on 31 March itself keeps continuity, as the DfE rules read it (191); see docs/looked-after.md
        if e["end_date"] is not None and start <= e["end_date"] < end and e["reason_ceased"] != "X1":
            return False
    return in_care_at_start


def _outcomes_for_continuously_looked_after(tables, episodes_by_child, child_rows, start, end):
    cohort = [pk for pk, eps in episodes_by_child.items() if continuously_looked_after(eps, start, end)]
    if not cohort:
        return
    checks = defaultdict(set)
    assessment_days = defaultdict(set)
    for row in HealthCheck.objects.filter(child_id__in=cohort, check_date__range=(start, end)).values(
        "child_id", "kind", "check_date"
    ):
        checks[row["child_id"]].add(row["kind"])
        if row["kind"] == HealthCheck.Kind.HEALTH_ASSESSMENT:
            assessment_days[row["child_id"]].add(row["check_date"])
    sdq = {}
    for row in (
        StrengthsDifficulties.objects.filter(child_id__in=cohort, assessed_on__range=(start, end))
        .order_by("assessed_on")
        .values("child_id", "score", "reason_not_done")
    ):
        sdq[row["child_id"]] = row  # the latest in the year wins
    convicted = set(
        Conviction.objects.filter(child_id__in=cohort, convicted_on__range=(start, end)).values_list(
            "child_id", flat=True
        )
    )
    misuse = {}
    for row in SubstanceMisuse.objects.filter(child_id__in=cohort, identified_on__range=(start, end)).values():
        seen = misuse.setdefault(row["child_id"], {"received": False, "offered": False})
        seen["received"] |= row["intervention_received"]
        seen["offered"] |= row["intervention_offered_refused"]
    for pk in sorted(cohort, key=lambda pk: child_rows[pk]["child_id"]):
        child = child_rows[pk]
        age = rules.age_on(child["person__date_of_birth"], end)
        done = checks[pk]
        assessed = sdq.get(pk)
        age_at_start = rules.age_on(child["person__date_of_birth"], start)
        score, reason = "", ""
        # DfE rules 186, 188, 189: 4 or over by 31 March, and not 17 before 1 April (on the day counts)
        if age >= 4 and rules.birthday(child["person__date_of_birth"], 17) >= start:
            if assessed is not None:
                score = "" if assessed["score"] is None else str(assessed["score"])
                reason = assessed["reason_not_done"] if assessed["score"] is None else ""
            elif age_at_start < 4 or age >= 17:
                reason = "SDQ1"  # by definition: under 4 or over 16 at the latest assessment
        misused = misuse.get(pk)
        tables["OC2"].append(
            {
                "CHILD": child["child_id"],
                "DOB": fmt(child["person__date_of_birth"]),
                "SDQ_SCORE": score,
                "SDQ_REASON": reason,
                "CONVICTED": flag(pk in convicted) if age >= 10 else "",  # DfE rule 542
                "HEALTH_CHECK": flag(HealthCheck.Kind.DEVELOPMENT_CHECK in done) if age < 5 else "",
                "IMMUNISATIONS": flag(HealthCheck.Kind.IMMUNISATIONS in done),
                "TEETH_CHECK": flag(HealthCheck.Kind.DENTAL_CHECK in done),
                # up to date means two in the year for a child under 5 at 31 March (every 6 months), one
                # from 5: the DfE's definition, and the outcomes library's health_assessment
                "HEALTH_ASSESSMENT": flag(len(assessment_days[pk]) >= (2 if age < 5 else 1)),
                "SUBSTANCE_MISUSE": flag(misused is not None),
                "INTERVENTION_RECEIVED": flag(misused["received"]) if misused else "",
                # "offered" means offered and refused: blank once one was received (DfE rule 158)
                "INTERVENTION_OFFERED": flag(misused["offered"]) if misused and not misused["received"] else "",
            }
        )


def _social_worker_episodes(tables, child_rows, looked_after, in_care_at_end, ident, dob, start, end):
    person_to_child = {child_rows[pk]["person_id"]: pk for pk in looked_after}
    commissioner_code = next(iter(child_rows.values()))["commissioner__ons_code"] if child_rows else ""
    allocations = (
        Allocation.objects.filter(
            case__person_id__in=person_to_child,
            case__service_type=ServiceType.LOOKED_AFTER_CHILD,
            case__commissioner__ons_code=commissioner_code,
            start_date__lte=end,
        )
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
        .order_by("case__person_id", "start_date", "pk")
        .values("case__person_id", "start_date", "end_date", "change_reason", "worker__swe_registration_number")
    )
    by_child = defaultdict(list)
    for row in allocations:
        by_child[person_to_child[row["case__person_id"]]].append(row)
    for pk in sorted(by_child, key=ident):
        rows = by_child[pk]
        for i, row in enumerate(rows):
            # a child still in care at 31 March has a social worker then (DfE SW17): their latest
            # episode is open; one whose care ended in the year keeps the day their worker's ended
            open_at_end = i == len(rows) - 1 and pk in in_care_at_end
            ended = None if open_at_end or row["end_date"] is None or row["end_date"] > end else row["end_date"]
            tables["SWEpisodes"].append(
                {
                    "CHILD": ident(pk),
                    "DOB": dob(pk),
                    "SW_ID": row["worker__swe_registration_number"],
                    "SW_DECOM": fmt(row["start_date"]),
                    "SW_DEC": fmt(ended),
                    "SW_REASON": row["change_reason"],
                }
            )
