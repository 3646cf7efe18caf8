"""Walk every form page in the URLconf and send it bad input: the refusals must be plain English.

Each page is opened as the first role that may use it (a POST form on the page); then the form is
sent empty, with over-long text, and with an impossible date. Whatever comes back must never be a
500; a page shown again must have a title starting "Error:" and the GOV.UK error summary, and no
message on it may be one of Django's defaults, a raw constraint, a model class name or a module
path. A new form page is covered the day its URL is added.
"""

import html
import re
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.urls import get_resolver

from casework.accounts.models import Role
from tests.test_access_walk import PUBLIC_OR_ACCOUNT, _fill, _objects_of_a, _walk

DENYLIST = [
    "This field is required",
    "Ensure this value",
    "Ensure that there are no more",
    "day is out of range",
    "month must be in",
    "year is out of range",
    "Constraint",
    "violated",
    "Select a valid choice",
    "Enter a valid date",
    "Enter a valid value",
    "Enter a valid time",
    "Enter a valid email",
    "Enter a valid URL",
    "Enter a whole number",
    "Enter a number",
    "is not a valid",
    "already exists",
    "cannot be blank",
    "cannot be null",
    "casework.",
    ".py",
]
# Pages whose only POST is not a data form (a plain button), or that live outside the app's pages.
NOT_FORM_PAGES = {"logout"}
LONG = "x" * 5000


def _model_class_names() -> set[str]:
    # two-word class names only ("LookedAfterChild", "CaseNote"): "Person" or "Case" are also words
    names = {m.__name__ for m in apps.get_models() if m.__module__.startswith("casework.")}
    return {n for n in names if re.search(r"[a-z][A-Z]", n) and not n.startswith("Historical")}


class _Forms(HTMLParser):
    """The POST forms on a page: each one's action and its fields (name -> kind and options)."""

    def __init__(self):
        super().__init__()
        self.forms, self._form, self._select = [], None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self._form = {"action": a.get("action") or "", "fields": {}}
            self.forms.append(self._form)
        if self._form is None:
            return
        fields = self._form["fields"]
        name = a.get("name")
        if tag == "input" and name and name != "csrfmiddlewaretoken":
            kind = a.get("type", "text")
            if kind in ("radio", "checkbox"):
                fields.setdefault(name, {"kind": kind, "options": []})["options"].append(a.get("value", "on"))
            else:
                fields[name] = {"kind": kind, "value": a.get("value", "")}
        elif tag == "textarea" and name:
            fields[name] = {"kind": "text", "value": ""}
        elif tag == "select" and name:
            self._select = fields[name] = {"kind": "select", "options": []}
        elif tag == "option" and self._select is not None and a.get("value"):
            self._select["options"].append(a["value"])

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        if tag == "form":
            self._form = None


def _post_forms(body: str, url: str) -> list[dict]:
    parser = _Forms()
    parser.feed(body)
    return [f for f in parser.forms if f["action"] in ("", url) and f["fields"]]


def _is_date_part(name: str, fields: dict) -> bool:
    stem = name[:-2]
    return bool(re.search(r"_[012]$", name)) and all(f"{stem}_{i}" in fields for i in range(3))


def _data(fields: dict, *, text: str, date: tuple[str, str, str]) -> dict:
    data = {}
    for name, f in fields.items():
        if _is_date_part(name, fields):
            data[name] = date[int(name[-1])]
        elif f["kind"] in ("radio", "select"):
            if f["options"]:
                data[name] = f["options"][0]
        elif f["kind"] in ("hidden", "submit"):
            data[name] = f["value"]
        elif f["kind"] in ("text", "number", "email", "password", "tel"):
            data[name] = text
    return data


def _users(world):
    a = world.a.users
    return [
        a[Role.PRACTITIONER],
        a[Role.TEAM_MANAGER],
        a[Role.PRACTICE_MANAGER],
        world.commissioner_users[Role.COMMISSIONER_OFFICER],
        a[Role.AUDITOR],
    ]


