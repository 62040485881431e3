"""Fixtures of the meetings tests: organisations in a few regions, an upload folder (meetings and organisations
come from tests/factories.py)."""

from __future__ import annotations

from datetime import datetime

import pytest

from network.timeutil import helsinki_to_utc

from ..factories import make_org


def helsinki(*args) -> datetime:
    return helsinki_to_utc(datetime(*args))


@pytest.fixture(autouse=True)
def upload_folder(app, tmp_path):
    app.config["UPLOAD_FOLDER"] = str(tmp_path / "uploads")
    return tmp_path / "uploads"


@pytest.fixture
def orgs(app):
    return {
        "tampere": make_org("Tampereen kaupunki", region="pirkanmaa"),
        "vaasa": make_org("Vaasan kaupunki", region="pohjanmaa"),
        "oulu": make_org("Oulun kaupunki", region="pohjois-pohjanmaa"),
        "turku": make_org("Turun kaupunki", region="varsinais-suomi"),
        "soste": make_org("SOSTE ry", region="uusimaa", kind="civil_society"),
    }


def fi(message: str, **values) -> str:
    """The Finnish (default interface language) text of a message, checking that it is translated."""
    from flask_babel import force_locale, gettext

    with force_locale("fi"):
        text = gettext(message, **values)
    assert text != message % values if values else text != message, f"not translated: {message}"
    return text
