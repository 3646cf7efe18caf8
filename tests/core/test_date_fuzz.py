"""No input, however odd, gives a 500 (issue 13, finding 8): fuzz every GOV.UK date input.

An outside probe found a 20-digit year, month or day in any date field raised OverflowError (41
fields on 33 pages), and a contract renewed to 01/01/9999 left its renewal page a 500 for good.

Two walks, so a new form or a new page is covered the day it is added:

* every date field of every form class (``tests/core/test_form_fields_walk.py``'s walk) is given
  each hostile value in each of its day, month and year boxes, and arbitrary text from hypothesis:
  it answers a date in its range or a GOV.UK message naming the field, never an exception;
* every page of the URLconf with a form holding a date input (``tests/core/test_form_walk.py``'s
  walk) is opened as each practice role and the commissioner officer, and sent hostile dates
  (with the other inputs valid, then garbage) as every role that has the form: never a 500.
"""

import re
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import get_resolver
from hypothesis import given, settings
from hypothesis import strategies as st

from casework.accounts.models import Role
from casework.core.forms import GdsDateField
from tests.core.test_form_fields_walk import FORMS
from tests.core.test_form_walk import LONG, NOT_FORM_PAGES, _data, _Forms, _is_date_part, _users
from tests.test_access_walk import PUBLIC_OR_ACCOUNT, _fill, _objects_of_a, _walk

TWENTY_DIGITS = "9" * 20
# What the probe and a fuzzer type into one box: each must be refused in words, never raise.
HOSTILE = [
    TWENTY_DIGITS,
    "1" + "0" * 19,
    "-1",
    "0",
    "00",
    "99999",
    "１２",  # fullwidth digits
    "١٢",  # Arabic-Indic digits
    "²",  # a digit to str.isdigit, not to int()
    "1e5",
    "0x1F",
    "+5",
    "1 2",
    "\x00",
    "\t",
    "3.0",
    "x" * 5000,
    "9" * 5000,
]
VALID = ("15", "6", "2020")
# Whole dates at and beyond the edges of what the calendar holds.
EXTREMES = [("31", "12", "9999"), ("1", "1", "0001"), ("1", "1", "1"), ("31", "12", "2999"), ("1", "1", "1900")]


def _date_fields():
    for path, form in sorted(FORMS.items()):
        for name, field in form.base_fields.items():
            if isinstance(field, GdsDateField):
                yield f"{path}.{name}", field


DATE_FIELDS = dict(_date_fields())


def _triples():
    for value in HOSTILE:
        for part in range(3):
            triple = list(VALID)
            triple[part] = value
            yield tuple(triple)
    yield from EXTREMES


def _outcome(field: GdsDateField, triple) -> str | None:
    """What is wrong with the field's answer to ``triple``, or None when it is a date or a refusal."""
    try:
        value = field.clean(list(triple))
    except ValidationError as error:
        message = error.messages[0]
        if "must" not in message and not message.startswith("Enter"):
            return f"{triple!r}: message {message!r} does not say what to do"
        return None
    except Exception as error:  # noqa: BLE001 - any other exception is the bug this test looks for
        return f"{triple!r}: {type(error).__name__}: {error}"
    if value is not None and not (1900 <= value.year <= 2999):
        return f"{triple!r}: accepted {value}"
    return None


def test_the_walk_finds_the_date_fields():
    assert "casework.people.forms.PersonForm.date_of_birth" in DATE_FIELDS
    assert "casework.contracts.forms.ContractRenewForm.end_date" in DATE_FIELDS
    assert len(DATE_FIELDS) > 40


@pytest.mark.parametrize("path", sorted(DATE_FIELDS))
def test_every_date_field_refuses_hostile_parts_in_words(path):
    field = DATE_FIELDS[path]
    problems = [p for p in (_outcome(field, t) for t in _triples()) if p]
    assert not problems, f"{path}:\n" + "\n".join(problems)


@pytest.mark.parametrize(
    "triple, message",
    [
        (("1", "1", TWENTY_DIGITS), "Date of birth must include a year with 4 numbers, for example 2024"),
        (("1", "1", "12345"), "Date of birth must include a year with 4 numbers, for example 2024"),
        ((TWENTY_DIGITS, "1", "2000"), "Date of birth must be a real date"),
        (("1", TWENTY_DIGITS, "2000"), "Date of birth must be a real date"),
        (("١٢", "1", "2000"), "Date of birth must be a real date"),
        (("１２", "1", "2000"), "Date of birth must be a real date"),
        (("1", "1", "２０００"), "Date of birth must be a real date"),
        (("1e5", "1", "2000"), "Date of birth must be a real date"),
        (("0", "1", "2000"), "Date of birth must be a real date"),
        (("31", "12", "9999"), "Date of birth must be between 1900 and 2999"),
    ],
)
def test_the_messages_are_the_design_systems(triple, message):
    field = GdsDateField(label="Date of birth", required=False)
    with pytest.raises(ValidationError) as refused:
        field.clean(list(triple))
    assert refused.value.messages == [message]


