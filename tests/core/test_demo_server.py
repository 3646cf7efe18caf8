"""make demo serves as production does: debug off, every asset served by the app itself, the
product's 404 page for a wrong address (never Django's list of every URL), the favicon, and plain
HTTP with no redirect to HTTPS. The server is started exactly as the Makefile's demo target starts it."""

import re
from pathlib import Path
from urllib.error import HTTPError
from urllib.request import urlopen

import pytest

from tests.servers import demo_runserver, serving_as_make_demo

ROOT = Path(__file__).resolve().parent.parent.parent


def fetch(url: str):
    try:
        with urlopen(url, timeout=10) as response:  # noqa: S310 (our own server on 127.0.0.1)
            return response.status, dict(response.headers), response.read()
    except HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_make_demo_serves_with_debug_off_and_the_demo_sign_in_on():
    env, command = demo_runserver(8001)
    assert command[-3:] == ["runserver", "127.0.0.1:8001", "--noreload"]
    assert env.get("DJANGO_DEBUG") == "false"
    assert env.get("DJANGO_SECURE_COOKIES") == "false"  # plain HTTP on 127.0.0.1
    assert env.get("CASEWORK_DEMO_SIGN_IN") == "true"


@pytest.fixture(scope="module")
def empty_demo_server(tmp_path_factory):
    """The demo's server on an empty database: the pages tried here need no tables."""
    with serving_as_make_demo(tmp_path_factory.mktemp("demo") / "demo.sqlite3") as url:
        yield url


def test_a_wrong_address_is_the_products_page_not_found(empty_demo_server):
    status, headers, body = fetch(f"{empty_demo_server}/no-such-page/")
    html = body.decode()
    assert status == 404
    assert "<title>Page not found – Casework</title>" in html
    assert "URLconf" not in html and "accounts/login/" not in html.split("<main", 1)[1]
    assert "Content-Security-Policy" in headers


def test_the_favicon_and_every_asset_answer(empty_demo_server):
    status, headers, body = fetch(f"{empty_demo_server}/favicon.ico")
    assert status == 200 and body[:4] == b"\x00\x00\x01\x00"
    _, _, page = fetch(f"{empty_demo_server}/accounts/login/")
    assets = re.findall(r'(?:href|src)="(/static/[^"]+)"', page.decode())
    assert any(a.endswith(".css") for a in assets) and any(a.endswith(".js") for a in assets)
    for asset in assets:
        status, _, body = fetch(empty_demo_server + asset)
        assert status == 200 and body, asset
        if asset.endswith(".css"):
            # Images and fonts the styles load. The royal arms (govuk-crest.svg) is GOV.UK's alone and
            # never copied: its only rule is the footer's copyright logo, which no page uses.
            for ref in set(re.findall(r'url\("?(/static/[^")]+)"?\)', body.decode())):
                if ref.endswith("govuk-crest.svg"):
                    continue
                assert fetch(empty_demo_server + ref)[0] == 200, ref
    templates = "".join(p.read_text() for p in (ROOT / "casework").rglob("templates/**/*.html"))
    assert "govuk-footer__copyright-logo" not in templates


def test_plain_http_with_no_redirect_to_https(empty_demo_server):
    status, headers, _ = fetch(f"{empty_demo_server}/accounts/login/")
    assert status == 200
    cookie = headers.get("Set-Cookie", "")
    assert "csrftoken=" in cookie and "Secure" not in cookie
