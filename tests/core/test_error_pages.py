"""The product's own error pages (GOV.UK patterns) and the favicon, with debug off as the demo and
production serve: a wrong address shows "Page not found", never Django's list of every URL."""

import pytest
from django.test import RequestFactory

from casework.accounts.models import Role
from casework.api import errors
from tests.accounts.test_security_headers import assert_nothing_inline, assert_strict_policy


def assert_product_page(response, title: str, status: int):
    html = response.content.decode()
    assert response.status_code == status
    assert f"<title>{title} – Casework</title>" in html
    assert f'<h1 class="govuk-heading-l">{title}</h1>' in html
    assert "build/casework.css" in html  # the product's styles, not a bare Django page
    assert_nothing_inline(html, title)
    return html


@pytest.mark.django_db
def test_an_unknown_address_is_the_products_page_not_found(world, client):
    for signed_in in (False, True):
        if signed_in:
            client.force_login(world.a.users[Role.PRACTITIONER])
        response = client.get("/no-such-page/")
        html = assert_product_page(response, "Page not found", 404)
        assert_strict_policy(response, "404")
        assert "If you typed the web address, check it is correct." in html
        # nothing about how the site is built
        assert "URLconf" not in html and "people/<int:person_id>/" not in html
    # A record outside one's scope answers the same page.
    assert_product_page(client.get("/people/999999/"), "Page not found", 404)


def test_a_server_error_is_the_products_sorry_page():
    # Django renders 500.html with no request context: the page must need none.
    request = RequestFactory().get("/people/")
    html = assert_product_page(errors.server_error(request), "Sorry, there is a problem with the service", 500)
    assert "Try again later." in html


def test_the_api_keeps_its_own_error_shape():
    request = RequestFactory().get("/api/nothing/")
    assert errors.server_error(request)["Content-Type"] == "application/json"
    assert errors.page_not_found(request, None)["Content-Type"] == "application/json"


@pytest.mark.django_db
def test_the_favicon_answers_with_an_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] in ("image/x-icon", "image/vnd.microsoft.icon")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body[:4] == b"\x00\x00\x01\x00"  # an ICO file's header


@pytest.mark.django_db
def test_every_error_page_is_the_products(world, client):
    """The class: each error page Django can answer outside /api/ (the URLconf's four handlers and
    the CSRF failure page) is a GOV.UK page in plain words, never Django's bare one."""
    from django.core.exceptions import SuspiciousOperation
    from django.test import Client

    # 400: a request Django refuses (an address not in ALLOWED_HOSTS), and the handler itself
    bad_request = "Sorry, there is a problem with your request"
    assert_product_page(client.get("/", HTTP_HOST="casework.invalid"), bad_request, 400)
    request = RequestFactory().get("/people/")
    assert_product_page(errors.bad_request(request, SuspiciousOperation()), bad_request, 400)
    # 403: a page the role does not allow
    client.force_login(world.a.users[Role.PRACTITIONER])
    html = assert_product_page(client.get("/caseloads/"), "You cannot see this page", 403)
    assert "caseload.team" not in html  # the capability's code name is for the log
    # 403: a form sent without its security token (opened before signing in again or switching user)
    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/accounts/login/", {"username": "x", "password": "y"})
    html = assert_product_page(response, "Sorry, that form could not be sent", 403)
    assert "reload the page" in html and "CSRF" not in html
