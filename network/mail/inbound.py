"""Inbound mail: one function, `handle_inbound`, behind two front doors (the LMTP server and the IMAP fetch).

Every message is stored first (committed) and then handled, so that nothing is lost on an error: a message whose
handling failed stays with its error for a retry from the inbound page. The same message (by Message-ID, or by its
bytes when it has none) is handled once.

The mail layer handles bounces itself (`network/mail/bounces.py`). Higher domains take the other kinds through
`inbound_handler(kind, order)`, registered in their hooks.py (mailing: calendar REPLYs and the mailto
unsubscribe): a handler gets the parsed message and returns a `HandlerResult`, or None when the message is not
for it.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy
from email.utils import getaddresses, parseaddr

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..text import single_line
from ..timeutil import utcnow
from .models import InboundMessage, InboundStatus

DEFAULT_MAX_BYTES = 10 * 1024 * 1024  # INBOUND_MAX_BYTES
DEFAULT_KEEP_DAYS = 30  # INBOUND_KEEP_DAYS


@dataclass
class Inbound:
    """A received message as the handlers see it: the parsed message and its envelope."""

    message: EmailMessage
    envelope_from: str
    envelope_to: list[str]
    raw: bytes = b""

    @property
    def sender(self) -> str:
        """The From address, lower-cased ('' when there is none)."""
        return parseaddr(str(self.message.get("From", "")))[1].strip().lower()

    @property
    def recipients(self) -> list[str]:
        """The envelope recipients, else the Delivered-To/X-Original-To/To/Cc addresses, as written (a token in
        the local part is case-sensitive).
        """
        if self.envelope_to:
            return list(self.envelope_to)
        values = [str(v) for name in ("Delivered-To", "X-Original-To", "To", "Cc")
                  for v in self.message.get_all(name, [])]
        return [address for _name, address in getaddresses(values) if address]


@dataclass
class HandlerResult:
    """What a handler did: status handled, ignored or refused, and a readable outcome for coordinators."""

    status: InboundStatus
    outcome: str


@dataclass
class InboundOutcome:
    """The result of `handle_inbound`: the stored row's id, its kind, status and outcome, and whether the message
    had been received before (then nothing was done again).
    """

    inbound_id: int | None
    status: InboundStatus
    outcome: str
    kind: str | None = None
    duplicate: bool = False


Handler = Callable[[Inbound], HandlerResult | None]


@dataclass(order=True)
class _Registered:
    order: int
    kind: str = field(compare=False)
    handler: Handler = field(compare=False)


_handlers: list[_Registered] = []


def inbound_handler(kind: str, order: int = 50) -> Callable[[Handler], Handler]:
    """Register `handler(inbound) -> HandlerResult | None` for messages of `kind` (tried in `order`, lowest first).

    The handler flushes and never commits; `handle_inbound` commits what it did, or rolls it back on an error.
    """

    def register(handler: Handler) -> Handler:
        if not any(r.handler is handler for r in _handlers):
            _handlers.append(_Registered(order, kind, handler))
            _handlers.sort()
        return handler

    return register


def registered_kinds() -> list[str]:
    """The kinds of inbound message handled, in the order they are tried."""
    return [r.kind for r in _handlers]


def max_bytes() -> int:
    """The largest message handled (INBOUND_MAX_BYTES); a larger one is refused and only its headers kept."""
    return int(current_app.config.get("INBOUND_MAX_BYTES") or DEFAULT_MAX_BYTES)


def _dedup_key(message: EmailMessage | None, raw: bytes) -> tuple[str, str | None]:
    message_id = None
    if message is not None:
        with contextlib.suppress(Exception):
            message_id = single_line(str(message.get("Message-ID") or "")).strip()[:250] or None
    if message_id:
        return f"mid:{message_id}", message_id
    return f"sha256:{hashlib.sha256(raw).hexdigest()}", None


def _header(message: EmailMessage | None, name: str, limit: int) -> str | None:
    if message is None:
        return None
    try:
        value = message.get(name)
    except Exception:  # a header the email package cannot decode: keep what we have
        value = None
    return single_line(str(value))[:limit] if value is not None else None


def _parse(raw: bytes) -> EmailMessage | None:
    try:
        return message_from_bytes(raw, policy=default_policy)
    except Exception:
        return None


def _head(raw: bytes) -> bytes:
    """The header block of a message (for a message too large to keep)."""
    for separator in (b"\r\n\r\n", b"\n\n"):
        index = raw.find(separator)
        if index >= 0:
            return raw[:index + len(separator)]
    return raw[:64 * 1024]


def purge_old_raw() -> int:
    """Clear the bytes of handled messages older than INBOUND_KEEP_DAYS (their outcome stays); flushes.

    Failed messages keep their bytes until they are handled. Returns how many were cleared.
    """
    days = int(current_app.config.get("INBOUND_KEEP_DAYS", DEFAULT_KEEP_DAYS))
    result = db.session.execute(
        update(InboundMessage)
        .where(InboundMessage.received_at < utcnow() - timedelta(days=days), InboundMessage.raw.is_not(None),
               InboundMessage.status != InboundStatus.FAILED)
        .values(raw=None)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


def handle_inbound(raw: bytes, *, envelope_from: str = "", envelope_to: Iterable[str] = (),
                   source: str = "lmtp") -> InboundOutcome:
    """Store one received message, handle it, and record its outcome; commits.

    Takes the message's bytes and, from LMTP, its envelope. Returns an InboundOutcome. A message seen before (the
    same Message-ID) is not handled again (`duplicate`), unless its handling had failed. An error while handling
    rolls back what the handler did and marks the stored message failed (kept for a retry). Raises only when the
    message cannot even be stored (the database is down): the LMTP server then answers 451 and the MTA retries.
    """
    too_large = len(raw) > max_bytes()
    message = None if too_large else _parse(raw)
    if too_large:
        message = _parse(_head(raw))
    key, message_id = _dedup_key(message, raw)
    recipients = [single_line(a)[:320] for a in envelope_to]
    existing = db.session.scalar(select(InboundMessage).where(InboundMessage.dedup_key == key))
    if existing is not None and existing.status != InboundStatus.FAILED:
        db.session.commit()
        return InboundOutcome(existing.id, InboundStatus(existing.status),
                              f"already received (message {existing.id}): {existing.outcome or ''}".strip(),
                              existing.kind, duplicate=True)
    if existing is None:
        existing = InboundMessage(
            dedup_key=key, message_id=message_id, source=source,
            envelope_from=single_line(envelope_from)[:320] or None,
            envelope_to=", ".join(recipients)[:1000] or None,
            sender=_header(message, "From", 320), subject=_header(message, "Subject", 300), size=len(raw),
            raw=_head(raw) if too_large else raw, status=InboundStatus.RECEIVED, attempts=0, received_at=utcnow(),
        )
        db.session.add(existing)
        try:
            db.session.commit()
        except IntegrityError:
            # The same message delivered twice at the same instant: the other delivery stored and handles it.
            db.session.rollback()
            other = db.session.scalar(select(InboundMessage).where(InboundMessage.dedup_key == key))
            return InboundOutcome(other.id if other else None, InboundStatus(other.status if other else "received"),
                                  "already received", other.kind if other else None, duplicate=True)
    if too_large:
        return _finish(existing, None, HandlerResult(
            InboundStatus.REFUSED, f"too large: {len(raw)} bytes (the limit is {max_bytes()}); only the headers "
                                   "were kept"))
    return process(existing, message, recipients)


def process(row: InboundMessage, message: EmailMessage | None, recipients: list[str] | None = None) -> InboundOutcome:
    """Handle a stored message: the bounce check, then each registered handler until one takes it; commits.

    Takes the stored row and its parsed message (parsed again from `raw` when None). Returns an InboundOutcome.
    """
    if message is None and row.raw is not None:
        message = _parse(row.raw)
    if message is None or not message.keys():
        return _finish(row, None, HandlerResult(InboundStatus.REFUSED, "not an e-mail message (no headers)"))
    if recipients is None:
        recipients = [a.strip() for a in (row.envelope_to or "").split(",") if a.strip()]
    inbound = Inbound(message, row.envelope_from or "", recipients, row.raw or b"")
    row_id = row.id
    try:
        for registered in _handlers:
            result = registered.handler(inbound)
            if result is not None:
                return _finish(row, registered.kind, result)
        return _finish(row, None, HandlerResult(
            InboundStatus.IGNORED, "no handler took it (not a calendar reply, an unsubscribe request or a bounce)"))
    except Exception as exc:
        db.session.rollback()
        current_app.logger.exception("inbound: message %s failed", row_id)
        row = db.session.get(InboundMessage, row_id)
        row.status = InboundStatus.FAILED
        row.outcome = f"error: {exc.__class__.__name__}: {exc}"[:2000]
        row.attempts = (row.attempts or 0) + 1
        db.session.commit()
        return InboundOutcome(row.id, InboundStatus.FAILED, row.outcome, None)


def _finish(row: InboundMessage, kind: str | None, result: HandlerResult) -> InboundOutcome:
    row.kind = kind
    row.status = result.status
    row.outcome = result.outcome[:2000]
    row.attempts = (row.attempts or 0) + 1
    row.handled_at = utcnow()
    purge_old_raw()
    db.session.commit()
    return InboundOutcome(row.id, InboundStatus(result.status), result.outcome, kind)


def retry_inbound(ids: Iterable[int] | None = None) -> int:
    """Handle failed inbound messages again (all, or those in `ids`); commits each. Returns how many were retried."""
    statement = select(InboundMessage.id).where(InboundMessage.status == InboundStatus.FAILED,
                                                InboundMessage.raw.is_not(None))
    if ids is not None:
        statement = statement.where(InboundMessage.id.in_(list(ids)))
    count = 0
    for inbound_id in list(db.session.scalars(statement.order_by(InboundMessage.id))):
        row = db.session.get(InboundMessage, inbound_id)
        process(row, None)
        count += 1
    return count