def test_spaces_round_a_number_are_forgiven():
    # GOV.UK: let people type spaces; a number with spaces round it is still the number
    assert GdsDateField(label="Date").clean([" 3 ", "4 ", " 2020"]).isoformat() == "2020-04-03"


@settings(max_examples=300, deadline=None)
@given(st.tuples(st.text(max_size=25), st.text(max_size=25), st.text(max_size=25)))
def test_any_text_in_the_boxes_is_a_date_or_a_refusal(triple):
    assert _outcome(GdsDateField(label="Date", required=False), triple) is None


# The pages.


class _AllForms(_Forms):
    """The page's forms, GET (searches, filters) as well as POST."""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "get").lower() == "get":
            self._form = {"action": a.get("action") or "", "fields": {}, "method": "get"}
            self.forms.append(self._form)
            return
        super().handle_starttag(tag, attrs)


def _date_forms(body: str, url: str) -> list[dict]:
    parser = _AllForms()
    parser.feed(body)
    return [
        f
        for f in parser.forms
        if f["action"] in ("", url, "?") and any(_is_date_part(n, f["fields"]) for n in f["fields"])
    ]


def _roles(world):
    return _users(world) + [world.a.users[Role.SYSTEM_ADMINISTRATOR]]


def _pages_with_dates(world, client):
    """(url name, url, user, form) for every form holding a date input, each page opened as the first
    role that may see it (a page shows each role that may see it the same form)."""
    ids = _objects_of_a(world, client)
    found = []
    for name, route, _params in _walk(get_resolver().url_patterns):
        if name in PUBLIC_OR_ACCOUNT | NOT_FORM_PAGES or route.startswith("api/"):
            continue
        url = _fill(route, ids)
        for user in _roles(world):
            client.force_login(user)
            response = client.get(url)
            assert response.status_code < 500, f"{name} (GET as {user.role})"
            if response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
                found += [(name, url, user, form) for form in _date_forms(response.content.decode(), url)]
                break
    # restricting a record hides it from the roles the later pages are opened as: do those last
    return sorted(found, key=lambda page: "restrict" in page[0])


# As the role that opened the page: overflowing and foreign digits, and the calendar's edges (the
# field-by-field walk above tries every hostile value in every box); as each other role, the latest
# date accepted, which reaches that role's service.
PAGE_TRIPLES = [
    (TWENTY_DIGITS, "1", "2020"),
    ("1", "1", TWENTY_DIGITS),
    ("١٢", "１２", "２０２０"),
    ("31", "12", "9999"),
    ("31", "12", "2999"),
    ("1", "1", "1900"),
]
OTHER_ROLE_TRIPLES = [("31", "12", "2999")]


def _send(client, url: str, form: dict, triple, text: str):
    data = _data(form["fields"], text=text, date=triple)
    return client.get(url, data) if form.get("method") == "get" else client.post(url, data)


def _shown(triple) -> tuple:
    """The triple as a report shows it: a long run of one character as its count."""
    return tuple(re.sub(r"(.)\1{9,}", lambda m: f"{m.group(1)}×{len(m.group(0))}", part) for part in triple)


@pytest.mark.django_db
def test_no_page_answers_500_to_a_hostile_date(world, client):
    client.raise_request_exception = True  # each exception is caught below, with what caused it
    pages = _pages_with_dates(world, client)
    names = {name for name, *_ in pages}
    # the walk really found the date inputs: people, cases, children, contracts, the audit log
    assert {"person_create", "case_open", "looked_after_visit", "contract_renew", "audit_log"} <= names, names
    assert len(names) >= 30, sorted(names)
    failures = []
    for name, url, opener, form in pages:
        groups = ", ".join(sorted({n[:-2] for n in form["fields"] if _is_date_part(n, form["fields"])}))
        tries = [(opener, triple, "Test") for triple in PAGE_TRIPLES] + [(opener, PAGE_TRIPLES[1], LONG)]
        tries += [(user, triple, "Test") for user in _roles(world) if user != opener for triple in OTHER_ROLE_TRIPLES]
        for user, triple, text in tries:
            client.force_login(user)
            try:
                status = _send(client, url, form, triple, text).status_code
            except Exception as error:  # noqa: BLE001 - reported with the page, the role and the value
                status = f"{type(error).__name__}: {str(error)[:80]}"
            if not isinstance(status, int) or status >= 500:
                failures.append(f"{name} as {user.role}: {groups} = {_shown(triple)!r}, text {len(text)}: {status}")
    pages_failing = {f.split(" as ")[0] for f in failures}
    assert not failures, f"{len(failures)} answers failed on {len(pages_failing)} pages:\n" + "\n".join(failures)


