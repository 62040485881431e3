"""Security headers on every response (issue 15): a Content-Security-Policy without inline script or style,
no framing, no content sniffing, a referrer policy, a permissions policy, and HSTS in production only."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from config import BASE_DIR
from network import create_app

from ..access import all_rules, setup_world
from ..conftest import create_user, log_in

EXPECTED = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}


def _directives(policy: str) -> dict[str, list[str]]:
    directives = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def assert_secure_headers(response, where: str) -> None:
    headers = response.headers
    for name, value in EXPECTED.items():
        assert headers.get(name) == value, f"{where}: {name} is {headers.get(name)!r}"
    policy = headers.get("Content-Security-Policy")
    assert policy, f"{where}: no Content-Security-Policy"
    directives = _directives(policy)
    assert directives.get("frame-ancestors") == ["'none'"], f"{where}: {policy}"
    for name in ("script-src", "style-src", "default-src"):
        sources = directives.get(name)
        assert sources, f"{where}: no {name} in {policy}"
        assert not {"'unsafe-inline'", "'unsafe-eval'", "*", "data:"} & set(sources), f"{where}: {name} {sources}"
    assert directives.get("object-src") == ["'none'"], f"{where}: {policy}"
    permissions = headers.get("Permissions-Policy", "")
    for feature in ("camera", "microphone", "geolocation"):
        assert f"{feature}=()" in permissions, f"{where}: Permissions-Policy {permissions!r}"


def _get_routes(app) -> set[str]:
    return {rule.endpoint for rule in app.url_map.iter_rules() if "GET" in rule.methods}


@pytest.mark.parametrize("role", ["visitor", "coordinator"])
def test_every_get_route_carries_the_security_headers(app, role):
    """Walks app.url_map: every GET route (with the ids of the access-table world) answers with the headers,
    whatever its status (page, redirect to login, 403, 404, file, JSON)."""
    world = setup_world()
    client = app.test_client()
    if role == "coordinator":
        log_in(client, create_user("headers-coordinator@example.fi", "Header Coordinator", role="coordinator"))
    rows = {rule.endpoint: rule for rule in all_rules() if rule.method == "GET"}
    endpoints = _get_routes(app)
    assert endpoints, "no GET routes found"
    missing = sorted(endpoints - set(rows))
    assert not missing, f"GET routes without an access-table row (no URL to try): {missing}"
    for endpoint in sorted(endpoints):
        url = rows[endpoint].url_for(world)
        response = client.get(url)
        response.close()  # file responses (static, uploads) hold their file open until closed
        assert response.status_code < 500, f"{endpoint} {url}: {response.status_code}"
        assert_secure_headers(response, f"{endpoint} {url} ({response.status_code})")


def test_errors_and_posts_carry_the_headers_too(client):
    assert_secure_headers(client.get("/no-such-page"), "404")
    assert_secure_headers(client.post("/healthz"), "405")
    assert_secure_headers(client.post("/language", data={"lang": "sv"}), "POST /language")


def test_a_server_error_carries_the_headers(app):
    @app.get("/_test_boom")
    def boom():
        raise RuntimeError("boom")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = app.test_client().get("/_test_boom")
    assert response.status_code == 500
    assert_secure_headers(response, "500")


def test_no_hsts_outside_production(client):
    assert "Strict-Transport-Security" not in client.get("/").headers


def test_hsts_in_production(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "p" * 8 + "Zq3vL8xN2mK7rT4wY9bC1dF6gH0jS5aE")
    app = create_app("production", overrides={"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'prod.sqlite3'}"})
    response = app.test_client().get("/static/css/site.css")
    response.close()
    assert_secure_headers(response, "production static file")
    hsts = response.headers.get("Strict-Transport-Security", "")
    match = re.fullmatch(r"max-age=(\d+); includeSubDomains", hsts)
    assert match and int(match.group(1)) >= 180 * 24 * 3600, hsts


# --- Pages contain nothing the policy would block ---------------------------------------------------------------

TEMPLATES = BASE_DIR / "templates"
INLINE = [
    (re.compile(r"<style\b", re.I), "a <style> element"),
    (re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.I), "an inline <script>"),
    (re.compile(r"""\sstyle\s*=\s*["']""", re.I), "a style= attribute"),
    (re.compile(r"""\son[a-z]+\s*=\s*["']""", re.I), "an on*= event handler attribute"),
    (re.compile(r"javascript:", re.I), "a javascript: URL"),
]


def _page_templates() -> list[Path]:
    """Every template but mail bodies (templates/<domain>/mail/ or emails/): mail clients need inline style."""
    return [
        path for path in sorted(TEMPLATES.rglob("*.html"))
        if not {"mail", "emails"} & set(path.relative_to(TEMPLATES).parts[:-1])
    ]


def test_page_templates_have_no_inline_script_or_style():
    pages = _page_templates()
    assert len(pages) > 20
    found = [
        f"{path.relative_to(TEMPLATES)}: {what}"
        for path in pages
        for pattern, what in INLINE
        if pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert not found, "\n".join(found)


def test_the_moved_styles_are_in_the_stylesheet():
    css = (BASE_DIR / "static" / "css" / "site.css").read_text(encoding="utf-8")
    for selector in (".facet-list", ".directory-filters", ".row--rejected", ".audit-filters", ".audit-changes"):
        assert selector in css, selector
