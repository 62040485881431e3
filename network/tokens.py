"""Signed, expiring, purpose-bound tokens for links in e-mail."""

from __future__ import annotations

from typing import Any

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer


class TokenError(Exception):
    """The token cannot be used; `reason` is 'expired' or 'invalid'."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    # The purpose is the salt, so a token made for one purpose never validates for another.
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"network:{purpose}")


def make_token(purpose: str, payload: Any) -> str:
    """A signed, timestamped token for `purpose` carrying `payload` (read it back with read_token)."""
    return _serializer(purpose).dumps(payload)


def read_token(purpose: str, token: str, max_age: int) -> Any:
    """Return the payload, or raise TokenError for a forged, wrong-purpose or expired token."""
    try:
        return _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise TokenError("expired") from exc
    except BadSignature as exc:
        raise TokenError("invalid") from exc
