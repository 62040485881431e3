"""A member changes their e-mail address (confirmed at the new address, the old one told) and their password (the
current one asked) from the profile (issue 16, item 9). Before: the profile offered neither."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from network.auth import accounts
from network.extensions import db
from network.mail.delivery import deliver_all
from network.mailing import lists, subscriptions
from network.mailing.models import Subscriber
from network.meetings import registration
from network.meetings.models import MeetingRegistration
from network.tokens import TokenError

from ..conftest import choose_language, log_in
from ..factories import make_meeting
from .helpers import GOOD_PASSWORD, deliver_and_read, link_path, make_account, outbox_count, user_by_email

NEW_PASSWORD = "toinen-pitka-salasana"


@pytest.fixture
def aino(app):
    return make_account("aino@example.fi", name="Aino Virtanen", language="fi")


@pytest.fixture
def aino_client(app, aino):
    client = app.test_client()
    log_in(client, aino)
    return client


def test_profile_links_both_changes(aino_client):
    html = aino_client.get("/profile").get_data(as_text=True)
    assert 'href="/profile/email"' in html and 'href="/profile/password"' in html


def test_change_email_end_to_end(aino, aino_client, smtp_server):
    subscriber = subscriptions.subscriber_for_user(aino, create=True)
    subscriptions.update_preferences(subscriber, "fi", [lists.main_list().id])
    meeting = make_meeting()
    registration.register(meeting, email=aino.email, name=aino.name, mode="in_person", user=aino)
    db.session.commit()
    deliver_all()  # the registration's confirmation goes to the old address before the change
    smtp_server.received.clear()

    response = aino_client.post("/profile/email", data={"email": "Aino.Uusi@Example.fi", "password": GOOD_PASSWORD},
                                follow_redirects=True)
    assert "Lähetimme linkin osoitteeseen aino.uusi@example.fi." in response.get_data(as_text=True)
    # Nothing changes before the new address is proven.
    assert user_by_email("aino@example.fi") is not None

    message = deliver_and_read(smtp_server, "aino.uusi@example.fi")
    assert message["Subject"] == "Vahvista uusi sähköpostiosoitteesi"
    # The new address is not proven yet: a plain greeting, not the account's name (issue 15: no chosen text).
    body = message.get_body(("plain",)).get_content()
    assert body.startswith("Hei,\r\n") and aino.name not in body
    assert not smtp_server.messages_to("aino@example.fi")
    path = link_path(message, "/profile/email/")

    # Opening the link (a mail scanner does) changes nothing; the button does, even without being logged in.
    other = aino_client.application.test_client()
    assert "aino.uusi@example.fi" in other.get(path).get_data(as_text=True)
    assert user_by_email("aino@example.fi") is not None
    response = other.post(path, follow_redirects=False)
    assert response.status_code == 302
    user = user_by_email("aino.uusi@example.fi")
    assert user is not None and user.id == aino.id and user.email_confirmed
    assert user_by_email("aino@example.fi") is None

    # The old address is told, in the member's language; the list follows the account.
    told = deliver_and_read(smtp_server, "aino@example.fi")
    assert told["Subject"] == "Käyttäjätilisi sähköpostiosoite vaihdettiin"
    assert "aino.uusi@example.fi" in told.get_body(("plain",)).get_content()
    db.session.expire_all()
    assert db.session.get(Subscriber, subscriber.id).email == "aino.uusi@example.fi"
    # So does the meeting registration: participants' messages and updates reach the new address.
    assert db.session.scalar(select(MeetingRegistration.email)) == "aino.uusi@example.fi"

    # Logging in works with the new address; the link does not work twice.
    assert accounts.authenticate("aino.uusi@example.fi", GOOD_PASSWORD) is not None
    response = other.post(path, follow_redirects=True)
    assert "Linkki ei kelpaa." in response.get_data(as_text=True)


def test_change_email_refusals(aino, aino_client, smtp_server):
    # An address that has an account is no refusal: tests/security/test_form_limits.py (issue 15).
    cases = [
        ({"email": "uusi@example.fi", "password": "wrong password!"}, "Salasana ei ole oikein."),
        ({"email": "aino@example.fi", "password": GOOD_PASSWORD}, "Tämä on jo tilisi osoite."),
        ({"email": "not an address", "password": GOOD_PASSWORD}, "sähköpostiosoite"),
    ]
    for data, message in cases:
        response = aino_client.post("/profile/email", data=data)
        assert response.status_code == 422, data
        assert message in response.get_data(as_text=True), data
    assert outbox_count() == 0


def test_address_taken_between_request_and_confirmation(aino, aino_client, smtp_server):
    aino_client.post("/profile/email", data={"email": "uusi@example.fi", "password": GOOD_PASSWORD})
    path = link_path(deliver_and_read(smtp_server, "uusi@example.fi"), "/profile/email/")
    make_account("uusi@example.fi")
    response = aino_client.post(path, follow_redirects=True)
    assert "Tällä sähköpostiosoitteella on jo tili." in response.get_data(as_text=True)
    assert user_by_email("aino@example.fi") is not None


def test_change_email_link_expires_and_is_bound_to_its_purpose(app, aino, smtp_server):
    accounts.request_email_change(aino, "uusi@example.fi", GOOD_PASSWORD)
    db.session.commit()
    path = link_path(deliver_and_read(smtp_server, "uusi@example.fi"), "/profile/email/")
    token = path.split("?")[0].rsplit("/", 1)[1]  # the link carries ?lang= too
    app.config["TOKEN_MAX_AGE_CONFIRM"] = -1
    with pytest.raises(TokenError) as error:
        accounts.confirm_email_change(token)
    assert error.value.reason == "expired"
    # A link of another purpose (account confirmation) is no change link.
    app.config["TOKEN_MAX_AGE_CONFIRM"] = 3600
    with pytest.raises(TokenError):
        accounts.confirm_email_change(accounts.make_token(accounts.CONFIRM_PURPOSE, {"uid": aino.id}))


def test_change_password(aino, aino_client):
    response = aino_client.post("/profile/password", data={
        "current_password": GOOD_PASSWORD, "password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD},
        follow_redirects=True)
    assert "Salasanasi on vaihdettu." in response.get_data(as_text=True)
    assert accounts.authenticate("aino@example.fi", NEW_PASSWORD) is not None
    assert accounts.authenticate("aino@example.fi", GOOD_PASSWORD) is None


@pytest.mark.parametrize(("data", "message"), [
    ({"current_password": "wrong password!", "password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD},
     "Salasana ei ole oikein."),
    ({"current_password": GOOD_PASSWORD, "password": "short", "password_confirm": "short"},
     "Salasanassa on oltava vähintään 12 merkkiä."),
    ({"current_password": GOOD_PASSWORD, "password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD + "x"},
     "Salasanat eivät täsmää."),
    ({"current_password": "", "password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD}, "Tämä kenttä on pakollinen."),
])
def test_change_password_refusals(aino, aino_client, data, message):
    response = aino_client.post("/profile/password", data=data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert accounts.authenticate("aino@example.fi", GOOD_PASSWORD) is not None


def test_change_pages_in_swedish(aino_client):
    choose_language(aino_client, "sv")
    assert "Byt e-postadress" in aino_client.get("/profile/email").get_data(as_text=True)
    html = aino_client.get("/profile/password").get_data(as_text=True)
    assert "Nuvarande lösenord" in html and "Byt lösenord" in html


def test_pages_need_login(client):
    for path in ("/profile/email", "/profile/password"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
