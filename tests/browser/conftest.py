"""Browser tests: Debian's Chromium driven by Playwright against a real server.

One demo server per test session (`manage.py runserver` on a fresh SQLite file filled by
`manage.py seed`, debug off as `make demo` serves), a fresh browser page per test, and
`sign_in(page, username)`: the real sign-in, password then the MFA page. Every test module in
this folder is marked `browser` and skipped when Debian's chromium is not installed.
"""

import base64
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django_otp.oath import TOTP

from casework.synthetic.generate import DEMO_PASSWORD
from tests.servers import free_port, wait_until_answering

ROOT = Path(__file__).resolve().parent.parent.parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts"


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    skip = pytest.mark.skip(reason="Debian's chromium is not installed (make chromium)")
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)
            if not os.path.exists(CHROMIUM):
                item.add_marker(skip)


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory):
    db_path = tmp_path_factory.mktemp("browser") / "demo.sqlite3"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{db_path}",
        "DJANGO_SECURE_COOKIES": "false",
        "DJANGO_DEBUG": "false",
    }
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, check=True, cwd=ROOT)
    subprocess.run(
        [*manage, "seed", "--practices", "2", "--people", "300", "--seed", "11"],
        env=env,
        check=True,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )
    port = free_port()
    server = subprocess.Popen(
        [*manage, "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    wait_until_answering(server, url, seconds=10)
    yield url, db_path
    server.terminate()
    server.wait(timeout=10)


def _code(key: bytes, last_t: int) -> str:
    """What an authenticator app with this key shows, for a time step the server has not yet
    accepted a code for (it refuses a code twice, so a second sign-in in the same 30 seconds uses
    the next step's code, which it also accepts)."""
    totp = TOTP(key)
    totp.time = time.time()
    step = totp.t()
    if last_t >= step + 1:
        time.sleep((last_t - step) * 30)
        return _code(key, last_t)
    totp.drift = max(step, last_t + 1) - step
    return f"{totp.token():06d}"


def _sign_in(page, url, db_path, username):
    """The real sign-in: password, then the MFA page (set-up the first time, a code after that)."""
    page.goto(f"{url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("#submit-id-submit")
    page.wait_for_url(re.compile(r".*/accounts/mfa/(setup|verify)/.*"))
    if "/accounts/mfa/setup/" in page.url:
        assert page.locator("#mfa-qr-code svg").count() == 1
        secret = page.inner_text("#mfa-secret").replace(" ", "")
        page.fill("#id_code", _code(base64.b32decode(secret), -1))
        page.click("#submit-id-submit")
        page.wait_for_selector("#recovery-codes")
        assert page.locator("#recovery-codes li").count() == 10
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "mfa-recovery-codes.png"), full_page=True)
        page.click("#continue")
    else:
        with sqlite3.connect(db_path) as db:
            key, last_t = db.execute(
                "SELECT d.key, d.last_t FROM otp_totp_totpdevice d JOIN accounts_user u ON u.id = d.user_id "
                "WHERE u.username = ? AND d.confirmed",
                (username,),
            ).fetchone()
        page.fill("#id_code", _code(bytes.fromhex(key), last_t))
        page.click("#submit-id-submit")


@pytest.fixture
def page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser.new_page(viewport={"width": 1200, "height": 1600})
        browser.close()


@pytest.fixture
def sign_in(demo_server):
    """sign_in(page, username): the real sign-in against the demo server."""
    url, db_path = demo_server

    def _do(page, username):
        _sign_in(page, url, db_path, username)

    return _do


# Background jobs: the 903 check, import and download run in a worker beside the server.
@pytest.fixture
def jobs_worker(demo_server):
    """A jobs worker against the demo server's database, started when the test says so."""
    _, db_path = demo_server
    started = []

    def start():
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{db_path}", "DJANGO_DEBUG": "false"}
        process = subprocess.Popen(
            [sys.executable, str(ROOT / "manage.py"), "jobs_worker", "--interval", "0.2"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        started.append(process)

    yield start
    for process in started:
        process.terminate()
        process.wait(timeout=30)
