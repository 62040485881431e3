"""The subscriber's journey in a real Chromium: subscribe, confirm from the mail received, unsubscribe."""

from __future__ import annotations

import pytest

from network.mail.delivery import deliver_all
from network.mailing import subscriptions
from tests.factories import make_post, make_subscribers
from tests.support.browser import serious_axe_violations
from tests.support.mail import links_in


@pytest.mark.browser
def test_subscriber_journey(page, live_server, app, smtp_server):
    page.goto("/")
    page.get_by_role("contentinfo").get_by_role("link", name="Tilaa postituslista").click()  # the footer link
    page.get_by_label("Sähköposti").fill("selain@example.fi")
    page.get_by_label("Nimi").fill("Selma Selain")
    page.get_by_role("button", name="Tilaa").click()
    page.get_by_text("selain@example.fi").first.wait_for()

    deliver_all()
    (confirmation,) = smtp_server.messages_to("selain@example.fi")
    confirm_link = next(u for u in links_in(confirmation) if "/subscribe/confirm/" in u)
    page.goto(confirm_link)
    page.get_by_role("button", name="Vahvista tilaus").click()
    page.get_by_role("heading", name="Tilaus vahvistettu").wait_for()
    assert subscriptions.find_subscriber("selain@example.fi").confirmed

    make_post(subject="Verkoston uutiset")
    deliver_all()
    news = smtp_server.messages_to("selain@example.fi")[-1]
    assert news["Subject"] == "Verkoston uutiset"
    unsubscribe_link = next(u for u in links_in(news) if "/unsubscribe/" in u)
    page.goto(unsubscribe_link)
    page.get_by_role("button", name="Peru tilaus").click()
    page.get_by_role("heading", name="Tilaus peruttu").wait_for()

    from network.extensions import db

    db.session.expire_all()
    assert not subscriptions.active_list_ids(subscriptions.find_subscriber("selain@example.fi"))




@pytest.mark.browser
def test_coordinator_writes_a_post_and_watches_it_go_out(page, live_server, app, smtp_server):
    from tests.conftest import PASSWORD, create_user

    create_user("koordinaattori@example.fi", "Kaisa Koordinaattori", role="coordinator")
    make_subscribers(3)
    page.goto("/login")
    page.get_by_label("Sähköposti").fill("koordinaattori@example.fi")
    page.get_by_label("Salasana", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Kirjaudu sisään").click()
    page.goto("/posts/new")
    assert serious_axe_violations(page) == []
    page.get_by_label("Otsikko suomeksi").fill("Syysterveiset")
    page.get_by_label("Teksti suomeksi").fill("Hei **kaikki**!")
    page.get_by_role("button", name="Esikatsele").click()
    assert page.locator(".preview strong").inner_text() == "kaikki"
    page.get_by_role("button", name="Lähetä", exact=True).click()
    # Sending asks first: the recipients and the text as it goes out, nothing sent yet.
    page.get_by_role("heading", name="Tarkista ja vahvista").wait_for()
    assert "Viesti lähtee 3 tilaajalle" in page.locator(".preview__recipients").inner_text()
    assert serious_axe_violations(page) == []
    page.get_by_role("button", name="Vahvista ja lähetä").click()
    page.get_by_role("heading", name="Syysterveiset").wait_for()
    assert page.locator('[data-count="waiting"]').inner_text() == "3"
    assert serious_axe_violations(page) == []

    deliver_all()
    # The page polls the progress endpoint and shows the result without a reload.
    page.locator('[data-count="sent"]', has_text="3").wait_for()
    assert page.locator('[data-count="waiting"]').inner_text() == "0"
    assert len(smtp_server.received) == 3


@pytest.mark.browser
def test_axe_on_mailing_pages(page, live_server, app):
    make_post(subject="Arkiston viesti")
    problems = {}
    for path in ("/subscribe", "/posts", "/subscriptions", "/posts?q=ei-loydy"):
        page.goto(path)
        problems[path] = serious_axe_violations(page)
    page.goto("/subscribe")
    page.get_by_role("button", name="Tilaa").click()
    page.wait_for_load_state()
    problems["/subscribe (errors)"] = serious_axe_violations(page)
    assert all(not v for v in problems.values()), problems
