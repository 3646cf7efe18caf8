"""Plain-English refusals from a model save and from form fields (core/error_messages.py)."""

from datetime import date

import pytest
from django import forms
from django.core.exceptions import ValidationError

from casework.accounts.models import Role
from casework.cases import services as case_services
from casework.core.forms import GdsForm, date_field
from casework.core.persistence import clean_and_save
from casework.people.models import Relationship


def _messages(error: ValidationError) -> list[str]:
    return [m for ms in error.message_dict.values() for m in ms]


@pytest.mark.django_db
def test_a_model_save_over_the_maximum_length_names_the_field_in_plain_words(world):
    person = world.a.people[0]
    with pytest.raises(ValidationError) as refused:
        case_services.case_note_add(
            actor=world.a.users[Role.PRACTITIONER],
            person=person,
            note_type="visit",
            occurred_on=date.today(),
            summary="x" * 500,
            text="Seen at home",
        )
    assert refused.value.message_dict == {"summary": ["Summary must be 200 characters or fewer"]}


@pytest.mark.django_db
def test_a_constraint_violation_is_a_sentence_not_the_constraint_name(world):
    person = world.a.people[0]
    with pytest.raises(ValidationError) as refused:
        clean_and_save(
            Relationship(organisation=world.a.org, person=person, related_person=person, relationship_type="parent"),
            actor=None,
        )
    shown = " ".join(_messages(refused.value))
    assert "A person cannot be related to themself" in shown
    assert "Constraint" not in shown and "violated" not in shown and "not_related_to_self" not in shown


class _Example(GdsForm):
    summary = forms.CharField(label="Summary", max_length=200)
    date_of_birth = date_field("Date of birth")
    visits = forms.IntegerField(label="Number of visits (optional)", required=False, max_value=20)
    kind = forms.ChoiceField(label="How did they come to the practice?", choices=[("a", "A")])


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({}, "summary", "Enter the summary"),
        ({}, "date_of_birth", "Enter the date of birth"),
        ({}, "kind", 'Select an answer to "How did they come to the practice?"'),
        ({"summary": "x" * 201}, "summary", "Summary must be 200 characters or fewer"),
        ({"date_of_birth_0": "31", "date_of_birth_1": "2", "date_of_birth_2": "2023"}, "date_of_birth",
         "Date of birth must be a real date"),
        ({"date_of_birth_0": "1", "date_of_birth_2": "2023"}, "date_of_birth", "Date of birth must include a month"),
        ({"date_of_birth_0": "1", "date_of_birth_1": "2", "date_of_birth_2": "23"}, "date_of_birth",
         "Date of birth must include a year with 4 numbers, for example 2024"),
        ({"visits": "2.5"}, "visits", "Number of visits must be a whole number"),
        ({"visits": "21"}, "visits", "Number of visits must be 20 or less"),
        ({"kind": "z"}, "kind", 'Choose an answer to "How did they come to the practice?" from the list'),
    ],
)
def test_form_fields_refuse_in_plain_words_naming_the_field(data, field, message):
    form = _Example(data)
    assert not form.is_valid()
    assert form.errors[field] == [message]


@pytest.mark.django_db
def test_the_sign_in_page_names_the_missing_field(client):
    response = client.post("/accounts/login/", {"username": "", "password": ""})
    body = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in body and "govuk-error-summary" in body
    assert "Enter the username" in body and "Enter the password" in body
    assert "This field is required" not in body


def test_every_form_of_ours_takes_the_plain_messages():
    """Every form in the app is a GdsForm (which puts each field's messages in words) or the sign-in
    form (which does the same), so a new form cannot bring Django's defaults back."""
    import importlib
    import pkgutil

    import casework
    from casework.accounts.forms import SignInForm

    for module in pkgutil.walk_packages(casework.__path__, "casework."):
        if module.name.rsplit(".", 1)[-1] == "forms":
            importlib.import_module(module.name)

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    ours = {c for c in subclasses(forms.BaseForm) if c.__module__.startswith("casework.")}
    assert len(ours) > 20
    assert not [c.__qualname__ for c in ours if not issubclass(c, GdsForm | SignInForm)]
