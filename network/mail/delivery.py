"""The delivery worker: sends outbox rows over SMTP (or writes .eml files), one row failing alone.

At least once from the outbox, never twice to the same recipient for the same message:

- rows are claimed for a limited time with a conditional UPDATE (and SELECT ... FOR UPDATE SKIP LOCKED on
  PostgreSQL), so several workers never hold the same row; a worker killed mid-batch leaves claims that expire,
  and the next worker picks those rows up: nothing is skipped;
- each row is marked sent in its own commit right after the SMTP server accepted it, so a restarted worker does not
  send it again (the only window is between the server's 250 and that commit);
- any error composing or sending one row marks that row (failed, or pending for a retry) with its reason and the
  worker goes on with the next row; nothing a row contains can stop a batch or a worker.

SMTP replies are classified by the stage of the transaction that got them (RFC 5321) and their enhanced status
code (RFC 3463), see `classify`:

- connection, TLS, AUTH and MAIL FROM failures (and authentication replies at any stage) are our relay's problem:
  the rows are kept for later without counting an attempt or a bounce, and the relay state shown to coordinators
  says the relay is refusing;
- a 5xx reply to RCPT TO is that recipient's bounce; after BOUNCE_LIMIT bounces in a row the address is failing;
- a 5xx reply after DATA refuses the message itself (policy, content): the row fails, no bounce is counted;
- 4xx replies are retried with exponential backoff, at most MAX_ATTEMPTS times.
"""

from __future__ import annotations

import contextlib
import re
import secrets
import smtplib
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from email.utils import parseaddr
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import func, or_, select, text, update

from ..emails import SmtpAddress, smtp_address
from ..extensions import db
from ..rules import RuleError
from ..timeutil import utcnow
from .compose import compose_bytes, with_body
from .models import (
    FAILED,
    PENDING,
    SENT,
    SKIPPED,
    AddressHealth,
    FailureStage,
    MailBody,
    OutboxMessage,
    RelayStatus,
)
from .verp import verp_address

CLAIM_SECONDS = 300  # default of MAIL_CLAIM_SECONDS
MAX_ATTEMPTS = 8
BOUNCE_LIMIT = 3
# The reason recorded for a permanent failure read from a bounce report (network/mail/bounces.py).
REPORTED_BOUNCE = "bounce report: "
RELAY_ROW_ID = 1

# Higher domains plug into the worker without the worker importing them (see network/mailing/hooks.py):
# work to do before each batch (queueing scheduled posts that are due) and, for list traffic, which
# (address, list id) pairs of a batch are still subscribed.
BeforeBatch = Callable[[], None]
ActiveSubscriptions = Callable[[list[int]], set[tuple[str, int]]]
# Fills a shared body's placeholders for each recipient: takes the batch's outbox rows that use it, returns their
# values by row id and role ({"unsubscribe": token, ...}); a row left out cannot be personalised and fails alone.
Personaliser = Callable[[list[Any]], dict[int, dict[str, str]]]
_before_batch: list[BeforeBatch] = []
_active_subscriptions_checks: list[ActiveSubscriptions] = []
_personalisers: dict[str, Personaliser] = {}

# Set by `request_stop` (the worker's SIGTERM handler): every sending thread stops after the message in flight,
# marks it, and gives its other claimed rows back, so a stopped worker neither loses nor repeats a message.
_stop = threading.Event()


def request_stop() -> None:
    """Ask every delivery loop of this process to stop after the message in flight (safe in a signal handler)."""
    _stop.set()


def stop_requested() -> bool:
    """Whether a stop was asked for (SIGTERM/SIGINT or the worker's own stop): the batch loop ends after the current group."""
    return _stop.is_set()


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


def personaliser(name: str) -> Callable[[Personaliser], Personaliser]:
    """Register `function(rows) -> {row id: {role: value}}` under `name`, the `MailBody.personaliser` of the bodies
    whose placeholders it fills (called once per batch, from the worker's thread, inside the app context).
    """

    def register(function: Personaliser) -> Personaliser:
        _personalisers[name] = function
        return function

    return register


