"""The delivery worker: sends outbox rows through one SMTP connection per batch, or writes .eml files.

At least once from the outbox, never twice to the same recipient for the same message:

- rows are claimed for a limited time with a conditional UPDATE (and SELECT ... FOR UPDATE SKIP LOCKED on
  PostgreSQL), so several workers never hold the same row; a worker killed mid-batch leaves claims that expire,
  and the next worker picks those rows up: nothing is skipped;
- each row is marked sent in its own commit right after the SMTP server accepted it, so a restarted worker does not
  send it again (the only window is between the server's 250 and that commit);
- temporary failures (4xx, lost connections) are retried with exponential backoff; permanent ones (5xx) fail the row
  and count a bounce for the address; after BOUNCE_LIMIT bounces the address is failing and list mail skips it.
"""

from __future__ import annotations

import contextlib
import secrets
import smtplib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from email.utils import parseaddr
from pathlib import Path

from flask import current_app
from sqlalchemy import func, or_, select, update

from ..extensions import db, mail
from ..timeutil import utcnow
from .compose import compose
from .models import FAILED, PENDING, SENT, SKIPPED, AddressHealth, OutboxMessage

CLAIM_SECONDS = 300
MAX_ATTEMPTS = 8
BOUNCE_LIMIT = 3

# Higher domains plug into the worker without the worker importing them (see network/mailing/hooks.py):
# work to do before each batch (queueing scheduled posts that are due) and, for list traffic, which
# (address, list id) pairs of a batch are still subscribed.
BeforeBatch = Callable[[], None]
ActiveSubscriptions = Callable[[list[int]], set[tuple[str, int]]]
_before_batch: list[BeforeBatch] = []
_active_subscriptions_checks: list[ActiveSubscriptions] = []


def before_each_batch(function: BeforeBatch) -> BeforeBatch:
    """Register `function()` to run before the worker claims each batch (it commits its own work)."""
    if function not in _before_batch:
        _before_batch.append(function)
    return function


def active_subscriptions_check(function: ActiveSubscriptions) -> ActiveSubscriptions:
    """Register `function(outbox_ids) -> {(address, list_id)}`: the list messages of a batch still wanted.

    Without a registered check list messages are sent as queued.
    """
    if function not in _active_subscriptions_checks:
        _active_subscriptions_checks.append(function)
    return function


