"""The base layout that every page uses: landmarks, skip link, navigation, flash messages, footer."""

from __future__ import annotations

import re

from network.core.navigation import MAIN_MENU
from network.permissions import coordinator_required, is_coordinator

from ..conftest import choose_language


def test_landmarks_and_skip_link(client):
    page = client.get("/").get_data(as_text=True)
    body = page[page.index("<body>"):]
    # The skip link is the first thing in the body and points at <main id="main">, which can take focus.
    assert re.match(r'<body>\s*<a class="skip-link" href="#main">Siirry sisältöön</a>', body)
    assert '<main id="main" class="container" tabindex="-1">' in page
    assert page.count("<header") == 1 and page.count("<footer") == 1 and page.count("<main") == 1
    assert '<nav class="main-nav" aria-label="Päävalikko">' in page
    assert '<a class="site-name" href="/">Kuntademokratiaverkosto</a>' in page
    assert '<link rel="stylesheet" href="/static/css/site.css">' in page
    assert "http://" not in page.split("<body>")[0] and "https://" not in page.split("<body>")[0]  # no CDN


def test_menu_shows_the_sections_that_exist_in_order(app, client):
    page = client.get("/").get_data(as_text=True)
    nav = page[page.index('<ul class="main-nav__list">'):page.index('<ul class="account-nav">')]
    finnish = {"meetings.index": "Tapaamiset", "groups.index": "Työryhmät", "mailing.archive": "Viestit",
               "orgs.directory": "Jäsenet", "surveys.index": "Jäsenkysely"}
    expected = [finnish[endpoint] for endpoint, _label in MAIN_MENU if endpoint in app.view_functions]
    shown = re.findall(r">([^<>]+)</a></li>", nav)
    assert shown == expected


def test_current_section_is_marked(app, client):
    endpoint = next((e for e, _ in MAIN_MENU if e in app.view_functions), None)
    if endpoint is None:
        return
    from flask import url_for

    with app.test_request_context():
        url = url_for(endpoint)
    page = client.get(url).get_data(as_text=True)
    assert f'<a href="{url}" aria-current="page">' in page


def test_account_links_for_visitor_and_member(client, member_client, coordinator_client):
    visitor = client.get("/").get_data(as_text=True)
    assert 'href="/login"' in visitor and 'href="/register"' in visitor and "Kirjaudu ulos" not in visitor
    member = member_client.get("/").get_data(as_text=True)
    assert "Maija Member" in member and "Kirjaudu ulos" in member and 'href="/admin"' not in member
    coordinator = coordinator_client.get("/").get_data(as_text=True)
    assert 'href="/admin"' in coordinator


def test_footer_links_the_mailing_list_subscription(app, client):
    page = client.get("/").get_data(as_text=True)
    footer = page[page.index("<footer"):]
    if "mailing.subscribe" in app.view_functions:
        assert "Tilaa postituslista" in footer
    else:
        assert "Postituslistan tilaus avautuu pian." in footer


def test_flash_messages_are_announced(client):
    choose_language(client, "en")
    page = client.post("/logout", follow_redirects=True).get_data(as_text=True)
    assert '<div class="flashes" role="status">' in page
    assert "You have logged out." in page


def test_is_coordinator_and_decorator(app, member, coordinator):
    assert is_coordinator(coordinator) and not is_coordinator(member) and not is_coordinator(None)

    @coordinator_required
    def view():
        return "ok"

    assert view.__name__ == "view"
