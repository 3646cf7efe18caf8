"""The import pages: upload (zip or CSV) and check, the preview, confirm once with a success banner,
reverse; problems listed with file, row, column and reason; words, never model names; page query
counts that do not grow with the number of children."""

import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from casework.accounts.models import Role
from casework.jobs.models import Job
from casework.looked_after.imports.models import ImportBatch
from casework.looked_after.imports.writing import RECORD_WORDS
from casework.looked_after.models import LookedAfterChild
from casework.people.models import Person
from tests.jobs.running import post_and_run
from tests.looked_after.test_import import small_return

MODEL_NAMES = re.compile(r"\b(" + "|".join(model.__name__ for model in RECORD_WORDS) + r"|ImportBatch)\b")


def _zip_upload(texts: dict[str, str], name="ssda903-E08000035-2026.zip"):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for file, text in texts.items():
            archive.writestr(file, text)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/zip")


def _many_children(n: int) -> dict[str, str]:
    header = ["CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB"]
    episodes = [small_return()["episodes.csv"].splitlines()[0]]
    for i in range(n):
        day = f"{1 + i % 28:02d}/{1 + i // 28:02d}/2013"
        header.append(f"K{i:03d},M,{day},WBRI,UN5,,")
        episodes.append(f"K{i:03d},01/02/2026,S,V2,N4,U3,PR1,,,,LS2 7UE,LS1 4AP,SC123457")
    return {"header.csv": "\n".join(header) + "\n", "episodes.csv": "\n".join(episodes) + "\n"}


def _button(page: str, label: str) -> str:
    """Where the page's form with this button posts: pressing it, as a browser would."""
    for form in re.findall(r"<form[^>]*>.*?</form>", page, flags=re.S):
        if f'value="{label}"' in form:
            action = re.search(r'action="([^"]*)"', form)
            assert action and action[1], f"the {label!r} form posts back to the page it is on"
            return action[1]
    raise AssertionError(f"no {label!r} button on the page")


def _check(client, world, texts, year=2026):
    """Upload and check: the check is a background job, run here, and its page followed."""
    return post_and_run(
        client,
        reverse("return_903_import"),
        {"commissioner": world.commissioner.pk, "year": str(year), "files": [_zip_upload(texts)]},
    )


@pytest.fixture
def manager(world, client):
    client.force_login(world.a.users[Role.PRACTICE_MANAGER])
    return world.a.users[Role.PRACTICE_MANAGER]


def test_bad_files_are_listed_with_file_row_column_and_reason_and_nothing_is_kept(world, client, manager):
    texts = small_return()
    texts["episodes.csv"] = texts["episodes.csv"].replace(",U3,", ",ZZ9,")

    response = _check(client, world, texts)

    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="problem-table"' in body and "Nothing was imported: 1 problem in the files" in body
    assert "episodes.csv</td>" in body and "unknown code &#x27;ZZ9&#x27;" in body
    assert not ImportBatch.objects.exists() and not LookedAfterChild.objects.exists()


