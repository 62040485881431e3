"""Signed, expiring, purpose-bound tokens for links in e-mail."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, Serializer, SignatureExpired, Signer, TimestampSigner, URLSafeTimedSerializer
from itsdangerous.encoding import base64_encode

# Payloads shorter than this are never zlib-compressed: compression cannot make them shorter, and trying costs more
# than the rest of making a token. Tokens read the same either way (a compressed payload starts with a dot).
_COMPRESS_FROM = 200


class TokenError(Exception):
    """The token cannot be used; `reason` is 'expired' or 'invalid'."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class _Signer(TimestampSigner):
    """itsdangerous' timestamp signer with its derived key computed once (a pure function of secret and salt)."""

    _derived: bytes | None = None

    def derive_key(self, secret_key: str | bytes | None = None) -> bytes:
        if secret_key is not None:
            return super().derive_key(secret_key)
        if self._derived is None:
            self._derived = super().derive_key()
        return self._derived


class _Serializer(URLSafeTimedSerializer):
    """URLSafeTimedSerializer giving the same tokens, made faster for the thousands a list post needs: one signer
    per serializer, and no compression attempt for a short payload.
    """

    default_signer = _Signer
    _signer: Signer | None = None

    def make_signer(self, salt: str | bytes | None = None) -> Signer:
        if salt is not None and salt != self.salt:
            return super().make_signer(salt)
        if self._signer is None:
            self._signer = super().make_signer(salt)
        return self._signer

    def dump_payload(self, obj: Any) -> bytes:
        json = Serializer.dump_payload(self, obj)
        if len(json) < _COMPRESS_FROM:
            return base64_encode(json)
        return super().dump_payload(obj)


@lru_cache(maxsize=64)
def _cached_serializer(secret_key: str | bytes, purpose: str) -> URLSafeTimedSerializer:
    # The purpose is the salt, so a token made for one purpose never validates for another.
    return _Serializer(secret_key, salt=f"network:{purpose}")


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return _cached_serializer(current_app.config["SECRET_KEY"], purpose)


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
