"""The audit log page (/audit/log/): an organisation's auditors and practice managers read what its
staff did and saw, and the failed sign-ins and lockouts against its staff's accounts; never another
organisation's entries, nor failed sign-ins with a username that is no one's account. Filters,
bad input, the CSV download (itself audited) and the page's query count."""

import csv
import html
import io
import re
from datetime import date, datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casework.accounts.models import Role
from casework.audit import selectors
from casework.audit import services as audit_services
from casework.audit.models import AuditEvent
from casework.contracts.models import Contract
from casework.core import access
from casework.people import services as people_services
from tests.conftest import TODAY

URL = "/audit/log/"
WRONG = "not-the-password-42"
LONDON = ZoneInfo("Europe/London")


def _wrong_password(username, times=1, address="127.0.0.1"):
    client = Client()
    for _ in range(times):
        client.post("/accounts/login/", {"username": username, "password": WRONG}, REMOTE_ADDR=address)


def _named(user, first, last):
    user.first_name, user.last_name = first, last
    user.save()
    return user


def _contract_report_csv(client, user, org, commissioner):
    contract = Contract.objects.get(practice=org, commissioner=commissioner)
    year = contract.years.order_by("-start_date").first()
    client.force_login(user)
    response = client.get(reverse("contract_report", args=[contract.pk]), {"year": year.pk, "format": "csv"})
    assert response.status_code == 200
    return contract


@pytest.fixture
def log(world, client):
    """Practice A: a failed sign-in to Priya Shah's account (practitioner), Tom Reed (team manager)
    locked out after five, a contract report exported by A's manager, a view of a person's page,
    a record restricted and lifted. Practice B: a failed sign-in to Bea Black's account and B's own
    export. Nobody's: failed sign-ins and a lockout with a username that is no account."""
    a, b = world.a, world.b
    priya = _named(a.users[Role.PRACTITIONER], "Priya", "Shah")
    tom = _named(a.users[Role.TEAM_MANAGER], "Tom", "Reed")
    bea = _named(b.users[Role.PRACTITIONER], "Bea", "Black")
    _named(a.users[Role.PRACTICE_MANAGER], "Mina", "Patel")

    _wrong_password(priya.username)
    _wrong_password(tom.username, times=5)
    _wrong_password(bea.username)
    _wrong_password("no-such-user", times=5, address="192.0.2.7")

    a_contract = _contract_report_csv(client, a.users[Role.PRACTICE_MANAGER], a.org, world.commissioner)
    b_contract = _contract_report_csv(client, b.users[Role.PRACTICE_MANAGER], b.org, world.other_commissioner)

    person = a.people[0]
    client.force_login(priya)
    assert client.get(f"/people/{person.pk}/").status_code == 200
    manager = a.users[Role.PRACTICE_MANAGER]
    restriction = people_services.person_restrict(actor=manager, person=person, reason="Staff relative")
    people_services.person_restriction_lift(actor=manager, restriction=restriction, reason="No longer needed")
    client.logout()
    return SimpleNamespace(
        priya=priya, tom=tom, bea=bea, person=person, a_contract=a_contract, b_contract=b_contract, manager=manager
    )


# Tom's five wrong passwords, newest first: the fifth locks the account (axes writes the lockout
# before Django's failed sign-in for the same attempt).
TOM_LOCKED_OUT = [
    "Failed sign-in to the account of Tom Reed",
    "Locked out after failed sign-ins: the account of Tom Reed",
    *["Failed sign-in to the account of Tom Reed"] * 4,
]


def _rows(response) -> list[list[str]]:
    assert response.status_code == 200
    body = response.content.decode()
    if 'id="audit-log"' not in body:
        return []
    table = body.split('id="audit-log"')[1].split("</table>")[0]
    table = re.sub(r'<span class="govuk-visually-hidden">.*?</span>', "", table)
    rows = table.split("<tbody")[1].split("</tr>")[:-1]
    cells = [[re.sub(r"<[^>]+>", "", "<td" + cell) for cell in row.split("<td")[1:]] for row in rows]
    return [[html.unescape(cell).strip() for cell in row] for row in cells]


