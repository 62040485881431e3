"""Password reset by mail end to end, bad reset links, and the profile with its language."""

from __future__ import annotations

from network.auth import accounts

from ..conftest import choose_language
from .helpers import GOOD_PASSWORD, deliver_and_read, link_path, make_account, outbox_count, user_by_email

NEW_PASSWORD = "uusi-pitka-salasana"


def test_reset_by_mail_end_to_end(client, smtp_server):
    make_account("kalle@example.fi", language="fi")
    response = client.post("/reset", data={"email": "Kalle@Example.fi"}, follow_redirects=True)
    assert "Jos tällä osoitteella on tili, linkki salasanan vaihtamiseen on matkalla." in response.get_data(as_text=True)

    message = deliver_and_read(smtp_server, "kalle@example.fi")
    assert message["Subject"] == "Salasanan vaihtaminen"
    path = link_path(message, "/reset/")
    assert client.get(path).status_code == 200

    response = client.post(path, data={"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD})
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    assert accounts.authenticate("kalle@example.fi", GOOD_PASSWORD) is None

    response = client.post("/login", data={"email": "kalle@example.fi", "password": NEW_PASSWORD})
    assert response.status_code == 302
    # The link was used: it does not work a second time.
    client.post("/logout")
    response = client.get(path, follow_redirects=True)
    assert "Linkki ei kelpaa." in response.get_data(as_text=True)


def test_reset_for_unknown_address_sends_nothing_and_says_the_same(client, smtp_server):
    response = client.post("/reset", data={"email": "nobody@example.fi"}, follow_redirects=True)
    assert "Jos tällä osoitteella on tili" in response.get_data(as_text=True)
    assert outbox_count() == 0


def test_reset_with_short_password_changes_nothing(client, smtp_server):
    make_account("kalle@example.fi")
    client.post("/reset", data={"email": "kalle@example.fi"})
    path = link_path(deliver_and_read(smtp_server, "kalle@example.fi"), "/reset/")
    response = client.post(path, data={"password": "short", "password_confirm": "short"})
    assert response.status_code == 200
    assert "Salasanassa on oltava vähintään 12 merkkiä." in response.get_data(as_text=True)
    assert accounts.authenticate("kalle@example.fi", GOOD_PASSWORD) is not None


def test_expired_reset_link(client, app, smtp_server):
    make_account("kalle@example.fi")
    client.post("/reset", data={"email": "kalle@example.fi"})
    path = link_path(deliver_and_read(smtp_server, "kalle@example.fi"), "/reset/")
    app.config["TOKEN_MAX_AGE_RESET"] = -1
    response = client.get(path)
    assert response.status_code == 302 and response.headers["Location"].endswith("/reset")
    response = client.post(path, data={"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD},
                           follow_redirects=True)
    assert "Linkki on vanhentunut." in response.get_data(as_text=True)
    assert accounts.authenticate("kalle@example.fi", NEW_PASSWORD) is None


def test_forged_and_wrong_purpose_reset_links(client, smtp_server):
    user = make_account("kalle@example.fi", confirmed=False)
    client.post("/confirm", data={"email": "kalle@example.fi"})  # a confirmation link for the same person
    confirm_path = link_path(deliver_and_read(smtp_server, "kalle@example.fi"), "/confirm/")
    token = confirm_path.rsplit("/", 1)[-1]
    for bad in (token, token[:-4] + "abcd", "not-a-token"):
        response = client.post(f"/reset/{bad}", data={"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD},
                               follow_redirects=True)
        assert "Linkki ei kelpaa." in response.get_data(as_text=True)
    assert accounts.authenticate("kalle@example.fi", NEW_PASSWORD) is None
    assert user_by_email("kalle@example.fi").email_confirmed_at is None
    assert user.id


def test_reset_requests_are_rate_limited(client, app):
    app.config["MAIL_LINK_RATE_LIMIT"] = "2 per minute"
    make_account("kalle@example.fi")
    assert client.post("/reset", data={"email": "kalle@example.fi"}).status_code == 302
    assert client.post("/reset", data={"email": "kalle@example.fi"}).status_code == 302
    assert client.post("/reset", data={"email": "kalle@example.fi"}).status_code == 429
    assert 1 <= outbox_count() <= 2  # the same link twice within a second is queued once


def test_profile_edit_and_language_saved(member_client, member):
    response = member_client.post(
        "/profile",
        data={"name": "Maija Meikäläinen", "title": "Osallisuuskoordinaattori", "language": "sv", "public_profile": "y"},
    )
    assert response.status_code == 302
    user = user_by_email(member.email)
    assert (user.name, user.title, user.language, user.public_profile) == (
        "Maija Meikäläinen", "Osallisuuskoordinaattori", "sv", True
    )
    page = member_client.get("/profile").get_data(as_text=True)
    assert '<html lang="sv">' in page
    assert "Din profil har sparats." in page
    assert "Min profil" in page


def test_saved_language_is_used_at_the_next_login(client):
    make_account("kalle@example.fi", language="en")
    client.post("/login", data={"email": "kalle@example.fi", "password": GOOD_PASSWORD})
    assert '<html lang="en">' in client.get("/profile").get_data(as_text=True)


def test_profile_bad_input_changes_nothing(member_client, member):
    response = member_client.post("/profile", data={"name": " ", "language": "de"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Tämä kenttä on pakollinen." in page
    assert "Virheellinen valinta" in page  # WTForms' own message, in Finnish
    user = user_by_email(member.email)
    assert (user.name, user.language) == ("Maija Member", "fi")


def test_profile_too_long_name_gets_the_wtforms_message_in_the_users_language(member_client, member):
    choose_language(member_client, "sv")
    response = member_client.post("/profile", data={"name": "x" * 121, "language": "sv"})
    assert "Fältet får inte vara längre än 120 tecken." in response.get_data(as_text=True)
    assert user_by_email(member.email).name == "Maija Member"
