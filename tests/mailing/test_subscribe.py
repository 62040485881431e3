"""Double opt-in, one-click unsubscribe, the manage page and a member's own page."""

from __future__ import annotations

import re

from network.extensions import db
from network.mail.delivery import deliver_all
from network.mailing import lists, subscriptions
from network.mailing.models import Subscriber
from network.tokens import make_token
from tests.factories import make_post, make_subscribers
from tests.support.english import english
from tests.support.mail import links_in, path_of, text_body


def _subscribe(client, email="liisa@example.fi", name="Liisa Lukija", language="fi"):
    return client.post("/subscribe", data={"email": email, "name": name, "language": language})


def test_subscribe_sends_confirmation_and_nothing_else_until_confirmed(client, smtp_server):
    response = _subscribe(client)
    assert response.status_code == 200
    assert "liisa@example.fi" in response.get_data(as_text=True)
    # Nothing is stored about the address before it is confirmed, so a post does not reach it.
    assert db.session.query(Subscriber).count() == 0
    make_post()
    deliver_all()
    received = smtp_server.messages_to("liisa@example.fi")
    assert len(received) == 1, "only the confirmation"
    confirmation = received[0]
    assert "List-Id" not in confirmation
    link = next(u for u in links_in(confirmation) if "/subscribe/confirm/" in u)

    page = client.get(path_of(link))
    assert page.status_code == 200
    assert db.session.query(Subscriber).count() == 0, "GET does not confirm (mail scanners fetch links)"
    done = client.post(path_of(link))
    assert done.status_code == 200
    subscriber = subscriptions.find_subscriber("liisa@example.fi")
    assert subscriber.confirmed and subscriber.name == "Liisa Lukija"
    assert lists.main_list().id in subscriptions.active_list_ids(subscriber)

    make_post(subject="Toinen viesti")
    deliver_all()
    assert [m["Subject"] for m in smtp_server.messages_to("liisa@example.fi")][-1] == "Toinen viesti"


def test_confirmation_mail_is_in_the_chosen_language(client, smtp_server):
    _subscribe(client, email="sven@example.fi", name="Sven", language="sv")
    deliver_all()
    message = smtp_server.messages_to("sven@example.fi")[0]
    assert "Bekräfta" in message["Subject"]


def test_name_with_newline_is_refused(client, smtp_server):
    english(client)
    response = _subscribe(client, name="Evil\r\nBcc: victim@example.fi")
    assert response.status_code == 422
    assert "one line" in response.get_data(as_text=True)
    deliver_all()
    assert smtp_server.received == []


def test_invalid_address_is_refused(client):
    english(client)
    response = _subscribe(client, email="not-an-address")
    assert response.status_code == 422
    assert "valid e-mail address" in response.get_data(as_text=True)


def test_forged_and_expired_confirm_tokens(client, app):
    english(client)
    forged = client.get("/subscribe/confirm/abc.def.ghi")
    assert forged.status_code == 400
    assert "not valid" in forged.get_data(as_text=True)
    token = make_token(subscriptions.CONFIRM_PURPOSE, {"e": "x@example.fi", "n": "", "l": "fi", "lists": []})
    app.config["TOKEN_MAX_AGE_CONFIRM"] = -1
    expired = client.post(f"/subscribe/confirm/{token}")
    assert expired.status_code == 400
    assert "expired" in expired.get_data(as_text=True)
    assert db.session.query(Subscriber).count() == 0


def test_a_token_for_another_purpose_is_refused(client, app):
    subscriber = make_subscribers(1)[0]
    manage = subscriptions.manage_token(subscriber)
    assert client.post(f"/unsubscribe/{manage}").status_code == 400
    assert lists.main_list().id in subscriptions.active_list_ids(subscriber)


