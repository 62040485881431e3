"""Logging in and out: remember me, the rate limit, and where `next=` may lead."""

from __future__ import annotations

import pytest

from network.core.navigation import safe_next_url

from ..conftest import choose_language, csrf_token_in
from .helpers import GOOD_PASSWORD, make_account, user_by_email


def _login(client, email="kalle@example.fi", password=GOOD_PASSWORD, **extra):
    return client.post("/login", data={"email": email, "password": password, **extra})


def _cookie(client, name):
    return client.get_cookie(name)


def test_login_without_remember_me_sets_no_remember_cookie(client):
    make_account("kalle@example.fi")
    response = _login(client)
    assert response.status_code == 302
    assert _cookie(client, "remember_token") is None
    assert client.get("/profile").status_code == 200
    assert user_by_email("kalle@example.fi").last_login_at is not None


def test_remember_me_sets_a_lasting_http_only_cookie(client):
    make_account("kalle@example.fi")
    response = _login(client, remember="y")
    assert response.status_code == 302
    cookie = _cookie(client, "remember_token")
    assert cookie is not None and cookie.http_only and cookie.expires is not None
    # A new browser session (no session cookie) is still logged in thanks to the remember cookie.
    client.delete_cookie("session")
    assert client.get("/profile").status_code == 200


def test_logout_ends_the_session_and_forgets_the_remember_cookie(client):
    make_account("kalle@example.fi")
    _login(client, remember="y")
    response = client.post("/logout", follow_redirects=True)
    assert "Olet kirjautunut ulos." in response.get_data(as_text=True)
    assert _cookie(client, "remember_token") is None
    assert client.get("/profile").status_code == 302


def test_logout_keeps_the_chosen_language(client):
    make_account("kalle@example.fi", language="sv")
    _login(client)
    response = client.post("/logout", follow_redirects=True)
    assert '<html lang="sv">' in response.get_data(as_text=True)
    assert "Du har loggat ut." in response.get_data(as_text=True)


def test_logout_is_post_only(client):
    response = client.get("/logout")
    assert response.status_code == 405
    assert "Toiminto ei ole sallittu" in response.get_data(as_text=True)


def test_wrong_password_answers_401_with_a_message(client):
    make_account("kalle@example.fi")
    response = _login(client, password="wrong-password-123")
    assert response.status_code == 401
    assert "Väärä sähköpostiosoite tai salasana." in response.get_data(as_text=True)
    assert client.get("/profile").status_code == 302


def test_unknown_address_gets_the_same_answer(client):
    response = _login(client, email="nobody@example.fi")
    assert response.status_code == 401
    assert "Väärä sähköpostiosoite tai salasana." in response.get_data(as_text=True)


def test_tenth_wrong_password_in_a_minute_is_429_and_changes_nothing(client):
    make_account("kalle@example.fi")
    for attempt in range(9):
        response = _login(client, password=f"wrong-password-{attempt}")
        assert response.status_code == 401, f"attempt {attempt + 1}"
    response = _login(client, password="wrong-password-10")
    assert response.status_code == 429
    page = response.get_data(as_text=True)
    assert "Liian monta yritystä" in page
    assert '<html lang="fi">' in page
    # Even the right password is refused now, and nobody was logged in.
    assert _login(client).status_code == 429
    assert client.get("/profile").status_code == 302
    assert user_by_email("kalle@example.fi").last_login_at is None


def test_rate_limit_page_in_english(client):
    choose_language(client, "en")
    for attempt in range(10):
        response = _login(client, password=f"wrong-password-{attempt}")
    assert response.status_code == 429
    assert "Too many attempts in a short time." in response.get_data(as_text=True)


def test_successful_logins_do_not_use_up_the_limit(client):
    make_account("kalle@example.fi")
    for _ in range(10):
        assert _login(client).status_code == 302
        client.post("/logout")
    assert _login(client, password="wrong-password-1").status_code == 401


def test_unconfirmed_account_cannot_log_in(client):
    make_account("kalle@example.fi", confirmed=False)
    response = _login(client)
    assert response.status_code == 401
    assert "Vahvista ensin sähköpostiosoitteesi" in response.get_data(as_text=True)
    assert client.get("/profile").status_code == 302


def test_next_on_this_site_is_followed(client):
    make_account("kalle@example.fi")
    response = client.post("/login?next=/profile", data={"email": "kalle@example.fi", "password": GOOD_PASSWORD})
    assert response.headers["Location"] == "/profile"


