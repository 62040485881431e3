"""Turn an outbox row into an RFC 5322 message (text, optional HTML, optional iMIP calendar part)."""

from __future__ import annotations

from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formatdate

from flask import current_app

from .models import OutboxMessage


def compose(message: OutboxMessage) -> EmailMessage:
    email = EmailMessage(policy=SMTP)
    email["Subject"] = message.subject
    email["From"] = message.sender or current_app.config["MAIL_DEFAULT_SENDER"]
    email["To"] = message.recipient
    email["Date"] = formatdate(localtime=False)
    email["Message-ID"] = message.message_id
    for name, value in (message.headers or {}).items():
        email[name] = value
    email.set_content(message.body_text, subtype="plain", charset="utf-8")
    if message.body_html:
        email.add_alternative(message.body_html, subtype="html", charset="utf-8")
    if message.calendar:
        # iMIP (RFC 6047): the calendar is an alternative body part whose Content-Type carries the METHOD.
        email.add_alternative(
            message.calendar.encode("utf-8"),
            maintype="text",
            subtype="calendar",
            params={"method": message.calendar_method or "REQUEST", "charset": "UTF-8"},
            cte="base64" if any(ord(c) > 127 for c in message.calendar) else "7bit",
        )
    return email
