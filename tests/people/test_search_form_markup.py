"""The person search form is written out in GOV.UK markup (people/search_form.html), not walked through
crispy-forms on every search: the same HTML as crispy gives it, to the attribute, with what was typed."""

import pytest
from crispy_forms.helper import FormHelper
from django.template import Context, Template

from casework.accounts.models import Role
from casework.people.forms import PersonSearchForm
from tests.cases.test_case_note_form_empty import _markup


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"name": "Sophie Murhpy"},
        {"name": "O'Brien & <Smith>", "upn": 'a"b'},
        {"name": "", "date_of_birth_0": "3", "date_of_birth_1": "04", "date_of_birth_2": "2010"},
        {"date_of_birth_0": "1", "date_of_birth_1": "1", "date_of_birth_2": "2010", "nhs_number": "943 476 5919"},
        {"name": " 0 ", "nhs_number": "", "upn": "A123"},
    ],
)
def test_the_form_is_the_markup_crispy_gives_it(data):
    form = PersonSearchForm(data)
    if data is not None:
        assert form.is_valid(), form.errors
    crispy = Template("{% load crispy_forms_tags %}{% crispy form %}").render(Context({"form": form}))
    plain = Template('{% include "people/search_form.html" %}').render(Context({"form": form}))
    assert _markup(plain) == _markup(crispy)
    assert 'class="govuk-hint"' in plain and 'name="date_of_birth_2"' in plain


@pytest.mark.django_db
def test_the_search_page_walks_no_form_through_crispy_unless_it_has_errors(world, client, monkeypatch):
    walked = []
    render_layout = FormHelper.render_layout

    def counting(self, *args, **kwargs):
        walked.append(self)
        return render_layout(self, *args, **kwargs)

    monkeypatch.setattr(FormHelper, "render_layout", counting)
    client.force_login(world.a.users[Role.PRACTITIONER])
    for url in (
        "/people/",
        "/people/?name=Okafor",
        "/people/?name=Okafor&date_of_birth_0=3&date_of_birth_1=4&date_of_birth_2=2010",
    ):
        page = client.get(url).content.decode()
        assert 'id="id_name"' in page and 'id="submit-id-submit"' in page
    assert 'value="Okafor"' in page and 'value="2010"' in page
    assert walked == []
    # a form with errors still goes through crispy, which shows them beside the fields
    page = client.get("/people/?date_of_birth_0=31&date_of_birth_1=2&date_of_birth_2=2010").content.decode()
    assert len(walked) == 1
    assert "govuk-error-message" in page
