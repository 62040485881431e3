"""Registering through the form, the confirmation mail on a real SMTP server, and bad input."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from network.auth.models import User
from tests.factories import make_org

from ..conftest import choose_language, create_user
from .helpers import (
    GOOD_PASSWORD,
    deliver_and_read,
    link_path,
    outbox_count,
    registration,
    user_by_email,
    user_count,
)


def test_register_with_listed_organisation_confirm_by_mail_then_log_in(client, smtp_server):
    org = make_org("Tampereen kaupunki", name_sv="Tammerfors stad", region="pirkanmaa")
    response = client.post(
        "/register",
        data=registration(email="Aino.Virtanen@Example.FI", organisation=str(org.id), organisation_name="", language="sv"),
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/login")
    user = user_by_email("aino.virtanen@example.fi")
    assert user is not None and user.organisation_id == org.id and user.organisation_link_pending
    assert user.organisation_requested_name is None
    assert user.email_confirmed_at is None

    # Not before the address is confirmed.
    response = client.post("/login", data={"email": "aino.virtanen@example.fi", "password": GOOD_PASSWORD})
    assert response.status_code == 401
    assert "Vahvista ensin sähköpostiosoitteesi" in response.get_data(as_text=True)

    message = deliver_and_read(smtp_server, "aino.virtanen@example.fi")
    # The person chose Swedish: the mail is in Swedish.
    assert message["Subject"] == "Bekräfta din e-postadress"
    assert message["To"] == "aino.virtanen@example.fi"
    path = link_path(message, "/confirm/")
    # Opening the link (as a mail scanner does) only shows a button; the address is confirmed by pressing it.
    page = client.get(path)
    assert page.status_code == 200 and "aino.virtanen@example.fi" in page.get_data(as_text=True)
    assert user_by_email("aino.virtanen@example.fi").email_confirmed_at is None
    response = client.post(path)
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    assert user_by_email("aino.virtanen@example.fi").email_confirmed_at is not None

    response = client.post("/login", data={"email": "AINO.virtanen@example.fi", "password": GOOD_PASSWORD})
    assert response.status_code == 302
    profile = client.get("/profile")
    assert profile.status_code == 200
    page = profile.get_data(as_text=True)
    assert 'lang="sv"' in page  # the language chosen at registration follows the login
    assert "Tammerfors stad" in page


def test_register_with_organisation_not_listed_yet(client, smtp_server):
    make_org("Tampereen kaupunki", name_sv="Tammerfors stad", region="pirkanmaa")
    response = client.post("/register", data=registration(organisation="0", organisation_name=" Kylätoimikunta ry "))
    assert response.status_code == 302
    user = user_by_email("aino.virtanen@example.fi")
    assert user.organisation_id is None
    assert user.organisation_requested_name == "Kylätoimikunta ry"
    assert user.organisation_link_pending is True
    message = deliver_and_read(smtp_server, "aino.virtanen@example.fi")
    assert message["Subject"] == "Vahvista sähköpostiosoitteesi"
    assert "/confirm/" in link_path(message, "/confirm/")


def test_register_page_lists_the_register(client):
    make_org("Vaasan kaupunki", name_sv="Vasa stad", region="pirkanmaa")
    page = client.get("/register").get_data(as_text=True)
    assert "Vaasan kaupunki" in page
    assert "Organisaationi ei ole vielä luettelossa" in page


def _refused(response, message: str) -> None:
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert 'aria-invalid="true"' in response.get_data(as_text=True)


def test_duplicate_address_in_another_case_answered_as_new_nothing_created(client):
    # Issue 15: the answer must not tell that the address has an account; its holder gets a notice instead.
    create_user("aino.virtanen@example.fi")
    response = client.post("/register", data=registration(email="AINO.Virtanen@EXAMPLE.fi"))
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    assert "Tällä sähköpostiosoitteella on jo tili." not in client.get("/login").get_data(as_text=True)
    assert user_count() == 1
    assert outbox_count() == 1


@pytest.mark.parametrize("email", ["aino.virtanen", "aino@", "aino@@example.fi", "aino virtanen@example.fi"])
def test_malformed_address_refused(client, email):
    choose_language(client, "en")
    response = client.post("/register", data=registration(email=email))
    _refused(response, "Enter a valid e-mail address, for example name@example.fi.")
    assert user_count() == 0 and outbox_count() == 0


def test_password_shorter_than_twelve_refused(client):
    response = client.post("/register", data=registration(password="x" * 11, password_confirm="x" * 11))
    _refused(response, "Salasanassa on oltava vähintään 12 merkkiä.")
    assert user_count() == 0 and outbox_count() == 0


def test_password_shorter_than_twelve_refused_in_swedish(client):
    choose_language(client, "sv")
    response = client.post("/register", data=registration(password="x" * 11, password_confirm="x" * 11))
    _refused(response, "Lösenordet måste vara minst 12 tecken långt.")


def test_passwords_must_match(client):
    response = client.post("/register", data=registration(password_confirm=GOOD_PASSWORD + "x"))
    _refused(response, "Salasanat eivät täsmää.")
    assert user_count() == 0


def test_not_listed_without_a_name_refused(client):
    response = client.post("/register", data=registration(organisation="0", organisation_name=" "))
    _refused(response, "Anna organisaatiosi nimi tai valitse se luettelosta.")
    assert user_count() == 0


def test_organisation_outside_the_register_refused(client):
    response = client.post("/register", data=registration(organisation="987654"))
    assert response.status_code == 422
    assert user_count() == 0


def test_missing_fields_are_named(client):
    response = client.post("/register", data={"organisation": "0"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert page.count("Tämä kenttä on pakollinen.") >= 8  # summary and next to each of name, e-mail, passwords
    assert 'href="#name"' in page  # the error summary links to the field
    assert user_count() == 0


def test_logged_in_person_is_sent_away(member_client):
    assert member_client.get("/register").status_code == 302


def test_resend_confirmation_sends_a_new_link_that_works(client, smtp_server):
    create_user("late@example.fi", confirmed=False)
    response = client.post("/confirm", data={"email": "LATE@example.fi"})
    assert response.status_code == 302
    message = deliver_and_read(smtp_server, "late@example.fi")
    client.post(link_path(message, "/confirm/"))
    assert user_by_email("late@example.fi").email_confirmed


def test_resend_confirmation_says_the_same_for_unknown_addresses(client, smtp_server):
    response = client.post("/confirm", data={"email": "nobody@example.fi"}, follow_redirects=True)
    assert "Jos tällä osoitteella on vahvistamaton tili" in response.get_data(as_text=True)
    assert outbox_count() == 0


def test_confirmation_link_expired(client, app):
    client.post("/register", data=registration())
    app.config["TOKEN_MAX_AGE_CONFIRM"] = -1
    token = _queued_link_token("/confirm/")
    response = client.get(f"/confirm/{token}", follow_redirects=True)
    assert "Linkki on vanhentunut." in response.get_data(as_text=True)
    assert user_by_email("aino.virtanen@example.fi").email_confirmed_at is None


def test_fetching_the_confirmation_link_confirms_nothing(csrf_app, smtp_server):
    """Someone registers with another person's address; that person's mail scanner fetches the link. The account
    must stay unconfirmed, or the registrant could log in under the other person's address."""
    from network.auth import accounts
    from network.extensions import db

    accounts.queue_confirmation_mail(create_user("victim@example.fi", confirmed=False))
    db.session.commit()
    path = link_path(deliver_and_read(smtp_server, "victim@example.fi"), "/confirm/")
    assert csrf_app.test_client().get(path).status_code == 200
    assert csrf_app.test_client().post(path).status_code == 400  # no form token: not a person pressing the button
    assert user_by_email("victim@example.fi").email_confirmed_at is None


