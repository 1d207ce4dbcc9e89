"""Response headers on every response, in every settings module: nosniff, Referrer-Policy, X-Frame-Options and the
Content-Security-Policy; HSTS and Secure cookies with the production settings over HTTPS."""

import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client
from knox.models import AuthToken

from cco_portal.organizations.roles import Role
from tests.factories import PASSWORD
from tests.security.test_production_settings import load_production

pytestmark = pytest.mark.django_db

TEMPLATES = Path(django_settings.BASE_DIR) / "templates"

POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}


def directives(response) -> dict[str, list[str]]:
    parts = (part.split() for part in response["Content-Security-Policy"].split(";"))
    return {words[0]: words[1:] for words in parts if words}


def nonce_of(response) -> str | None:
    nonces = [
        source.removeprefix("'nonce-").removesuffix("'")
        for source in directives(response)["script-src"]
        if source.startswith("'nonce-")
    ]
    return nonces[0] if nonces else None


@pytest.fixture
def responses(organization, admin_user):
    """A sample of what the portal answers: pages signed in and out, the API, its docs, a 404 and a static file."""
    anonymous = Client()
    signed_in = Client()
    signed_in.force_login(admin_user)
    _, token = AuthToken.objects.create(user=admin_user)
    api = Client(headers={"Authorization": f"Token {token}"})
    return {
        "front door, signed out": anonymous.get("/"),
        "login page": anonymous.get("/accounts/login/"),
        "password reset": anonymous.get("/accounts/password_reset/"),
        "organization overview": signed_in.get(f"/o/{organization.slug}/"),
        "members": signed_in.get(f"/o/{organization.slug}/members/"),
        "API list": api.get("/api/v1/orgs/"),
        "API unauthenticated": anonymous.get("/api/v1/orgs/"),
        "API docs": signed_in.get("/api/docs/"),
        "API schema": signed_in.get("/api/schema/"),
        "page not found": signed_in.get("/no-such-page/"),
        "static file": anonymous.get("/static/css/portal.css"),
    }


def test_every_response_carries_the_security_headers(responses):
    """Whatever the page, status or content type: nosniff, same-origin referrers and the full policy, with
    the request's nonce the only addition; HTML that can be framed says DENY too."""
    statuses = {name: response.status_code for name, response in responses.items()}
    assert statuses == {
        "front door, signed out": 302,
        "login page": 200,
        "password reset": 200,
        "organization overview": 200,
        "members": 200,
        "API list": 200,
        "API unauthenticated": 401,
        "API docs": 200,
        "API schema": 200,
        "page not found": 404,
        "static file": 200,
    }
    for name, response in responses.items():
        assert response["X-Content-Type-Options"] == "nosniff", name
        assert response["Referrer-Policy"] == "same-origin", name
        policy = directives(response)
        nonce = nonce_of(response)
        if nonce:
            policy["script-src"].remove(f"'nonce-{nonce}'")
        assert policy == POLICY, name
        if name != "static file":
            assert response["X-Frame-Options"] == "DENY", name


def test_every_inline_script_carries_the_nonce_of_its_response(responses):
    """A script in a page either loads a file or carries this response's nonce, which the policy names only
    when the page has such a script (the API docs)."""
    with_inline_scripts = []
    for name, response in responses.items():
        if not response["Content-Type"].startswith("text/html"):
            continue
        html = response.content.decode()
        inline = [tag for tag in re.findall(r"<script\b[^>]*>", html) if " src=" not in tag]
        nonce = nonce_of(response)
        assert all(f'nonce="{nonce}"' in tag for tag in inline), name
        assert "style=" not in html, name
        if inline:
            with_inline_scripts.append(name)
    assert with_inline_scripts == ["API docs"]
    assert [name for name, response in responses.items() if nonce_of(response)] == ["API docs"]


def test_templates_have_no_inline_script_or_style_without_a_nonce():
    """The policy refuses inline styles and scripts without a nonce, so no page template may hold them.
    Emails are not shown under the policy, nor are the PDFs, which WeasyPrint lays out."""
    pdf_layouts = {"reports/pdf.html", "reports/meetings/minutes_pdf.html"}
    offending = []
    for template in TEMPLATES.rglob("*.html"):
        relative = template.relative_to(TEMPLATES).as_posix()
        if "/email/" in relative or relative in pdf_layouts:
            continue
        text = template.read_text()
        scripts = [tag for tag in re.findall(r"<script\b[^>]*>", text) if " src=" not in tag]
        if [tag for tag in scripts if "nonce=" not in tag] or re.search(r"<style\b|\sstyle=", text):
            offending.append(relative)
    assert offending == []


def test_session_and_csrf_cookies_are_http_only_and_same_site(member_of):
    """Signing in sets a session cookie and a CSRF cookie that no script can read and no cross-site POST sends."""
    # given
    person = member_of(Role.CCO)
    client = Client()
    client.get("/accounts/login/")

    # when
    client.post("/accounts/login/", {"username": person.email, "password": PASSWORD})

    # then
    for name in [django_settings.SESSION_COOKIE_NAME, django_settings.CSRF_COOKIE_NAME]:
        cookie = client.cookies[name]
        assert cookie["httponly"] is True, name
        assert cookie["samesite"] == "Lax", name


@pytest.fixture
def production(monkeypatch, settings):
    """The security settings of cco_portal/settings/production.py, read with the environment it requires."""
    module = load_production(monkeypatch)
    for name, value in module.items():
        if name.startswith(("SECURE_", "SESSION_COOKIE_", "CSRF_COOKIE_")) or name == "X_FRAME_OPTIONS":
            setattr(settings, name, value)
    settings.ALLOWED_HOSTS = ["portal.example.com"]
    return module


def test_production_sends_hsts_and_secure_cookies_over_https(production, member_of):
    """With the production settings an HTTPS request gets HSTS for a year with subdomains, plain HTTP is sent to
    HTTPS, and the session and CSRF cookies are Secure as well as HttpOnly."""
    # given
    person = member_of(Role.CCO)
    client = Client(HTTP_HOST="portal.example.com")

    # when
    plain = client.get("/accounts/login/")
    page = client.get("/accounts/login/", secure=True)
    client.post("/accounts/login/", {"username": person.email, "password": PASSWORD}, secure=True)

    # then
    assert plain.status_code == 301
    assert plain["Location"] == "https://portal.example.com/accounts/login/"
    assert page["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert page["X-Content-Type-Options"] == "nosniff"
    for name in [django_settings.SESSION_COOKIE_NAME, django_settings.CSRF_COOKIE_NAME]:
        cookie = client.cookies[name]
        assert (cookie["secure"], cookie["httponly"], cookie["samesite"]) == (True, True, "Lax"), name
