"""The job pages as a user meets them: a warning while background processing is not running (the
job's page, the page that starts one, the contract report's working-out panel), no "worker" on screen
(a worker is a social worker in this product), "Asked for" until a job starts, and /jobs/ saying what
each request was for, 25 a page, with the contract report's job leading back to the report."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from casework.accounts.models import Role
from casework.contracts.models import Contract
from casework.jobs import services
from casework.jobs.models import Job, WorkerHeartbeat
from tests.conftest import TODAY
from tests.jobs.running import run_queued_jobs

pytestmark = pytest.mark.django_db

STOPPED = "Background processing is not running at the moment"


@pytest.fixture
def manager(world):
    return world.a.users[Role.PRACTICE_MANAGER]


def _beat(seconds_ago: int) -> None:
    WorkerHeartbeat.objects.update_or_create(
        worker_id="page-test", defaults={"seen_at": timezone.now() - timedelta(seconds=seconds_ago)}
    )


def _check(manager, year: int = 2026) -> Job:
    return services.job_start(
        actor=manager, kind="903_check", parameters={"commissioner_id": _commissioner_id(manager), "year": year}
    )


def _commissioner_id(manager) -> int:
    from casework.organisations import selectors as org_selectors

    return org_selectors.our_commissioners(actor=manager).first().pk


def _main(page) -> str:
    body = page.content.decode()
    return re.search(r"<main.*?</main>", body, re.S).group(0)


def test_a_waiting_job_its_start_page_and_the_report_panel_warn_when_background_processing_is_not_running(
    world, client, manager
):
    client.force_login(manager)
    job = _check(manager)
    contract = Contract.objects.get(practice=world.a.org, commissioner=world.commissioner)
    report = reverse("contract_report", args=[contract.pk])
    pages = (f"/jobs/{job.pk}/", reverse("return_903_check"), report)
    for url in pages:  # no worker has ever run
        assert STOPPED in client.get(url).content.decode(), url
    _beat(seconds_ago=61)  # older than CASEWORK_WORKER_HEARTBEAT_MAX_AGE_SECONDS, as /readyz says
    assert STOPPED in client.get(f"/jobs/{job.pk}/").content.decode()
    _beat(seconds_ago=5)
    for url in pages:
        assert STOPPED not in client.get(url).content.decode(), url


def test_a_running_jobs_page_says_at_once_when_background_processing_stopped_under_it(world, client, manager):
    """A job whose worker was killed mid-job: its page says so as soon as the heartbeat is older than
    a minute (it used to show the last step as if running for up to half an hour), then the failure."""
    client.force_login(manager)
    job = _check(manager)
    Job.objects.filter(pk=job.pk).update(status="running", started_at=timezone.now() - timedelta(seconds=90))
    _beat(seconds_ago=5)
    assert STOPPED not in client.get(f"/jobs/{job.pk}/").content.decode()
    _beat(seconds_ago=61)
    page = _main(client.get(f"/jobs/{job.pk}/"))
    assert STOPPED in page and "It stopped while this was running, so this will not finish" in page
    assert "will start when it runs again" not in page
    # nothing beside the warning says it is still going (walking the demo: "45% done" and "your
    # request carries on" under it)
    assert "carries on" not in page and "% done" not in page and "<progress" not in page
    assert services.jobs_fail_abandoned() == 1  # the next worker to start: the task was never claimed by a live one
    page = _main(client.get(f"/jobs/{job.pk}/"))
    assert "Background processing stopped before this finished" in page and "Try again" in page


def test_a_job_says_asked_for_until_it_starts_and_never_says_worker(world, client, manager):
    client.force_login(manager)
    job = _check(manager)
    waiting = _main(client.get(f"/jobs/{job.pk}/"))
    assert "Asked for" in waiting and "Started" not in waiting and "Waiting to start" in waiting
    assert "worker" not in waiting.lower() and "worker" not in job.step.lower()
    listed = _main(client.get("/jobs/"))
    assert "worker" not in listed.lower()
    Job.objects.filter(pk=job.pk).update(status="running", started_at=timezone.now(), step="Running the DfE rules")
    running = _main(client.get(f"/jobs/{job.pk}/"))
    assert "Started" in running and "Asked for" not in running
    assert "worker" not in services.WORKER_STOPPED.lower()


def test_the_list_says_what_each_request_was_for_and_pages_them(world, client, manager):
    client.force_login(manager)
    _check(manager, year=2026)
    contract = Contract.objects.get(practice=world.a.org, commissioner=world.commissioner)
    year = contract.years.get(start_date__lte=TODAY, end_date__gte=TODAY)
    services.job_start(
        actor=manager,
        kind="contract_report",
        parameters={"contract_id": contract.pk, "contract_year_id": year.pk, "quarter": 0},
    )
    page = _main(client.get("/jobs/"))
    assert f"{world.commissioner.name}, 2025/26" in page
    assert f"{contract.reference}, {year.start_date.year}/{str(year.end_date.year)[2:]}" in page
    for _ in range(24):
        _check(manager)
    with CaptureQueriesContext(connection) as first:
        page = _main(client.get("/jobs/"))
    assert page.count("/jobs/") >= 25 and "Page 1 of 2 (26 in all)" in page
    assert len(re.findall(r'<tr class="govuk-table__row">', page)) == 26  # heading and 25
    assert len(_main(client.get("/jobs/?page=2")).split('<tr class="govuk-table__row">')) == 3  # heading and 1
    for _ in range(10):
        _check(manager)
    with CaptureQueriesContext(connection) as later:
        client.get("/jobs/")
    assert len(later) == len(first)  # what each was for is read once per page, not once per row


def test_the_contract_reports_job_leads_back_to_the_report_and_the_navigation_to_the_list(world, client, manager):
    client.force_login(manager)
    contract = Contract.objects.get(practice=world.a.org, commissioner=world.commissioner)
    year = contract.years.get(start_date__lte=TODAY, end_date__gte=TODAY)
    job = services.job_start(
        actor=manager,
        kind="contract_report",
        parameters={"contract_id": contract.pk, "contract_year_id": year.pk, "quarter": 2},
    )
    run_queued_jobs()
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    address = f"{reverse('contract_report', args=[contract.pk])}?year={year.pk}&amp;quarter=2"
    assert "View the report" in page and address in page
    assert 'href="/jobs/"' in page and "Your requests" in page  # the navigation
