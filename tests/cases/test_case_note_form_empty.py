"""The person page's empty case-note form is written out in GOV.UK markup (cases/case_note_form_empty.html),
not walked through crispy-forms on every view: the same HTML as crispy gives it, to the attribute."""

from html.parser import HTMLParser

import pytest
from crispy_forms.helper import FormHelper
from django.template import Context, Template

from casework.accounts.models import Role
from casework.cases.forms import CaseNoteForm
from casework.cases.models import Case


class _Markup(HTMLParser):
    """Tags with their attributes (sorted, spaces collapsed) and text: markup as a browser reads it."""

    def __init__(self):
        super().__init__()
        self.items = []

    def handle_starttag(self, tag, attrs):
        self.items.append((tag, tuple(sorted((k, " ".join((v or "").split())) for k, v in attrs))))

    def handle_endtag(self, tag):
        self.items.append(("/" + tag,))

    def handle_data(self, data):
        if text := " ".join(data.split()):
            self.items.append(("text", text))


def _markup(html: str) -> list:
    parser = _Markup()
    parser.feed(html)
    return parser.items


@pytest.mark.django_db
@pytest.mark.parametrize("open_cases", [0, 1, 2])
def test_the_empty_form_is_the_markup_crispy_gives_it(world, open_cases):
    cases = Case.objects.filter(pk__in=[c.pk for c in world.a.cases[:open_cases]])
    assert cases.count() == open_cases
    form = CaseNoteForm(cases=cases)
    form.helper.form_action = "/people/1/notes/new/"
    crispy = Template("{% load crispy_forms_tags %}{% crispy form %}").render(Context({"form": form}))
    plain = Template('{% include "cases/case_note_form_empty.html" with form=form action=action cases=cases %}').render(
        Context({"form": form, "action": "/people/1/notes/new/", "cases": cases})
    )
    assert _markup(plain) == _markup(crispy)
    assert 'class="govuk-hint"' in plain and 'name="occurred_on_2"' in plain


@pytest.mark.django_db
def test_the_person_page_walks_no_form_through_crispy(world, client, monkeypatch):
    walked = []
    render_layout = FormHelper.render_layout

    def counting(self, *args, **kwargs):
        walked.append(self)
        return render_layout(self, *args, **kwargs)

    monkeypatch.setattr(FormHelper, "render_layout", counting)
    client.force_login(world.a.users[Role.PRACTITIONER])
    page = client.get(f"/people/{world.a.people[0].pk}/").content.decode()
    assert 'id="add-note"' in page and 'name="summary"' in page and 'value="Save note"' in page
    assert walked == []
