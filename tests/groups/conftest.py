"""Fixtures of the working-group tests: people from organisations of several kinds, and groups in each state."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from network.extensions import db
from network.groups.models import APPROVED, PENDING, WorkingGroup
from network.orgs.models import Organisation
from network.text import search_key
from network.timeutil import helsinki_today, utcnow

from ..conftest import create_user


def make_org(name: str, region: str, kind: str = "municipality") -> Organisation:
    org = Organisation(name_fi=name, search_name=search_key(name), kind=kind, region=region)
    db.session.add(org)
    db.session.commit()
    return org


def make_group(**fields) -> WorkingGroup:
    """A group straight in the database (rules have their own tests); approved and open unless told otherwise."""
    today = helsinki_today()
    values = {
        "name_fi": "Kuntavaalitavoitteet",
        "name_sv": "Kommunalvalsmål",
        "theme_fi": "Kansalaisyhteiskunta ja kuntavaalit",
        "mandate_fi": "## Tarkoitus\n\nKoota esitys verkoston kuntavaalitavoitteiksi.",
        "signup_deadline": today + timedelta(days=14),
        "term_end": today + timedelta(days=120),
        "decision": APPROVED,
        "decided_at": utcnow(),
        "member_count": 0,
    }
    values.update(fields)
    group = WorkingGroup(**values)
    db.session.add(group)
    db.session.commit()
    return group


def active_dates(today: date | None = None) -> dict:
    today = today or helsinki_today()
    return {"signup_deadline": today - timedelta(days=3), "term_end": today + timedelta(days=60)}


def closed_dates(today: date | None = None) -> dict:
    today = today or helsinki_today()
    return {"signup_deadline": today - timedelta(days=90), "term_end": today - timedelta(days=1)}


@pytest.fixture
def orgs(app):
    return {
        "tampere": make_org("Tampereen kaupunki", "pirkanmaa"),
        "vaasa": make_org("Vaasan kaupunki", "pohjanmaa"),
        "soste": make_org("SOSTE ry", "uusimaa", kind="civil_society"),
        "om": make_org("Oikeusministeriö", "uusimaa", kind="state"),
    }


@pytest.fixture
def people(app, orgs):
    return {
        "aino": create_user("aino@tampere.example", "Aino Virtanen", organisation_id=orgs["tampere"].id),
        "erik": create_user("erik@vaasa.example", "Erik Lindqvist", organisation_id=orgs["vaasa"].id,
                            language="sv"),
        "sanna": create_user("sanna@soste.example", "Sanna Järjestö", organisation_id=orgs["soste"].id),
        "olli": create_user("olli@om.example", "Olli Ministeriö", organisation_id=orgs["om"].id),
    }


@pytest.fixture
def open_group(app):
    return make_group()


@pytest.fixture
def proposed_group(app, people):
    return make_group(decision=PENDING, decided_at=None, proposer_id=people["erik"].id, proposer_language="sv")
