"""Uploads are bounded: a year's 903 files larger than CASEWORK_UPLOAD_MAX_BYTES (uploaded, or once
a zip is opened) or a file with more rows than CASEWORK_UPLOAD_MAX_ROWS are refused in plain
English, naming the field or the file, having written nothing; a zip that would expand to 200 MB
is refused without being expanded, within a memory bound (tracemalloc's peak, not a time)."""

import io
import tracemalloc
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from casework.accounts.models import Role
from casework.audit.models import AuditEvent
from casework.looked_after.imports import read_return
from casework.looked_after.imports.models import ImportBatch
from casework.looked_after.models import LookedAfterChild
from casework.people.models import Person
from tests.jobs.running import post_and_run
from tests.looked_after.test_import import small_return

pytestmark = pytest.mark.django_db

MB = 1024 * 1024
EPISODE = "K{n:06d},01/02/2026,S,V2,N4,U3,PR1,,,,LS2 7UE,LS1 4AP,SC123457\n"


@pytest.fixture
def manager(world, client):
    user = world.a.users[Role.PRACTICE_MANAGER]
    client.force_login(user)
    return user


def _csv(name: str, text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def _episodes(rows: int) -> str:
    head = small_return()["episodes.csv"].splitlines()[0] + "\n"
    return head + "".join(EPISODE.format(n=n) for n in range(rows))


def _post(client, world, files, earlier=()):
    data = {"commissioner": world.commissioner.pk, "year": "2026", "files": list(files)}
    if earlier:
        data["earlier_files"] = list(earlier)
    return post_and_run(client, reverse("return_903_import"), data)  # the check is a job: run it


def _nothing_written(people_before: int) -> None:
    assert not ImportBatch.objects.exists()
    assert not LookedAfterChild.objects.exists()
    assert Person.objects.count() == people_before
    assert not AuditEvent.objects.filter(action="import").exists()


def _zeros_zip(member_bytes: int, *, name="episodes.csv") -> bytes:
    """A zip holding ``member_bytes`` of zeros, written a megabyte at a time (a few hundred KB)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("header.csv", small_return()["header.csv"])
        with archive.open(name, "w", force_zip64=True) as member:
            chunk = b"\0" * 1_000_000
            for _ in range(member_bytes // len(chunk)):
                member.write(chunk)
    return buffer.getvalue()


def test_files_over_the_size_limit_are_refused_naming_the_field(world, client, manager, settings):
    settings.CASEWORK_UPLOAD_MAX_BYTES = 1 * MB
    people = Person.objects.count()
    big = _episodes(18_000)  # about 1.1 MB
    assert len(big) > MB

    response = _post(client, world, [_csv("header.csv", small_return()["header.csv"]), _csv("episodes.csv", big)])

    page = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in page
    assert "The year&#x27;s 903 files must be smaller than 1MB in total" in page
    _nothing_written(people)


def test_the_earlier_years_files_have_the_same_limit(world, client, manager, settings):
    settings.CASEWORK_UPLOAD_MAX_BYTES = 1 * MB
    texts = small_return()
    files = [_csv(name, text) for name, text in texts.items()]

    response = _post(client, world, files, earlier=[_csv("episodes.csv", _episodes(18_000))])

    assert "The year before&#x27;s files must be smaller than 1MB in total" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_a_zip_expanding_to_200_mb_is_refused_without_expanding_it(world, client, manager):
    """The default limit (50 MB); the zip is a few hundred KB and would unzip to 200 MB of zeros."""
    people = Person.objects.count()
    upload = SimpleUploadedFile("ssda903.zip", _zeros_zip(200_000_000), content_type="application/zip")

    tracemalloc.start()
    try:
        response = _post(client, world, [upload])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    page = response.content.decode()
    assert "ssda903.zip" in page and "too large once unzipped: more than 50MB" in page
    assert peak < 30 * MB, f"peak {peak / MB:.0f} MB while refusing"
    _nothing_written(people)


def test_a_zips_files_together_over_the_limit_are_refused(settings):
    """Two members each under the limit, together over it (the command's path: no form before it)."""
    settings.CASEWORK_UPLOAD_MAX_BYTES = 3 * MB
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("header.csv", small_return()["header.csv"])
        archive.writestr("episodes.csv", _episodes(25_000))  # about 1.8 MB each
        archive.writestr("reviews.csv", "CHILD,DOB,REVIEW,REVIEW_CODE\n" + "C001,01/06/2012,18/09/2025,PN1\n" * 70_000)

    _, problems = read_return(2026, {"ssda903.zip": buffer.getvalue()})

    refused = "too large once unzipped: more than 3MB of CSV files (the most a year's files may hold)"
    assert ("ssda903.zip", refused) in [(p.file, p.reason) for p in problems]
    assert not [p for p in problems if p.file == "episodes.csv" and p.row], "no row of the zip was read"


def test_a_file_with_more_rows_than_the_limit_is_refused_and_not_read_further(world, client, manager, settings):
    settings.CASEWORK_UPLOAD_MAX_ROWS = 1_000
    people = Person.objects.count()
    texts = small_return()
    files = [_csv(name, text) for name, text in texts.items() if name != "episodes.csv"]
    # a bad code past the limit is never reached
    episodes = _episodes(1_001).replace(EPISODE.format(n=1_000), EPISODE.format(n=1_000).replace(",U3,", ",ZZ9,"))

    response = _post(client, world, [*files, _csv("episodes.csv", episodes)])

    page = response.content.decode()
    assert "episodes.csv has more than 1,000 rows" in page
    assert "ZZ9" not in page
    _nothing_written(people)


def test_the_command_path_has_the_same_limits(settings):
    """import_903 reads files from a folder, not a form: the reading itself refuses them."""
    settings.CASEWORK_UPLOAD_MAX_BYTES = 1 * MB
    files = {"header.csv": small_return()["header.csv"].encode(), "episodes.csv": _episodes(18_000).encode()}

    _, problems = read_return(2026, files)

    assert [(p.file, p.reason) for p in problems][:1] == [
        ("episodes.csv", "too large: the year's files must be smaller than 1MB in total")
    ]


def test_past_the_limit_the_upload_handler_keeps_nothing_more_of_the_file(settings):
    """The first upload handler: chunks past the limit go to no later handler (memory or disk), and
    the form is handed a stand-in with the size reached, no content."""
    from casework.core.uploads import TooLargeUpload, UploadLimitHandler

    settings.CASEWORK_UPLOAD_MAX_BYTES = 1 * MB
    handler = UploadLimitHandler()
    handler.new_file("files", "episodes.csv", "text/csv", None)
    chunk = b"x" * (MB // 2)
    passed_on = [handler.receive_data_chunk(chunk, n * len(chunk)) for n in range(6)]

    assert [c is not None for c in passed_on] == [True, True, False, False, False, False]
    upload = handler.file_complete(6 * len(chunk))
    assert isinstance(upload, TooLargeUpload) and upload.size == 3 * MB and upload.name == "episodes.csv"
    with pytest.raises(ValueError):
        upload.read()
