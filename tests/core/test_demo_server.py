"""make demo serves as production does: debug off, every asset served by the app itself, the
product's 404 page for a wrong address (never Django's list of every URL), the favicon, and plain
HTTP with no redirect to HTTPS. The server is started exactly as the Makefile's demo target starts it."""

import os
import re
import shlex
import subprocess
from pathlib import Path
from urllib.error import HTTPError
from urllib.request import urlopen

import pytest

from tests.servers import free_port, wait_until_answering

ROOT = Path(__file__).resolve().parent.parent.parent


def demo_runserver() -> tuple[dict[str, str], list[str]]:
    """The environment and the command of the Makefile's demo target's runserver line."""
    out = subprocess.run(["make", "-n", "demo"], cwd=ROOT, capture_output=True, text=True, timeout=60).stdout
    lines = [line for line in out.splitlines() if "manage.py runserver" in line]
    assert len(lines) == 1, out
    words = shlex.split(lines[0])
    env = {}
    while "=" in words[0]:
        name, _, value = words.pop(0).partition("=")
        env[name] = value
    return env, words


def fetch(url: str):
    try:
        with urlopen(url, timeout=10) as response:  # noqa: S310 (our own server on 127.0.0.1)
            return response.status, dict(response.headers), response.read()
    except HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_make_demo_serves_with_debug_off_and_the_demo_sign_in_on():
    env, _ = demo_runserver()
    assert env.get("DJANGO_DEBUG") == "false"
    assert env.get("DJANGO_SECURE_COOKIES") == "false"  # plain HTTP on 127.0.0.1
    assert env.get("CASEWORK_DEMO_SIGN_IN") == "true"


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    make_env, command = demo_runserver()
    port = free_port()
    command = [re.sub(r"^127\.0\.0\.1:8000$", f"127.0.0.1:{port}", word) for word in command]
    assert f"127.0.0.1:{port}" in command
    if command[0].startswith(".venv/"):
        command[0] = str(ROOT / command[0])
    # An empty database: the pages tried here need no tables.
    db = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    env = {**os.environ, **make_env, "DATABASE_URL": f"sqlite:///{db}"}
    server = subprocess.Popen(
        [*command, "--noreload"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    wait_until_answering(server, url)
    yield url
    server.terminate()
    server.wait(timeout=10)


def test_a_wrong_address_is_the_products_page_not_found(demo_server):
    status, headers, body = fetch(f"{demo_server}/no-such-page/")
    html = body.decode()
    assert status == 404
    assert "<title>Page not found – Casework</title>" in html
    assert "URLconf" not in html and "accounts/login/" not in html.split("<main", 1)[1]
    assert "Content-Security-Policy" in headers


def test_the_favicon_and_every_asset_answer(demo_server):
    status, headers, body = fetch(f"{demo_server}/favicon.ico")
    assert status == 200 and body[:4] == b"\x00\x00\x01\x00"
    _, _, page = fetch(f"{demo_server}/accounts/login/")
    assets = re.findall(r'(?:href|src)="(/static/[^"]+)"', page.decode())
    assert any(a.endswith(".css") for a in assets) and any(a.endswith(".js") for a in assets)
    for asset in assets:
        status, _, body = fetch(demo_server + asset)
        assert status == 200 and body, asset
        if asset.endswith(".css"):
            # Images and fonts the styles load. The royal arms (govuk-crest.svg) is GOV.UK's alone and
            # never copied: its only rule is the footer's copyright logo, which no page uses.
            for ref in set(re.findall(r'url\("?(/static/[^")]+)"?\)', body.decode())):
                if ref.endswith("govuk-crest.svg"):
                    continue
                assert fetch(demo_server + ref)[0] == 200, ref
    templates = "".join(p.read_text() for p in (ROOT / "casework").rglob("templates/**/*.html"))
    assert "govuk-footer__copyright-logo" not in templates


def test_plain_http_with_no_redirect_to_https(demo_server):
    status, headers, _ = fetch(f"{demo_server}/accounts/login/")
    assert status == 200
    cookie = headers.get("Set-Cookie", "")
    assert "csrftoken=" in cookie and "Secure" not in cookie
