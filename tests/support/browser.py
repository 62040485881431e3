"""Helpers for the browser tests."""

from __future__ import annotations

from ..auth.helpers import GOOD_PASSWORD

SERIOUS = {"serious", "critical"}


def switch_language(page, code: str) -> None:
    """Switch the interface language with the header's switch: links for a visitor, buttons for a member."""
    page.locator(f'.language-switch [lang="{code}"]').click()
    page.wait_for_load_state()


def log_in_finnish(page, email: str, password: str = GOOD_PASSWORD) -> None:
    """Log in through the Finnish login form."""
    page.goto("/login")
    page.get_by_label("Sähköposti").fill(email)
    page.get_by_label("Salasana", exact=True).fill(password)
    page.get_by_role("button", name="Kirjaudu sisään").click()
    page.wait_for_load_state()


def serious_axe_violations(page) -> list[str]:
    """axe-core's serious and critical findings on the page, readable in a failure message."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:5]}"
        for v in results.response["violations"]
        if v.get("impact") in SERIOUS
    ]
