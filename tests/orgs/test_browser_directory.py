"""The public directory in a real Chromium: search, filter, page through, open an organisation; axe-core."""

from __future__ import annotations

import pytest

from network.extensions import db
from network.orgs import demo
from tests.support.browser import serious_axe_violations

pytestmark = pytest.mark.browser



def _load_demo() -> None:
    demo.load()
    db.session.commit()


def _result_names(page) -> list[str]:
    return page.locator("table.table tbody th[scope=row] a").all_inner_texts()


def test_search_filter_and_open_an_organisation(page):
    _load_demo()
    page.goto("/")
    # The main menu links the directory.
    page.get_by_role("navigation", name="Päävalikko").get_by_role("link", name="Jäsenet").click()
    page.wait_for_url("**/organisations")
    assert page.locator("h1").inner_text() == "Jäsenorganisaatiot"
    # Paginated: 34 current members, 20 on the first page.
    assert len(_result_names(page)) == 20
    assert page.get_by_role("heading", name="34 organisaatiota").is_visible()

    # Case- and accent-insensitive search.
    page.get_by_label("Hae nimellä").fill("mantta")
    page.get_by_role("button", name="Hae", exact=True).click()
    page.wait_for_load_state()
    assert _result_names(page) == ["Mänttä-Vilppulan kaupunki"]

    # Filter by region and Open Government membership.
    page.get_by_label("Hae nimellä").fill("")
    page.get_by_label("Maakunta").select_option(label="Pirkanmaa")
    page.get_by_label("Vain avoimen hallinnon kuntaverkoston jäsenet").check()
    page.get_by_role("button", name="Hae", exact=True).click()
    page.wait_for_load_state()
    assert _result_names(page) == ["Tampereen kaupunki"]

    # The counts by kind link to a filtered list.
    page.get_by_role("link", name="Tyhjennä rajaukset").click()
    page.wait_for_load_state()
    page.locator("section[aria-labelledby=counts-kind]").get_by_role("link", name="Valtionhallinto").click()
    page.wait_for_load_state()
    assert "kind=state" in page.url
    assert set(_result_names(page)) == {"Oikeusministeriö", "Valtiovarainministeriö", "Lapin aluehallintovirasto"}

    page.get_by_role("link", name="Oikeusministeriö").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Oikeusministeriö"
    assert page.get_by_text("Valtionhallinto").first.is_visible()


def test_pages_through_and_swedish_names(page):
    _load_demo()
    page.goto("/organisations")
    page.locator("nav.pagination").get_by_role("link", name="2", exact=True).click()
    page.wait_for_load_state()
    assert "page=2" in page.url and len(_result_names(page)) == 14
    page.get_by_role("link", name="Svenska").click()
    page.wait_for_load_state()
    page.goto("/organisations?q=tammerfors")
    # By name, and by municipality (Tampere in Swedish): the wellbeing services county is in Tampere.
    assert _result_names(page) == ["Birkalands välfärdsområde", "Tammerfors stad", "Tammerfors universitet"]


def test_directory_and_application_form_are_accessible(page):
    _load_demo()
    from sqlalchemy import select

    from network.orgs.models import Organisation

    first = db.session.scalar(select(Organisation.id).order_by(Organisation.id))
    problems = {}
    for path in ("/organisations", "/organisations?q=mantta", f"/organisations/{first}", "/organisations/apply"):
        page.goto(path)
        problems[path] = serious_axe_violations(page)
    page.locator("form.form button[type=submit], form.form input[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".error-summary").is_visible()
    problems["/organisations/apply (errors)"] = serious_axe_violations(page)
    assert not any(problems.values()), problems
