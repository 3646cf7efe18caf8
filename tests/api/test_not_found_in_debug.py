"""An unknown path under /api/ answers the API's error shape with DEBUG on as well as off (issue 13,
"also seen"): with DEBUG on, Django answered an unmatched path (``/api/people/abc/``) with its HTML
debug page instead of calling the URLconf's 404 handler, so a client met a different answer in
development. Pages outside /api/ keep Django's own 404."""

import pytest
from django.test import override_settings

from casework.accounts.models import Role
from tests.api.conftest import assert_error

pytestmark = pytest.mark.django_db

UNMATCHED = [
    "/api/",
    "/api/no-such-thing/",
    "/api/people/abc/",
    "/api/people/-1/",
    "/api/people/1.5/",
    "/api/people/%E2%80%8B1/",  # a zero-width space before the id
    "/api/contracts/1/report/extra/",
    "/api/case-notes/1/edit/",
]


@pytest.mark.parametrize("debug", [True, False])
@pytest.mark.parametrize("path", UNMATCHED)
def test_an_unmatched_api_path_is_the_apis_404_in_debug_and_not(world, api, client, settings, debug, path):
    settings.DEBUG = debug
    assert_error(api.get(path), 404, "not_found")
    # the same whoever asks: signed in on the pages, or with no credentials at all
    client.force_login(world.a.users[Role.PRACTITIONER])
    assert_error(client.get(path), 404, "not_found")
    client.logout()
    assert_error(client.get(path), 404, "not_found")
    assert_error(client.post(path, {}), 404, "not_found")  # not the CSRF page: there is nothing to post to


@override_settings(DEBUG=True)
def test_pages_outside_the_api_keep_djangos_404(world, client):
    client.force_login(world.a.users[Role.PRACTITIONER])
    page = client.get("/no-such-page/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")


def test_a_path_without_its_slash_is_still_sent_to_it(world, api):
    response = api.get("/api/people")
    assert response.status_code == 301 and response["Location"].endswith("/api/people/")