def test_confirmation_link_forged(client):
    client.post("/register", data=registration())
    token = _queued_link_token("/confirm/")
    forged = token[:-2] + ("xy" if not token.endswith("xy") else "yx")
    response = client.get(f"/confirm/{forged}", follow_redirects=True)
    assert "Linkki ei kelpaa." in response.get_data(as_text=True)
    assert user_by_email("aino.virtanen@example.fi").email_confirmed_at is None


def test_reset_link_used_to_confirm_is_refused(client):
    client.post("/register", data=registration())
    client.post("/reset", data={"email": "aino.virtanen@example.fi"})
    token = _queued_link_token("/reset/")
    response = client.get(f"/confirm/{token}", follow_redirects=True)
    assert "Linkki ei kelpaa." in response.get_data(as_text=True)
    assert user_by_email("aino.virtanen@example.fi").email_confirmed_at is None


def _queued_link_token(fragment: str) -> str:
    """The token of the newest queued mail's link (the outbox row, before delivery)."""
    from sqlalchemy import select

    from network.extensions import db
    from network.mail.models import OutboxMessage

    from ..support.mail import LINK

    body = db.session.scalars(select(OutboxMessage.body_text).order_by(OutboxMessage.id.desc())).first()
    link = next(link for link in LINK.findall(body) if fragment in link)
    # The token is the path's last part (the query carries the reader's language).
    return urlsplit(link).path.rsplit("/", 1)[-1]


def test_user_model_keeps_addresses_lower_case(app, client):
    client.post("/register", data=registration(email="MiXeD@Example.FI"))
    assert User.query.filter_by(email="mixed@example.fi").count() == 1