@dataclass
class DeliveryReport:
    """Counts of one delivery run: rows sent, put back for a retry, failed for good and skipped (suppressed addresses)."""

    sent: int = 0
    retried: int = 0
    failed: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)
    # Set when our relay refused us during this batch (the rows were kept for later).
    relay_error: str | None = None
    # Rows put back for later because of the relay (not counted as handled: nothing happened to them).
    deferred: int = 0

    @property
    def handled(self) -> int:
        """All rows this run dealt with, whatever the outcome."""
        return self.sent + self.retried + self.failed + self.skipped

    def add(self, other: DeliveryReport) -> None:
        """Add another run's counts (one connection's) to these, in place."""
        self.sent += other.sent
        self.retried += other.retried
        self.failed += other.failed
        self.skipped += other.skipped
        self.deferred += other.deferred
        self.errors.extend(other.errors)
        self.relay_error = other.relay_error or self.relay_error


# --- classifying SMTP replies ------------------------------------------------------------------------------------

_ENHANCED = re.compile(r"^\s*([245])\.(\d{1,3})\.(\d{1,3})\b", re.ASCII)  # RFC 3463 codes: ASCII digits
# Replies about our authentication (RFC 4954): 530 authentication required, 534 mechanism too weak, 535 credentials
# invalid, 538 encryption required, and the enhanced codes 5.7.8, 5.7.9, 5.7.11 and 5.7.14 (RFC 3463, RFC 4954).
_AUTH_REPLIES = {530, 534, 535, 538}
_AUTH_CODES = {(7, 8), (7, 9), (7, 11), (7, 14)}


@dataclass(frozen=True)
class Failure:
    """A classified delivery failure: where it happened, whether it is final, and a readable reason."""

    stage: FailureStage
    permanent: bool
    reason: str
    # The server closes the connection after this reply (421): the next message needs a new one.
    closes: bool = False

    @property
    def bounce(self) -> bool:
        """Only a permanent refusal of RCPT TO is the recipient's bounce."""
        return self.stage == FailureStage.RECIPIENT and self.permanent


class DeliveryFailure(Exception):
    """Raised inside the worker for one classified failure."""

    def __init__(self, failure: Failure) -> None:
        super().__init__(failure.reason)
        self.failure = failure


def _text(value: bytes | str | None) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value or ""


def classify(stage: str, code: int | None, text: bytes | str | None = "") -> Failure:
    """Classify an SMTP reply (or a connection error when `code` is None) by the transaction stage that got it.

    Takes the stage ("connect", "ehlo", "tls", "auth", "mail", "rcpt" or "data"), the reply code and its text;
    returns a `Failure`. Standards: RFC 5321 section 4.2 (reply codes per command), RFC 3463 (enhanced codes),
    RFC 4954 (AUTH replies 530, 534, 535, 538 and 454).
    """
    message = " ".join(_text(text).split())
    reason = f"{code} {message}".strip() if code is not None else (message or "connection failed")
    label = {"connect": "connecting", "ehlo": "EHLO", "tls": "STARTTLS", "auth": "AUTH", "mail": "MAIL FROM",
             "rcpt": "RCPT TO", "data": "DATA"}.get(stage, stage)
    enhanced = _ENHANCED.match(message)
    detail = (int(enhanced.group(2)), int(enhanced.group(3))) if enhanced else None
    about_auth = code in _AUTH_REPLIES or detail in _AUTH_CODES or (code == 454 and detail == (7, 0))
    relaying_denied = detail == (7, 1) and "relay" in message.lower()
    if code is None or stage in ("connect", "ehlo", "tls", "auth", "mail") or about_auth or relaying_denied:
        return Failure(FailureStage.RELAY, False, f"{label}: {reason}", closes=True)
    permanent = 500 <= code < 600
    if stage == "rcpt":
        return Failure(FailureStage.RECIPIENT, permanent, reason, closes=code == 421)
    return Failure(FailureStage.MESSAGE, permanent, reason, closes=code == 421)


# --- the relay ---------------------------------------------------------------------------------------------------


def relay_status() -> RelayStatus | None:
    """The relay state the worker last recorded (None before the first problem)."""
    return db.session.get(RelayStatus, RELAY_ROW_ID)


def _record_relay_problem(reason: str) -> None:
    status = db.session.get(RelayStatus, RELAY_ROW_ID, populate_existing=True)
    now = utcnow()
    if status is None:
        status = RelayStatus(id=RELAY_ROW_ID)
        db.session.add(status)
    if status.refusing_since is None:
        status.refusing_since = now
    status.last_error = reason[:1000]
    status.last_error_at = now