def _csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="audit-log-')
    text = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.reader(io.StringIO(text)))


def _whats(rows) -> list[str]:
    return [row[3] for row in rows]


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.AUDITOR, Role.PRACTICE_MANAGER])
def test_auditors_and_managers_see_their_staffs_failed_sign_ins_lockouts_and_exports(world, client, log, role):
    client.force_login(world.a.users[role])
    sign_ins = _rows(client.get(URL, {"kind": "sign_in"}))
    failed = [row for row in sign_ins if row[3].startswith("Failed sign-in")]
    assert [row[1:] for row in failed] == [["—", "", "Failed sign-in to the account of Tom Reed", ""]] * 5 + [
        ["—", "", "Failed sign-in to the account of Priya Shah", ""]
    ]
    locked = [row[1:] for row in sign_ins if row[3].startswith("Locked out")]
    assert locked == [["—", "", "Locked out after failed sign-ins: the account of Tom Reed", ""]]

    exports = _rows(client.get(URL, {"kind": "data"}))
    assert [row[1:] for row in exports] == [
        ["Mina Patel", "Practice manager", f"Exported: monitoring report of contract {log.a_contract.pk} (CSV)", ""]
    ]

    # Everything A's log holds (the CSV: every row): nothing of B's, nothing of nobody's.
    everything = _csv_rows(client.get(URL, {"format": "csv"}))
    text = "\n".join(",".join(row) for row in everything)
    assert "Bea Black" not in text
    assert f"Exported: monitoring report of contract {log.b_contract.pk} (CSV)" not in _whats(everything)
    assert "unknown or no account" not in text.lower()
    assert len([w for w in _whats(everything) if w.startswith("Failed sign-in")]) == 6
    assert len([w for w in _whats(everything) if w.startswith("Locked out")]) == 1


@pytest.mark.django_db
def test_the_other_practice_sees_its_own_and_nobody_sees_unknown_usernames(world, client, log):
    client.force_login(world.b.users[Role.AUDITOR])
    rows = _csv_rows(client.get(URL, {"format": "csv"}))
    failed = [w for w in _whats(rows) if w.startswith("Failed sign-in") or w.startswith("Locked out")]
    assert failed == ["Failed sign-in to the account of Bea Black"]
    assert f"Exported: monitoring report of contract {log.b_contract.pk} (CSV)" in _whats(rows)
    text = "\n".join(",".join(row) for row in rows)
    assert "Priya" not in text and "Tom Reed" not in text and "Mina Patel" not in text
    assert f"Exported: monitoring report of contract {log.a_contract.pk} (CSV)" not in _whats(rows)
    # the page says why failed sign-ins with an unknown username are not there
    assert "a username that is not an account are not shown" in client.get(URL).content.decode()

    # The entries about an unknown username exist, in no organisation's scope.
    unknown = AuditEvent.objects.filter(action__in=access.SIGN_IN_ATTEMPT_ACTIONS, object_id="")
    assert unknown.filter(action="sign_in_failed").count() == 5
    assert unknown.filter(action="sign_in_locked_out").count() == 1
    for user in (world.a.users[Role.AUDITOR], world.a.users[Role.PRACTICE_MANAGER], world.b.users[Role.AUDITOR]):
        assert not access.scoped(user, AuditEvent).filter(object_id="", actor_id__isnull=True).exists()


