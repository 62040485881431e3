"""Turn an outbox row into an RFC 5322 message (text, optional HTML, optional iMIP calendar part)."""

from __future__ import annotations

from email.message import EmailMessage
from email.policy import SMTP, EmailPolicy
from email.utils import formatdate

from flask import current_app

from .models import OutboxMessage

# List headers are ASCII built by the application (URLs, tokens): written as they are, folded after each
# comma-separated entry, instead of being re-parsed and re-folded (which is the slowest step of composing).
RAW_HEADERS = {"list-id", "list-unsubscribe", "list-unsubscribe-post", "list-archive", "list-post", "precedence",
               "auto-submitted"}


class _Policy(EmailPolicy):
    """SMTP policy that keeps the iMIP Content-Type and the list headers exactly as written.

    The standard policy re-renders parameters quoted (method="REQUEST"); RFC 6047 and the calendar clients that
    look for the invite (Outlook among them) expect `text/calendar; method=REQUEST; charset=UTF-8`, unquoted.
    """

    def header_store_parse(self, name, value):
        if isinstance(value, str) and value.isascii() and (
            name.lower() in RAW_HEADERS or (name.lower() == "content-type" and value.startswith("text/calendar;"))
        ):
            return (name, value)
        return super().header_store_parse(name, value)

    def _fold(self, name, value, refold_binary=False):
        if isinstance(value, str) and not hasattr(value, "name") and name.lower() in RAW_HEADERS:
            return f"{name}: {value.replace(', <', ',' + self.linesep + ' <')}{self.linesep}"
        return super()._fold(name, value, refold_binary)


POLICY = _Policy().clone(**{k: getattr(SMTP, k) for k in ("linesep", "max_line_length", "utf8", "cte_type")})


def _cte(text: str) -> str:
    """7bit for ASCII text, else quoted-printable (readable, and no guessing: the guess encodes the body twice)."""
    if text.isascii() and all(len(line) <= 998 for line in text.splitlines()):
        return "7bit"
    return "quoted-printable"


def compose(message: OutboxMessage) -> EmailMessage:
    email = EmailMessage(policy=POLICY)
    email["Subject"] = message.subject
    email["From"] = message.sender or current_app.config["MAIL_DEFAULT_SENDER"]
    email["To"] = message.recipient
    email["Date"] = formatdate(localtime=False)
    email["Message-ID"] = message.message_id
    for name, value in (message.headers or {}).items():
        email[name] = value
    email.set_content(message.body_text, subtype="plain", charset="utf-8", cte=_cte(message.body_text))
    if message.body_html:
        email.add_alternative(message.body_html, subtype="html", charset="utf-8", cte=_cte(message.body_html))
    if message.calendar:
        # iMIP (RFC 6047): the calendar is the last alternative body part; its Content-Type carries the METHOD,
        # which must equal the METHOD inside the calendar.
        method = (message.calendar_method or "REQUEST").upper()
        email.add_alternative(
            message.calendar.encode("utf-8"),
            maintype="text",
            subtype="calendar",
            cte="base64" if any(ord(c) > 127 for c in message.calendar) else "7bit",
        )
        part = email.get_payload()[-1]
        part.replace_header("Content-Type", f"text/calendar; method={method}; charset=UTF-8")
    return email