def _record_relay_ok() -> None:
    db.session.execute(
        update(RelayStatus).where(RelayStatus.id == RELAY_ROW_ID, RelayStatus.refusing_since.is_not(None))
        .values(refusing_since=None, last_success_at=utcnow())
        .execution_options(synchronize_session=False)
    )


def _relay_was_refusing() -> bool:
    return db.session.scalar(
        select(RelayStatus.id).where(RelayStatus.id == RELAY_ROW_ID, RelayStatus.refusing_since.is_not(None))
    ) is not None


def open_relay() -> smtplib.SMTP:
    """Open an SMTP connection to MAIL_SERVER: connect, EHLO, STARTTLS (MAIL_USE_TLS), AUTH (MAIL_USERNAME).

    Returns the connection; raises DeliveryFailure (stage relay) when any step fails.
    """
    config = current_app.config
    stage = "connect"
    try:
        factory = smtplib.SMTP_SSL if config.get("MAIL_USE_SSL") else smtplib.SMTP
        connection = factory(config["MAIL_SERVER"], config.get("MAIL_PORT") or 25,
                             timeout=float(config.get("MAIL_TIMEOUT", 60)))
        try:
            stage = "ehlo"
            connection.ehlo()
            if config.get("MAIL_USE_TLS"):
                stage = "tls"
                connection.starttls()
                connection.ehlo()
            if config.get("MAIL_USERNAME"):
                stage = "auth"
                connection.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
        except BaseException:
            with contextlib.suppress(Exception):
                connection.close()
            raise
    except smtplib.SMTPResponseException as exc:
        raise DeliveryFailure(classify(stage, exc.smtp_code, exc.smtp_error)) from exc
    except Exception as exc:  # OSError, SMTPException, and e.g. a non-ASCII password smtplib cannot encode
        raise DeliveryFailure(classify(stage, None, f"{exc.__class__.__name__}: {exc}")) from exc
    return connection


def _close(connection: smtplib.SMTP | None) -> None:
    if connection is not None:
        with contextlib.suppress(Exception):
            connection.quit()
        with contextlib.suppress(Exception):
            connection.close()


def send_one(connection: smtplib.SMTP, sender: SmtpAddress, recipient: SmtpAddress, data: bytes) -> None:
    """One SMTP transaction (MAIL FROM, RCPT TO, DATA) for one recipient.

    Raises DeliveryFailure with the stage that failed; smtplib.SMTPServerDisconnected (and OSError) when the
    connection is lost. SMTPUTF8 is asked for only when an address needs it; a server that does not offer it makes
    this one message fail (RFC 6531 section 3.4).
    """
    options: list[str] = []
    if recipient.smtputf8 or sender.smtputf8:
        if not connection.has_extn("smtputf8"):
            raise DeliveryFailure(Failure(
                FailureStage.ADDRESS, True,
                "the address has non-ASCII letters before the @ and our mail server does not offer SMTPUTF8"))
        options.append("SMTPUTF8")
        if connection.has_extn("8bitmime"):
            options.append("BODY=8BITMIME")
    code, reply = connection.mail(sender.address, options)
    if code != 250:
        _reset(connection)
        raise DeliveryFailure(classify("mail", code, reply))
    code, reply = connection.rcpt(recipient.address)
    if code not in (250, 251):
        _reset(connection)
        raise DeliveryFailure(classify("rcpt", code, reply))
    try:
        code, reply = connection.data(data)
    except smtplib.SMTPDataError as exc:
        _reset(connection)
        raise DeliveryFailure(classify("data", exc.smtp_code, exc.smtp_error)) from exc
    if code != 250:
        raise DeliveryFailure(classify("data", code, reply))


def _reset(connection: smtplib.SMTP) -> None:
    with contextlib.suppress(smtplib.SMTPException, OSError):
        connection.rset()


# --- claiming and marking ----------------------------------------------------------------------------------------


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
        # claimed in the meantime no longer matches `due`. A claim lost in a database crash only delays its rows.
        _asynchronous_commit()
        db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(candidates), *due)
            .values(claimed_until=now + timedelta(seconds=int(current_app.config.get("MAIL_CLAIM_SECONDS",
                                                                                       CLAIM_SECONDS))),
                    claim_token=token)
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
    """Run every registered before-batch step (e.g. queue scheduled posts that are due).

    A failing step is logged and rolled back; it never stops delivery of what is already queued.
    """
    for prepare in _before_batch:
        try:
            prepare()
        except Exception:
            db.session.rollback()
            current_app.logger.exception("mail: a before-batch step failed")


