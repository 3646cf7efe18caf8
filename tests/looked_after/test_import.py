"""Importing an authority's 903 files: the round trip back to the same rows, idempotence, and bad
files refused with file, row, column and reason, having written nothing."""

import csv
import io
import zipfile
from collections import Counter
from datetime import date
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from casework.accounts.models import Role
from casework.audit.models import AuditEvent
from casework.cases.models import Allocation, Case
from casework.core import identifiers
from casework.looked_after import models as la
from casework.looked_after.export import COLUMNS, FILE_NAMES, build_return
from casework.looked_after.imports import (
    READERS,
    ImportResult,
    Problem,
    ReturnImportError,
    import_903,
    import_903_years,
)
from casework.looked_after.imports.reading import read_return
from casework.looked_after.imports.writing import WRITE_ORDER, year_in_words
from casework.organisations import services as org_services
from casework.organisations.models import Organisation, Worker
from casework.people.models import Person
from casework.synthetic.generate import seed
from tests.conftest import make_practice

AUTHORITY = "E08000035"
AS_OF = date(2027, 5, 1)  # after the end of 2026/27, as in test_903_validation
YEARS = (2025, 2026, 2027)
LOOKED_AFTER_MODELS = [
    la.LookedAfterChild,
    la.Episode,
    la.Review,
    la.Visit,
    la.HealthCheck,
    la.StrengthsDifficulties,
    la.SubstanceMisuse,
    la.Conviction,
    la.MissingEpisode,
    la.AdoptionDecision,
    la.Adoption,
    la.PreviousPermanence,
    la.CareLeaverContact,
    la.DeprivationOfLiberty,
]
WATCHED = [*LOOKED_AFTER_MODELS, Person, Case, Allocation, Worker]


def _as_files(result) -> dict[str, bytes]:
    return {FILE_NAMES[table]: result.csv_text(table).encode("utf-8") for table in result.tables}


@pytest.fixture(scope="module")
def authority_returns(django_db_setup, django_db_blocker):
    """One authority's seeded returns for 2024/25 to 2026/27, as files and rows; the seed is then rolled
    back, so every import below starts from a database without it (another practice, as on a transfer)."""
    with django_db_blocker.unblock(), transaction.atomic():
        seed(practices=1, people=1200, seed=5, as_of=AS_OF)
        children = la.LookedAfterChild.objects.filter(commissioner__ons_code=AUTHORITY)
        returns = {year: build_return(children=children, year=year) for year in YEARS}
        # and the same files imported back into the practice that holds the children
        retaken = import_903_years(
            actor=None,
            commissioner=Organisation.objects.get(ons_code=AUTHORITY),
            years={year: _as_files(returns[year]) for year in YEARS},
            into_practice=Organisation.objects.get(kind="practice"),
        )
        transaction.set_rollback(True)
    return SimpleNamespace(
        files={year: _as_files(r) for year, r in returns.items()},
        tables={year: r.tables for year, r in returns.items()},
        retaken=retaken,
    )


@pytest.fixture
def taking_on(db):
    return make_taking_on()


def make_taking_on():
    """The authority (same ONS code: CHILD identifiers are the authority's) and a practice it commissions."""
    authority = org_services.organisation_create(
        actor=None, name="Leeds City Council", kind="commissioner", commissioner_type="la", ons_code=AUTHORITY
    )
    practice = make_practice("Taking On Practice CIC", authority, "t")
    return SimpleNamespace(authority=authority, practice=practice, actor=practice.users[Role.TEAM_MANAGER])


def _multiset(tables: dict[str, list[dict]]) -> dict[str, Counter]:
    return {name: Counter(tuple(row[c] for c in COLUMNS[name]) for row in rows) for name, rows in tables.items()}


def _export(authority, year):
    return build_return(children=la.LookedAfterChild.objects.filter(commissioner=authority), year=year).tables


def _assert_same_rows(exported, original):
    """Every table has the same rows, as multisets (the export's order within a child is not part of the return)."""
    got, want = _multiset(exported), _multiset(original)
    assert got.keys() == want.keys()
    for table in want:
        extra, lacking = got[table] - want[table], want[table] - got[table]
        assert not extra and not lacking, (
            f"{table} {COLUMNS[table]}\nextra {sorted(extra)[:3]}\nlacking {sorted(lacking)[:3]}"
        )


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in [*WATCHED, AuditEvent]}


def _snapshot() -> dict[str, list[tuple]]:
    return {model.__name__: list(model.objects.order_by("pk").values_list()) for model in WATCHED}


# -- round trips on a seeded authority ---------------------------------------------------------------


def test_the_seeded_returns_exercise_every_table(authority_returns):
    totals = Counter()
    for tables in authority_returns.tables.values():
        totals.update({name: len(rows) for name, rows in tables.items()})
    assert all(totals[name] > 0 for name in COLUMNS), totals
    assert len(authority_returns.tables[2027]["DoLo"]) > 0


def test_importing_a_practices_own_return_back_changes_nothing(authority_returns):
    # a UN code the practice keeps as the person's UPN stays where it is
    for result in authority_returns.retaken:
        assert result.changed == 0, result.summary()


