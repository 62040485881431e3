"""Signed link tokens: purpose-bound, expiring, tamper-proof."""

from __future__ import annotations

import pytest

from network.tokens import TokenError, make_token, read_token


def test_round_trip(app):
    token = make_token("unsubscribe", {"id": 7})
    assert read_token("unsubscribe", token, max_age=60) == {"id": 7}


def test_other_purpose_is_invalid(app):
    token = make_token("unsubscribe", {"id": 7})
    with pytest.raises(TokenError) as caught:
        read_token("reset-password", token, max_age=60)
    assert caught.value.reason == "invalid"


def test_expired(app):
    token = make_token("unsubscribe", {"id": 7})
    with pytest.raises(TokenError) as caught:
        read_token("unsubscribe", token, max_age=-1)
    assert caught.value.reason == "expired"


def _change_signature(token: str) -> str:
    # The first character of the signature carries six whole bits (the last one may carry only padding bits).
    at = token.rindex(".") + 1
    return token[:at] + ("A" if token[at] != "A" else "B") + token[at + 1:]


@pytest.mark.parametrize("mangle", [_change_signature, lambda t: t.replace(".", "", 1), lambda t: "", lambda t: "x" * 40])
def test_tampered_is_invalid(app, mangle):
    token = make_token("unsubscribe", {"id": 7})
    with pytest.raises(TokenError) as caught:
        read_token("unsubscribe", mangle(token), max_age=60)
    assert caught.value.reason == "invalid"


def test_another_secret_is_invalid(app):
    token = make_token("unsubscribe", {"id": 7})
    app.config["SECRET_KEY"] = "rotated"
    with pytest.raises(TokenError):
        read_token("unsubscribe", token, max_age=60)