def _commit_row(message_id: int, values: dict) -> None:
    """Write one row's outcome in its own commit, retrying once on a fresh transaction if the first try fails."""
    statement = (update(OutboxMessage).where(OutboxMessage.id == message_id).values(**values)
                 .execution_options(synchronize_session=False))
    try:
        db.session.execute(statement)
        db.session.commit()
    except Exception:
        db.session.rollback()
        db.session.execute(statement)
        db.session.commit()


def _release(values: dict) -> dict:
    return {"claimed_until": None, "claim_token": None, **values}


class _Batch:
    """The outcome bookkeeping of one batch: every row ends sent, skipped, failed, retried or deferred."""

    def __init__(self, report: DeliveryReport, health: dict[str, AddressHealth],
                 after_send: Callable[[OutboxMessage], None] | None) -> None:
        self.report = report
        self.health = health
        self.after_send = after_send
        self.relay_refusing = _relay_was_refusing()
        self.unmarked: list[OutboxMessage] = []
        self.group = max(1, int(current_app.config.get("MAIL_SENT_GROUP", 1)))
        # Rows are sent only while the claim surely holds (with a margin), so an expired claim never leads two
        # workers to send the same row.
        claim = int(current_app.config.get("MAIL_CLAIM_SECONDS", CLAIM_SECONDS))
        self.deadline = time.monotonic() + claim * 0.8 - 1

    def sent(self, message: OutboxMessage) -> None:
        """The server accepted the message: mark it sent, in a commit of its own or, with MAIL_SENT_GROUP above
        one, together with the next few (the resend window after a hard kill is at most that many messages).
        """
        health = self.health.get(message.recipient)
        if (health is not None and health.bounce_count and not health.failing_since
                and not (health.last_error or "").startswith(REPORTED_BOUNCE)):
            # Bounces count only when they come one after another. A bounce *report* arrives after our relay
            # accepted the message, so a later acceptance says nothing about the address: those counts stay.
            db.session.execute(update(AddressHealth).where(AddressHealth.id == health.id).values(bounce_count=0)
                               .execution_options(synchronize_session=False))
            health.bounce_count = 0
        if self.relay_refusing:
            _record_relay_ok()
            self.relay_refusing = False
        self.unmarked.append(message)
        if len(self.unmarked) >= self.group:
            self.flush()

    def flush(self) -> None:
        """Commit the sent marks not yet written (one UPDATE for the group)."""
        if not self.unmarked:
            return
        messages, self.unmarked = self.unmarked, []
        statement = (update(OutboxMessage).where(OutboxMessage.id.in_([m.id for m in messages]))
                     .values(**_release({"status": SENT, "sent_at": utcnow(), "last_error": None,
                                         "failure_stage": None}))
                     .execution_options(synchronize_session=False))
        try:
            _asynchronous_commit()
            db.session.execute(statement)
            db.session.commit()
        except Exception:
            db.session.rollback()
            _asynchronous_commit()
            db.session.execute(statement)
            db.session.commit()
        self.report.sent += len(messages)
        if self.after_send:
            for message in messages:
                self.after_send(message)

    def skipped(self, message: OutboxMessage, reason: str) -> None:
        self.flush()
        _commit_row(message.id, _release({"status": SKIPPED, "last_error": reason}))
        self.report.skipped += 1

    def failed(self, message: OutboxMessage, failure: Failure) -> None:
        """Count an attempt: final for a permanent failure or the last attempt, else retried with backoff."""
        self.flush()
        attempts = (message.attempts or 0) + 1
        values = _release({"attempts": attempts, "last_error": failure.reason[:1000],
                           "failure_stage": str(failure.stage)})
        if failure.permanent or attempts >= MAX_ATTEMPTS:
            values["status"] = FAILED
            self.report.failed += 1
            if failure.bounce:
                self.health[message.recipient] = count_bounce(message.recipient, failure.reason)
        else:
            values["next_attempt_at"] = utcnow() + backoff(attempts)
            self.report.retried += 1
        self.report.errors.append(f"{message.recipient}: {failure.reason}")
        _commit_row(message.id, values)

    def deferred(self, messages: Iterable[OutboxMessage], failure: Failure) -> None:
        """Our relay refused: keep the rows for later, no attempt and no bounce counted, and say so."""
        self.flush()
        ids = [m.id for m in messages]
        db.session.rollback()
        _record_relay_problem(failure.reason)
        if ids:
            db.session.execute(
                update(OutboxMessage).where(OutboxMessage.id.in_(ids))
                .values(**_release({"next_attempt_at": utcnow() + backoff(1), "last_error": failure.reason[:1000],
                                    "failure_stage": str(FailureStage.RELAY)}))
                .execution_options(synchronize_session=False)
            )
        db.session.commit()
        self.relay_refusing = True
        self.report.deferred += len(ids)
        self.report.relay_error = failure.reason
        self.report.errors.append(f"relay: {failure.reason}")


