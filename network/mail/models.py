"""The outbox (one row per message and recipient) and the health of each address we deliver to."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..timeutil import utcnow


class OutboxStatus(StrEnum):
    """States of an outbox row."""

    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    # Not sent on purpose: the address unsubscribed or is failing before the worker reached the row.
    SKIPPED = "skipped"


PENDING = OutboxStatus.PENDING
SENT = OutboxStatus.SENT
FAILED = OutboxStatus.FAILED
SKIPPED = OutboxStatus.SKIPPED


class FailureStage(StrEnum):
    """Where a message failed, which decides who is at fault (RFC 5321 stages, RFC 3463 enhanced codes)."""

    # The message could not be built (a header that cannot be encoded, a broken body).
    COMPOSE = "compose"
    # The recipient address cannot be sent to (not an address; a non-ASCII local part and no SMTPUTF8).
    ADDRESS = "address"
    # Our relay: connection, TLS, AUTH or MAIL FROM refused. Retried later; never a bounce.
    RELAY = "relay"
    # RCPT TO refused: that recipient's bounce.
    RECIPIENT = "recipient"
    # Refused after DATA: the message itself (policy, content); no recipient bounce.
    MESSAGE = "message"


class MailBody(db.Model):
    """A message body many recipients get (a list post in one language), stored once and shared by its rows.

    The text, the HTML and the headers hold random placeholders (`placeholders`: role -> placeholder) that the
    worker fills for each recipient when it composes the message, with the values of the personaliser registered
    under `personaliser` (see `network.mail.delivery.personaliser`): e.g. the recipient's unsubscribe token.
    Immutable once written; it holds no personal data.
    """

    __tablename__ = "mail_bodies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # The message key and the language: the same body is stored once even when a post is queued twice.
    key: Mapped[str] = mapped_column(String(200), unique=True)
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    headers: Mapped[dict | None] = mapped_column(JSON)
    personaliser: Mapped[str | None] = mapped_column(String(40))
    placeholders: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, server_default=func.now())


class OutboxMessage(db.Model):
    """One message to one recipient. Written in the same transaction as the change that causes it."""

    __tablename__ = "outbox_messages"
    # The same logical message is never queued twice for the same recipient.
    __table_args__ = (UniqueConstraint("message_key", "recipient", name="uq_outbox_messages_key_recipient"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_key: Mapped[str] = mapped_column(String(200), index=True)
    recipient: Mapped[str] = mapped_column(String(254), index=True)
    sender: Mapped[str | None] = mapped_column(String(300))
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    # Extra headers (List-Id, List-Unsubscribe, ...) as a JSON object.
    headers: Mapped[dict | None] = mapped_column(JSON)
    # An iCalendar body sent as a text/calendar alternative (iMIP), with its METHOD.
    calendar: Mapped[str | None] = mapped_column(Text)
    calendar_method: Mapped[str | None] = mapped_column(String(20))
    message_id: Mapped[str | None] = mapped_column(String(300))
    # A shared body (list posts): then body_text is empty and `headers` holds only this row's own extra headers.
    body_id: Mapped[int | None] = mapped_column(ForeignKey("mail_bodies.id"), index=True)
    # Set for list traffic: the worker re-checks the subscription right before sending.
    list_id: Mapped[int | None] = mapped_column(ForeignKey("mailing_lists.id", ondelete="SET NULL"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=PENDING, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    claimed_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Which worker claim holds the row (a random value per claim), so an expired claim taken over is noticed.
    claim_token: Mapped[str | None] = mapped_column(String(40))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(Text)
    # The FailureStage of the last error, for the delivery page.
    failure_stage: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, server_default=func.now())

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} {self.status} to {self.recipient}>"


class AddressHealth(db.Model):
    """Permanent delivery failures per address. A failing address receives nothing until it is confirmed again."""

    __tablename__ = "mail_address_health"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    bounce_count: Mapped[int] = mapped_column(Integer, default=0)
    failing_since: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class RelayStatus(db.Model):
    """The state of our own SMTP relay as the worker last saw it (one row, id 1), shown to coordinators.

    `refusing_since` is set when the relay refused us (connection, TLS, AUTH, MAIL FROM) and cleared when it
    accepts a message again.
    """

    __tablename__ = "mail_relay_status"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    refusing_since: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(Text)
    last_error_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_success_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class InboundStatus(StrEnum):
    """What became of an inbound message."""

    # Stored, not handled yet (or being handled).
    RECEIVED = "received"
    # A handler acted on it (a registration, an unsubscription, a bounce counted).
    HANDLED = "handled"
    # Understood, and nothing was to be changed (an older SEQUENCE, an unknown meeting, a temporary failure...).
    IGNORED = "ignored"
    # Refused on purpose (a spoofed attendee, a calendar that does not parse, an invalid token, too large).
    REFUSED = "refused"
    # An error while handling it: the message is kept and can be retried from the inbound page.
    FAILED = "failed"


class InboundMessage(db.Model):
    """One message received for the network's addresses (LMTP or IMAP), with its outcome.

    `dedup_key` is the Message-ID (or a digest of the bytes when there is none): the same message delivered twice
    is handled once. `raw` is kept for INBOUND_KEEP_DAYS days, then cleared (the outcome stays).
    """

    __tablename__ = "mail_inbound_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dedup_key: Mapped[str] = mapped_column(String(300), unique=True)
    message_id: Mapped[str | None] = mapped_column(String(300))
    # Where it came from: "lmtp", "imap" or "cli".
    source: Mapped[str] = mapped_column(String(20), default="lmtp")
    envelope_from: Mapped[str | None] = mapped_column(String(320))
    envelope_to: Mapped[str | None] = mapped_column(String(1000))
    sender: Mapped[str | None] = mapped_column(String(320))
    subject: Mapped[str | None] = mapped_column(String(300))
    size: Mapped[int] = mapped_column(Integer, default=0)
    raw: Mapped[bytes | None] = mapped_column(LargeBinary)
    # Which handler took it: "calendar-reply", "unsubscribe", "bounce", or None (nobody).
    kind: Mapped[str | None] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20), default=InboundStatus.RECEIVED, index=True)
    outcome: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    handled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
