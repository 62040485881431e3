"""The delivery worker: sends outbox rows through one SMTP connection per batch, or writes .eml files.

At least once from the outbox, never twice to the same recipient for the same message: each row is claimed
(row locks with SKIP LOCKED on PostgreSQL), and marked sent in its own commit right after the server accepted it.
"""

from __future__ import annotations

import contextlib
import smtplib
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import or_, select

from ..extensions import db, mail
from ..timeutil import utcnow
from .compose import compose
from .models import FAILED, PENDING, SENT, OutboxMessage

CLAIM_SECONDS = 300
MAX_ATTEMPTS = 8


@dataclass
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def handled(self) -> int:
        return self.sent + self.retried + self.failed


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, ... minutes, at most six hours."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 360))


def claim_batch(limit: int) -> list[int]:
    """Claim up to `limit` due rows for this worker and return their ids."""
    now = utcnow()
    statement = (
        select(OutboxMessage)
        .where(
            OutboxMessage.status == PENDING,
            OutboxMessage.next_attempt_at <= now,
            or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now),
        )
        .order_by(OutboxMessage.id)
        .limit(limit)
    )
    if db.engine.dialect.name == "postgresql":
        statement = statement.with_for_update(skip_locked=True)
    rows = list(db.session.scalars(statement))
    for row in rows:
        row.claimed_until = now + timedelta(seconds=CLAIM_SECONDS)
    ids = [row.id for row in rows]
    db.session.commit()
    return ids


def _write_eml(message: OutboxMessage) -> None:
    directory = Path(current_app.config["MAIL_FILE_DIR"])
    directory.mkdir(parents=True, exist_ok=True)
    safe_recipient = "".join(c if c.isalnum() or c in "@.-_" else "_" for c in message.recipient)
    (directory / f"{message.id:08d}-{safe_recipient}.eml").write_bytes(compose(message).as_bytes())


def _mark_sent(message: OutboxMessage) -> None:
    message.status = SENT
    message.sent_at = utcnow()
    message.claimed_until = None
    message.last_error = None
    db.session.commit()


def _mark_error(message: OutboxMessage, error: str, permanent: bool, report: DeliveryReport) -> None:
    message.attempts += 1
    message.last_error = error[:1000]
    message.claimed_until = None
    if permanent or message.attempts >= MAX_ATTEMPTS:
        message.status = FAILED
        report.failed += 1
    else:
        message.next_attempt_at = utcnow() + backoff(message.attempts)
        report.retried += 1
    report.errors.append(f"{message.recipient}: {error}")
    db.session.commit()


def _smtp_error(exc: Exception) -> tuple[str, bool]:
    """(readable reason, permanent?) for an SMTP exception."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, text = next(iter(exc.recipients.values()))
    elif isinstance(exc, smtplib.SMTPResponseException):
        code, text = exc.smtp_code, exc.smtp_error
    else:
        return str(exc) or exc.__class__.__name__, False
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{code} {text}", 500 <= code < 600


def deliver_batch(limit: int | None = None) -> DeliveryReport:
    """Send one batch of due messages; returns what happened."""
    limit = limit or current_app.config["MAIL_BATCH_SIZE"]
    report = DeliveryReport()
    ids = claim_batch(limit)
    if not ids:
        return report
    if not current_app.config.get("MAIL_SERVER"):
        for message_id in ids:
            message = db.session.get(OutboxMessage, message_id)
            _write_eml(message)
            _mark_sent(message)
            report.sent += 1
        return report

    try:
        connection = mail.connect()
        connection.__enter__()
    except (OSError, smtplib.SMTPException) as exc:
        # The server is unreachable: release the claims so the next run tries again.
        for message_id in ids:
            _mark_error(db.session.get(OutboxMessage, message_id), str(exc), False, report)
        return report
    try:
        for message_id in ids:
            message = db.session.get(OutboxMessage, message_id)
            if message is None or message.status != PENDING:
                continue
            envelope = compose(message)
            try:
                connection.host.sendmail(
                    current_app.config.get("MAIL_ENVELOPE_FROM") or _address(envelope["From"]),
                    [message.recipient],
                    envelope.as_bytes(),
                )
            except smtplib.SMTPServerDisconnected as exc:
                _mark_error(message, str(exc), False, report)
                connection.host = connection.configure_host()
                continue
            except (smtplib.SMTPException, OSError) as exc:
                reason, permanent = _smtp_error(exc)
                _mark_error(message, reason, permanent, report)
                continue
            _mark_sent(message)
            report.sent += 1
    finally:
        with contextlib.suppress(OSError, smtplib.SMTPException):
            connection.__exit__(None, None, None)
    return report


def _address(header_value: str) -> str:
    from email.utils import parseaddr

    return parseaddr(str(header_value))[1]


def deliver_all(limit: int | None = None) -> DeliveryReport:
    """Deliver batches until nothing is due (used by tests and `mail deliver --once`)."""
    total = DeliveryReport()
    while True:
        report = deliver_batch(limit)
        if report.handled == 0:
            return total
        total.sent += report.sent
        total.retried += report.retried
        total.failed += report.failed
        total.errors.extend(report.errors)