def _asynchronous_commit() -> None:
    """On PostgreSQL, this transaction's commit does not wait for its WAL flush (synchronous_commit off, for this
    transaction only). A worker killed after the commit loses nothing (the server has it); only a crash of the
    database server itself can lose the last moments of sent marks (at most 3 x wal_writer_delay, 0.6 s by
    default), whose messages are then sent again. SQLite's write-ahead log is already synchronous=NORMAL.
    """
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("SET LOCAL synchronous_commit TO OFF"))


def count_bounce(address: str, error: str) -> AddressHealth:
    """Count one permanent failure of `address` (a refused RCPT TO or a bounce report); flushes nothing itself.

    After BOUNCE_LIMIT of them the address is failing: list mail skips it until it is confirmed again. Returns the
    address's health row.
    """
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
    if current_app.config.get("MAIL_VERP_ADDRESS"):
        return verp_address(message.id)
    configured = current_app.config.get("MAIL_ENVELOPE_FROM")
    if configured:
        return configured
    return parseaddr(message.sender or current_app.config["MAIL_DEFAULT_SENDER"])[1]


class _Composer:
    """Composes the rows of a batch: their shared bodies read once, their recipients' personal values asked of the
    personalisers once per batch, the envelope senders parsed once.
    """

    def __init__(self, rows: list[Any]) -> None:
        self.senders: dict[str | None, SmtpAddress] = {}
        self.bodies: dict[int, Any] = {}
        self.values: dict[int, dict[str, str]] = {}
        self.unavailable: set[int] = set()  # rows whose personaliser failed (retried later)
        # With VERP each row has its own envelope sender (bounces+<token>@...), so none is shared.
        self.verp = bool(current_app.config.get("MAIL_VERP_ADDRESS"))
        shared = [row for row in rows if row.body_id is not None]
        if not shared:
            return
        self.bodies = {body.id: body for body in db.session.execute(
            select(*MailBody.__table__.c).where(MailBody.id.in_({row.body_id for row in shared})))}
        groups: dict[str, list[Any]] = {}
        for row in shared:
            body = self.bodies.get(row.body_id)
            if body is not None and body.personaliser:
                groups.setdefault(body.personaliser, []).append(row)
        for name, group in groups.items():
            function = _personalisers.get(name)
            if function is None:
                continue  # its rows fail alone: nothing fills their placeholders
            try:
                self.values.update(function(group))
            except Exception:
                db.session.rollback()
                current_app.logger.exception("mail: the personaliser %r failed", name)
                self.unavailable.update(row.id for row in group)

    def prepare(self, message: Any) -> tuple[SmtpAddress, SmtpAddress, bytes]:
        """The envelope and the bytes of one row; raises DeliveryFailure (address or compose stage) for this row."""
        try:
            recipient = smtp_address(message.recipient)
            sender = None if self.verp else self.senders.get(message.sender)
            if sender is None:
                sender = self.senders[message.sender] = smtp_address(_envelope_sender(message))
        except RuleError as exc:
            raise DeliveryFailure(Failure(FailureStage.ADDRESS, True, f"not a deliverable address: {exc}")) from exc
        if message.id in self.unavailable:
            raise DeliveryFailure(Failure(FailureStage.COMPOSE, False, "the message could not be personalised"))
        try:
            if message.body_id is not None:
                body = self.bodies.get(message.body_id)
                if body is None:
                    raise ValueError("its body is missing")
                message = with_body(message, body, self.values.get(message.id, {}))
            data = compose_bytes(message, recipient)
        except Exception as exc:
            raise DeliveryFailure(Failure(FailureStage.COMPOSE, True,
                                          f"the message could not be composed: {exc.__class__.__name__}: {exc}")) from exc
        return sender, recipient, data


