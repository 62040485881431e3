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


@pytest.mark.parametrize("mangle", [lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"), lambda t: t.replace(".", "", 1),
                                    lambda t: "", lambda t: "x" * 40])
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