@pytest.mark.django_db
def test_each_filter_keeps_what_it_should(world, client, log):
    client.force_login(world.a.users[Role.AUDITOR])

    views = _rows(client.get(URL, {"kind": "views"}))
    assert [row[1:] for row in views] == [
        ["Priya Shah", "Practitioner", "Viewed: person's record (page: Person's page)", str(log.person.pk)]
    ]

    changes = _whats(_rows(client.get(URL, {"kind": "changes"})))
    assert changes[:2] == ["Lifted a restriction", "Restricted a record"]
    assert not any(w.startswith(("Failed", "Locked", "Viewed", "Exported", "Signed")) for w in changes)

    sign_ins = _whats(_rows(client.get(URL, {"kind": "sign_in"})))
    assert sign_ins and all(w.startswith(("Failed", "Locked", "Signed", "Passed")) for w in sign_ins)
    assert not any(w.startswith(("Viewed", "Exported", "Restricted")) for w in sign_ins)

    # A user: what they did and the failed sign-ins against their account, nobody else's.
    priya = _rows(client.get(URL, {"user": log.priya.pk}))
    assert {w for w in _whats(priya)} == {
        "Failed sign-in to the account of Priya Shah",
        "Signed in",
        "Viewed: person's record (page: Person's page)",
        "Signed out",
    }
    assert {row[1] for row in priya} == {"—", "Priya Shah"}
    tom = _whats(_rows(client.get(URL, {"user": log.tom.pk, "kind": "sign_in"})))
    assert tom == TOM_LOCKED_OUT

    # A person's Casework ID: the entries about them only.
    person = _rows(client.get(URL, {"person_id": log.person.pk}))
    assert person and {row[4] for row in person} == {str(log.person.pk)}
    assert "Viewed: person's record (page: Person's page)" in _whats(person)
    assert "Restricted a record" in _whats(person) and "Lifted a restriction" in _whats(person)
    assert _rows(client.get(URL, {"person_id": world.a.people[1].pk, "kind": "views"})) == []


@pytest.mark.django_db
def test_the_dates_are_local_days_both_included(world, client, log, monkeypatch):
    # An export by A's manager at 23:30 London time on 1 July 2025 (22:30 UTC): it is 1 July's.
    late = datetime(2025, 7, 1, 23, 30, tzinfo=LONDON)
    with monkeypatch.context() as patched:
        patched.setattr(audit_services, "timezone", SimpleNamespace(now=lambda: late))
        audit_services.audit_record(
            actor=log.manager, action="export", object_type="ssda903", object_id="E08000035/2025"
        )

    client.force_login(world.a.users[Role.AUDITOR])

    def dates(prefix, day):
        return {f"{prefix}_0": day.day, f"{prefix}_1": day.month, f"{prefix}_2": day.year}

    first_of_july = _rows(
        client.get(URL, {**dates("date_from", date(2025, 7, 1)), **dates("date_to", date(2025, 7, 1))})
    )
    assert [row[0:4] for row in first_of_july] == [
        ["1 Jul 2025 23:30:00", "Mina Patel", "Practice manager", "Exported: SSDA903 return E08000035/2025"]
    ]
    assert (
        _rows(client.get(URL, dates("date_from", date(2025, 7, 2)) | dates("date_to", TODAY - timedelta(days=1)))) == []
    )
    assert _rows(client.get(URL, dates("date_to", date(2025, 6, 30)))) == []
    until_then = _rows(client.get(URL, dates("date_to", date(2025, 7, 1))))
    assert len(until_then) == 1
    today = _whats(_rows(client.get(URL, {**dates("date_from", TODAY), "kind": "data"})))
    assert "Exported: SSDA903 return E08000035/2025" not in today and today


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params, message",
    [
        ({"date_from_0": "31", "date_from_1": "2", "date_from_2": "2026"}, "Date from must be a real date"),
        ({"date_to_0": "1", "date_to_1": "13", "date_to_2": "2026"}, "Date to must be a real date"),
        (
            {"date_to_0": "1", "date_to_1": "1", "date_to_2": "99999"},
            "Date to must include a year with 4 numbers, for example 2024",
        ),
        ({"date_from_0": "1", "date_from_1": "2"}, "Date from must include a year"),
        ({"date_from_0": "x", "date_from_1": "2", "date_from_2": "2026"}, "Date from must be a real date"),
        ({"date_from_0": "1", "date_from_1": "1", "date_from_2": "1066"}, "Date from must be between 1900 and 2999"),
        (
            {
                "date_from_0": "2",
                "date_from_1": "1",
                "date_from_2": "2026",
                "date_to_0": "1",
                "date_to_1": "1",
                "date_to_2": "2026",
            },
            "Date to must be the same as or after date from",
        ),
        ({"person_id": "abc"}, "Enter a Casework ID as a number"),
        ({"person_id": "0"}, "Enter a Casework ID as a number"),
        ({"person_id": str(10**30)}, "Enter a Casework ID as a number"),
        ({"user": "999999"}, "Choose a user of your organisation from the list"),
        ({"user": "abc"}, "Choose a user of your organisation from the list"),
        ({"kind": "everything"}, "Choose the kind of event from the list"),
    ],
)
def test_bad_filters_show_the_error_summary(world, client, params, message):
    client.force_login(world.a.users[Role.AUDITOR])
    for extra in ({}, {"format": "csv"}):
        response = client.get(URL, {**params, **extra})
        assert response.status_code == 200
        assert "Content-Disposition" not in response
        body = html.unescape(response.content.decode())
        assert "govuk-error-summary" in body and message in body, params
        assert 'id="audit-log"' not in body