@dataclass
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def handled(self) -> int:
        return self.sent + self.retried + self.failed + self.skipped

    def add(self, other: DeliveryReport) -> None:
        self.sent += other.sent
        self.retried += other.retried
        self.failed += other.failed
        self.skipped += other.skipped
        self.errors.extend(other.errors)


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, ... minutes (MAIL_RETRY_BASE_SECONDS, 60 by default), at most six hours."""
    base = float(current_app.config.get("MAIL_RETRY_BASE_SECONDS", 60))
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), 6 * 3600))


def claim_batch(limit: int) -> tuple[str, list[int]]:
    """Claim up to `limit` due rows for this worker; returns the claim token and the claimed ids in order."""
    token = secrets.token_hex(16)
    for _attempt in range(10):
        now = utcnow()
        due = (
            OutboxMessage.status == PENDING,
            OutboxMessage.next_attempt_at <= now,
            or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now),
        )
        statement = select(OutboxMessage.id).where(*due).order_by(OutboxMessage.id).limit(limit)
        if db.engine.dialect.name == "postgresql":
            statement = statement.with_for_update(skip_locked=True)
        candidates = list(db.session.scalars(statement))
        if not candidates:
            db.session.commit()
            return token, []
        # The conditional UPDATE makes the claim safe where row locks do not exist (SQLite): a row another worker
        # claimed in the meantime no longer matches `due`.
        db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(candidates), *due)
            .values(claimed_until=now + timedelta(seconds=CLAIM_SECONDS), claim_token=token)
            .execution_options(synchronize_session=False)
        )
        db.session.commit()
        ids = list(
            db.session.scalars(
                select(OutboxMessage.id).where(OutboxMessage.claim_token == token).order_by(OutboxMessage.id)
            )
        )
        if ids:
            return token, ids
        # Another worker claimed these rows between our SELECT and UPDATE: look again.
    return token, []


def run_before_batch() -> None:
    """Run every registered before-batch step (e.g. queue scheduled posts that are due)."""
    for prepare in _before_batch:
        prepare()


def _write_eml(message: OutboxMessage) -> None:
    directory = Path(current_app.config["MAIL_FILE_DIR"])
    directory.mkdir(parents=True, exist_ok=True)
    safe_recipient = "".join(c if c.isalnum() or c in "@.-_" else "_" for c in message.recipient)
    (directory / f"{message.id:08d}-{safe_recipient}.eml").write_bytes(compose(message).as_bytes())


def _mark_sent(message: OutboxMessage, health: AddressHealth | None) -> None:
    message.status = SENT
    message.sent_at = utcnow()
    message.claimed_until = None
    message.claim_token = None
    message.last_error = None
    if health is not None and health.bounce_count and not health.failing_since:
        health.bounce_count = 0  # bounces count only when they come one after another
    db.session.commit()


def _mark_skipped(message: OutboxMessage, reason: str, report: DeliveryReport) -> None:
    message.status = SKIPPED
    message.last_error = reason
    message.claimed_until = None
    message.claim_token = None
    report.skipped += 1
    db.session.commit()


def _mark_error(
    message: OutboxMessage, error: str, permanent: bool, report: DeliveryReport
) -> AddressHealth | None:
    """Count a failed attempt; returns the address's health record when a permanent failure counted a bounce."""
    bounced = None
    message.attempts += 1
    message.last_error = error[:1000]
    message.claimed_until = None
    message.claim_token = None
    if permanent or message.attempts >= MAX_ATTEMPTS:
        message.status = FAILED
        report.failed += 1
        if permanent:
            bounced = _count_bounce(message.recipient, error)
    else:
        message.next_attempt_at = utcnow() + backoff(message.attempts)
        report.retried += 1
    report.errors.append(f"{message.recipient}: {error}")
    db.session.commit()
    return bounced


def _count_bounce(address: str, error: str) -> AddressHealth:
    health = db.session.scalar(
        select(AddressHealth).where(AddressHealth.email == address).execution_options(populate_existing=True)
    )
    if health is None:
        health = AddressHealth(email=address, bounce_count=0)
        db.session.add(health)
    health.bounce_count = (health.bounce_count or 0) + 1
    health.last_error = error[:1000]
    if health.bounce_count >= BOUNCE_LIMIT and health.failing_since is None:
        health.failing_since = utcnow()
    return health


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


def _skip_reason(
    message: OutboxMessage, health: AddressHealth | None, active: set[tuple[str, int]] | None
) -> str | None:
    """List traffic is not sent to an address that is failing or no longer subscribed.

    Invitations and their updates (with a calendar part) go to everyone invited unless the address is failing:
    a calendar entry must not be left stale.
    """
    if message.list_id is None:
        return None
    if health is not None and health.failing_since is not None:
        return "address is failing (repeated permanent bounces)"
    if message.calendar is None and active is not None and (message.recipient, message.list_id) not in active:
        return "unsubscribed before delivery"
    return None


def _active_subscriptions(ids: list[int]) -> set[tuple[str, int]] | None:
    """(address, list) pairs of the batch's list messages still subscribed; None when no domain checks lists."""
    if not _active_subscriptions_checks:
        return None
    active: set[tuple[str, int]] = set()
    for check in _active_subscriptions_checks:
        active |= check(ids)
    return active


def _envelope_sender(message: OutboxMessage) -> str:
    configured = current_app.config.get("MAIL_ENVELOPE_FROM")
    if configured:
        return configured
    return parseaddr(message.sender or current_app.config["MAIL_DEFAULT_SENDER"])[1]


