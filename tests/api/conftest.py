"""API fixtures: service accounts of practice A and B, and of A's commissioner, each with a token
issued through the service (as `manage.py api_token_create` issues them)."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from casework.accounts.models import Role
from casework.api.services import api_token_issue
from tests.conftest import make_user


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    # the throttle counts requests per user id in the cache; ids repeat between tests
    cache.clear()
    yield
    cache.clear()


def token_client(user, *, can_write=False) -> APIClient:
    _, raw = api_token_issue(actor=None, user=user, name=f"test {user.username}", can_write=can_write)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    client.raw_token = raw
    return client


@pytest.fixture
def a_service(world):
    """Practice A's integration: a service account with a practice manager's scope."""
    return make_user(world.a.org, Role.PRACTICE_MANAGER, "a-service")


@pytest.fixture
def api(a_service) -> APIClient:
    return token_client(a_service, can_write=True)


@pytest.fixture
def b_api(world) -> APIClient:
    return token_client(make_user(world.b.org, Role.PRACTICE_MANAGER, "b-service"), can_write=True)


@pytest.fixture
def commissioner_api(world) -> APIClient:
    return token_client(make_user(world.commissioner, Role.COMMISSIONER_OFFICER, "c-service"))


def assert_error(response, status: int, code: str) -> dict:
    """The one error shape; returns its body for further checks."""
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert set(error) == {"status", "code", "message", "fields"}
    assert (error["status"], error["code"]) == (status, code)
    assert isinstance(error["message"], str) and error["message"]
    return error