def test_upload_preview_confirm_and_reverse_on_the_pages(world, client, manager):
    people = Person.objects.count()

    response = _check(client, world, small_return())

    batch = ImportBatch.objects.get()
    assert response.redirect_chain[-1] == (reverse("return_903_import_batch", args=[batch.pk]), 302)
    preview = response.content.decode()
    assert "Check what the import will do" in preview and "nothing is imported until you confirm" in preview
    # nothing is written yet, so the preview says what the import will do, never what it did
    assert "will create 2 social workers of the authority, 2 people, 2 children" in preview
    assert "created 2" not in preview
    assert "Test Borough Council, 2025/26<" in preview
    assert "2 new children" in preview and "C001" in preview and "Confirm and import" in preview
    assert not MODEL_NAMES.search(preview), MODEL_NAMES.search(preview)
    assert Person.objects.count() == people  # nothing written yet

    # confirming is a background job too: run here, its page leading back to the batch
    done = post_and_run(client, _button(preview, "Confirm and import"), {}).content.decode()
    assert "Imported 2 children from Test Borough Council&#x27;s 903 files" in done
    assert "govuk-notification-banner--success" in done
    assert "created 2 social workers of the authority, 2 people, 2 children" in done
    assert not MODEL_NAMES.search(done)
    assert Person.objects.count() == people + 2

    again = post_and_run(client, reverse("return_903_import_confirm", args=[batch.pk]), {}).content.decode()
    assert "had been confirmed already: nothing more was written" in again
    assert Person.objects.count() == people + 2

    # the new people are listed to complete their names and address
    page = client.get(reverse("return_903_import")).content.decode()
    assert 'id="to-complete-table"' in page and "Child C001" in page and "names, address" in page

    # reversing removes records: a red button leads to a page that asks first, and only that page reverses
    result = client.get(reverse("return_903_import_batch", args=[batch.pk])).content.decode()
    warning_link = r'<a class="govuk-button govuk-button--warning"[^>]*href="([^"]+)"[^>]*>Reverse this import</a>'
    link = re.search(warning_link, result)
    assert link, "the batch page's reverse button is a red link to the question, never a form that reverses"
    assert "Reverse this import" not in "".join(re.findall(r"<form[^>]*>.*?</form>", result, flags=re.S))
    asked = client.get(link[1]).content.decode()
    assert LookedAfterChild.objects.count() == 2  # asking removes nothing
    assert "Reverse this import?" in asked
    assert re.search(r"This removes the 2 children and the \d+ other records it created", asked)
    # a red button a browser submits (crispy-forms-gds's own warning Button renders as a text box here)
    assert re.search(r'<input type="submit"\s+name="submit"\s+value="Reverse this import"\s+class="[^"]*warning', asked)
    undone = client.post(_button(asked, "Reverse this import"), follow=True).content.decode()
    assert "The import was reversed" in undone and "Import reversed" in undone
    assert Person.objects.count() == people and not LookedAfterChild.objects.exists()


def test_checking_with_no_file_chosen_is_refused_on_the_form_and_nothing_is_queued(world, client, manager):
    response = client.post(reverse("return_903_import"), {"commissioner": world.commissioner.pk, "year": "2026"})

    body = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in body and "Choose the 903 files for the year" in body
    assert not Job.objects.exists() and not ImportBatch.objects.exists()


def test_a_batch_with_no_children_offers_no_confirm_button(world, client, manager):
    batch = ImportBatch.objects.create(
        organisation=world.a.org,
        commissioner=world.commissioner,
        years=[2026],
        files=b"",
        preview={"years": [], "notes": [], "children": []},
        previewed_by=manager,
    )

    page = client.get(reverse("return_903_import_batch", args=[batch.pk])).content.decode()

    assert "Confirm and import" not in page and "The files hold no children, so there is nothing to import" in page


def test_a_refused_reversal_is_shown_in_the_error_summary(world, client, manager):
    from casework.looked_after.imports.batches import import_confirm, import_preview
    from tests.looked_after.test_import import _encoded

    batch = import_preview(actor=manager, commissioner=world.commissioner, years={2026: _encoded(small_return())})
    import_confirm(actor=manager, batch=batch)
    from casework.cases import services as case_services
    from casework.cases.models import Case

    case = Case.objects.get(person__looked_after_records__child_id="C002")
    case_services.case_note_add(
        actor=manager,
        person=case.person,
        case=case,
        note_type="visit",
        occurred_on=case.opened_on,
        summary="Visit",
        text="Seen",
    )

    response = client.post(reverse("return_903_import_reverse", args=[batch.pk]))

    body = response.content.decode()
    assert response.status_code == 200 and "govuk-error-summary" in body
    assert "This import can no longer be reversed: case notes have been recorded on what it created." in body
    assert LookedAfterChild.objects.count() == 2


def test_only_managers_import_confirm_or_reverse(world, client, manager):
    _check(client, world, small_return())
    batch = ImportBatch.objects.get()
    client.force_login(world.a.users[Role.PRACTITIONER])

    assert client.get(reverse("return_903_import")).status_code == 403
    assert client.post(reverse("return_903_import_confirm", args=[batch.pk])).status_code == 403
    assert not LookedAfterChild.objects.exists()


@pytest.mark.parametrize("children", [3, 60])
def test_the_preview_and_import_pages_query_counts_do_not_grow_with_children(
    world, client, manager, children, django_assert_max_num_queries
):
    from casework.looked_after.imports.batches import import_confirm

    _check(client, world, _many_children(children))
    batch = ImportBatch.objects.get()
    with django_assert_max_num_queries(8):
        assert client.get(reverse("return_903_import_batch", args=[batch.pk])).status_code == 200
    import_confirm(actor=manager, batch=batch)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("return_903_import")).content.decode()
    assert page.count("Not known Child K") == children