def deliver_batch(limit: int | None = None, *, after_send: Callable[[OutboxMessage], None] | None = None) -> DeliveryReport:
    """Queue due scheduled posts, then send one batch of due messages; returns what happened.

    `after_send` is called after each accepted message (the CLI's progress bar; tests stop a worker with it).
    """
    run_before_batch()
    limit = limit or current_app.config["MAIL_BATCH_SIZE"]
    report = DeliveryReport()
    token, ids = claim_batch(limit)
    if not ids:
        return report
    # One query for the batch, fresh from the database (populate_existing), then only this batch's rows are used.
    rows = [
        row
        for row in db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.id.in_(ids))
            .order_by(OutboxMessage.id)
            .execution_options(populate_existing=True)
        )
        # Sent meanwhile, or the claim expired and another worker took the row.
        if row.status == PENDING and row.claim_token == token
    ]
    recipients = {row.recipient for row in rows}
    health = {h.email: h for h in db.session.scalars(select(AddressHealth).where(AddressHealth.email.in_(recipients)))}
    active = _active_subscriptions(ids)
    # Each row is committed on its own; expiring the whole identity map at every commit would make a batch cost
    # grow with everything the session holds, so the batch commits without expiring and expires once at the end.
    session = db.session()
    expire_on_commit = session.expire_on_commit
    session.expire_on_commit = False
    try:
        _send_rows(rows, health, active, report, after_send)
    finally:
        session.expire_on_commit = expire_on_commit
        session.expire_all()
    return report


def _send_rows(
    rows: list[OutboxMessage],
    health: dict[str, AddressHealth],
    active: set[tuple[str, int]] | None,
    report: DeliveryReport,
    after_send: Callable[[OutboxMessage], None] | None,
) -> None:
    def skipped(message: OutboxMessage) -> bool:
        reason = _skip_reason(message, health.get(message.recipient), active)
        if reason:
            _mark_skipped(message, reason, report)
        return bool(reason)

    def accepted(message: OutboxMessage) -> None:
        _mark_sent(message, health.get(message.recipient))
        report.sent += 1
        if after_send:
            after_send(message)

    state = current_app.extensions.get("mail")
    if not current_app.config.get("MAIL_SERVER") or state is None or state.suppress:
        for message in rows:
            if not skipped(message):
                _write_eml(message)
                accepted(message)
        return

    connection = None

    def connect() -> None:
        nonlocal connection
        connection = mail.connect()
        connection.__enter__()

    try:
        connect()
    except (OSError, smtplib.SMTPException) as exc:
        # The server is unreachable: every claimed row is retried later.
        for message in rows:
            _mark_error(message, f"cannot connect: {exc}", False, report)
        return
    try:
        for message in rows:
            if skipped(message):
                continue
            data = compose(message).as_bytes()
            try:
                if connection is None:
                    connect()
                connection.host.sendmail(_envelope_sender(message), [message.recipient], data)
            except (smtplib.SMTPServerDisconnected, ConnectionError) as exc:
                _mark_error(message, f"connection lost: {exc}", False, report)
                with contextlib.suppress(Exception):
                    connection.host.close()
                connection = None
                continue
            except (smtplib.SMTPException, OSError) as exc:
                error, permanent = _smtp_error(exc)
                bounced = _mark_error(message, error, permanent, report)
                if bounced is not None:
                    health[message.recipient] = bounced
                continue
            accepted(message)
    finally:
        if connection is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                connection.__exit__(None, None, None)


def deliver_all(limit: int | None = None, *, after_send: Callable[[OutboxMessage], None] | None = None) -> DeliveryReport:
    """Deliver batches until nothing is due (used by tests and `mail deliver --once`)."""
    total = DeliveryReport()
    while True:
        report = deliver_batch(limit, after_send=after_send)
        if report.handled == 0:
            return total
        total.add(report)


def pending_count() -> int:
    """Number of outbox rows still waiting to be sent."""
    return db.session.scalar(select(func.count(OutboxMessage.id)).where(OutboxMessage.status == PENDING)) or 0
