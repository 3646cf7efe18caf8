"""Every error the API gives has one shape: {"error": {"status", "code", "message", "fields"}}."""

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from casework.accounts.models import Role
from casework.api import selectors
from tests.api.conftest import assert_error

pytestmark = pytest.mark.django_db


def test_a_bad_query_parameter_is_a_400_naming_it(world, api):
    error = assert_error(api.get("/api/cases/?status=pending"), 400, "invalid")
    assert error["fields"] == {"status": ["Give one of: open, closed"]}
    error = assert_error(api.get("/api/cases/?person=abc"), 400, "invalid")
    assert list(error["fields"]) == ["person"]
    error = assert_error(api.get("/api/registrations/?current=yes"), 400, "invalid")
    assert error["fields"] == {"current": ["Give true or false"]}
    error = assert_error(api.get("/api/people/?date_of_birth=31/02/2015"), 400, "invalid")
    assert error["fields"] == {"date_of_birth": ["Give a date as YYYY-MM-DD"]}
    error = assert_error(api.get("/api/people/?name=%00"), 400, "invalid")
    assert list(error["fields"]) == ["name"]


def test_a_body_that_is_not_json_is_a_parse_error(world, api):
    response = api.post("/api/case-notes/", data='{"person": ', content_type="application/json")
    error = assert_error(response, 400, "parse_error")
    assert error["fields"] == {}


def test_a_form_post_is_415_and_an_unknown_accept_is_406(world, api):
    response = api.post("/api/case-notes/", data="person=1", content_type="application/x-www-form-urlencoded")
    assert_error(response, 415, "unsupported_media_type")
    assert_error(api.get("/api/people/", HTTP_ACCEPT="application/xml"), 406, "not_acceptable")


def test_an_unknown_path_under_api_is_a_404_in_the_shape_and_pages_keep_theirs(world, api, client):
    assert_error(api.get("/api/no-such-thing/"), 404, "not_found")
    assert_error(api.get("/api/people/abc/"), 404, "not_found")
    assert_error(api.get(f"/api/people/{2**63}/"), 404, "not_found")  # past any id: no query at all
    client.force_login(world.a.users[Role.TEAM_MANAGER])
    page = client.get("/no-such-page/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")


def test_a_method_not_allowed_is_405(world, api):
    error = assert_error(api.delete("/api/people/"), 405, "method_not_allowed")
    assert "DELETE" in error["message"]


def test_too_many_requests_is_429_with_retry_after(world, api):
    with override_settings(API_THROTTLE_RATE="2/minute"):
        assert api.get("/api/people/").status_code == 200
        assert api.get("/api/people/").status_code == 200
        response = api.get("/api/people/")
    assert_error(response, 429, "throttled")
    assert 0 < int(response["Retry-After"]) <= 60


def test_an_unexpected_failure_is_a_500_in_the_shape_without_its_details(world, api, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("secret detail of the failure")

    monkeypatch.setattr(selectors, "cases", broken)
    api.raise_request_exception = False
    response = api.get("/api/cases/")
    error = assert_error(response, 500, "server_error")
    assert "secret detail" not in response.content.decode()
    assert error["message"] == "Something went wrong on our side: it has been logged"


def test_a_service_refusal_becomes_a_400_with_its_field(world, api):
    note = {
        "person": world.a.people[0].pk,
        "note_type": "visit",
        "occurred_on": "1990-01-01",  # Amara was born in 2015
        "summary": "Seen",
        "text": "Seen at home",
    }
    error = assert_error(api.post("/api/case-notes/", note, format="json"), 400, "invalid")
    assert error["fields"] == {"occurred_on": ["The date is before the person was born"]}


def test_anonymous_requests_get_401_not_the_sign_in_page(world):
    response = APIClient().get("/api/cases/")
    assert_error(response, 401, "not_authenticated")