def test_visitor_is_sent_to_login_and_back(client):
    make_account("kalle@example.fi")
    response = client.get("/profile")
    assert response.status_code == 302
    login_url = response.headers["Location"]
    assert login_url.startswith("/login?next=")
    page = client.get(login_url).get_data(as_text=True)
    assert 'name="next" value="/profile"' in page
    assert "Kirjaudu sisään jatkaaksesi." in page
    response = client.post(login_url, data={"email": "kalle@example.fi", "password": GOOD_PASSWORD})
    assert response.headers["Location"] == "/profile"


EVIL = [
    "https://evil.example",
    "https://evil.example/login",
    "//evil.example",
    "//evil.example/path",
    "/\\evil.example",
    "\\\\evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "http:/evil.example",
    "javascript:alert(1)",
    "evil.example",
    " //evil.example",
]


def test_next_off_the_site_is_refused_at_login(client):
    make_account("kalle@example.fi")
    for target in EVIL:
        page = client.get("/login", query_string={"next": target}).get_data(as_text=True)
        login_form = page[page.index('action="/login"'):]
        assert '<input type="hidden" name="next" value="">' in login_form, target  # not even carried in the form
        response = client.post(
            "/login", query_string={"next": target}, data={"email": "kalle@example.fi", "password": GOOD_PASSWORD}
        )
        assert response.status_code == 302, target
        assert response.headers["Location"] == "/", target
        client.post("/logout")


@pytest.mark.parametrize("target", EVIL)
def test_next_off_the_site_is_refused_by_the_rule(target):
    assert safe_next_url(target, default="/") == "/"


@pytest.mark.parametrize("target", ["/", "/profile", "/meetings?year=2026", "/a/b?c=d#e"])
def test_next_on_the_site_is_kept_by_the_rule(target):
    assert safe_next_url(target) == target


def test_next_off_the_site_is_refused_by_the_language_switch(client):
    for target in ("https://evil.example", "//evil.example", "/\\evil.example"):
        response = client.post("/language", data={"lang": "sv", "next": target})
        assert response.headers["Location"] == "/", target


def test_login_form_posted_without_csrf_token_is_400_with_a_localised_message(csrf_app):
    make_account("kalle@example.fi")
    client = csrf_app.test_client()
    response = client.post("/login", data={"email": "kalle@example.fi", "password": GOOD_PASSWORD})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Lomake on vanhentunut" in page
    assert "Lataa sivu uudelleen" in page
    assert client.get("/profile").status_code == 302
    assert user_by_email("kalle@example.fi").last_login_at is None


def test_login_form_with_its_csrf_token_works(csrf_app):
    make_account("kalle@example.fi")
    client = csrf_app.test_client()
    token = csrf_token_in(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"email": "kalle@example.fi", "password": GOOD_PASSWORD, "csrf_token": token})
    assert response.status_code == 302


def test_logout_without_csrf_token_is_refused(csrf_app):
    make_account("kalle@example.fi")
    client = csrf_app.test_client()
    token = csrf_token_in(client.get("/login").get_data(as_text=True))
    client.post("/login", data={"email": "kalle@example.fi", "password": GOOD_PASSWORD, "csrf_token": token})
    assert client.post("/logout").status_code == 400
    assert client.get("/profile").status_code == 200


def _fail_login(client, address: str):
    return client.post(
        "/login",
        data={"email": "kalle@example.fi", "password": "wrong-password-1"},
        headers={"X-Forwarded-For": address},
    )


def test_forwarded_address_is_ignored_without_a_trusted_proxy(client):
    """A client cannot escape the limit by sending a made-up X-Forwarded-For."""
    for attempt in range(9):
        assert _fail_login(client, f"198.51.100.{attempt}").status_code == 401
    assert _fail_login(client, "198.51.100.99").status_code == 429


def test_behind_a_trusted_proxy_each_client_has_its_own_limit(app):
    from ..conftest import make_app

    proxied = make_app(PROXY_COUNT=1)
    with proxied.app_context():
        client = proxied.test_client()
        for _ in range(9):
            assert _fail_login(client, "203.0.113.1").status_code == 401
        assert _fail_login(client, "203.0.113.1").status_code == 429
        assert _fail_login(client, "203.0.113.2").status_code == 401
        # The second app's own engine: its connections are closed now, not by the garbage collector later.
        proxied.extensions["sqlalchemy"].session.remove()
        proxied.extensions["sqlalchemy"].engine.dispose()
