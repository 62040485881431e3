"""Fixtures of the meetings tests: organisations in a few regions, meetings, an upload folder."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from network.extensions import db
from network.meetings.models import Meeting
from network.orgs.models import Organisation
from network.text import search_key
from network.timeutil import helsinki_to_utc, utcnow


def make_org(name: str, region: str, kind: str = "municipality") -> Organisation:
    org = Organisation(name_fi=name, search_name=search_key(name), kind=kind, region=region)
    db.session.add(org)
    db.session.commit()
    return org


def make_meeting(**fields) -> Meeting:
    start = fields.pop("starts_at", None) or (utcnow() + timedelta(days=30)).replace(microsecond=0)
    values = {
        "kind": "network",
        "title_fi": "Verkostotapaaminen",
        "starts_at": start,
        "ends_at": start + timedelta(hours=3),
        "mode": "hybrid",
        "venue": "Kuntatalo",
        "address": "Toinen linja 14, Helsinki",
        "online_url": "https://meet.example/verkosto",
    }
    values.update(fields)
    meeting = Meeting(**values)
    db.session.add(meeting)
    db.session.commit()
    return meeting


def helsinki(*args) -> datetime:
    return helsinki_to_utc(datetime(*args))


@pytest.fixture(autouse=True)
def upload_folder(app, tmp_path):
    app.config["UPLOAD_FOLDER"] = str(tmp_path / "uploads")
    return tmp_path / "uploads"


@pytest.fixture
def orgs(app):
    return {
        "tampere": make_org("Tampereen kaupunki", "pirkanmaa"),
        "vaasa": make_org("Vaasan kaupunki", "pohjanmaa"),
        "oulu": make_org("Oulun kaupunki", "pohjois-pohjanmaa"),
        "turku": make_org("Turun kaupunki", "varsinais-suomi"),
        "soste": make_org("SOSTE ry", "uusimaa", kind="civil_society"),
    }


def fi(message: str, **values) -> str:
    """The Finnish (default interface language) text of a message, checking that it is translated."""
    from flask_babel import force_locale, gettext

    with force_locale("fi"):
        text = gettext(message, **values)
    assert text != message % values if values else text != message, f"not translated: {message}"
    return text
