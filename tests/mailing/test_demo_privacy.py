"""Demo data and the personal-data hooks of the mailing domain."""

from __future__ import annotations

from sqlalchemy import func, select

from network.extensions import db
from network.mail.delivery import deliver_all
from network.mail.models import OutboxMessage
from network.mailing import lists, subscriptions
from network.mailing.models import Post, Subscriber
from network.privacy import anonymise_personal_data, export_personal_data
from tests.factories import make_post


def test_demo_load_is_idempotent_and_sends_nothing(app, client):
    from network.mailing import demo

    demo.load()
    db.session.commit()
    demo.load()
    db.session.commit()
    assert db.session.scalar(select(func.count(Post.id))) == 3
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0
    assert "Demokratiapäivä viikolla 42" in client.get("/posts").get_data(as_text=True)


def test_export_and_anonymise_subscriptions(app, member, smtp_server):
    subscriber = subscriptions.subscriber_for_user(member, create=True)
    subscriptions.update_preferences(subscriber, "fi", [lists.main_list().id])
    db.session.commit()
    make_post()
    deliver_all()
    exported = export_personal_data(member)["mailing"]
    assert exported["subscriptions"][0]["email"] == "member@example.fi"
    assert exported["subscriptions"][0]["lists"][0]["receives_mail"] is True
    assert exported["messages"][0]["status"] == "sent"

    anonymise_personal_data(member)
    db.session.commit()
    assert db.session.scalar(select(func.count(Subscriber.id))) == 0
    assert db.session.scalar(select(func.count(OutboxMessage.id)).where(
        OutboxMessage.recipient == "member@example.fi")) == 0
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 1, "the count of sent mail is kept"
