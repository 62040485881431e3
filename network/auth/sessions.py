"""Server-side sessions: every login is a row (UserSession) that can be listed and ended.

Flask-Login keeps the identifier "<user id>:<token>" (User.get_id) in the signed session cookie and, with
"remember me", in the remember cookie. The loader below accepts an identifier only while its row exists and has not
expired, so ending a session (logout, "end this session", a password change or reset) makes every copy of both
cookies worthless at once. The token is new at each login; only its SHA-256 digest is stored.

Lifetimes: a remembered session ends REMEMBER_COOKIE_DURATION (30 days) after the login, whatever the cookie says;
a session without "remember me" ends SESSION_IDLE_TIMEOUT after it was last used.

Standard: OWASP Session Management Cheat Sheet (server-side invalidation on logout and password change, random
128+ bit identifiers, absolute and idle timeouts).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from flask import current_app, g
from sqlalchemy import delete, select

from ..extensions import db, login_manager
from ..rules import RuleError
from ..text import is_ascii_digits, single_line
from ..timeutil import as_utc, utcnow
from .models import User, UserSession

TOKEN_BYTES = 32
# last_seen_at is written at most this often per session: a page view is not a database write each time.
TOUCH_INTERVAL = timedelta(minutes=1)
USER_AGENT_LENGTH = 255


class SessionError(RuleError):
    """The session to end does not exist or belongs to someone else."""


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _lifetime(remember: bool) -> timedelta:
    if remember:
        return current_app.config["REMEMBER_COOKIE_DURATION"]
    return current_app.config["SESSION_IDLE_TIMEOUT"]


def start_session(user: User, *, remember: bool, user_agent: str | None) -> UserSession:
    """Records a new login of `user` (flushes, never commits) and puts its fresh token on `user.session_token`,
    so that `user.get_id()` (what Flask-Login's login_user stores) names this session.

    Takes the account, whether "remember me" was ticked, and the browser's User-Agent (kept, on one line and
    shortened, to tell the person's devices apart). Returns the new row. Also removes the person's expired rows.
    """
    now = utcnow()
    # No in-Python evaluation of the condition: SQLite hands back naive times, which cannot be compared with `now`.
    db.session.execute(delete(UserSession).where(UserSession.user_id == user.id, UserSession.expires_at <= now)
                       .execution_options(synchronize_session=False))
    token = secrets.token_urlsafe(TOKEN_BYTES)
    row = UserSession(
        user_id=user.id,
        token_hash=_digest(token),
        remember=remember,
        user_agent=single_line(user_agent)[:USER_AGENT_LENGTH],
        created_at=now,
        last_seen_at=now,
        expires_at=now + _lifetime(remember),
    )
    db.session.add(row)
    db.session.flush()
    user.session_token = token
    g.user_session = row
    return row


def _parse(identifier: str) -> tuple[int, str] | None:
    user_id, sep, token = (identifier or "").partition(":")
    if not sep or not is_ascii_digits(user_id) or len(user_id) > 18 or not token or len(token) > 100:
        return None
    return int(user_id), token


def find_session(identifier: str) -> UserSession | None:
    """The live session an identifier ("<user id>:<token>") names, or None when it is malformed, unknown, ended
    or expired. Changes nothing.
    """
    parsed = _parse(identifier)
    if parsed is None:
        return None
    user_id, token = parsed
    row = db.session.scalar(
        select(UserSession).where(UserSession.token_hash == _digest(token), UserSession.user_id == user_id)
    )
    if row is None or as_utc(row.expires_at) <= utcnow():
        return None
    row.user.session_token = token
    return row


def touch(row: UserSession, now: datetime | None = None) -> bool:
    """Notes that the session was used now (at most once per TOUCH_INTERVAL); a session without "remember me"
    then lives SESSION_IDLE_TIMEOUT longer. Returns True when the row changed (the caller commits).
    """
    now = now or utcnow()
    if now - as_utc(row.last_seen_at) < TOUCH_INTERVAL:
        return False
    row.last_seen_at = now
    if not row.remember:
        row.expires_at = now + _lifetime(False)
    return True


@login_manager.user_loader
def load_user(identifier: str) -> User | None:
    """Flask-Login's loader: the account of a live session, or None. Remembers the row as the request's
    `g.user_session` and whether it was touched (`g.user_session_touched`, committed by the auth blueprint's
    before-request hook).
    """
    row = find_session(identifier)
    if row is None:
        return None
    g.user_session = row
    g.user_session_touched = touch(row)
    return row.user


def current_session() -> UserSession | None:
    """The session row of the request's logged-in person (None outside a logged-in request)."""
    return g.get("user_session")


def active_sessions(user: User) -> list[UserSession]:
    """The person's sessions that have not ended or expired, most recently used first."""
    return list(
        db.session.scalars(
            select(UserSession)
            .where(UserSession.user_id == user.id, UserSession.expires_at > utcnow())
            .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())
        )
    )


def end_session(user: User, session_id: int) -> UserSession:
    """Ends one of the person's own sessions (flushes, never commits); returns the removed row.

    Raises SessionError when no such session of `user` exists (another person's session is never found).
    """
    row = db.session.get(UserSession, session_id)
    if row is None or row.user_id != user.id:
        raise SessionError("unknown session")
    db.session.delete(row)
    db.session.flush()
    return row


def end_sessions(user: User, keep: UserSession | None = None) -> int:
    """Ends every session of `user` except `keep` (flushes, never commits); returns how many ended.

    Called when the password changes or is reset, and when the account is deleted.
    """
    statement = delete(UserSession).where(UserSession.user_id == user.id)
    if keep is not None:
        statement = statement.where(UserSession.id != keep.id)
    result = db.session.execute(statement.execution_options(synchronize_session="fetch"))
    return result.rowcount or 0