@pytest.mark.parametrize("year", [2026, 2027])
def test_importing_a_year_then_exporting_it_gives_back_the_same_rows(authority_returns, taking_on, year):
    result = import_903(
        actor=taking_on.actor, commissioner=taking_on.authority, year=year, files=authority_returns.files[year]
    )

    assert result.children == len(authority_returns.tables[year]["Header"])
    _assert_same_rows(_export(taking_on.authority, year), authority_returns.tables[year])
    # the children are the practice's, with no names yet, and their cases are held by the practice
    person = Person.objects.get(looked_after_records__child_id=authority_returns.tables[year]["Header"][0]["CHILD"])
    assert (person.organisation, person.given_name) == (taking_on.practice.org, "Not known")
    assert not Case.objects.exclude(organisation=taking_on.practice.org).exists()
    event = AuditEvent.objects.get(action="import")
    assert (event.object_type, event.object_id) == ("ssda903", f"{AUTHORITY}/{year}")
    assert set(event.detail) == {"children", "rows", "created", "updated"}  # counts only, no personal data


def test_importing_2025_and_2026_together_round_trips_both_years(authority_returns, taking_on):
    results = import_903_years(
        actor=taking_on.actor,
        commissioner=taking_on.authority,
        years={2026: authority_returns.files[2026], 2025: authority_returns.files[2025]},
    )

    assert [r.year for r in results] == [2025, 2026]
    _assert_same_rows(_export(taking_on.authority, 2026), authority_returns.tables[2026])
    _assert_same_rows(_export(taking_on.authority, 2025), authority_returns.tables[2025])
    # a child in both years is one child, one person, one case
    children = la.LookedAfterChild.objects.filter(commissioner=taking_on.authority)
    both = {r["CHILD"] for r in authority_returns.tables[2025]["Header"]} | {
        r["CHILD"] for r in authority_returns.tables[2026]["Header"]
    }
    assert children.count() == len(both) == Person.objects.filter(organisation=taking_on.practice.org).count()
    assert not Case.objects.values("person").annotate(n=Count("pk")).filter(n__gt=1).exists()


def test_importing_the_same_files_twice_changes_nothing(authority_returns, taking_on):
    years = {year: authority_returns.files[year] for year in (2025, 2026)}
    first = import_903_years(actor=taking_on.actor, commissioner=taking_on.authority, years=years)
    assert sum(r.changed for r in first) > 0
    before, history_before = _snapshot(), {m.__name__: m.history.count() for m in WATCHED}

    again = import_903_years(actor=taking_on.actor, commissioner=taking_on.authority, years=years)
    single = import_903(
        actor=taking_on.actor, commissioner=taking_on.authority, year=2026, files=authority_returns.files[2026]
    )

    assert [r.changed for r in again] == [0, 0] and single.changed == 0
    assert _snapshot() == before
    assert {m.__name__: m.history.count() for m in WATCHED} == history_before


# -- a small return written by hand ---------------------------------------------------------------------

UPN_BODY = "383123415001"
UPN = identifiers.upn_check_letter(UPN_BODY) + UPN_BODY


def small_return() -> dict[str, str]:
    """2025/26: a girl in care since 2024 (moved in September, OC2 due) and a boy who started in May 2025."""
    return {
        "header.csv": f"""CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB
C001,F,01/06/2012,WBRI,{UPN},0,
C002,M,15/03/2021,BAFR,UN1,,
""",
        "episodes.csv": """CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN
C001,01/02/2024,S,C2,N1,U6,PR1,01/09/2025,X1,CARPL,LS2 7UE,LS1 4AP,SC123456
C001,01/09/2025,P,C2,N1,U6,PR4,,,,LS2 7UE,LS6 1AN,SC654321
C002,10/05/2025,S,V2,N4,U3,PR1,,,,LS2 7UE,LS1 4AP,SC123457
""",
        "reviews.csv": """CHILD,DOB,REVIEW,REVIEW_CODE
C001,01/06/2012,18/09/2025,PN1
C002,15/03/2021,02/06/2025,PN0
""",
        "uasc.csv": "CHILD,SEX,DOB,DUC\n",
        "oc2.csv": ",".join(COLUMNS["OC2"]) + "\nC001,01/06/2012,17,,0,,1,0,1,0,,\n",
        "oc3.csv": "CHILD,DOB,IN_TOUCH,ACTIV,ACCOM\n",
        "ad1.csv": "CHILD,DOB,DATE_INT,DATE_MATCH,FOSTER_CARE,NB_ADOPTR,SEX_ADOPTR,LS_ADOPTR\n",
        "placed_for_adoption.csv": "CHILD,DOB,DATE_PLACED,DATE_PLACED_CEASED,REASON_PLACED_CEASED\n",
        "previous_permanence.csv": """CHILD,DOB,PREV_PERM,LA_PERM,DATE_PERM
C002,15/03/2021,P2,383,ZZ/06/2023
""",
        "missing.csv": "CHILD,DOB,MISSING,MIS_START,MIS_END\n",
        "sw_episodes.csv": """CHILD,DOB,SW_ID,SW_DECOM,SW_DEC,SW_REASON
C001,01/06/2012,SW900001,01/02/2024,01/10/2025,FCONTA
C001,01/06/2012,SW900002,01/10/2025,,LEFTRL
C002,15/03/2021,SW900001,10/05/2025,,FCONTA
""",
    }


def _encoded(texts: dict[str, str]) -> dict[str, bytes]:
    return {name: text.encode("utf-8") for name, text in texts.items()}


