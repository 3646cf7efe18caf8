"""The 903 return check as a background job, in Debian's Chromium against the demo server with a
jobs worker beside it (as `make demo` runs them).

The demo practice manager starts the check; the job's page shows the progress indicator (the step
in words, a <progress> bar and the percentage) while it waits and runs, refreshing itself; then the
result in place of the indicator. Reloading shows the same job. Screenshots go to test-artifacts/.
"""

import time

from playwright.sync_api import Error as PlaywrightError

from .conftest import ARTIFACTS


def test_a_manager_starts_the_903_check_and_sees_its_progress_then_the_result(demo_server, page, sign_in, jobs_worker):
    url, _ = demo_server
    ARTIFACTS.mkdir(exist_ok=True)
    sign_in(page, "p1.manager")
    page.goto(f"{url}/returns/903/check/")
    page.select_option("#id_commissioner", index=1)  # the practice's first authority
    page.select_option("#id_year", "2026")
    page.click("#submit-id-submit")

    # queued: no worker yet, so the indicator is there to see, and stays across a reload
    page.wait_for_url(f"{url}/jobs/*/")
    job_url = page.url
    assert page.inner_text("h1") == "Check the 903 return"
    assert page.inner_text("#job-step") == "Waiting to start"
    assert page.inner_text("#job-percent") == "0% done"
    assert page.get_attribute("#job-progress", "max") == "100"
    assert page.get_attribute("#job-progress", "aria-labelledby") == "job-step"
    page.screenshot(path=str(ARTIFACTS / "return-check-job-waiting.png"), full_page=True)
    page.reload()
    assert page.url == job_url and page.inner_text("#job-step") == "Waiting to start"

    jobs_worker()
    steps, deadline = [], time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            if page.locator("#result").count():
                break
            if page.locator("#job-step").count():
                seen = (page.inner_text("#job-step"), page.inner_text("#job-percent"))
                if seen not in steps:
                    steps.append(seen)
                    if seen[0] != "Waiting to start":
                        page.screenshot(path=str(ARTIFACTS / "return-check-job-running.png"), full_page=True)
        except PlaywrightError:
            continue  # the page refreshed under us: look again
        finally:
            time.sleep(0.1)
    assert page.locator("#result").count(), f"no result within 3 minutes; steps seen: {steps}"
    page.screenshot(path=str(ARTIFACTS / "return-check-job-result.png"), full_page=True)
    heading = page.inner_text("#result")
    assert heading == "No DfE errors" or " error" in heading, heading
    body = page.inner_text("main")
    assert "checks ran over" in body and "<progress" not in page.content()
    # each step seen said where it was, with its percentage
    for step, percent in steps:
        assert step and percent.endswith("% done"), steps
    # the result stays: reloading the job's page shows it again
    page.goto(job_url)
    assert page.locator("#result").count() == 1
