"""Every way data leaves the application is in the audit log: each page download (a response
with a Content-Disposition), and each command that writes or reads a file of people's data.

A new download or command fails the completeness checks below until it is listed here (and
audited): the walk is only as good as its list, so the list is checked against the code."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command, get_commands
from django.urls import reverse

from casework.accounts.models import Role
from casework.audit.models import AuditEvent
from casework.looked_after import codes
from tests.conftest import TODAY
from tests.contracts.test_reports import contract_year  # noqa: F401  (the fixture)
from tests.jobs.running import start_and_run

# Files whose code answers with a file download, and the downloads walked below from each.
DOWNLOAD_SOURCES = {"casework/jobs/views.py", "casework/contracts/views.py", "casework/audit/views.py"}

# Commands that write people's data out, or read it in, and the audit action each must write.
AUDITED_COMMANDS = {"export_903": "export", "outcomes_report": "export", "import_903": "import"}
# Commands that move no person's data in or out of the database.
OTHER_COMMANDS = {
    "audit_verify",  # reads the audit log's hashes and ids
    "audit_anchor",  # prints the last audit entry's id and hash
    "audit_partitions",  # makes the audit table's empty monthly partitions ahead (PostgreSQL)
    "permission_matrix",  # writes docs/permissions.md from the code
    "seed",  # writes synthetic people (and audits that it did)
    "demo_logins",  # prints the demo's usernames
    "demo_code",  # prints a demo user's current sign-in code
    "validate_903",  # reports on 903 files the operator already holds
    "looked_after_dues",  # works out the stored due dates again from records already in the database
    "jobs_worker",  # runs queued jobs: starting one and taking its file are audited by the pages
    "api_token_create",  # API tokens: account administration
    "api_token_list",
    "api_token_revoke",
}


def test_every_file_download_in_the_code_is_one_this_test_walks():
    # a download is named by casework/core/downloads.py's ``attachment`` (tests/core/test_downloads_safe.py)
    pattern = re.compile(r"Content-Disposition|FileResponse|StreamingHttpResponse|as_attachment|downloads\.attachment")
    found = {
        str(path.relative_to(settings.BASE_DIR))
        for path in (Path(settings.BASE_DIR) / "casework").rglob("*.py")
        if pattern.search(path.read_text(encoding="utf-8"))
    } - {"casework/core/downloads.py"}
    assert found == DOWNLOAD_SOURCES, "a new download: walk it in test_every_download_is_audited and list it here"


def test_every_command_is_known_to_move_data_or_not():
    ours = {name for name, app in get_commands().items() if app.startswith("casework")}
    unknown = ours - set(AUDITED_COMMANDS) - OTHER_COMMANDS
    assert not unknown, f"say whether {sorted(unknown)} moves people's data (and audit it if so)"


@pytest.mark.django_db
def test_every_download_is_audited(world, client, contract_year):  # noqa: F811
    contract, year = contract_year
    officer = world.commissioner_users[Role.COMMISSIONER_OFFICER]
    manager = world.a.users[Role.PRACTICE_MANAGER]
    auditor = world.a.users[Role.AUDITOR]
    collection = codes.collection_year_of(TODAY)
    report = reverse("contract_report", args=[contract.pk])
    payments = reverse("contract_payments", args=[contract.pk])
    children = reverse("contract_children", args=[contract.pk])
    # the 903 zip is made by a background job; taking the job's file is the download
    client.force_login(officer)
    zip_job, _ = start_and_run(client, reverse("return_903_download"), {"year": collection})
    downloads = [
        (officer, reverse("job_file", args=[zip_job.pk]), {}, ("ssda903", f"E08000035/{collection}")),
        (officer, report, {"year": year.pk, "format": "csv"}, ("contracts.contract", contract.pk)),
        (manager, report, {"year": year.pk, "format": "xlsx"}, ("contracts.contract", contract.pk)),
        (officer, payments, {"year": year.pk, "format": "csv"}, ("contracts.contract", contract.pk)),
        (manager, payments, {"year": year.pk, "format": "xlsx"}, ("contracts.contract", contract.pk)),
        (officer, children, {"year": year.pk, "format": "xlsx"}, ("contracts.contract", contract.pk)),
        (manager, children, {"year": year.pk, "format": "csv"}, ("contracts.contract", contract.pk)),
        (auditor, reverse("audit_log"), {"format": "csv"}, ("audit.auditevent", "")),
        (manager, reverse("audit_log"), {"format": "csv", "kind": "sign_in"}, ("audit.auditevent", "")),
    ]
    for user, url, params, (object_type, object_id) in downloads:
        client.force_login(user)
        before = AuditEvent.objects.count()
        response = client.get(url, params)
        assert response.status_code == 200, url
        assert response["Content-Disposition"].startswith("attachment;"), url
        written = AuditEvent.objects.order_by("pk")[before:]
        assert [(e.action, e.actor_id, e.object_type, e.object_id) for e in written] == [
            ("export", user.pk, object_type, str(object_id))
        ], url


@pytest.mark.django_db
def test_the_export_and_import_commands_are_audited(world, contract_year, tmp_path):  # noqa: F811
    contract, year = contract_year
    collection = codes.collection_year_of(TODAY)
    call_command("export_903", commissioner="E08000035", year=collection, out=tmp_path / "903", stdout=None)
    call_command("outcomes_report", contract=contract.reference, year=year.start_date.year, out=str(tmp_path / "r.csv"))
    exports = AuditEvent.objects.filter(action="export").order_by("pk")
    assert [(e.object_type, e.object_id, e.detail["via"]) for e in exports] == [
        ("ssda903", f"E08000035/{collection}", "export_903"),
        ("contracts.contract", str(contract.pk), "outcomes_report"),
    ]
    # the exported files go back in (the same children, updated in place): an import entry
    call_command(
        "import_903",
        tmp_path / "903",
        commissioner="E08000035",
        year=collection,
        practice=str(world.a.org.pk),
        stdout=None,
    )
    imports = AuditEvent.objects.filter(action="import", object_type="ssda903")
    assert [(e.object_type, e.object_id) for e in imports] == [("ssda903", f"E08000035/{collection}")]
    # and the import's batch (kept so a manager can reverse it): checked, then confirmed
    batch = AuditEvent.objects.filter(action="import", object_type="looked_after.importbatch").order_by("pk")
    assert [e.detail["stage"] for e in batch] == ["previewed", "confirmed"]
