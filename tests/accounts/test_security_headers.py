"""Content Security Policy on every page, nothing inline in any template, HSTS over HTTPS, and
``manage.py check --deploy`` clean with production settings."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from casework.accounts.models import Role

ROOT = Path(__file__).resolve().parent.parent.parent

INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[a-z][^>]*\sstyle\s*=", re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style\b", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"javascript:", re.IGNORECASE)


def directives(header: str) -> dict[str, list[str]]:
    parts = [p.strip().split() for p in header.split(";") if p.strip()]
    return {p[0]: p[1:] for p in parts}


def assert_strict_policy(response, url):
    header = response.headers.get("Content-Security-Policy")
    assert header, f"no Content-Security-Policy on {url}"
    policy = directives(header)
    assert policy["default-src"] == ["'self'"], url
    assert policy["script-src"] == ["'self'"], url
    assert policy["style-src"] == ["'self'"], url
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"], url
    assert "'unsafe-inline'" not in header and "'unsafe-eval'" not in header, url


def assert_nothing_inline(html: str, where: str):
    assert not INLINE_SCRIPT.search(html), f"inline <script> in {where}"
    assert not EVENT_HANDLER.search(html), f"on...= event handler in {where}"
    assert not STYLE_ATTRIBUTE.search(html), f"style= attribute in {where}"
    assert not STYLE_ELEMENT.search(html), f"<style> element in {where}"
    assert not JAVASCRIPT_URL.search(html), f"javascript: address in {where}"


def test_no_template_has_an_inline_script_handler_or_style():
    templates = sorted((ROOT / "casework").rglob("templates/**/*.html"))
    assert len(templates) > 20
    for path in templates:
        assert_nothing_inline(path.read_text(), str(path.relative_to(ROOT)))


@pytest.mark.django_db
def test_every_kind_of_page_has_the_policy_and_nothing_inline(world, client):
    person, case = world.a.people[0], world.a.cases[0]
    anonymous = ["/accounts/login/"]
    for url in anonymous:
        response = client.get(url)
        assert response.status_code == 200
        assert_strict_policy(response, url)
        assert_nothing_inline(response.content.decode(), url)
    client.force_login(world.a.users[Role.TEAM_MANAGER])
    pages = [
        "/",
        "/people/?name=Okafor",
        f"/people/{person.pk}/",
        f"/people/{person.pk}/notes/new/",
        f"/cases/{case.pk}/",
        "/caseloads/",
        "/practice/list/",
        "/accounts/mfa/",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_strict_policy(response, url)
        assert_nothing_inline(response.content.decode(), url)
    # A redirect and an error page carry it too.
    assert_strict_policy(client.get("/accounts/mfa/setup/"), "redirect")
    assert_strict_policy(client.get("/people/999999/"), "404")


@pytest.mark.django_db
def test_the_mfa_pages_have_nothing_inline_either(world, client):
    from casework.accounts.testing import force_login_password_only

    force_login_password_only(client, world.a.users[Role.PRACTITIONER])
    for url in ["/accounts/mfa/setup/", "/accounts/mfa/recovery-code/"]:
        response = client.get(url, follow=True)
        assert response.status_code == 200
        assert_strict_policy(response, url)
        assert_nothing_inline(response.content.decode(), url)


@pytest.mark.django_db
def test_hsts_over_https(client):
    response = client.get("/accounts/login/", secure=True)
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def _production_env(**extra) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CASEWORK_", "AXES_"))}
    env.update(
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        DJANGO_ALLOWED_HOSTS="casework.example.org",
        **extra,
    )
    return env


def _check_deploy(env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_check_deploy_is_clean_with_production_settings():
    result = _check_deploy(_production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_fails_on_insecure_cookies_or_the_development_key():
    result = _check_deploy(_production_env(DJANGO_SECURE_COOKIES="false"))
    assert result.returncode != 0 and "security.W012" in result.stderr + result.stdout
    env = _production_env()
    del env["DJANGO_SECRET_KEY"]
    result = _check_deploy(env)
    assert result.returncode != 0 and "security.W009" in result.stderr + result.stdout
