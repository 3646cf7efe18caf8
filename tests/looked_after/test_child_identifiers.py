"""A 903 CHILD identifier is letters and digits only, up to 10 (issue 13, finding 3): one that a
spreadsheet would run as a formula, or that holds a line break, is refused by the import (with file,
row, column and reason, having written nothing) and by the form that starts a looked-after record."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from casework.accounts.models import Role
from casework.looked_after import models as la
from casework.looked_after import services
from casework.looked_after.imports import ReturnImportError
from tests.looked_after.test_import import _counts, _import_texts, small_return, taking_on  # noqa: F401

# as the probe sent them, each as it appears in a CSV file (the newline inside a quoted cell)
HOSTILE = {
    "=1+2*3": "=1+2*3",
    "+7+7": "+7+7",
    "@SUM(9)": "@SUM(9)",
    "-A1+1": "-A1+1",
    "quoted newline": '"C0\nX2"',
    "a hyphen first": "-12",
    "longer than 10": "C0020000000",
    "not ASCII": "C٠٠2",
}
REASON = "letters and digits"


@pytest.mark.parametrize("written", list(HOSTILE.values()), ids=list(HOSTILE))
def test_the_import_refuses_a_child_identifier_outside_the_903_character_set(taking_on, written):  # noqa: F811
    texts = {name: text.replace("C002", written) for name, text in small_return().items()}
    before = _counts()

    with pytest.raises(ReturnImportError) as refused:
        _import_texts(taking_on, texts)

    header = [p for p in refused.value.problems if p.file == "header.csv"]
    assert len(header) == 1, refused.value.problems
    assert header[0].column == "CHILD" and header[0].row == 3 and REASON in header[0].reason, header[0]
    # every file naming the child says so on the child's own row, in the CHILD column
    for name in ("episodes.csv", "reviews.csv", "previous_permanence.csv", "sw_episodes.csv"):
        assert any(p.file == name and p.column == "CHILD" and REASON in p.reason for p in refused.value.problems), name
    assert _counts() == before
    assert not la.LookedAfterChild.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("child_id", ["=1+2", "-A1", "@SUM(1)", "+7", "A\nB", "C٠٠2", "A-1"])
def test_the_looked_after_form_and_service_refuse_it_too(world, client, child_id):
    manager = world.a.users[Role.TEAM_MANAGER]
    person = world.a.people[0]
    with pytest.raises(ValidationError) as refused:
        services.looked_after_child_create(
            actor=manager, person=person, commissioner=world.commissioner, child_id=child_id
        )
    assert REASON in str(refused.value.message_dict["child_id"])

    client.force_login(manager)
    response = client.post(
        reverse("looked_after_child_create", args=[person.pk]),
        {"commissioner": world.commissioner.pk, "child_id": child_id},
    )
    assert response.status_code == 200 and "govuk-error-summary" in response.content.decode()
    assert not la.LookedAfterChild.objects.exists()


@pytest.mark.django_db
def test_a_plain_identifier_is_still_taken(world):
    child = services.looked_after_child_create(
        actor=world.a.users[Role.TEAM_MANAGER],
        person=world.a.people[0],
        commissioner=world.commissioner,
        child_id="Ab12",
    )
    assert child.child_id == "Ab12"
