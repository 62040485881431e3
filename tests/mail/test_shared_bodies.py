"""A post's body is stored once per language and personalised by the worker (issue 9, speed)."""

from __future__ import annotations

import re
import time
from collections import Counter

from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import event, func, select

from network.extensions import db
from network.mail.delivery import deliver_all
from network.mail.models import FAILED, SENT, FailureStage, MailBody, OutboxMessage
from network.mailing import posts as post_rules
from network.mailing import subscriptions
from network.tokens import make_token, read_token
from tests.factories import make_post, make_subscribers
from tests.support.mail import text_body


class _Inserts:
    """Counts the INSERT statements into outbox_messages sent to the database."""

    def __init__(self) -> None:
        self.count = 0

    def __enter__(self) -> _Inserts:
        event.listen(db.engine, "before_cursor_execute", self._seen)
        return self

    def __exit__(self, *exc) -> None:
        event.remove(db.engine, "before_cursor_execute", self._seen)

    def _seen(self, conn, cursor, statement, parameters, context, executemany) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO OUTBOX_MESSAGES"):
            self.count += 1 if not executemany else len(parameters)


def _unsubscribe_token(message) -> str:
    # The token ends where the link's language (?lang=, issue 16) begins.
    return re.search(r"<https?://[^>]*/unsubscribe/([^>?]+)[^>]*>", message["List-Unsubscribe"]).group(1)


def test_a_post_is_stored_once_per_language_queued_with_one_insert_and_personalised_when_sent(app, smtp_server):
    make_subscribers(30, language="fi")
    make_subscribers(10, language="sv", prefix="sv")
    with _Inserts() as inserts:
        post = make_post(subject="Hei", body="Suomeksi " * 200, subject_sv="Hej", body_sv="På svenska " * 200)
    assert inserts.count == 1, "one INSERT ... SELECT for every recipient"
    assert post.recipient_count == 40
    bodies = {body.key: body for body in db.session.scalars(select(MailBody))}
    assert set(bodies) == {f"{post.message_key}:fi", f"{post.message_key}:sv"}
    rows = list(db.session.scalars(select(OutboxMessage)))
    assert len(rows) == 40 and {row.body_text for row in rows} == {""} and {row.body_html for row in rows} == {None}
    by_language = Counter(bodies[f"{post.message_key}:sv"].id == row.body_id for row in rows)
    assert by_language == Counter({False: 30, True: 10})
    assert len({row.message_id for row in rows}) == 40

    report = deliver_all()
    assert report.sent == 40 and report.failed == 0, report.errors
    placeholders = [value for body in bodies.values() for value in body.placeholders.values()]
    tokens = set()
    for item in smtp_server.received:
        (address,) = item.rcpt_tos
        message = item.message
        readable = " ".join([text_body(message), message.get_body(preferencelist=("html",)).get_content(),
                             *(str(value) for value in message.values())])
        assert not any(placeholder in readable for placeholder in placeholders)
        token = _unsubscribe_token(message)
        tokens.add(token)
        subscriber, _list = subscriptions.read_unsubscribe_token(token)
        assert subscriber.email == address
        assert f"/unsubscribe/{token}" in text_body(message)
        assert f"/unsubscribe/{token}" in message.get_body(preferencelist=("html",)).get_content()
        manage = re.search(r"/subscriptions/([^\s\"<>?]+)", text_body(message)).group(1)
        assert subscriptions.read_manage_token(manage).email == address
        swedish = address.startswith("sv")
        assert message["Subject"] == ("Hej" if swedish else "Hei")
        assert ("På svenska" if swedish else "Suomeksi") in text_body(message)
    assert len(tokens) == 40


def test_a_post_queued_twice_reaches_each_address_once_and_keeps_one_body(app, smtp_server):
    make_subscribers(5)
    post = make_post()
    assert post_rules.queue_post(post) == 5
    db.session.commit()
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 5
    assert db.session.scalar(select(func.count(MailBody.id))) == 1
    assert deliver_all().sent == 5
    assert Counter(r for item in smtp_server.received for r in item.rcpt_tos) == Counter(
        {f"sub{i:05d}@example.fi": 1 for i in range(5)})


def test_a_row_that_cannot_be_personalised_fails_alone(app, smtp_server):
    make_subscribers(5)
    make_post()
    row = db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == "sub00002@example.fi"))
    row.list_id = None  # not list traffic any more: nothing can make its unsubscribe link
    db.session.commit()
    report = deliver_all()
    assert report.sent == 4 and report.failed == 1
    db.session.refresh(row)
    assert row.status == FAILED and row.failure_stage == FailureStage.COMPOSE
    assert "no value for" in row.last_error
    assert set(db.session.scalars(select(OutboxMessage.status).where(OutboxMessage.id != row.id))) == {SENT}
    assert smtp_server.messages_to("sub00002@example.fi") == []


def test_tokens_are_the_tokens_itsdangerous_makes(app):
    for payload in ({"s": 12, "l": 3, "e": "0123456789ab"}, {"e": "tiinä@äänekoski.fi", "lists": [1, 2]},
                    {"long": "x" * 500}):
        standard = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="network:test")
        for _attempt in range(3):
            second = int(time.time())
            ours, theirs = make_token("test", payload), standard.dumps(payload)
            if int(time.time()) == second:
                break
        assert ours == theirs
        assert read_token("test", ours, 60) == payload
        assert standard.loads(ours, max_age=60) == payload
