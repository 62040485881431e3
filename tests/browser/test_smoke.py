"""The site in a real Chromium: languages, register -> confirm by mail -> log in, keyboard use, and axe-core."""

from __future__ import annotations

import pytest

from network.mail.delivery import deliver_all
from tests.factories import make_org
from tests.support.browser import serious_axe_violations

from ..auth.helpers import GOOD_PASSWORD, make_account
from ..support.mail import links_in

pytestmark = pytest.mark.browser


def _lang(page) -> str:
    return page.evaluate("document.documentElement.lang")


def _log_in(page, email: str, password: str = GOOD_PASSWORD) -> None:
    page.goto("/login")
    page.get_by_label("Sähköposti").fill(email)
    page.get_by_label("Salasana", exact=True).fill(password)
    page.get_by_role("button", name="Kirjaudu sisään").click()
    page.wait_for_load_state()


def test_home_and_language_switch(page):
    page.goto("/")
    assert _lang(page) == "fi"
    assert page.locator("h1").inner_text() == "Kuntademokratiaverkosto"

    # A visitor's language switch is a link to the same page in that language (a member's is a form).
    page.get_by_role("link", name="Svenska").click()
    page.wait_for_url("**/?lang=sv")
    assert _lang(page) == "sv"
    assert page.locator("h1").inner_text() == "Nätverket för kommunal demokrati"
    assert page.get_by_role("heading", name="Vad nätverket gör").is_visible()

    page.get_by_role("link", name="English").click()
    page.wait_for_url("**/?lang=en")
    assert _lang(page) == "en"
    assert page.locator("h1").inner_text() == "Municipal Democracy Network"

    # The choice sticks while browsing, also on other pages.
    page.goto("/login")
    assert _lang(page) == "en"
    assert page.locator("h1").inner_text() == "Log in"


def test_register_confirm_by_mail_and_log_in(page, smtp_server):
    make_org("Vaasan kaupunki", name_sv="Vasa stad", region="pirkanmaa")
    page.goto("/register")
    page.get_by_label("Nimi", exact=True).fill("Erik Lindqvist")
    page.get_by_label("Sähköposti").fill("Erik.Lindqvist@Vaasa.example")
    page.get_by_label("Salasana", exact=True).fill(GOOD_PASSWORD)
    page.get_by_label("Salasana uudelleen").fill(GOOD_PASSWORD)
    page.get_by_label("Organisaatio", exact=True).select_option(label="Vaasan kaupunki")
    page.get_by_label("Käyttökieli").select_option("sv")
    page.get_by_role("button", name="Luo tili").click()
    page.wait_for_url("**/login")
    # The same answer as for an address that already has an account (issue 15: no account probing).
    assert "Jos osoitteeseen voi lähettää postia, viesti on matkalla" in page.locator(".flashes").inner_text()

    report = deliver_all()
    assert report.sent == 1, report.errors
    [message] = smtp_server.messages_to("erik.lindqvist@vaasa.example")
    assert message["Subject"] == "Bekräfta din e-postadress"
    [link] = [link for link in links_in(message) if "/confirm/" in link]
    assert link.startswith(page.url.split("/login")[0])  # the link points at this site

    # The link carries Erik's language (Swedish): the page it opens is in Swedish without logging in.
    assert "lang=sv" in link
    page.goto(link)
    page.get_by_role("button", name="Bekräfta min e-postadress").click()
    page.wait_for_url("**/login")
    assert "Din e-postadress är bekräftad." in page.locator(".flashes").inner_text()
    page.goto(page.url.split("?")[0] + "?lang=fi")

    page.get_by_label("Sähköposti").fill("erik.lindqvist@vaasa.example")
    page.get_by_label("Salasana", exact=True).fill(GOOD_PASSWORD)
    page.get_by_label("Muista minut").check()
    page.get_by_role("button", name="Kirjaudu sisään").click()
    page.wait_for_url("**/")
    # Logged in, in the language chosen at registration, with a lasting remember cookie.
    assert _lang(page) == "sv"
    assert "Välkommen, Erik Lindqvist!" in page.locator(".flashes").inner_text()
    assert page.get_by_role("link", name="Erik Lindqvist").is_visible()
    cookies = {c["name"]: c for c in page.context.cookies()}
    assert "remember_token" in cookies and cookies["remember_token"]["httpOnly"]

    page.get_by_role("button", name="Logga ut").click()
    page.wait_for_url("**/")
    assert page.get_by_role("link", name="Logga in").first.is_visible()


def test_skip_link_is_first_and_moves_focus_to_main(page):
    page.goto("/")
    page.keyboard.press("Tab")
    focused = page.evaluate("[document.activeElement.className, document.activeElement.getAttribute('href')]")
    assert focused == ["skip-link", "#main"]
    assert page.locator(".skip-link").is_visible()  # shown when focused
    assert page.locator(".skip-link").inner_text() == "Siirry sisältöön"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    # The next Tab lands inside the main content, not back in the header.
    page.keyboard.press("Tab")
    assert page.evaluate("document.getElementById('main').contains(document.activeElement)")


def test_focus_is_visible(page):
    page.goto("/")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")  # the first language button
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"




def test_axe_on_public_pages(page):
    problems = {}
    for path in ("/", "/login", "/register", "/reset", "/no-such-page"):
        page.goto(path)
        problems[path] = serious_axe_violations(page)
    page.get_by_role("link", name="Svenska").click()
    page.wait_for_url("**/no-such-page?lang=sv")
    problems["/no-such-page (sv)"] = serious_axe_violations(page)
    page.goto("/")
    problems["/ (sv)"] = serious_axe_violations(page)
    # A form with errors, as a person sees it after a bad submit.
    page.goto("/register")
    page.locator("form.form button[type=submit], form.form input[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".error-summary").is_visible()
    # Focus goes to the summary, so a screen reader reads out what to correct; its links lead to the fields.
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    assert page.locator(".error-summary a[href='#name']").count() == 1
    problems["/register (errors)"] = serious_axe_violations(page)
    assert not any(problems.values()), problems


def test_axe_on_profile_and_administration(page):
    make_account("kaisa@example.fi", role="coordinator", name="Kaisa Koordinaattori")
    _log_in(page, "kaisa@example.fi")
    problems = {}
    for path in ("/profile", "/admin/users"):
        page.goto(path)
        problems[path] = serious_axe_violations(page)
    assert not any(problems.values()), problems


def test_axe_check_is_not_vacuous(page):
    """The same check finds a planted problem (grey text on white), so a clean result above means something."""
    page.goto("/")
    page.evaluate("document.querySelector('main p').style.color = '#c8c8c8'")
    assert any(v.startswith("color-contrast (serious)") for v in serious_axe_violations(page))


def test_small_screen_has_no_sideways_scrolling(page):
    page.set_viewport_size({"width": 320, "height": 640})
    for path in ("/", "/register", "/login"):
        page.goto(path)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px"
        assert page.get_by_role("link", name="Svenska").is_visible()
        assert not serious_axe_violations(page), path