def _import_texts(taking_on, texts=None, year=2026):
    return import_903(
        actor=taking_on.actor,
        commissioner=taking_on.authority,
        year=year,
        files=_encoded(texts or small_return()),
    )


def _rows_of(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def test_a_small_return_is_recorded_as_the_practice_records_it_and_exports_the_same(taking_on):
    result = _import_texts(taking_on)

    texts = small_return()
    original = {table: _rows_of(texts[FILE_NAMES[table]]) for table in COLUMNS if table != "DoLo"}
    _assert_same_rows(_export(taking_on.authority, 2026), original)
    girl = la.LookedAfterChild.objects.select_related("person").get(child_id="C001")
    boy = la.LookedAfterChild.objects.select_related("person").get(child_id="C002")
    assert (girl.person.given_name, girl.person.family_name, girl.person.sex) == ("Not known", "Child C001", "F")
    assert (girl.person.upn, girl.upn_unknown_reason, girl.is_mother) == (UPN, "", False)
    assert (boy.person.upn, boy.upn_unknown_reason, boy.is_mother) == ("", "", None)  # UN1 is derived at 4
    # OC2 said what happened in the year: recorded as on 31 March 2026
    assert set(girl.healthchecks.values_list("kind", "check_date")) == {
        ("immunisations", date(2026, 3, 31)),
        ("health_assessment", date(2026, 3, 31)),
    }
    assert list(girl.strengthsdifficultiess.values_list("score", "assessed_on")) == [(17, date(2026, 3, 31))]
    # social workers unknown to the practice are recorded as the authority's, already left
    unknown = Worker.objects.filter(swe_registration_number__in=["SW900001", "SW900002"])
    assert unknown.count() == 2
    assert all(w.organisation == taking_on.practice.org and w.team is None for w in unknown)
    assert all(w.leave_date == timezone.localdate() for w in unknown)
    case = Case.objects.get(person=girl.person)
    assert (case.commissioner, case.opened_on, case.closed_on) == (taking_on.authority, date(2024, 2, 1), None)
    assert list(case.allocations.values_list("worker__swe_registration_number", "end_date", "change_reason")) == [
        ("SW900001", date(2025, 10, 1), "FCONTA"),
        ("SW900002", None, "LEFTRL"),
    ]
    assert set(girl.episodes.values_list("case", flat=True)) == {case.pk}
    assert result.created["Person"] == 2 and result.notes == []
    _assert_every_row_passes_model_validation()


SECOND_UPN_BODY = "383123415002"
SECOND_UPN = identifiers.upn_check_letter(SECOND_UPN_BODY) + SECOND_UPN_BODY


def every_field_return() -> dict[str, str]:
    """2026/27, written to use what the seed does not: a mother, a conviction, substance misuse, an SDQ
    reason, a decision to place for adoption that ceased, open missing and DoLO periods, a care leaver
    not in touch, an adoption, UASC, and a placement postcode written without its space."""
    return {
        "header.csv": f"""CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB
G1,F,10/02/2010,WBRI,UN2,1,01/08/2026
B2,M,01/01/2022,MWBC,UN1,,
C3,F,15/09/2005,BCRB,UN3,,
D4,M,20/06/2009,OOTH,UN4,,
E5,F,03/03/2019,WIRI,{SECOND_UPN},,
""",
        "episodes.csv": """CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN
G1,15/07/2023,S,C2,N1,K2,PR4,,,,LS2 7UE,LS104PG,SC111111
B2,01/10/2024,L,E1,N1,U6,PR1,01/05/2026,X1,CARPL,LS2 7UE,LS1 4AP,SC222222
B2,01/05/2026,P,E1,N1,A6,PR1,20/12/2026,E11,,LS2 7UE,LS6 1AN,SC333333
D4,10/04/2026,S,V2,N8,K2,PR4,,,,,LS13 4RP,SC444444
E5,01/02/2025,S,C2,N1,U4,PR1,,,,LS2 7UE,LS1 4AP,SC555555
""",
        "reviews.csv": """CHILD,DOB,REVIEW,REVIEW_CODE
G1,10/02/2010,20/05/2026,PN1
B2,01/01/2022,10/06/2026,PN0
D4,20/06/2009,01/05/2026,PN5
E5,03/03/2019,15/05/2026,PN1
E5,03/03/2019,10/11/2026,PN2
""",
        "uasc.csv": "CHILD,SEX,DOB,DUC\nD4,M,20/06/2009,20/06/2027\n",
        "oc2.csv": ",".join(COLUMNS["OC2"]) + "\nG1,10/02/2010,,SDQ5,1,,1,0,1,1,0,1\nE5,03/03/2019,12,,,,0,1,1,0,,\n",
        "oc3.csv": "CHILD,DOB,IN_TOUCH,ACTIV,ACCOM\nC3,15/09/2005,NO,0,0\n",
        "ad1.csv": ",".join(COLUMNS["AD1"]) + "\nB2,01/01/2022,01/08/2024,15/04/2026,0,2,MF,L11\n",
        "placed_for_adoption.csv": ",".join(COLUMNS["PlacedAdoption"])
        + "\nB2,01/01/2022,01/08/2024,,\nE5,03/03/2019,01/05/2025,01/09/2026,RD1\n",
        "previous_permanence.csv": ",".join(COLUMNS["PrevPerm"]) + "\nD4,20/06/2009,Z1,,\n",
        "missing.csv": ",".join(COLUMNS["Missing"])
        + "\nG1,10/02/2010,A,05/06/2026,06/06/2026\nG1,10/02/2010,M,01/03/2027,\n",
        # B2 was adopted on 20/12/2026: their social worker's episode ends the day care ended
        "sw_episodes.csv": """CHILD,DOB,SW_ID,SW_DECOM,SW_DEC,SW_REASON
G1,10/02/2010,SW900010,15/07/2023,01/06/2026,FCONTA
G1,10/02/2010,SW900011,01/06/2026,,MANAGE
B2,01/01/2022,SW900010,01/03/2024,20/12/2026,FCONTA
D4,20/06/2009,SW900011,10/04/2026,,FCONTA
E5,03/03/2019,SW900012,01/02/2025,,FCONTA
""",
        "DoLo.csv": ",".join(COLUMNS["DoLo"]) + "\nG1,10/02/2010,01/05/2026,30/09/2026\nG1,10/02/2010,01/02/2027,\n",
    }


def test_every_field_of_a_hand_written_return_comes_back_the_same(taking_on):
    texts = every_field_return()

    first = _import_texts(taking_on, texts, year=2027)

    # the postcode written without its space is stored, and so exported, in the usual form
    texts_back = {name: text.replace("LS104PG", "LS10 4PG") for name, text in texts.items()}
    original = {table: _rows_of(texts_back[FILE_NAMES[table]]) for table in COLUMNS}
    _assert_same_rows(_export(taking_on.authority, 2027), original)
    adopted = la.LookedAfterChild.objects.get(child_id="B2")
    case = Case.objects.get(person=adopted.person)
    assert (case.opened_on, case.closed_on, case.close_reason) == (
        date(2024, 3, 1),
        date(2026, 12, 20),
        "no_longer_eligible",
    )
    assert case.allocations.get().end_date == date(2026, 12, 20)
    leaver = la.LookedAfterChild.objects.get(child_id="C3")
    assert not Case.objects.filter(person=leaver.person).exists()  # a care leaver only: no looked-after case
    assert leaver.careleavercontacts.get().contacted_on == date(2026, 9, 15)  # her 21st birthday
    assert first.changed > 0
    assert _import_texts(taking_on, texts, year=2027).changed == 0
    _assert_every_row_passes_model_validation()


def test_postcodes_written_without_their_space_are_stored_in_the_usual_form(taking_on):
    texts = small_return()
    texts["episodes.csv"] = texts["episodes.csv"].replace("LS6 1AN", "ls61an").replace("LS2 7UE", "LS27UE")

    _import_texts(taking_on, texts)

    episodes = la.Episode.objects.filter(child__child_id="C001").order_by("start_date")
    assert list(episodes.values_list("placement_postcode", "home_postcode")) == [
        ("LS1 4AP", "LS2 7UE"),
        ("LS6 1AN", "LS2 7UE"),
    ]


def _assert_every_row_passes_model_validation():
    """Bulk writes skip the models' validators: every row written must pass them all the same."""
    for model in WATCHED:
        for obj in model.objects.all():
            obj.full_clean()


def test_a_known_social_worker_is_matched_and_a_header_only_file_is_fine(taking_on):
    texts = small_return()
    ours = taking_on.practice.workers[0]
    texts["sw_episodes.csv"] = texts["sw_episodes.csv"].replace("SW900002", ours.swe_registration_number)
    texts["reviews.csv"] = "CHILD,DOB,REVIEW,REVIEW_CODE\n"
    workers = Worker.objects.count()

    _import_texts(taking_on, texts)

    assert Worker.objects.count() == workers + 1  # only SW900001 was unknown
    assert Allocation.objects.get(worker=ours).end_date is None
    assert not la.Review.objects.exists()


def test_a_later_year_ends_what_an_earlier_year_left_open(taking_on):
    _import_texts(taking_on)
    later = {
        "header.csv": f"CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\nC001,F,01/06/2012,WBRI,{UPN},0,\n",
        "episodes.csv": small_return()["episodes.csv"].splitlines()[0]
        + "\nC001,01/09/2025,P,C2,N1,U6,PR4,10/05/2026,E13,,LS2 7UE,LS6 1AN,SC654321\n",
        "sw_episodes.csv": "CHILD,DOB,SW_ID,SW_DECOM,SW_DEC,SW_REASON\nC001,01/06/2012,SW900002,01/10/2025,,LEFTRL\n",
    }

    result = _import_texts(taking_on, later, year=2027)

    girl = la.LookedAfterChild.objects.get(child_id="C001")
    assert list(girl.episodes.values_list("start_date", "end_date", "reason_ceased")) == [
        (date(2024, 2, 1), date(2025, 9, 1), "X1"),
        (date(2025, 9, 1), date(2026, 5, 10), "E13"),
    ]
    case = Case.objects.get(person=girl.person)
    assert (case.closed_on, case.close_reason) == (date(2026, 5, 10), "no_longer_eligible")
    assert case.allocations.get(end_date=date(2026, 5, 10)).worker.swe_registration_number == "SW900002"
    assert result.created["Episode"] == 0 and result.updated["Episode"] == 1
    assert "no Reviews table (reviews.csv): nothing of it imported" in result.notes
    # and the earlier year still reads as it did: the episode ending after 31 March 2026 is open then
    exported = _export(la.LookedAfterChild.objects.get(child_id="C001").commissioner, 2026)["Episodes"]
    assert [(e["DECOM"], e["DEC"]) for e in exported if e["CHILD"] == "C001"] == [
        ("01/02/2024", "01/09/2025"),
        ("01/09/2025", ""),
    ]


def test_tables_are_recognised_by_their_columns_when_the_file_names_differ(taking_on):
    texts = small_return()
    texts["SSDA903 episodes 2025-26.csv"] = texts.pop("episodes.csv")

    result = _import_texts(taking_on, texts)

    assert result.notes == ["SSDA903 episodes 2025-26.csv read as the Episodes table (by its columns)"]
    assert la.Episode.objects.count() == 3


def test_a_social_worker_of_another_organisation_is_refused(taking_on):
    other = make_practice("Other Practice CIC", taking_on.authority, "o")
    texts = small_return()
    texts["sw_episodes.csv"] = texts["sw_episodes.csv"].replace("SW900001", other.workers[0].swe_registration_number)
    before = _counts()

    with pytest.raises(ReturnImportError) as refused:
        _import_texts(taking_on, texts)

    assert refused.value.problems == [
        Problem("sw_episodes.csv", 2, "SW_ID", "this registration number is another organisation's worker")
    ]
    assert _counts() == before


def test_import_results_name_records_in_words_never_models():
    every = {model.__name__: 2 for model in WRITE_ORDER}
    result = ImportResult(commissioner=AUTHORITY, year=2026, children=2, rows=9, created=every, updated=every)

    summary = result.summary()

    assert not [name for name in every if name in summary], summary
    assert "people, 2 children, 2 cases, 2 episodes of care, 2 social worker allocations" in summary


def test_one_of_a_kind_is_said_in_the_singular_and_the_preview_says_what_will_be_done():
    one = {"year": 2026, "children": 1, "rows": 1, "created": {"Person": 1, "StrengthsDifficulties": 1}, "updated": {}}

    assert year_in_words(one, done=False) == (
        "2025/26: 1 child, 1 row read; will create 1 person, 1 strengths and difficulties score; will update nothing"
    )
    done = year_in_words(one, done=True)
    assert done.endswith("; created 1 person, 1 strengths and difficulties score; updated nothing")


def test_a_missing_episodes_table_is_named_in_plain_english():
    _parsed, problems = read_return(2026, {"header.csv": small_return()["header.csv"].encode()})

    assert [p.reason for p in problems] == ["missing: every return has an Episodes table"]


def test_every_exported_column_is_read_in_the_exporters_order():
    assert {table: list(columns) for table, columns in READERS.items()} == COLUMNS


def test_only_a_manager_of_the_practice_imports(taking_on):
    with pytest.raises(PermissionDenied):
        import_903(
            actor=taking_on.practice.users[Role.PRACTITIONER],
            commissioner=taking_on.authority,
            year=2026,
            files=_encoded(small_return()),
        )


# -- bad files: refused with where and why, nothing written ---------------------------------------------


def _replace(name, old, new):
    def change(texts):
        assert old in texts[name]
        texts[name] = texts[name].replace(old, new)

    return change


def _append(name, line):
    def change(texts):
        texts[name] += line + "\n"

    return change


def _drop_column(name, column):
    def change(texts):
        rows = list(csv.reader(io.StringIO(texts[name])))
        at = rows[0].index(column)
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows([r[:at] + r[at + 1 :] for r in rows])
        texts[name] = out.getvalue()

    return change


def _add_column(name, column):
    def change(texts):
        lines = texts[name].splitlines()
        texts[name] = "\n".join([lines[0] + f",{column}"] + [line + ",x" for line in lines[1:]]) + "\n"

    return change


BAD_FILES = {
    "missing column": (
        _drop_column("episodes.csv", "LS"),
        Problem("episodes.csv", 1, "LS", "missing column (the Episodes table needs it)"),
    ),
    "unknown column": (
        _add_column("reviews.csv", "FOO"),
        Problem("reviews.csv", 1, "FOO", "unknown column for the Reviews table in 2025/26"),
    ),
    "date that does not exist": (
        _replace("episodes.csv", "C001,01/09/2025,P", "C001,31/02/2026,P"),
        Problem("episodes.csv", 3, "DECOM", "31/02/2026 is not a real date"),
    ),
    "date written another way": (
        _replace("reviews.csv", "18/09/2025", "2025-09-18"),
        Problem("reviews.csv", 2, "REVIEW", "'2025-09-18' is not a date written dd/mm/YYYY"),
    ),
    "unknown placement": (
        _replace("episodes.csv", "N4,U3", "N4,ZZ9"),
        Problem("episodes.csv", 4, "PLACE", "unknown code 'ZZ9'"),
    ),
    "placement no longer valid": (
        _replace("episodes.csv", "N4,U3", "N4,H5"),
        Problem("episodes.csv", 4, "PLACE", "H5 is not valid in 2025/26 (valid up to 2024/25)"),
    ),
    "child not in the header": (
        _append("episodes.csv", "C999,01/06/2025,S,V2,N4,U3,PR1,,,,,LS1 4AP,SC123458"),
        Problem("episodes.csv", 5, "CHILD", "child C999 is not in header.csv"),
    ),
    "duplicate child in the header": (
        _append("header.csv", "C002,M,15/03/2021,BAFR,UN1,,"),
        Problem("header.csv", 4, "CHILD", "duplicate: line 3 has the same CHILD"),
    ),
    "episode ending before it starts": (
        _replace("episodes.csv", "PR1,01/09/2025,X1", "PR1,01/01/2024,X1"),
        Problem("episodes.csv", 2, "DEC", "01/01/2024 is before DECOM (01/02/2024)"),
    ),
    "date of birth differing from the header": (
        _replace("reviews.csv", "C002,15/03/2021", "C002,16/03/2021"),
        Problem("reviews.csv", 3, "DOB", "does not match the child's DOB in header.csv"),
    ),
    "two open episodes": (
        _replace("episodes.csv", "PR1,01/09/2025,X1,CARPL", "PR1,,,"),
        Problem("episodes.csv", 2, "DEC", "blank, but the child's episode from 01/09/2025 is open too"),
    ),
    "overlapping social workers": (
        _replace("sw_episodes.csv", "01/10/2025,FCONTA", ",FCONTA"),
        Problem("sw_episodes.csv", 2, "SW_DEC", "overlaps the social worker episode starting 01/10/2025"),
    ),
}


@pytest.mark.parametrize("case", list(BAD_FILES), ids=list(BAD_FILES))
def test_a_bad_file_is_refused_with_where_and_why_and_nothing_is_written(taking_on, case):
    change, expected = BAD_FILES[case]
    texts = small_return()
    change(texts)
    before = _counts()

    with pytest.raises(ReturnImportError) as refused:
        _import_texts(taking_on, texts)

    assert refused.value.problems == [expected]
    assert _counts() == before


def test_a_code_valid_only_from_a_later_year_is_refused(taking_on):
    texts = small_return()
    texts["episodes.csv"] = texts["episodes.csv"].replace("N4,U3", "N4,Z11")

    with pytest.raises(ReturnImportError) as refused:
        _import_texts(taking_on, texts, year=2025)

    assert Problem("episodes.csv", 4, "PLACE", "Z11 is not valid in 2024/25 (valid from 2025/26)") in (
        refused.value.problems
    )
    assert not la.LookedAfterChild.objects.exists()


def test_a_file_in_another_encoding_and_an_empty_file_are_refused_together(taking_on):
    files = _encoded(small_return())
    files["header.csv"] = small_return()["header.csv"].replace("BAFR,UN1", "BAFR,UNë").encode("latin-1")
    files["reviews.csv"] = b""
    before = _counts()

    with pytest.raises(ReturnImportError) as refused:
        import_903(actor=taking_on.actor, commissioner=taking_on.authority, year=2026, files=files)

    assert refused.value.problems == [
        Problem("header.csv", 3, "", "not UTF-8 text (save the file as UTF-8 CSV): byte 0xEB cannot be read"),
        Problem("reviews.csv", 0, "", "empty file: not even a header row"),
    ]
    assert _counts() == before


def test_a_file_with_a_byte_order_mark_is_read(taking_on):
    files = _encoded(small_return())
    files["header.csv"] = "\ufeff".encode() + files["header.csv"]

    result = import_903(actor=taking_on.actor, commissioner=taking_on.authority, year=2026, files=files)

    assert result.children == 2 and la.LookedAfterChild.objects.filter(child_id="C001").exists()


def test_every_problem_in_every_file_is_listed_at_once(taking_on):
    texts = small_return()
    for change, _expected in (BAD_FILES["unknown column"], BAD_FILES["unknown placement"]):
        change(texts)
    texts.pop("header.csv")

    with pytest.raises(ReturnImportError) as refused:
        _import_texts(taking_on, texts)

    assert refused.value.problems == [
        Problem("episodes.csv", 4, "PLACE", "unknown code 'ZZ9'"),
        Problem("header.csv", 0, "", "missing: every return has a Header table"),
        Problem("reviews.csv", 1, "FOO", "unknown column for the Reviews table in 2025/26"),
    ]
    assert "3 problem(s)" in str(refused.value)


def test_a_later_years_problem_rolls_back_the_earlier_year(taking_on):
    # the 2025/26 child held by another practice is only found once 2024/25 is written
    other = make_practice("Other Practice CIC", taking_on.authority, "o")
    person = Person.objects.create(organisation=other.org, given_name="A", family_name="B", sex="M")
    la.LookedAfterChild.objects.create(
        organisation=other.org, person=person, commissioner=taking_on.authority, child_id="C002"
    )
    before = _counts()
    earlier = {"header.csv": "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\nC001,F,01/06/2012,WBRI,,0,\n"}
    earlier["episodes.csv"] = "\n".join(small_return()["episodes.csv"].splitlines()[:2]) + "\n"

    with pytest.raises(ReturnImportError) as refused:
        import_903_years(
            actor=taking_on.actor,
            commissioner=taking_on.authority,
            years={2025: _encoded(earlier), 2026: _encoded(small_return())},
        )

    assert refused.value.problems == [
        Problem("header.csv", 3, "CHILD", "this child is recorded in Casework by another practice")
    ]
    assert _counts() == before


# -- the command ----------------------------------------------------------------------------------------


def _write(folder, texts):
    folder.mkdir(parents=True)
    for name, text in texts.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_the_command_prints_problems_and_exits_1_then_imports_and_exits_0(taking_on, tmp_path):
    # call_command, not the command line: running from argv closes the database connection (the test's
    # transaction on PostgreSQL); it turns CommandError into sys.exit(returncode), which is asserted instead.
    texts = small_return()
    BAD_FILES["unknown placement"][0](texts)
    bad = _write(tmp_path / "bad" / "2026", texts)
    good = _write(tmp_path / "good" / "2026", small_return())
    options = {"commissioner": AUTHORITY, "year": 2026}
    before = _counts()
    out, err = io.StringIO(), io.StringIO()

    with pytest.raises(CommandError) as failed:
        call_command("import_903", str(bad), practice=str(taking_on.practice.org.pk), stdout=out, stderr=err, **options)

    assert failed.value.returncode == 1
    assert err.getvalue().splitlines() == ["episodes.csv:4: PLACE: unknown code 'ZZ9'"]
    assert _counts() == before

    call_command("import_903", str(good), practice=taking_on.practice.org.name, stdout=out, stderr=err, **options)

    said = "Leeds City Council 2025/26: 2 children, 12 rows read; created 2 social workers of the authority, 2 people"
    assert said in out.getvalue()
    assert la.LookedAfterChild.objects.count() == 2


def test_the_command_takes_earlier_years_from_their_folders(taking_on, tmp_path):
    earlier = {"header.csv": "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\nC001,F,01/06/2012,WBRI,,0,\n"}
    earlier["episodes.csv"] = "\n".join(small_return()["episodes.csv"].splitlines()[:2]) + "\n"
    _write(tmp_path / "2025", earlier)
    _write(tmp_path / "this year", small_return())
    out = io.StringIO()

    call_command(
        "import_903",
        str(tmp_path / "this year"),
        commissioner=AUTHORITY,
        year=2026,
        practice=taking_on.practice.org.name,
        earlier=[str(tmp_path / "2025")],
        stdout=out,
    )

    assert [line.split(":")[0] for line in out.getvalue().splitlines() if not line.startswith(" ")] == [
        "Leeds City Council 2024/25",
        "Leeds City Council 2025/26",
    ]
    assert AuditEvent.objects.filter(action="import", object_type="ssda903").count() == 2  # one a year
    assert AuditEvent.objects.filter(action="import", object_type="looked_after.importbatch").count() == 2


def test_the_commands_dry_run_prints_what_the_import_would_do_and_writes_nothing(taking_on, tmp_path):
    _import_texts(taking_on)
    texts = small_return()
    texts["header.csv"] = texts["header.csv"].replace("C001,F,01/06/2012,WBRI", "C001,F,01/06/2012,WIRI")
    texts["header.csv"] += "C003,M,09/09/2016,WBRI,UN5,,\n"
    _write(tmp_path / "2026", texts)
    before, out = _snapshot(), io.StringIO()

    call_command(
        "import_903",
        str(tmp_path / "2026"),
        commissioner=AUTHORITY,
        year=2026,
        practice="Taking On Practice CIC",
        dry_run=True,
        stdout=out,
    )

    lines = out.getvalue().splitlines()
    assert lines[0] == "Dry run: nothing was written. The import would do this:"
    assert "  child C001: matched by the authority's child identifier; the files give another ethnicity" in lines
    assert "  child C002: matched by the authority's child identifier" in lines
    assert "  child C003: not recorded yet: a new person, their names and address to complete" in lines
    assert _snapshot() == before


def _zipped(texts: dict[str, str], folder: str = "") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in texts.items():
            archive.writestr(f"{folder}{name}", text)
    return buffer.getvalue()


def test_the_zip_commissioners_download_is_imported_like_its_csv_files(taking_on):
    zipped = {"ssda903-E08000035-2026.zip": _zipped(small_return(), folder="ssda903/")}

    result = import_903(actor=taking_on.actor, commissioner=taking_on.authority, year=2026, files=zipped)

    assert result.created["LookedAfterChild"] == 2 and result.notes == []
    texts = small_return()
    original = {table: _rows_of(texts[FILE_NAMES[table]]) for table in COLUMNS if table != "DoLo"}
    _assert_same_rows(_export(taking_on.authority, 2026), original)


def test_a_zip_that_cannot_be_opened_is_refused_by_name(taking_on):
    before = _counts()

    with pytest.raises(ReturnImportError) as refused:
        import_903(
            actor=taking_on.actor, commissioner=taking_on.authority, year=2026, files={"return.zip": b"PK\x03\x04 no"}
        )

    assert Problem("return.zip", 0, "", "not a zip file that can be opened (save it again, or send the CSVs)") in (
        refused.value.problems
    )
    assert _counts() == before


def test_a_social_worker_episode_ending_the_day_care_ends_comes_back_ended(taking_on):
    """Import then export of the same year gives back the same rows, every column."""
    texts = small_return()
    texts["episodes.csv"] = texts["episodes.csv"].replace(
        "C001,01/09/2025,P,C2,N1,U6,PR4,,,,", "C001,01/09/2025,P,C2,N1,U6,PR4,10/01/2026,E13,,"
    )
    texts["sw_episodes.csv"] = texts["sw_episodes.csv"].replace(
        "C001,01/06/2012,SW900002,01/10/2025,,LEFTRL", "C001,01/06/2012,SW900002,01/10/2025,10/01/2026,LEFTRL"
    )
    texts["oc2.csv"] = ",".join(COLUMNS["OC2"]) + "\n"  # no longer looked after at 31 March

    _import_texts(taking_on, texts)

    original = {table: _rows_of(texts[FILE_NAMES[table]]) for table in COLUMNS if table != "DoLo"}
    _assert_same_rows(_export(taking_on.authority, 2026), original)


def test_the_return_check_accepts_a_social_worker_episode_ended_with_care(taking_on, tmp_path):
    """The DfE rule SW17 (the latest episode open at 31 March) is set aside, by the record, for a child
    whose care ended in the year; it stays for a child still in care."""
    from casework.looked_after.validation import confirm_against_history, validate_directory

    texts = small_return()
    texts["episodes.csv"] = texts["episodes.csv"].replace(
        "C001,01/09/2025,P,C2,N1,U6,PR4,,,,", "C001,01/09/2025,P,C2,N1,U6,PR4,10/01/2026,E13,,"
    )
    texts["sw_episodes.csv"] = texts["sw_episodes.csv"].replace(
        "C001,01/06/2012,SW900002,01/10/2025,,LEFTRL", "C001,01/06/2012,SW900002,01/10/2025,10/01/2026,LEFTRL"
    )
    texts["oc2.csv"] = ",".join(COLUMNS["OC2"]) + "\n"
    _import_texts(taking_on, texts)
    children = la.LookedAfterChild.objects.filter(commissioner=taking_on.authority)
    build_return(children=children, year=2026).write(tmp_path)
    result = validate_directory(tmp_path, year=2026, authority=taking_on.authority.ons_code)
    confirm_against_history(result, children=children)
    assert not [e for e in result.errors if e["code"] == "SW17STG2"], result.errors
    assert [e["child"] for e in result.confirmed_by_history if e["code"] == "SW17STG2"] == ["C001"]


def test_a_care_leaver_whose_care_ended_before_the_files_is_taken_on_as_a_former_relevant_child(taking_on):
    """In the care leavers table (OC3) and in none of the episodes: counted by the care leaver indicators."""
    from casework.outcomes import data as outcome_data
    from casework.outcomes.compute import Result, compute

    _import_texts(taking_on, every_field_return(), year=2027)

    leaver = la.LookedAfterChild.objects.get(child_id="C3")  # 21 on 15 September 2026, not in touch
    assert leaver.former_relevant_by_return and not leaver.episodes.exists()
    loaded = outcome_data.load(
        la.LookedAfterChild.objects.filter(commissioner=taking_on.authority),
        period_start=date(2026, 4, 1),
        period_end=date(2027, 3, 31),
    )
    assert compute(loaded, "care_leavers_in_touch") == Result(0, 1, 0.0)


def test_the_next_contact_with_a_care_leaver_taken_on_from_a_return_can_be_recorded(taking_on):
    from casework.looked_after import services

    texts = {
        "header.csv": "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\nL17,M,01/06/2008,WBRI,UN3,,\n",
        "episodes.csv": small_return()["episodes.csv"].splitlines()[0] + "\n",
        "oc3.csv": "CHILD,DOB,IN_TOUCH,ACTIV,ACCOM\nL17,01/06/2008,YES,F2,B1\n",
    }
    _import_texts(taking_on, texts)  # 17 on 1 June 2025
    leaver = la.LookedAfterChild.objects.get(child_id="L17")

    contact = services.care_leaver_contact_record(
        actor=taking_on.actor,
        child=leaver,
        birthday_age=18,
        contacted_on=date(2026, 6, 3),
        in_touch="YES",
        activity="F2",
        accommodation="B",
        accommodation_suitable=True,
    )

    assert contact.birthday_age == 18 and leaver.former_relevant_by_return


def test_the_return_check_sets_1001_aside_only_for_a_care_leaver_taken_on_from_a_return(taking_on):
    """The DfE rules look for the care in two years of episodes; a care leaver taken on as former relevant by
    the authority's return has none here, and their OC3 row is set aside as confirmed; anyone else's stays."""
    from casework.looked_after.validation import ValidationResult, confirm_against_history

    _import_texts(taking_on, every_field_return(), year=2027)

    def error(child):
        return {"child": child, "table": "OC3", "row": 0, "code": "1001", "message": "", "fields": []}

    result = ValidationResult(year=2027, authority=AUTHORITY, errors=[error("C3"), error("E5")], rules=1, ran=1)
    confirm_against_history(result, children=la.LookedAfterChild.objects.all())
    assert [e["child"] for e in result.errors] == ["E5"]
    assert [e["child"] for e in result.confirmed_by_history] == ["C3"]


def test_an_imports_counts_read_in_the_order_records_are_written_whatever_order_they_were_kept_in():
    # a preview keeps its counts in a JSON field; PostgreSQL's jsonb gives the keys back sorted its own way
    from casework.looked_after.imports.writing import year_in_words

    kept = {
        "year": 2026,
        "children": 2,
        "rows": 12,
        "created": {"Review": 2, "Case": 2, "Person": 2, "Worker": 2},
        "updated": {},
    }
    assert year_in_words(kept, done=False).endswith(
        "will create 2 social workers of the authority, 2 people, 2 cases, 2 reviews; will update nothing"
    )