# Valid dates at the end of the calendar: a contract renewed to 01/01/9999 left its renewal page a
# 500 for good (the next year's start and suggested end are a day and a year later).


def _contract(world):
    from casework.contracts.models import Contract

    return Contract.objects.get(practice=world.a.org, commissioner=world.commissioner)


def _renewal(end: tuple[str, str, str]) -> dict:
    data = {f"end_date_{i}": part for i, part in enumerate(end)}
    return data | {"price_model": "block", "price": "1000.00", "caseload_cap_per_fte": "18", "carry_measures": "on"}


@pytest.mark.django_db
def test_a_contract_is_renewed_only_to_a_date_by_2100(world, client):
    from casework.contracts import services

    contract = _contract(world)
    officer = world.commissioner_users[Role.COMMISSIONER_OFFICER]
    client.force_login(officer)
    url = f"/contracts/{contract.pk}/renew/"
    for end in (("1", "1", "9999"), ("1", "1", "2101")):
        page = client.post(url, _renewal(end))
        assert (
            page.status_code == 200 and "New contract year ends must be between 1990 and 2100" in page.content.decode()
        )
    # the service refuses it whoever calls it (the seed, a command), on the field
    with pytest.raises(ValidationError) as refused:
        services.contract_renew(
            actor=officer,
            contract=contract,
            end_date=date(9999, 1, 1),
            price_model="block",
            price=1000,
            caseload_cap_per_fte=18,
        )
    assert refused.value.message_dict == {"end_date": ["The contract year must end by 31 December 2100"]}
    assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_a_contract_already_holding_the_last_date_still_renders(world, client):
    contract = _contract(world)
    # a year ending on the calendar's last day, as a record from before the range check may hold
    last = contract.years.order_by("-start_date").first()
    type(last).objects.filter(pk=last.pk).update(end_date=date(9999, 12, 31))
    client.force_login(world.commissioner_users[Role.COMMISSIONER_OFFICER])
    base = f"/contracts/{contract.pk}/"
    for url in (base, base + "renew/", base + "report/", base + "payments/", base + "children/"):
        assert client.get(url).status_code == 200, url
    page = client.post(base + "renew/", _renewal(("1", "1", "2030")))
    assert page.status_code == 200
    assert "The contract year ends on 31 December 9999: there is no later year to renew for" in page.content.decode()


def test_renewal_dates_stop_at_the_last_date_a_contract_may_hold():
    from casework.contracts.rules import contract_date_problem, renewal_dates

    assert renewal_dates(date(2026, 3, 31)) == (date(2026, 4, 1), date(2027, 3, 31))
    assert renewal_dates(date(2100, 6, 30)) == (date(2100, 7, 1), date(2100, 12, 31))  # suggested end held back
    assert renewal_dates(date(2100, 12, 31)) is None
    assert renewal_dates(date(9999, 12, 31)) is None  # a day later would overflow
    assert contract_date_problem(date(9999, 1, 1), ends=True) == "The contract must end by 31 December 2100"
    assert contract_date_problem(date(1989, 12, 31), ends=False) == "The contract must start between 1990 and 2100"
    assert contract_date_problem(date(2100, 12, 31), ends=True) is None


@pytest.mark.parametrize("triple, box", [(("1", "13", "2020"), 1), (("31", "2", "2021"), 0), (("1", "1", "20245"), 2)])
def test_the_box_to_correct_is_the_one_marked(triple, box):
    """The error goes on the box that is wrong (GOV.UK: the summary links to it, it is outlined red):
    month 13 is the month's fault, 31 February the day's, a 5-number year the year's."""
    field = GdsDateField(label="Date of birth", required=False)
    with pytest.raises(ValidationError):
        field.clean(list(triple))
    assert [bool(subfield.widget.errors) for subfield in field.fields] == [i == box for i in range(3)]
