"""Queueing mail: domains call queue_mail() inside their own transaction; the worker sends later."""

from __future__ import annotations

import hashlib
import time
from email.utils import make_msgid
from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ..emails import canonical_email
from ..extensions import db
from ..text import single_line
from ..timeutil import utcnow
from .models import PENDING, OutboxMessage

# Two identical link requests (subscribe, manage link, reset, resend confirmation) within this window queue one
# message: a double click, a reloaded form or two tabs make one mail, not several.
REPEAT_WINDOW_SECONDS = 600


def repeat_key(prefix: str, *parts: Any, window_seconds: int = REPEAT_WINDOW_SECONDS) -> str:
    """An outbox key that is the same for the same request within `window_seconds`.

    Takes a prefix and the parts that make two requests "the same" (address, name, language, lists...); returns
    `prefix:<digest>:<window number>`. Queueing with it makes repeated submissions one message (see queue_mail).
    """
    digest = hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()[:24]
    return f"{prefix}:{digest}:{int(time.time()) // window_seconds}"


def canonical_recipient(value: str) -> str:
    """The address the outbox stores: one line, and canonical (`info@xn--...` and `info@äänekoski.fi` are one)."""
    value = single_line(value)
    if value.isascii() and "xn--" not in value:
        return value.lower()
    return canonical_email(value) or value.lower()


def _insert():
    return pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert


def queue_mail(
    recipient: str,
    subject: str,
    body_text: str,
    *,
    key: str,
    body_html: str | None = None,
    headers: dict[str, str] | None = None,
    calendar: str | None = None,
    calendar_method: str | None = None,
    sender: str | None = None,
    list_id: int | None = None,
) -> OutboxMessage:
    """Add one outbox row in the caller's transaction (the caller commits it with the change that caused it).

    Idempotent: the same `key` for the same recipient is queued once, even when two requests do it at the same
    instant (INSERT ... ON CONFLICT DO NOTHING on the unique (key, recipient), on SQLite and PostgreSQL); the
    second call returns the row the first one queued. Subject and header values are forced onto one line so
    nothing a user typed can add a header. Returns the row.
    """
    domain = current_app.config["MAIL_DEFAULT_SENDER"].rsplit("@", 1)[-1].rstrip(">")
    address = canonical_recipient(recipient)
    values = dict(
        message_key=key,
        recipient=address,
        sender=single_line(sender) if sender else None,
        subject=single_line(subject),
        body_text=body_text,
        body_html=body_html,
        headers={single_line(k): single_line(v) for k, v in (headers or {}).items()} or None,
        calendar=calendar,
        calendar_method=calendar_method,
        message_id=make_msgid(domain=domain),
        list_id=list_id,
        status=PENDING,
        attempts=0,
        next_attempt_at=utcnow(),
    )
    db.session.flush()
    db.session.execute(
        _insert()(OutboxMessage).values(**values).on_conflict_do_nothing(index_elements=["message_key", "recipient"])
    )
    return db.session.scalar(
        select(OutboxMessage).where(OutboxMessage.message_key == key, OutboxMessage.recipient == address)
    )


def outbox_values(
    recipient: str,
    subject: str,
    body_text: str,
    *,
    key: str,
    body_html: str | None = None,
    headers: dict[str, str] | None = None,
    list_id: int | None = None,
    domain: str | None = None,
) -> dict[str, Any]:
    """The column values of one outbox row, cleaned as `queue_mail` does, for `queue_many`."""
    domain = domain or current_app.config["MAIL_DEFAULT_SENDER"].rsplit("@", 1)[-1].rstrip(">")
    return dict(
        message_key=key,
        recipient=canonical_recipient(recipient),
        sender=None,
        subject=single_line(subject),
        body_text=body_text,
        body_html=body_html,
        headers={single_line(k): single_line(v) for k, v in (headers or {}).items()} or None,
        calendar=None,
        calendar_method=None,
        message_id=make_msgid(domain=domain),
        list_id=list_id,
        status=PENDING,
        attempts=0,
        next_attempt_at=utcnow(),
    )


def queue_many(rows: list[dict[str, Any]], chunk: int = 1000) -> None:
    """Add many outbox rows (from `outbox_values`) in the caller's transaction, a few INSERTs for all of them.

    Idempotent like `queue_mail`: a (key, recipient) already queued is left as it is.
    """
    db.session.flush()
    statement = _insert()(OutboxMessage).on_conflict_do_nothing(index_elements=["message_key", "recipient"])
    for start in range(0, len(rows), chunk):
        db.session.execute(statement, rows[start:start + chunk])