@pytest.mark.django_db
def test_a_user_of_another_organisation_is_not_a_choice(world, client):
    client.force_login(world.a.users[Role.AUDITOR])
    page = client.get(URL).content.decode()
    assert f'value="{world.a.users[Role.PRACTITIONER].pk}"' in page
    assert f'value="{world.b.users[Role.PRACTITIONER].pk}"' not in page
    response = client.get(URL, {"user": world.b.users[Role.PRACTITIONER].pk})
    assert "Choose a user of your organisation from the list" in html.unescape(response.content.decode())


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.PRACTITIONER, Role.TEAM_MANAGER, Role.SYSTEM_ADMINISTRATOR])
def test_other_practice_roles_are_refused(world, client, role):
    client.force_login(world.a.users[role])
    assert client.get(URL).status_code == 403
    assert client.get(URL, {"format": "csv"}).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.COMMISSIONER_OFFICER, Role.EVALUATOR])
def test_commissioners_are_refused(world, client, role):
    client.force_login(world.commissioner_users[role])
    assert client.get(URL).status_code == 403
    assert client.get(URL, {"format": "csv"}).status_code == 403


@pytest.mark.django_db
def test_the_csv_has_the_filtered_rows_and_is_audited(world, client, log):
    auditor = world.a.users[Role.AUDITOR]
    client.force_login(auditor)
    params = {"kind": "sign_in", "user": log.tom.pk}
    page = _rows(client.get(URL, params))
    before = AuditEvent.objects.count()
    rows = _csv_rows(client.get(URL, {**params, "format": "csv"}))
    assert rows[0] == ["When", "Who", "Role", "What", "Casework ID"]
    assert [row[1:] for row in rows[1:]] == [row[1:] for row in page]
    assert len(rows) == 1 + 6
    written = AuditEvent.objects.order_by("pk")[before:]
    assert [(e.action, e.actor_id, e.object_type, e.object_id, e.detail) for e in written] == [
        (
            "export",
            auditor.pk,
            "audit.auditevent",
            "",
            {"format": "csv", "rows": 6, "kind": "sign_in", "user": log.tom.pk},
        )
    ]
    # the download is in the log itself, after it
    exports = _whats(_rows(client.get(URL, {"kind": "data"})))
    assert exports[0] == "Exported: audit log (CSV)"


