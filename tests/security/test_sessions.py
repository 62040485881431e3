"""Sessions recorded on the server (issue 15, point 1): logout, password changes and resets end them, for real
cookies replayed by a second client; a member lists and ends their sessions; remember-me expires after 30 days.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from network.auth import accounts
from network.auth.models import UserSession
from network.auth.sessions import find_session
from network.extensions import db
from network.timeutil import as_utc, utcnow
from network.tokens import make_token
from tests.auth.helpers import GOOD_PASSWORD, make_account
from tests.conftest import csrf_token_in

EMAIL = "session.person@example.fi"
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


def _login(app, remember: bool = True, user_agent: str = FIREFOX):
    client = app.test_client()
    data = {"email": EMAIL, "password": GOOD_PASSWORD}
    if app.config.get("WTF_CSRF_ENABLED", True):
        data["csrf_token"] = csrf_token_in(client.get("/login").get_data(as_text=True))
    if remember:
        data["remember"] = "y"
    response = client.post("/login", data=data, headers={"User-Agent": user_agent})
    assert response.status_code == 302, response.status_code
    return client


def _cookies(client) -> dict[str, str]:
    return {name: client.get_cookie(name).value for name in ("session", "remember_token") if client.get_cookie(name)}


def _replay(app, cookies: dict[str, str]) -> int:
    """A fresh client carrying only the given cookies asks for the profile: 200 means the cookies open it."""
    client = app.test_client()
    for name, value in cookies.items():
        client.set_cookie(name, value)
    return client.get("/profile").status_code


def _session_rows() -> int:
    return db.session.scalar(select(func.count(UserSession.id))) or 0


def test_remember_cookie_and_session_cookie_stop_working_after_logout(app):
    make_account(EMAIL)
    client = _login(app)
    saved = _cookies(client)
    assert set(saved) == {"session", "remember_token"}
    # Before logout each cookie alone opens the profile (so the checks below can fail).
    assert _replay(app, {"remember_token": saved["remember_token"]}) == 200
    assert _replay(app, {"session": saved["session"]}) == 200

    assert client.post("/logout").status_code == 302
    assert _replay(app, {"remember_token": saved["remember_token"]}) == 302
    assert _replay(app, {"session": saved["session"]}) == 302
    assert _replay(app, saved) == 302
    assert _session_rows() == 0


def test_each_login_has_its_own_token(app):
    make_account(EMAIL)
    first, second = _login(app), _login(app)
    assert _cookies(first)["remember_token"] != _cookies(second)["remember_token"]
    assert _session_rows() == 2
    # The stored value is a digest, never the token the cookie carries.
    stored = set(db.session.scalars(select(UserSession.token_hash)))
    for client in (first, second):
        token = _cookies(client)["remember_token"].split("|")[0].split(":")[1]
        assert token not in stored and len(token) >= 40
    # Logging out one leaves the other working.
    first.post("/logout")
    assert second.get("/profile").status_code == 200
    assert first.get("/profile").status_code == 302


def test_a_bare_user_id_in_the_session_is_refused(app):
    user = make_account(EMAIL)
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)
        session["_fresh"] = True
    assert client.get("/profile").status_code == 302
    assert find_session(f"{user.id}:made-up-token") is None
    assert find_session("not-an-identifier") is None


def test_password_reset_ends_every_session(app):
    user = make_account(EMAIL)
    phone, laptop = _login(app), _login(app, remember=False)
    saved = [_cookies(phone), _cookies(laptop)]
    token = make_token(accounts.RESET_PURPOSE, {"uid": user.id, "h": user.password_hash[-16:]})
    response = app.test_client().post(f"/reset/{token}", data={"password": "uusi-salasana-2027",
                                                               "password_confirm": "uusi-salasana-2027"})
    assert response.status_code == 302
    for cookies in saved:
        assert _replay(app, cookies) == 302
    assert _replay(app, {"remember_token": saved[0]["remember_token"]}) == 302
    assert _session_rows() == 0


def test_changing_the_password_ends_every_other_session(csrf_app):
    make_account(EMAIL)
    other = _login(csrf_app)
    saved_other = _cookies(other)
    current = _login(csrf_app)
    page = current.get("/profile/password")
    response = current.post("/profile/password", data={
        "csrf_token": csrf_token_in(page.get_data(as_text=True)),
        "current_password": GOOD_PASSWORD,
        "password": "toinen-salasana-2027",
        "password_confirm": "toinen-salasana-2027",
    })
    assert response.status_code == 302
    assert current.get("/profile").status_code == 200
    assert _replay(csrf_app, saved_other) == 302
    assert _replay(csrf_app, {"remember_token": saved_other["remember_token"]}) == 302
    assert _session_rows() == 1


def test_a_wrong_current_password_changes_nothing(app):
    user = make_account(EMAIL)
    other, current = _login(app), _login(app)
    before = user.password_hash
    response = current.post("/profile/password", data={"current_password": "wrong-password-123",
                                                  "password": "toinen-salasana-2027",
                                                  "password_confirm": "toinen-salasana-2027"})
    assert response.status_code == 422
    db.session.expire_all()
    assert user.password_hash == before
    assert other.get("/profile").status_code == 200


def test_the_member_sees_and_ends_their_sessions(csrf_app):
    make_account(EMAIL)
    make_account("someone.else@example.fi")
    phone = _login(csrf_app, user_agent="Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Safari/604.1")
    saved_phone = _cookies(phone)
    laptop = _login(csrf_app)
    page = laptop.get("/me/sessions")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "iPhone" in html and "Firefox/128.0" in html
    phone_row = db.session.scalar(select(UserSession).where(UserSession.user_agent.contains("iPhone")))

    # Without the CSRF token: refused, nothing ended.
    assert laptop.post(f"/me/sessions/{phone_row.id}/end").status_code == 400
    assert phone.get("/profile").status_code == 200

    response = laptop.post(f"/me/sessions/{phone_row.id}/end", data={"csrf_token": csrf_token_in(html)})
    assert response.status_code == 302
    assert _replay(csrf_app, saved_phone) == 302
    assert _replay(csrf_app, {"remember_token": saved_phone["remember_token"]}) == 302
    assert laptop.get("/profile").status_code == 200

    # Another person's session is not found.
    someone = csrf_app.test_client()
    someone.post("/login", data={"email": "someone.else@example.fi", "password": GOOD_PASSWORD,
                                 "csrf_token": csrf_token_in(someone.get("/login").get_data(as_text=True))})
    theirs = db.session.scalar(select(UserSession).where(UserSession.user.has(email="someone.else@example.fi")))
    response = laptop.post(f"/me/sessions/{theirs.id}/end", data={"csrf_token": csrf_token_in(html)})
    assert response.status_code == 404
    assert someone.get("/profile").status_code == 200


def test_ending_all_other_sessions(app):
    make_account(EMAIL)
    others = [_login(app) for _ in range(2)]
    current = _login(app, remember=False)
    assert current.post("/me/sessions/end-others").status_code == 302
    assert current.get("/profile").status_code == 200
    for client in others:
        assert _replay(app, _cookies(client)) == 302


def test_remember_me_lasts_30_days_on_the_server_too(app):
    make_account(EMAIL)
    client = _login(app)
    cookie = client.get_cookie("remember_token")
    row = db.session.scalar(select(UserSession))
    assert abs(as_utc(row.expires_at) - (utcnow() + timedelta(days=30))) < timedelta(minutes=1)
    assert cookie.expires is not None
    saved = _cookies(client)

    # 30 days later the server refuses the remember cookie, whatever the browser kept.
    row.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert _replay(app, {"remember_token": saved["remember_token"]}) == 302


def test_remember_duration_is_configurable(app):
    app.config["REMEMBER_COOKIE_DURATION"] = timedelta(days=2)
    make_account(EMAIL)
    _login(app)
    row = db.session.scalar(select(UserSession))
    assert abs(as_utc(row.expires_at) - (utcnow() + timedelta(days=2))) < timedelta(minutes=1)


def test_a_session_without_remember_me_ends_when_idle(app):
    make_account(EMAIL)
    client = _login(app, remember=False)
    assert client.get_cookie("remember_token") is None
    row = db.session.scalar(select(UserSession))
    assert not row.remember
    # Used a while ago: the visit moves its expiry forward.
    row.last_seen_at = utcnow() - timedelta(hours=2)
    row.expires_at = utcnow() + timedelta(hours=10)
    db.session.commit()
    assert client.get("/profile").status_code == 200
    db.session.expire_all()
    assert as_utc(row.expires_at) > utcnow() + timedelta(hours=11)
    # Unused past the idle timeout: ended.
    row.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert client.get("/profile").status_code == 302


def test_deleting_the_account_removes_its_sessions(app):
    make_account(EMAIL)
    other, current = _login(app), _login(app)
    saved = _cookies(other)
    response = current.post("/me/delete", data={"password": GOOD_PASSWORD, "confirm": "y"})
    assert response.status_code == 302
    assert _session_rows() == 0
    assert _replay(app, saved) == 302