def compose_outbox(rows: list[Any]) -> list[tuple[Any, bytes]]:
    """The bytes the worker would send for each outbox row (ORM objects or plain rows), in order.

    Takes rows with every outbox column; returns (row, bytes) pairs; raises DeliveryFailure for a row that cannot
    be composed. Used by the benchmark to send the very same messages with plain smtplib.
    """
    composer = _Composer(rows)
    return [(row, composer.prepare(row)[2]) for row in rows]


def deliver_batch(limit: int | None = None, *, after_send: Callable[[OutboxMessage], None] | None = None) -> DeliveryReport:
    """Queue due scheduled posts, then send one batch of due messages; returns what happened.

    `after_send` is called after each accepted message (the CLI's progress bar; tests stop a worker with it).
    Never raises because of a row: an unexpected error outside the rows releases the batch's claims, counting an
    attempt, so that a batch can never be stuck.
    """
    run_before_batch()
    limit = limit or current_app.config["MAIL_BATCH_SIZE"]
    report = DeliveryReport()
    token, ids = claim_batch(limit)
    if not ids:
        return report
    # Each row is committed on its own; expiring the whole identity map at every commit would make a batch cost
    # grow with everything the session holds, so the batch commits without expiring and expires once at the end.
    session = db.session()
    batch: _Batch | None = None
    expire_on_commit = session.expire_on_commit
    session.expire_on_commit = False
    try:
        # One query for the batch, as plain rows (read-only: outcomes are written with UPDATE statements), then
        # only this batch's rows.
        # Selected by the claim (one parameter rather than hundreds of ids): rows sent meanwhile, or whose claim
        # expired and another worker took, are not among them.
        claimed = (OutboxMessage.claim_token == token, OutboxMessage.status == PENDING)
        rows = list(db.session.execute(select(*OutboxMessage.__table__.c).where(*claimed).order_by(OutboxMessage.id)))
        health = {h.email: h for h in db.session.scalars(
            select(AddressHealth).where(AddressHealth.email.in_(select(OutboxMessage.recipient).where(*claimed))))}
        active = _active_subscriptions(ids)
        batch = _Batch(report, health, after_send)
        _send_rows(rows, batch, active)
    except Exception as exc:
        db.session.rollback()
        current_app.logger.exception("mail: batch failed outside its rows")
        if batch is not None:
            with contextlib.suppress(Exception):
                batch.flush()  # what the server accepted stays marked sent, whatever failed afterwards
        _release_claims(token, f"delivery error: {exc.__class__.__name__}: {exc}", report)
    finally:
        session.expire_on_commit = expire_on_commit
        session.expire_all()
    return report


def _release_claims(token: str, reason: str, report: DeliveryReport) -> None:
    """Give back the rows still claimed by `token` after an unexpected error, counting an attempt on each."""
    rows = list(db.session.execute(
        select(OutboxMessage.id, OutboxMessage.attempts).where(OutboxMessage.claim_token == token,
                                                               OutboxMessage.status == PENDING)))
    for message_id, attempts in rows:
        attempts = (attempts or 0) + 1
        values = _release({"attempts": attempts, "last_error": reason[:1000]})
        if attempts >= MAX_ATTEMPTS:
            values["status"] = FAILED
            report.failed += 1
        else:
            values["next_attempt_at"] = utcnow() + backoff(attempts)
            report.retried += 1
        _commit_row(message_id, values)
    report.errors.append(reason)


def _write_eml(message: OutboxMessage, recipient: SmtpAddress, data: bytes) -> None:
    directory = Path(current_app.config["MAIL_FILE_DIR"])
    directory.mkdir(parents=True, exist_ok=True)
    safe_recipient = "".join(c if c.isascii() and (c.isalnum() or c in "@.-_") else "_" for c in recipient.address)
    (directory / f"{message.id:08d}-{safe_recipient}.eml").write_bytes(data)


