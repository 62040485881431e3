"""Inbound mail (issue 13): the LMTP server and the IMAP fetch in front of `handle_inbound`, bounce reports as
Postfix, Exim, Gmail and Microsoft 365 write them tied to the outbox by VERP, and the bad inputs of the issue."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from network.extensions import db
from network.mail import inbound as inbound_rules
from network.mail.delivery import BOUNCE_LIMIT, deliver_all
from network.mail.inbound import HandlerResult, handle_inbound, inbound_handler
from network.mail.models import AddressHealth, InboundMessage, InboundStatus, OutboxMessage
from network.mail.outbox import queue_mail
from network.mail.verp import outbox_id_of, verp_address
from tests.support.inbound import lmtp_deliver, sample

VERP = "bounces@kuntademokratia.example"
DSN_SAMPLES = ["postfix_dsn.eml", "exim_bounce.eml", "gmail_dsn.eml", "m365_ndr.eml"]


@pytest.fixture
def verp(app):
    app.config["MAIL_VERP_ADDRESS"] = VERP
    return VERP


def _sent_row(recipient: str) -> OutboxMessage:
    row = queue_mail(recipient, "Tervehdys verkostolle", "Hei kaikki!", key=f"post:{recipient}")
    db.session.commit()
    assert deliver_all().sent >= 1
    return db.session.get(OutboxMessage, row.id, populate_existing=True)


def _health(address: str) -> AddressHealth | None:
    return db.session.scalar(select(AddressHealth).where(AddressHealth.email == address)
                             .execution_options(populate_existing=True))


def _rows() -> list[InboundMessage]:
    return list(db.session.scalars(select(InboundMessage).order_by(InboundMessage.id)
                                   .execution_options(populate_existing=True)))


def test_outgoing_mail_carries_a_verp_return_path_naming_its_row(app, smtp_server, verp):
    row = queue_mail("tiina@kunta.example", "Hei", "body", key="t:1")
    db.session.commit()
    assert deliver_all().sent == 1
    (received,) = smtp_server.received
    assert received.mail_from == verp_address(row.id)
    assert received.mail_from.startswith(f"bounces+{row.id}-")
    assert outbox_id_of(received.mail_from) == row.id
    # A made-up return path (another row, a wrong signature) names no row.
    forged = received.mail_from.replace(f"+{row.id}-", f"+{row.id + 1}-")
    assert outbox_id_of(forged) is None


@pytest.mark.parametrize("name", DSN_SAMPLES)
def test_permanent_bounce_over_lmtp_counts_against_the_address(app, smtp_server, verp, lmtp_server, name):
    row = _sent_row("poistunut@kunta.example")
    raw = sample(name, recipient=row.recipient, return_path=verp_address(row.id))
    code, reply = lmtp_deliver(lmtp_server.port, raw, verp_address(row.id), sender="")
    assert code == 250, reply
    (stored,) = _rows()
    assert stored.kind == "bounce" and stored.status == InboundStatus.HANDLED, stored.outcome
    assert _health(row.recipient).bounce_count == 1
    row = db.session.get(OutboxMessage, row.id, populate_existing=True)
    assert row.status == "failed" and row.failure_stage == "recipient"


def test_bounces_without_verp_count_only_for_addresses_we_mailed(app, smtp_server, lmtp_server):
    """Issue 13 bad input: a DSN for an address we never mailed changes nothing."""
    row = _sent_row("vanha@kunta.example")
    for address in ("vanha@kunta.example", "tuntematon@kunta.example"):
        raw = sample("postfix_dsn.eml", recipient=address, return_path="verkosto@kuntademokratia.example")
        code, _reply = lmtp_deliver(lmtp_server.port, raw, "verkosto@kuntademokratia.example", sender="")
        assert code == 250
    counted, never = _rows()
    assert counted.status == InboundStatus.HANDLED and _health(row.recipient).bounce_count == 1
    assert never.status == InboundStatus.IGNORED and "never mailed" in never.outcome
    assert _health("tuntematon@kunta.example") is None


def test_temporary_failure_is_recorded_and_not_counted(app, smtp_server, verp, lmtp_server):
    row = _sent_row("hidas@kunta.example")
    raw = sample("postfix_delayed.eml", recipient=row.recipient, return_path=verp_address(row.id))
    assert lmtp_deliver(lmtp_server.port, raw, verp_address(row.id), sender="")[0] == 250
    (stored,) = _rows()
    assert stored.status == InboundStatus.IGNORED and "temporary" in stored.outcome
    assert _health(row.recipient) is None
    assert db.session.get(OutboxMessage, row.id, populate_existing=True).status == "sent"


def test_repeated_permanent_bounces_make_the_address_failing(app, smtp_server, verp, lmtp_server):
    address = "taysi@kunta.example"
    for number in range(BOUNCE_LIMIT):
        row = queue_mail(address, "Hei", "body", key=f"t:{number}")
        db.session.commit()
        deliver_all()
        raw = sample(DSN_SAMPLES[number % len(DSN_SAMPLES)], recipient=address, return_path=verp_address(row.id))
        assert lmtp_deliver(lmtp_server.port, raw, verp_address(row.id), sender="")[0] == 250
    health = _health(address)
    assert health.bounce_count == BOUNCE_LIMIT, [(r.status, r.outcome) for r in _rows()]
    assert health.failing_since is not None


def test_the_same_message_twice_is_handled_once(app, smtp_server, verp, lmtp_server):
    """Issue 13 bad input: the same message delivered twice."""
    row = _sent_row("kahdesti@kunta.example")
    raw = sample("gmail_dsn.eml", recipient=row.recipient, return_path=verp_address(row.id))
    for _ in range(2):
        assert lmtp_deliver(lmtp_server.port, raw, verp_address(row.id), sender="")[0] == 250
    assert len(_rows()) == 1
    assert _health(row.recipient).bounce_count == 1
    again = handle_inbound(raw, envelope_to=[verp_address(row.id)])
    assert again.duplicate and _health(row.recipient).bounce_count == 1


def test_a_message_too_large_is_refused_by_lmtp_and_by_the_function(app, lmtp_server):
    """Issue 13 bad input: a 20 MB message. The MTA is told 552 at once; IMAP's copy is recorded as refused."""
    big = (b"From: someone@example.fi\r\nTo: verkosto@kuntademokratia.example\r\nSubject: iso\r\n"
           b"Message-ID: <big@example.fi>\r\n\r\n" + (b"x" * 76 + b"\r\n") * (20 * 1024 * 1024 // 78))
    code, _reply = lmtp_deliver(lmtp_server.port, big, "verkosto@kuntademokratia.example")
    assert code == 552
    outcome = handle_inbound(big, source="imap")
    assert outcome.status == InboundStatus.REFUSED and "too large" in outcome.outcome
    (stored,) = _rows()
    assert stored.size == len(big) and len(stored.raw) < 1024 and stored.subject == "iso"
    # The server keeps running.
    small = b"From: a@example.fi\r\nSubject: hei\r\nMessage-ID: <small@example.fi>\r\n\r\nhei\r\n"
    assert lmtp_deliver(lmtp_server.port, small, "verkosto@kuntademokratia.example")[0] == 250


def test_not_mime_and_not_a_message_are_recorded_and_the_server_keeps_running(app, lmtp_server):
    """Issue 13 bad input: a message that is not MIME (and bytes that are no message at all)."""
    plain = (b"From: vanha@kunta.example\r\nTo: verkosto@kuntademokratia.example\r\nSubject: kysymys\r\n"
             b"Message-ID: <plain@kunta.example>\r\n\r\nOnko kokous auki kaikille?\r\n")
    garbage = b"\x00\xff\xfe not a message at all \x00\r\n"
    assert lmtp_deliver(lmtp_server.port, plain, "verkosto@kuntademokratia.example")[0] == 250
    assert lmtp_deliver(lmtp_server.port, garbage, "verkosto@kuntademokratia.example")[0] == 250
    plain_row, garbage_row = _rows()
    assert plain_row.status == InboundStatus.IGNORED and plain_row.kind is None
    assert garbage_row.status in (InboundStatus.REFUSED, InboundStatus.IGNORED)
    assert garbage_row.raw == garbage


def test_lmtp_refuses_addresses_of_other_domains(app, lmtp_server):
    raw = b"From: a@example.fi\r\nSubject: x\r\n\r\nx\r\n"
    code, _reply = lmtp_deliver(lmtp_server.port, raw, "someone@elsewhere.example")
    assert code == 550
    assert _rows() == []


@pytest.fixture
def exploding_handler(app):
    """A handler that fails while `broken` is set: how a bug in a domain's handler shows up."""
    state = {"broken": True}

    def explode(inbound):
        if str(inbound.message.get("Subject")) != "räjähtää":
            return None
        if state["broken"]:
            raise RuntimeError("handler bug")
        return HandlerResult(InboundStatus.HANDLED, "fixed")

    inbound_handler("test-explosive", order=1)(explode)
    yield state
    inbound_rules._handlers[:] = [r for r in inbound_rules._handlers if r.handler is not explode]


def test_a_failing_handler_keeps_the_message_for_a_retry_from_the_inbound_page(
        app, lmtp_server, exploding_handler, coordinator_client):
    raw = "From: a@example.fi\r\nSubject: räjähtää\r\nMessage-ID: <boom@example.fi>\r\n\r\nx\r\n".encode()
    assert lmtp_deliver(lmtp_server.port, raw, "verkosto@kuntademokratia.example")[0] == 250
    (stored,) = _rows()
    assert stored.status == InboundStatus.FAILED and "handler bug" in stored.outcome and stored.raw == raw
    page = coordinator_client.get("/admin/mail/inbound")
    assert page.status_code == 200 and "handler bug" in page.text and "mail/inbound/retry" in page.text
    # Delivered again while still failing: handled again (not a duplicate), still failing, one row.
    assert lmtp_deliver(lmtp_server.port, raw, "verkosto@kuntademokratia.example")[0] == 250
    assert [r.attempts for r in _rows()] == [2]
    exploding_handler["broken"] = False
    response = coordinator_client.post("/admin/mail/inbound/retry", data={"message_id": str(stored.id)})
    assert response.status_code == 302
    (stored,) = _rows()
    assert stored.status == InboundStatus.HANDLED and stored.outcome == "fixed"


def test_raw_bytes_are_kept_for_the_configured_days(app):
    app.config["INBOUND_KEEP_DAYS"] = 0
    first = handle_inbound(b"From: a@example.fi\r\nSubject: 1\r\nMessage-ID: <1@example.fi>\r\n\r\nx\r\n")
    handle_inbound(b"From: a@example.fi\r\nSubject: 2\r\nMessage-ID: <2@example.fi>\r\n\r\nx\r\n")
    old = db.session.get(InboundMessage, first.inbound_id, populate_existing=True)
    assert old.raw is None and old.outcome  # the outcome stays


def test_fetch_over_imap_handles_and_deletes_each_message(app, smtp_server, verp, imap_server):
    row = _sent_row("imap@kunta.example")
    imap_server.mailbox.add(sample("m365_ndr.eml", recipient=row.recipient, return_path=verp_address(row.id)))
    imap_server.mailbox.add(sample("exim_bounce.eml", recipient="tuntematon@kunta.example",
                                   return_path="verkosto@kuntademokratia.example"))
    result = app.test_cli_runner().invoke(args=["mail", "fetch"])
    assert result.exit_code == 0, result.output
    assert "fetched 2" in result.output
    assert imap_server.mailbox.messages == {}
    assert "LOGIN ***" in imap_server.mailbox.commands and "EXPUNGE" in imap_server.mailbox.commands
    rows = _rows()
    assert [r.source for r in rows] == ["imap", "imap"]
    # Without an envelope, the VERP address is read from the report's To header.
    assert rows[0].status == InboundStatus.HANDLED and _health(row.recipient).bounce_count == 1
    assert rows[1].status == InboundStatus.IGNORED


def test_fetch_with_a_wrong_password_fails_and_keeps_the_mail(app, imap_server):
    app.config["INBOUND_IMAP_PASSWORD"] = "väärä"
    imap_server.mailbox.add(b"From: a@example.fi\r\nSubject: x\r\n\r\nx\r\n")
    result = app.test_cli_runner().invoke(args=["mail", "fetch"])
    assert result.exit_code == 1 and "IMAP" in result.output
    assert len(imap_server.mailbox.messages) == 1 and _rows() == []


def test_cli_reads_a_message_from_a_file_and_from_stdin(app, smtp_server, verp, tmp_path):
    row = _sent_row("cli@kunta.example")
    path = tmp_path / "dsn.eml"
    path.write_bytes(sample("postfix_dsn.eml", recipient=row.recipient, return_path=verp_address(row.id)))
    result = app.test_cli_runner().invoke(args=["mail", "inbound", "--file", str(path)])
    assert result.exit_code == 0, result.output
    assert "handled (bounce)" in result.output
    stdin = sample("gmail_dsn.eml", recipient=row.recipient, return_path=verp_address(row.id))
    result = app.test_cli_runner().invoke(args=["mail", "inbound", "--stdin"], input=stdin)
    assert result.exit_code == 0, result.output
    assert _health(row.recipient).bounce_count == 2
    assert db.session.scalar(select(func.count(InboundMessage.id))) == 2
