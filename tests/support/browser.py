"""Helpers for the browser tests."""

from __future__ import annotations

SERIOUS = {"serious", "critical"}


def serious_axe_violations(page) -> list[str]:
    """axe-core's serious and critical findings on the page, readable in a failure message."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:5]}"
        for v in results.response["violations"]
        if v.get("impact") in SERIOUS
    ]