def _send_rows(rows: list[OutboxMessage], batch: _Batch, active: set[tuple[str, int]] | None) -> None:
    to_send = []
    for message in rows:
        reason = _skip_reason(message, batch.health.get(message.recipient), active)
        if reason:
            batch.skipped(message, reason)
        else:
            to_send.append(message)

    composer = _Composer(to_send)
    state = current_app.extensions.get("mail")
    to_files = not current_app.config.get("MAIL_SERVER") or state is None or state.suppress
    connection: smtplib.SMTP | None = None
    try:
        for index, message in enumerate(to_send):
            if _stop.is_set() or time.monotonic() > batch.deadline:
                # Stopping, or the claim is about to expire (another worker could take these rows): mark what was
                # sent and give the rest back untouched.
                batch.flush()
                _release_unsent(to_send[index:])
                return
            try:
                sender, recipient, data = composer.prepare(message)
                if to_files:
                    _write_eml(message, recipient, data)
                else:
                    if connection is None:
                        connection = open_relay()
                    try:
                        send_one(connection, sender, recipient, data)
                    except (smtplib.SMTPServerDisconnected, OSError) as exc:
                        _close(connection)
                        connection = None
                        raise DeliveryFailure(Failure(FailureStage.MESSAGE, False,
                                                      f"connection lost: {exc or exc.__class__.__name__}")) from exc
            except DeliveryFailure as failure:
                if failure.failure.stage == FailureStage.RELAY:
                    _close(connection)
                    connection = None
                    batch.deferred(to_send[index:], failure.failure)
                    return
                if failure.failure.closes:
                    _close(connection)
                    connection = None
                batch.failed(message, failure.failure)
                continue
            except Exception as exc:  # a bug or a broken row: this row fails alone, the batch goes on
                db.session.rollback()
                current_app.logger.exception("mail: message %s failed", message.id)
                batch.failed(message, Failure(FailureStage.COMPOSE, True,
                                              f"internal error: {exc.__class__.__name__}: {exc}"))
                continue
            batch.sent(message)
        batch.flush()
    finally:
        _close(connection)


def _release_unsent(messages: list[OutboxMessage]) -> None:
    """Give rows back untouched (a stop was requested): the next worker sends them at once."""
    ids = [m.id for m in messages]
    if ids:
        db.session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(ids), OutboxMessage.status == PENDING)
                           .values(claimed_until=None, claim_token=None)
                           .execution_options(synchronize_session=False))
        db.session.commit()


def _drain(limit: int | None, after_send: Callable[[OutboxMessage], None] | None) -> DeliveryReport:
    total = DeliveryReport()
    while not _stop.is_set():
        report = deliver_batch(limit, after_send=after_send)
        total.add(report)
        if report.handled == 0:
            break
    return total


def deliver_all(limit: int | None = None, *, after_send: Callable[[OutboxMessage], None] | None = None,
                connections: int | None = None) -> DeliveryReport:
    """Deliver batches until nothing is due (used by tests, `mail deliver` and the loop worker).

    With `connections` (default MAIL_CONNECTIONS) above one, as many threads each claim batches and send them over
    their own SMTP connection and database session; claims keep them from ever sending the same row. Returns the
    sum of their reports.
    """
    connections = max(1, int(connections or current_app.config.get("MAIL_CONNECTIONS", 1)))
    if connections == 1:
        return _drain(limit, after_send)
    app = current_app._get_current_object()
    reports: list[DeliveryReport] = []
    lock = threading.Lock()

    def work() -> None:
        with app.app_context():
            try:
                report = _drain(limit, after_send)
            except Exception:  # a thread never takes the others down; its claims expire and are sent again
                app.logger.exception("mail: a delivery thread failed")
                report = DeliveryReport()
            finally:
                db.session.remove()
            with lock:
                reports.append(report)

    threads = [threading.Thread(target=work, name=f"mail-connection-{n}") for n in range(1, connections)]
    for thread in threads:
        thread.start()
    mine = _drain(limit, after_send)
    for thread in threads:
        thread.join()
    total = DeliveryReport()
    for report in [mine, *reports]:
        total.add(report)
    return total


def pending_count() -> int:
    """Number of outbox rows still waiting to be sent."""
    return db.session.scalar(select(func.count(OutboxMessage.id)).where(OutboxMessage.status == PENDING)) or 0


def retry_failed(ids: Iterable[int] | None = None) -> int:
    """Put failed messages back in the queue (all of them, or those in `ids`); flushes, the caller commits.

    Takes optional outbox ids; returns how many rows will be sent again.
    """
    statement = update(OutboxMessage).where(OutboxMessage.status == FAILED)
    if ids is not None:
        statement = statement.where(OutboxMessage.id.in_(list(ids)))
    result = db.session.execute(
        statement.values(status=PENDING, attempts=0, next_attempt_at=utcnow(), claimed_until=None, claim_token=None)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0
