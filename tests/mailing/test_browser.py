"""The subscriber's journey in a real Chromium: subscribe, confirm from the mail received, unsubscribe."""

from __future__ import annotations

import pytest

from network.mailing import subscriptions
from network.mailing.delivery import deliver_all
from tests.support.mail import links_in

from .helpers import send_post


@pytest.mark.browser
def test_subscriber_journey(page, live_server, app, smtp_server):
    page.goto("/")
    page.get_by_role("link", name="Tilaa postituslista").click()
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

    send_post(subject="Verkoston uutiset")
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