@pytest.mark.django_db
def test_the_csv_of_everything_matches_the_pages(world, client, log):
    client.force_login(log.priya)
    for _ in range(10):
        client.get(f"/people/{log.person.pk}/")
    client.force_login(world.a.users[Role.PRACTICE_MANAGER])
    response = client.get(URL)
    assert "Page 1 of 2" in response.content.decode()
    first = _rows(response)
    pages = first + _rows(client.get(URL, {"page": 2}))
    rows = _csv_rows(client.get(URL, {"format": "csv"}))[1:]
    assert len(first) == 25 and len(rows) == len(pages) > 25
    assert [row[1:] for row in rows] == [row[1:] for row in pages]


@pytest.mark.django_db
def test_reading_the_log_writes_nothing(world, client, log):
    client.force_login(world.a.users[Role.AUDITOR])
    before = AuditEvent.objects.count()
    for params in ({}, {"kind": "views"}, {"person_id": log.person.pk}, {"page": 2}):
        assert client.get(URL, params).status_code == 200
    assert AuditEvent.objects.count() == before


@pytest.mark.django_db
def test_the_who_viewed_log_is_not_widened_by_the_audit_log_scope(world, client, log):
    """The log's scope now holds failed sign-ins and lockouts against the practice's accounts;
    who-viewed still lists the views and refusals of the person's record and nothing else."""
    manager = world.a.users[Role.PRACTICE_MANAGER]
    scope = access.scoped(manager, AuditEvent)
    assert scope.filter(action="sign_in_failed", object_id=str(log.priya.pk)).count() == 1
    views = selectors.record_views(actor=manager, person=log.person)
    assert [(e.action, e.actor_id, e.person_id) for e in views] == [("view", log.priya.pk, log.person.pk)]
    client.force_login(manager)
    body = client.get(f"/people/{log.person.pk}/who-viewed/").content.decode()
    assert "Failed sign-in" not in body and "Locked out" not in body
    assert "Page 1 of" not in body and body.count('<tr class="govuk-table__row"><td') == 1


@pytest.mark.django_db
def test_the_menu_links_the_log_for_auditors_and_managers_only(world, client):
    for role, shown in ((Role.AUDITOR, True), (Role.PRACTICE_MANAGER, True), (Role.PRACTITIONER, False)):
        client.force_login(world.a.users[role])
        # the auditor lands on the audit log itself (a redirect from "/"); the menu is on every page
        assert ('href="/audit/log/"' in client.get("/", follow=True).content.decode()) is shown, role


def _queries(client, params) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(URL, params)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.django_db
@pytest.mark.parametrize("kind, action", [("views", "view"), ("sign_in", "sign_in_failed")])
def test_the_page_costs_the_same_with_2_and_30_rows(world, client, kind, action):
    """Each row names a user (the actor, or the account a failed sign-in was against): the page
    reads the users of its rows in one query, however many rows and users."""
    a = world.a
    person = a.people[0]
    staff = [a.users[role] for role in (Role.PRACTITIONER, Role.TEAM_MANAGER, Role.PRACTICE_MANAGER)]

    def grow(to: int):
        while (n := AuditEvent.objects.filter(action=action).count()) < to:
            user = staff[n % len(staff)]
            if action == "view":
                audit_services.audit_record(actor=user, action="view", obj=person, page="person_detail")
            else:
                audit_services.audit_record(
                    actor=None, action="sign_in_failed", object_type="accounts.user", object_id=user.pk
                )

    client.force_login(a.users[Role.AUDITOR])
    grow(2)
    assert len([r for r in _rows(client.get(URL, {"kind": kind})) if r[3].startswith(("Viewed", "Failed"))]) == 2
    small = _queries(client, {"kind": kind})
    grow(30)
    assert len(_rows(client.get(URL, {"kind": kind}))) == 25
    large = _queries(client, {"kind": kind})
    assert small == large
    # sign-in's own (session, MFA device), the form's list of users, the count, the page, its users
    assert large <= 12