def test_every_list_message_has_one_click_unsubscribe_that_works_without_login_or_csrf(csrf_app, smtp_server):
    client = csrf_app.test_client()
    make_subscribers(2)
    make_post()
    deliver_all()
    message = smtp_server.messages_to("sub00000@example.fi")[0]
    header = message["List-Unsubscribe"]
    https_url = re.search(r"<(http[^>]+)>", header).group(1)
    assert re.search(r"<mailto:[^>]+>", header)
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # GET shows a confirmation page and changes nothing.
    page = client.get(path_of(https_url))
    assert page.status_code == 200
    subscriber = subscriptions.find_subscriber("sub00000@example.fi")
    assert subscriptions.active_list_ids(subscriber)

    # RFC 8058: the mail client POSTs List-Unsubscribe=One-Click, no cookie, no CSRF token.
    response = client.post(path_of(https_url), data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    db.session.expire_all()
    assert not subscriptions.active_list_ids(subscriptions.find_subscriber("sub00000@example.fi"))

    make_post(subject="Kolmas")
    deliver_all()
    assert [m["Subject"] for m in smtp_server.messages_to("sub00000@example.fi")] == ["Tervehdys verkostolle"]
    assert len(smtp_server.messages_to("sub00001@example.fi")) == 2


def test_forged_and_expired_unsubscribe_token(client, monkeypatch):
    english(client)
    assert "not valid" in client.post("/unsubscribe/forged-token").get_data(as_text=True)
    subscriber = make_subscribers(1)[0]
    token = subscriptions.unsubscribe_token(subscriber, lists.main_list())
    monkeypatch.setattr(subscriptions, "LINK_MAX_AGE", -1)
    response = client.post(f"/unsubscribe/{token}")
    assert response.status_code == 400
    assert "expired" in response.get_data(as_text=True)
    assert subscriptions.active_list_ids(subscriber)


def test_unsubscribe_link_of_a_deleted_subscriber_does_not_touch_whoever_gets_its_id(client):
    english(client)
    subscriber = make_subscribers(1)[0]
    token = subscriptions.unsubscribe_token(subscriber, lists.main_list())
    old_id = subscriber.id
    db.session.delete(subscriber)
    db.session.commit()
    # SQLite hands the freed highest id to the next row; force the same on any database.
    newcomer = Subscriber(id=old_id, email="newcomer@example.fi", name="Uusi", language="fi")
    db.session.add(newcomer)
    db.session.flush()
    subscription = subscriptions._subscription(newcomer, lists.main_list())
    subscription.active = True
    newcomer.confirmed_at = subscriptions.utcnow()
    db.session.commit()
    response = client.post(f"/unsubscribe/{token}")
    assert response.status_code == 400 and "not valid" in response.get_data(as_text=True)
    db.session.expire_all()
    assert subscriptions.active_list_ids(db.session.get(Subscriber, old_id))


def test_manage_page_from_the_mail_changes_language_and_lists(client, smtp_server):
    make_subscribers(1)
    make_post()
    deliver_all()
    message = smtp_server.messages_to("sub00000@example.fi")[0]
    manage = next(u for u in links_in(message) if "/subscriptions/" in u)
    page = client.get(path_of(manage))
    assert page.status_code == 200
    main_id = lists.main_list().id
    response = client.post(path_of(manage), data={"language": "sv", "lists": [str(main_id)]})
    assert response.status_code == 302
    subscriber = subscriptions.find_subscriber("sub00000@example.fi")
    assert subscriber.language == "sv"
    client.post(path_of(manage), data={"language": "sv"})
    db.session.expire_all()
    assert not subscriptions.active_list_ids(subscriptions.find_subscriber("sub00000@example.fi"))


def test_manage_link_request_does_not_reveal_addresses(client, smtp_server):
    english(client)
    make_subscribers(1)
    for address in ("sub00000@example.fi", "nobody@example.fi"):
        response = client.post("/subscriptions", data={"email": address}, follow_redirects=True)
        assert "If this address is subscribed" in response.get_data(as_text=True)
    deliver_all()
    assert len(smtp_server.messages_to("sub00000@example.fi")) == 1
    assert smtp_server.messages_to("nobody@example.fi") == []
    assert "/subscriptions/" in text_body(smtp_server.messages_to("sub00000@example.fi")[0])


def test_member_manages_own_subscriptions(member_client, member):
    page = member_client.get("/me/subscriptions")
    assert page.status_code == 200
    main_id = lists.main_list().id
    response = member_client.post("/me/subscriptions", data={"language": "fi", "lists": [str(main_id)]})
    assert response.status_code == 302
    subscriber = subscriptions.subscriber_for_user(member)
    assert subscriber.confirmed and subscriber.user_id == member.id
    assert main_id in subscriptions.active_list_ids(subscriber)
    member_client.post("/me/subscriptions", data={"language": "sv"})
    db.session.expire_all()
    assert not subscriptions.active_list_ids(subscriptions.subscriber_for_user(member))


def test_group_list_membership_sync(app, member, coordinator):
    from tests.conftest import create_user

    other = create_user("other@example.fi", "Other")
    group_list = lists.ensure_group_list(7, "Osallisuustyöryhmä", "Arbetsgrupp", chair_id=coordinator.id)
    subscriptions.sync_list_members(group_list, [member, other])
    db.session.commit()
    assert {s.email for s in db.session.scalars(subscriptions.recipients_statement(group_list))} == {
        "member@example.fi", "other@example.fi"}
    assert lists.can_read_archive(member, group_list)
    subscriptions.sync_list_members(group_list, [member])
    db.session.commit()
    assert {s.email for s in db.session.scalars(subscriptions.recipients_statement(group_list))} == {
        "member@example.fi"}
    assert not lists.can_read_archive(other, group_list)
    assert lists.ensure_group_list(7, "Uusi nimi").id == group_list.id


def test_link_opened_after_one_click_unsubscribe_says_already_unsubscribed(client):
    english(client)
    subscriber = make_subscribers(1)[0]
    token = subscriptions.unsubscribe_token(subscriber, lists.main_list())
    assert client.post(f"/unsubscribe/{token}", data={"List-Unsubscribe": "One-Click"}).status_code == 200
    page = client.get(f"/unsubscribe/{token}").get_data(as_text=True)
    assert "sub00000@example.fi is already unsubscribed from" in page
    assert "Stop sending" not in page and f'action="/unsubscribe/{token}"' not in page
    manage = re.search(r'href="(/subscriptions/[^"]+)">Subscribe again<', page).group(1)
    assert client.get(manage).status_code == 200
