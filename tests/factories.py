"""Factories for test data, shared by every domain's tests: `create_user`, `create_org`, `create_meeting`,
`create_subscribers` and `create_post`.

Plain functions (commit and return the row) and the same as pytest fixtures returning the function, so a test
can either import them or ask for them. Each takes keyword overrides of any model field.
"""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest

from network.auth.models import User
from network.extensions import db
from network.mailing import lists
from network.mailing import posts as post_rules
from network.mailing.models import Post, Subscriber, Subscription
from network.meetings.models import Meeting
from network.orgs.models import Organisation
from network.text import search_key
from network.timeutil import utcnow

from . import conftest

_numbers = itertools.count(1)


def make_user(email: str | None = None, name: str = "Test Person", role: str = "member", confirmed: bool = True,
              **fields) -> User:
    """A committed account (password tests.conftest.PASSWORD); `organisation=` links it to an organisation."""
    return conftest.create_user(email or f"person{next(_numbers)}@example.fi", name, role, confirmed, **fields)


def make_org(name_fi: str | None = None, kind: str = "municipality", region: str = "uusimaa", **fields) -> Organisation:
    """A committed member organisation with its search key."""
    name_fi = name_fi or f"Testikunta {next(_numbers)}"
    org = Organisation(name_fi=name_fi, search_name=search_key(name_fi), kind=kind, region=region, **fields)
    db.session.add(org)
    db.session.commit()
    return org


def make_meeting(**fields) -> Meeting:
    """A committed hybrid network meeting 30 days ahead (3 hours), unless the fields say otherwise."""
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


def make_subscribers(count: int, *, language: str = "fi", prefix: str = "sub", mailing_list=None,
                     confirmed: bool = True, active: bool = True) -> list[Subscriber]:
    """`count` committed subscribers of a list (default the main list): prefix00000@example.fi, ... ."""
    mailing_list = mailing_list or lists.main_list()
    now = utcnow()
    subscribers = [
        Subscriber(email=f"{prefix}{i:05d}@example.fi", name=f"Subscriber {i}", language=language,
                   confirmed_at=now if confirmed else None)
        for i in range(count)
    ]
    db.session.add_all(subscribers)
    db.session.flush()
    db.session.add_all(
        Subscription(subscriber_id=s.id, list_id=mailing_list.id, active=active) for s in subscribers
    )
    db.session.commit()
    return subscribers


def make_post(author=None, mailing_list=None, subject: str = "Tervehdys verkostolle",
              body: str = "Hei kaikki!\n\n- yksi\n- kaksi", **fields) -> Post:
    """A committed post to a list (default the main list) through the list's rule: queued at once unless
    `send_at` is given.
    """
    mailing_list = mailing_list or lists.main_list()
    post = post_rules.create_post(
        mailing_list, author, post_rules.PostInput(subject_fi=subject, body_fi=body, **fields)
    )
    db.session.commit()
    return post


@pytest.fixture
def create_user(app):
    """Fixture: the make_user factory."""
    return make_user


@pytest.fixture
def create_org(app):
    """Fixture: the make_org factory."""
    return make_org


@pytest.fixture
def create_meeting(app):
    """Fixture: the make_meeting factory."""
    return make_meeting


@pytest.fixture
def create_subscribers(app):
    """Fixture: the make_subscribers factory."""
    return make_subscribers


@pytest.fixture
def create_post(app):
    """Fixture: the make_post factory."""
    return make_post
