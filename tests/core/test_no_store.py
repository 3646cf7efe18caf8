"""No browser or shared cache keeps what the application answers (issue 13, finding 12): every
page, redirect, error page, download and API response says ``Cache-Control: no-store``.

Walks every URL pattern in the URLconf (ids filled with practice A's records, as the access walk
does) as A's practice manager, who sees them, and as the commissioning authority's officer, who
sees some and gets 404 for the rest; then every kind of download, the API with a token, and the
pages a signed-out visitor reaches. A new page is covered the day it is added."""

import pytest
from django.urls import get_resolver, reverse

from casework.accounts.models import Role
from casework.looked_after import codes
from tests.api.conftest import token_client
from tests.conftest import TODAY, make_user
from tests.contracts.test_reports import contract_year  # noqa: F401  (the fixture)
from tests.jobs.running import start_and_run
from tests.test_access_walk import _fill, _objects_of_a, _walk


def not_stored(response) -> bool:
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    return {"no-store", "private"} <= directives


def urls_of_the_urlconf(world, client) -> list[str]:
    ids = _objects_of_a(world, client)
    urls = [_fill(route, ids) for _, route, _ in _walk(get_resolver().url_patterns)]
    assert len(urls) >= 60  # the walk really found the app's pages
    return urls


@pytest.mark.django_db
def test_every_page_of_the_urlconf_says_no_store_to_signed_in_users(world, client):
    urls = urls_of_the_urlconf(world, client) + ["/admin/", "/no-such-page/"]
    stored, answered = [], set()
    for user in (world.a.users[Role.PRACTICE_MANAGER], world.commissioner_users[Role.COMMISSIONER_OFFICER]):
        client.force_login(user)
        for url in urls:
            response = client.get(url)
            answered.add(response.status_code)
            if not not_stored(response):
                stored.append(f"{user.role} GET {url} -> {response.status_code} {response.get('Cache-Control')}")
    assert not stored, "\n".join(stored)
    assert {200, 302, 404} <= answered  # pages, redirects and refusals were all walked


@pytest.mark.django_db
def test_every_download_says_no_store(world, client, contract_year):  # noqa: F811
    contract, year = contract_year
    officer = world.commissioner_users[Role.COMMISSIONER_OFFICER]
    manager = world.a.users[Role.PRACTICE_MANAGER]
    client.force_login(officer)
    zip_job, _ = start_and_run(client, reverse("return_903_download"), {"year": codes.collection_year_of(TODAY)})
    downloads = [(officer, reverse("job_file", args=[zip_job.pk]), {})]
    for name in ("contract_report", "contract_payments", "contract_children"):
        for fmt in ("csv", "xlsx"):
            downloads.append((manager, reverse(name, args=[contract.pk]), {"year": year.pk, "format": fmt}))
    downloads.append((manager, reverse("audit_log"), {"format": "csv"}))
    for user, url, params in downloads:
        client.force_login(user)
        response = client.get(url, params)
        assert response.status_code == 200 and "attachment" in response["Content-Disposition"], (url, params)
        assert not_stored(response), (url, params, response.get("Cache-Control"))


@pytest.mark.django_db
def test_the_api_says_no_store_to_a_token(world, client):
    api = token_client(make_user(world.a.org, Role.PRACTICE_MANAGER, "a-service"))
    ids = _objects_of_a(world, client)
    api_urls = [_fill(route, ids) for name, route, _ in _walk(get_resolver().url_patterns) if name.startswith("api_")]
    assert len(api_urls) >= 10
    for url in api_urls + ["/api/people/999999/", "/api/no-such-endpoint/"]:
        response = api.get(url)
        assert not_stored(response), (url, response.status_code, response.get("Cache-Control"))


@pytest.mark.django_db
def test_signed_out_pages_say_no_store_and_static_files_keep_their_caching(client):
    for url in ("/accounts/login/", "/", "/people/", "/healthz", "/api/people/"):
        response = client.get(url)
        assert not_stored(response), (url, response.status_code)
    # Static files hold nothing personal: WhiteNoise answers them before the rule, with its own caching.
    stylesheet = client.get("/static/build/casework.css")
    assert stylesheet.status_code == 200
    assert "no-store" not in stylesheet.get("Cache-Control", "")
