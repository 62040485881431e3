"""The coordinators' delivery page: failed messages with their reasons, retrying them, and the relay's state."""

from __future__ import annotations

import html

from sqlalchemy import select

from network.extensions import db
from network.mail.delivery import deliver_all
from network.mail.models import FAILED, PENDING, SENT, OutboxMessage
from tests.conftest import csrf_token_in
from tests.factories import make_post, make_subscribers
from tests.support.english import english


def test_failed_messages_are_listed_with_their_reason_and_can_be_sent_again(app, smtp_server, coordinator_client):
    make_subscribers(3)
    smtp_server.refuse_data("sub00001@example.fi", "554 5.7.1 Message content rejected")
    smtp_server.refuse("sub00002@example.fi", "550 5.1.1 No such user")
    make_post()
    deliver_all()
    english(coordinator_client)
    page = html.unescape(coordinator_client.get("/admin/mail").get_data(as_text=True))
    assert "sub00001@example.fi" in page and "554 5.7.1 Message content rejected" in page
    assert "The recipient's server refused the message" in page
    assert "sub00002@example.fi" in page and "The recipient's server refused the address" in page
    assert "Our mail server is accepting messages." in page

    row = db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == "sub00001@example.fi"))
    response = coordinator_client.post("/admin/mail/retry", data={"message_id": str(row.id)}, follow_redirects=True)
    assert "1 message will be sent again." in response.get_data(as_text=True)
    db.session.expire_all()
    assert row.status == PENDING and row.attempts == 0
    assert deliver_all().sent == 1
    assert len(smtp_server.messages_to("sub00001@example.fi")) == 1
    statuses = dict(db.session.execute(select(OutboxMessage.recipient, OutboxMessage.status)).all())
    assert statuses["sub00001@example.fi"] == SENT and statuses["sub00002@example.fi"] == FAILED

    response = coordinator_client.post("/admin/mail/retry", data={}, follow_redirects=True)
    assert "1 message will be sent again." in response.get_data(as_text=True)


def test_relay_refusing_is_shown_to_coordinators(app, smtp_server, coordinator_client):
    make_subscribers(2)
    smtp_server.refuse_mail_from("530 5.7.0 Authentication required")
    make_post()
    deliver_all()
    english(coordinator_client)
    page = html.unescape(coordinator_client.get("/admin/mail").get_data(as_text=True))
    assert "Our mail server is refusing to send since" in page
    assert "MAIL FROM: 530 5.7.0 Authentication required" in page


def test_retry_needs_a_csrf_token(csrf_app, coordinator_client):
    assert coordinator_client.post("/admin/mail/retry", data={}).status_code == 400
    token = csrf_token_in(coordinator_client.get("/admin/mail").get_data(as_text=True))
    assert coordinator_client.post("/admin/mail/retry", data={"csrf_token": token}).status_code == 302
