"""The mailing list's yearly activity figures (self-assessment report): computed in SQL for a Helsinki year."""

from __future__ import annotations

from datetime import UTC, datetime

from network.extensions import db
from network.mailing import lists
from network.mailing.figures import mailing_figures
from network.mailing.models import Post, Subscriber, Subscription
from network.timeutil import HELSINKI


def helsinki(*args) -> datetime:
    """A wall-clock time in Finland, as UTC."""
    return datetime(*args, tzinfo=HELSINKI).astimezone(UTC)


def subscribe(email, mailing_list, *, since, confirmed=True, until=None):
    subscriber = Subscriber(email=email, name=email, confirmed_at=since if confirmed else None, created_at=since)
    db.session.add(subscriber)
    db.session.flush()
    db.session.add(Subscription(subscriber_id=subscriber.id, list_id=mailing_list.id, created_at=since,
                                active=until is None, unsubscribed_at=until))
    db.session.commit()


def post(mailing_list, status, queued_at=None):
    db.session.add(Post(list_id=mailing_list.id, subject_fi="Aihe", body_fi="Teksti", status=status,
                        queued_at=queued_at))
    db.session.commit()


def test_posts_sent_and_subscribers_at_the_start_and_end_of_the_year(app):
    main = lists.main_list()
    group = lists.ensure_group_list(3, "Työryhmä")
    subscribe("stays@example.fi", main, since=helsinki(2024, 6, 1, 12))
    subscribe("joined@example.fi", main, since=helsinki(2025, 3, 1, 12))
    subscribe("left@example.fi", main, since=helsinki(2024, 5, 1, 12), until=helsinki(2025, 5, 1, 12))
    subscribe("unconfirmed@example.fi", main, since=helsinki(2024, 5, 1, 12), confirmed=False)
    subscribe("group@example.fi", group, since=helsinki(2024, 5, 1, 12))
    post(main, "queued", helsinki(2025, 2, 1, 12))
    post(group, "queued", helsinki(2025, 12, 31, 23, 30))  # 2025 in Helsinki, 21:30 UTC
    post(main, "queued", helsinki(2024, 12, 31, 23, 30))  # 2024 in Helsinki
    post(main, "scheduled")
    post(main, "cancelled")

    figures = {f.key: f.value for f in mailing_figures(2025)}

    assert figures["mailing.posts_sent"] == 2
    assert figures["mailing.subscribers_at_start"] == 2
    assert figures["mailing.subscribers_at_end"] == 2
    assert {f.key: f.value for f in mailing_figures(2024)}["mailing.posts_sent"] == 1


def test_a_year_without_anything(app):
    figures = {f.key: f.value for f in mailing_figures(2020)}
    assert figures == {"mailing.posts_sent": 0, "mailing.subscribers_at_start": 0, "mailing.subscribers_at_end": 0}