def _form_pages(world, client):
    """(url name, url, user, fields) for every page with a POST form, for the first role that has it."""
    ids = _objects_of_a(world, client)
    pages, broken = [], []
    for name, route, _params in _walk(get_resolver().url_patterns):
        if name in PUBLIC_OR_ACCOUNT | NOT_FORM_PAGES or (name or "").startswith("api") or route.startswith("api/"):
            continue
        url = _fill(route, ids)
        for user in _users(world):
            client.force_login(user)
            response = client.get(url)
            if response.status_code >= 500:
                broken.append(f"{name} (GET as {user.role}): {response.status_code}")
            if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
                continue
            # a form with nothing to fill in (a confirm button) has no input to get wrong
            found = [
                f for f in _post_forms(response.content.decode(), url)
                if any(field["kind"] not in ("hidden", "submit") for field in f["fields"].values())
            ]
            if found:
                pages.append((name, url, user, found[0]["fields"]))
                break
    # restricting a record hides it from the roles the later pages are opened as: do those last
    return sorted(pages, key=lambda page: "restrict" in page[0]), broken


def _problems(response, name: str, what: str, class_names: set[str]) -> list[str]:
    where = f"{name} ({what})"
    if response.status_code >= 500:
        return [f"{where}: {response.status_code}"]
    if response.status_code != 200:
        return []
    body = html.unescape(response.content.decode())
    found = []
    title = re.search(r"<title>\s*(.*?)\s*</title>", body, re.S).group(1)
    if not title.startswith("Error:"):
        found.append(f"{where}: title {title!r} does not start with 'Error:'")
    if "govuk-error-summary" not in body:
        found.append(f"{where}: no error summary")
    summary = re.search(r'class="govuk-error-summary".*?</div>\s*</div>', body, re.S)
    messages = " | ".join(re.findall(r'class="govuk-error-message">(.*?)</p>', body, re.S))
    shown = (summary.group(0) if summary else "") + messages
    words = re.sub(r"<[^>]+>|\s+", " ", shown)
    for bad in DENYLIST + sorted(class_names):
        if bad in shown:
            found.append(f"{where}: shows {bad!r}: {words[:400]}")
    return found


@pytest.mark.django_db
def test_every_form_refuses_bad_input_in_plain_english_naming_the_field(world, client):
    client.raise_request_exception = False  # a 500 is reported below with the page it came from
    pages, problems = _form_pages(world, client)
    names = {name for name, *_ in pages}
    # the walk really found the app's form pages (people, cases, registrations, children, contracts)
    assert len(pages) >= 30, sorted(names)
    assert {"person_create", "case_allocate", "case_note_add", "looked_after_visit", "contract_let"} <= names
    class_names = _model_class_names()
    for name, url, user, fields in pages:
        client.force_login(user)
        has_text = any(f["kind"] == "text" and not _is_date_part(n, fields) for n, f in fields.items())
        has_date = any(_is_date_part(n, fields) for n in fields)
        # what a browser sends when nothing is filled in: the button, and the record's version
        empty = {n: f["value"] for n, f in fields.items() if f["kind"] in ("hidden", "submit")}
        problems += _problems(client.post(url, empty), name, "empty", class_names)
        if has_text:
            long = client.post(url, _data(fields, text=LONG, date=("1", "1", "2024")))
            problems += _problems(long, name, "over-long", class_names)
        if has_date:
            impossible = client.post(url, _data(fields, text="Test", date=("31", "2", "2023")))
            problems += _problems(impossible, name, "impossible date", class_names)
    assert not problems, "\n".join(problems)


def test_the_walker_reads_date_boxes_and_choices():
    fields = {
        "summary": {"kind": "text", "value": ""},
        "occurred_on_0": {"kind": "text", "value": ""},
        "occurred_on_1": {"kind": "text", "value": ""},
        "occurred_on_2": {"kind": "text", "value": ""},
        "worker": {"kind": "select", "options": ["7", "8"]},
        "version": {"kind": "hidden", "value": "3"},
    }
    assert _data(fields, text="T", date=("31", "2", "2023")) == {
        "summary": "T",
        "occurred_on_0": "31",
        "occurred_on_1": "2",
        "occurred_on_2": "2023",
        "worker": "7",
        "version": "3",
    }
