"""Signed, expiring, purpose-bound tokens for links in e-mail."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from base64 import urlsafe_b64encode
from functools import lru_cache
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

# Payloads from this length on are made by itsdangerous itself (which tries zlib compression); shorter ones, the
# tokens of every list message, are made by `_TokenMaker`: compression cannot make them shorter.
_COMPRESS_FROM = 200
_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


class TokenError(Exception):
    """The token cannot be used; `reason` is 'expired' or 'invalid'."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _b64(data: bytes) -> bytes:
    return urlsafe_b64encode(data).rstrip(b"=")


class _TokenMaker:
    """Makes the very tokens `URLSafeTimedSerializer.dumps` makes (payload.timestamp.signature, HMAC-SHA1 with the
    key itsdangerous derives from the secret and the purpose), about eight times faster: the key and the HMAC state
    are computed once, the timestamp once a second. A list post needs two tokens for every recipient.
    """

    def __init__(self, serializer: URLSafeTimedSerializer) -> None:
        self.serializer = serializer
        self.mac = hmac.new(serializer.make_signer().derive_key(), digestmod=hashlib.sha1)
        self.stamp: tuple[int, bytes] = (0, b"")

    def __call__(self, payload: Any) -> str:
        data = _JSON.encode(payload).encode("utf-8")
        if len(data) >= _COMPRESS_FROM:
            return self.serializer.dumps(payload)
        now = int(time.time())
        second, stamp = self.stamp
        if second != now:
            stamp = b"." + _b64(now.to_bytes(8, "big").lstrip(b"\x00"))
            self.stamp = (now, stamp)
        value = _b64(data) + stamp
        mac = self.mac.copy()
        mac.update(value)
        return (value + b"." + _b64(mac.digest())).decode("ascii")


@lru_cache(maxsize=64)
def _cached(secret_key: str | bytes, purpose: str) -> tuple[URLSafeTimedSerializer, _TokenMaker]:
    # The purpose is the salt, so a token made for one purpose never validates for another.
    serializer = URLSafeTimedSerializer(secret_key, salt=f"network:{purpose}")
    return serializer, _TokenMaker(serializer)


def make_token(purpose: str, payload: Any) -> str:
    """A signed, timestamped token for `purpose` carrying `payload` (read it back with read_token)."""
    return _cached(current_app.config["SECRET_KEY"], purpose)[1](payload)


def read_token(purpose: str, token: str, max_age: int) -> Any:
    """Return the payload, or raise TokenError for a forged, wrong-purpose or expired token."""
    try:
        return _cached(current_app.config["SECRET_KEY"], purpose)[0].loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise TokenError("expired") from exc
    except BadSignature as exc:
        raise TokenError("invalid") from exc
