"""Queueing mail: domains call queue_mail() inside their own transaction; the worker sends later."""

from __future__ import annotations

from email.utils import make_msgid

from flask import current_app

from ..extensions import db
from ..text import single_line
from .models import OutboxMessage


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
) -> OutboxMessage:
    """Add one outbox row (the caller commits it with the change that caused it).

    Subject and header values are forced onto one line so nothing a user typed can add a header.
    """
    domain = current_app.config["MAIL_DEFAULT_SENDER"].rsplit("@", 1)[-1].rstrip(">")
    message = OutboxMessage(
        message_key=key,
        recipient=single_line(recipient).lower(),
        sender=single_line(sender) if sender else None,
        subject=single_line(subject),
        body_text=body_text,
        body_html=body_html,
        headers={single_line(k): single_line(v) for k, v in (headers or {}).items()} or None,
        calendar=calendar,
        calendar_method=calendar_method,
        message_id=make_msgid(domain=domain),
    )
    db.session.add(message)
    return message
