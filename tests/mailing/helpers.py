"""Helpers for mailing tests: subscribers in bulk, posts, parsing what the SMTP server received."""

from __future__ import annotations

from network.extensions import db
from network.mailing import lists
from network.mailing import posts as post_rules
from network.mailing.models import Subscriber, Subscription
from network.timeutil import utcnow


def add_subscribers(count: int, *, language: str = "fi", prefix: str = "sub", mailing_list=None,
                    confirmed: bool = True, active: bool = True) -> list[Subscriber]:
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


def send_post(author=None, mailing_list=None, subject="Tervehdys verkostolle", body="Hei kaikki!\n\n- yksi\n- kaksi",
              **fields):
    mailing_list = mailing_list or lists.main_list()
    post = post_rules.create_post(
        mailing_list, author, post_rules.PostInput(subject_fi=subject, body_fi=body, **fields)
    )
    db.session.commit()
    return post


def english(client):
    """Make the test client's interface English, so assertions can read the messages."""
    with client.session_transaction() as session:
        session["lang"] = "en"
    return client
