"""Pages and mail after account actions are in the account's language (a new user found an English account's
deletion confirmed in Finnish): deletion, e-mail change, password change, password reset, a second registration."""

from __future__ import annotations

from flask_babel import force_locale, gettext

from network.auth import accounts
from network.extensions import db

from ..conftest import log_in
from ..support.mail import text_body
from .helpers import GOOD_PASSWORD, deliver_and_read, link_path, make_account

NEW_PASSWORD = "toinen-pitka-salasana"


def _in(language: str, message: str, **values) -> str:
    with force_locale(language):
        text = gettext(message, **values)
    return text


def test_deletion_is_confirmed_in_the_accounts_language(app):
    for language in ("en", "sv"):
        user = make_account(f"poistuja-{language}@example.fi", language=language)
        client = app.test_client()
        log_in(client, user)
        client.get("/me/delete")
        answer = client.post("/me/delete", data={"password": GOOD_PASSWORD, "confirm": "y"}, follow_redirects=True)
        page = answer.get_data(as_text=True)
        expected = _in(language, "Your account and your personal data have been deleted.")
        assert language == "en" or expected != "Your account and your personal data have been deleted."
        assert expected in page
        assert f'<html lang="{language}"' in page


def test_email_change_link_and_notice_are_in_the_accounts_language(app, smtp_server):
    user = make_account("english@example.fi", language="en")
    client = app.test_client()
    log_in(client, user)
    client.post("/profile/email", data={"email": "new.english@example.fi", "password": GOOD_PASSWORD})
    message = deliver_and_read(smtp_server, "new.english@example.fi")
    path = link_path(message, "/profile/email/")
    assert "lang=en" in path
    stranger = app.test_client()  # the new mailbox opened on another device: no session
    page = stranger.get(path).get_data(as_text=True)
    assert '<html lang="en"' in page
    done = stranger.post(path, data={}, follow_redirects=True).get_data(as_text=True)
    assert '<html lang="en"' in done
    notice = deliver_and_read(smtp_server, "english@example.fi")
    assert "the e-mail address of your account in the Municipal Democracy Network is now new.english@example.fi" \
        in text_body(notice).replace("\r\n", "\n").replace("\n", " ")


def test_reset_and_second_registration_links_carry_the_language(app, smtp_server):
    make_account("svensk@example.fi", language="sv")
    app.test_client().post("/reset", data={"email": "svensk@example.fi"})
    reset = deliver_and_read(smtp_server, "svensk@example.fi")
    path = link_path(reset, "/reset/")
    assert "lang=sv" in path
    client = app.test_client()
    assert '<html lang="sv"' in client.get(path).get_data(as_text=True)
    changed = client.post(path, data={"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD},
                          follow_redirects=True).get_data(as_text=True)
    assert _in("sv", "Your password has been changed. You can now log in.") in changed
    user = accounts.find_user_by_email("svensk@example.fi")
    accounts.queue_account_exists_mail(user)
    db.session.commit()
    exists = deliver_and_read(smtp_server, "svensk@example.fi")
    assert link_path(exists, "/login").endswith("lang=sv") and "lang=sv" in link_path(exists, "/reset")
