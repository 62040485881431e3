"""The Content-Security-Policy in a real Chromium: every page of the access-table world, as a coordinator, loads
without a single violation (no inline style or script left), the moved styles still apply, and the policy is
enforced (an inline style attribute added at run time is blocked and reported)."""

from __future__ import annotations

import pytest

from tests.support.browser import serious_axe_violations

from ..access import all_rules, setup_world
from ..auth.helpers import GOOD_PASSWORD, make_account

pytestmark = pytest.mark.browser

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__cspViolations.push(event.violatedDirective + " " + (event.blockedURI || "inline") + " at "
                              + event.sourceFile + ":" + event.lineNumber);
});
"""


def _log_in(page, email: str) -> None:
    page.goto("/login")
    page.get_by_label("Sähköposti").fill(email)
    page.get_by_label("Salasana", exact=True).fill(GOOD_PASSWORD)
    page.get_by_role("button", name="Kirjaudu sisään").click()
    page.wait_for_load_state()


def _html_urls(app, world) -> list[str]:
    """The GET URLs of the access table that answer the coordinator with an HTML page."""
    client = app.test_client()
    client.post("/login", data={"email": "csp-coordinator@example.fi", "password": GOOD_PASSWORD})
    urls = []
    for rule in all_rules():
        if rule.method != "GET" or rule.endpoint == "auth.login":
            continue
        url = rule.url_for(world)
        response = client.get(url)
        if response.status_code == 200 and response.mimetype == "text/html":
            urls.append(url)
    return urls


def test_no_page_violates_the_policy(app, page):
    make_account("csp-coordinator@example.fi", role="coordinator", name="CSP Coordinator")
    world = setup_world()
    urls = _html_urls(app, world)
    assert len(urls) > 15, urls
    page.context.add_init_script(RECORD_VIOLATIONS)
    console_errors: list[str] = []
    page.on("console", lambda message: console_errors.append(message.text)
            if "Content Security Policy" in message.text else None)
    _log_in(page, "csp-coordinator@example.fi")
    assert page.get_by_role("button", name="Kirjaudu ulos").is_visible()
    violations = {}
    for url in urls:
        response = page.goto(url)
        assert response is not None and response.ok, url
        page.wait_for_load_state("load")
        found = page.evaluate("window.__cspViolations")
        if found:
            violations[url] = found
    assert not violations, violations
    assert not console_errors, console_errors


def test_the_moved_styles_apply_and_pages_stay_accessible(app, page):
    make_account("csp-coordinator@example.fi", role="coordinator", name="CSP Coordinator")
    _log_in(page, "csp-coordinator@example.fi")
    page.goto("/admin/audit")
    assert page.evaluate("getComputedStyle(document.querySelector('.audit-filters')).display") == "grid"
    assert serious_axe_violations(page) == []
    page.goto("/organisations")
    assert page.evaluate("getComputedStyle(document.querySelector('.directory-filters')).display") == "grid"
    assert serious_axe_violations(page) == []


def test_the_policy_is_enforced(page):
    page.context.add_init_script(RECORD_VIOLATIONS)
    page.goto("/")
    page.evaluate("""() => {
        const box = document.createElement("div");
        box.innerHTML = '<p id="inline-styled" style="color: rgb(255, 0, 0)">x</p>';
        document.body.appendChild(box);
    }""")
    page.wait_for_function("window.__cspViolations.length > 0")
    assert "style-src" in page.evaluate("window.__cspViolations[0]")
    assert page.evaluate("getComputedStyle(document.getElementById('inline-styled')).color") != "rgb(255, 0, 0)"
