"""Turn an outbox row into an RFC 5322 message (text, optional HTML, optional iMIP calendar part)."""

from __future__ import annotations

import binascii
import itertools
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from email.header import Header
from email.message import EmailMessage
from email.policy import SMTP, EmailPolicy
from email.utils import format_datetime, formataddr, parseaddr
from functools import lru_cache

from flask import current_app

from ..emails import SmtpAddress, smtp_address
from ..text import single_line
from .models import MailBody, OutboxMessage

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
# For a recipient whose local part is not ASCII (sent with SMTPUTF8, RFC 6532): headers in UTF-8.
UTF8_POLICY = POLICY.clone(utf8=True)


def _cte(text: str) -> str:
    """7bit for ASCII text, else quoted-printable (readable, and no guessing: the guess encodes the body twice)."""
    if text.isascii() and all(len(line) <= 998 for line in text.splitlines()):
        return "7bit"
    return "quoted-printable"


def date_header(now: datetime | None = None) -> str:
    """The Date header's value for a message sent at `now` (aware; default: this instant), written in UTC with
    "+0000": RFC 5322 3.3 reads "-0000" (what `formatdate(localtime=False)` writes) as "the local zone is unknown".
    """
    return format_datetime((now or datetime.now(UTC)).astimezone(UTC))


def compose(message: OutboxMessage, recipient: SmtpAddress | None = None) -> EmailMessage:
    """Build the message of one outbox row.

    Takes the row and optionally its recipient's wire form (computed when not given); returns an EmailMessage.
    Every header value goes through `single_line` (the last guard: a line or paragraph break by Unicode's
    definition or a control character cannot reach a header, whatever a form let through). The To header carries
    the address with its domain in IDNA; a non-ASCII local part is written in UTF-8 (RFC 6532), for SMTPUTF8.
    Raises ValueError (or another exception of the email package) when a row cannot be composed.
    """
    recipient = recipient or smtp_address(message.recipient)
    email = EmailMessage(policy=UTF8_POLICY if recipient.smtputf8 else POLICY)
    email["Subject"] = single_line(message.subject)
    email["From"] = single_line(message.sender or current_app.config["MAIL_DEFAULT_SENDER"])
    email["To"] = recipient.address
    email["Date"] = date_header()
    email["Message-ID"] = single_line(message.message_id)
    for name, value in (message.headers or {}).items():
        email[single_line(name)] = single_line(value)
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


@dataclass(frozen=True)
class Parts:
    """What composing needs of an outbox row whose shared body has been filled in for its recipient."""

    id: int | None
    recipient: str
    sender: str | None
    subject: str
    message_id: str | None
    headers: dict[str, str]
    body_text: str
    body_html: str | None
    calendar: str | None = None
    calendar_method: str | None = None


def with_body(message: OutboxMessage, body: MailBody, values: dict[str, str]) -> Parts:
    """The row with its shared body filled in for its recipient.

    Takes the outbox row, its `MailBody` and the personaliser's values by role (e.g. {"unsubscribe": token});
    returns the `Parts` to compose: each placeholder of the body replaced by its role's value in the text, the
    HTML and the header values, and the row's own headers added after the body's. Raises ValueError when a role
    of the body has no value (the message would go out with a placeholder in it).
    """
    placeholders = body.placeholders or {}
    missing = sorted(set(placeholders) - set(values))
    if missing:
        raise ValueError(f"no value for {', '.join(missing)}")
    pairs = [(placeholders[role], value) for role, value in values.items() if role in placeholders]

    def fill(text: str) -> str:
        for placeholder, value in pairs:
            text = text.replace(placeholder, value)
        return text

    headers = {name: fill(value) for name, value in (body.headers or {}).items()}
    headers.update(message.headers or {})
    return Parts(
        id=message.id, recipient=message.recipient, sender=message.sender, subject=message.subject,
        message_id=message.message_id, headers=headers, body_text=fill(body.body_text),
        body_html=fill(body.body_html) if body.body_html is not None else None,
        calendar=message.calendar, calendar_method=message.calendar_method,
    )


def compose_bytes(message: OutboxMessage, recipient: SmtpAddress | None = None) -> bytes:
    """The bytes to send for one outbox row: `compose_fast` unless it has a calendar part, else `compose`."""
    recipient = recipient or smtp_address(message.recipient)
    if message.calendar is None:
        return compose_fast(message, recipient)
    return compose(message, recipient).as_bytes()


# --- the fast path ---------------------------------------------------------------------------------------------
#
# Composing with the email package costs 3 to 5 ms a message, most of it parsing and re-folding headers that are
# the same for every recipient of a post. A list message (text, optional HTML, no calendar part) is therefore
# written directly: headers encoded once per distinct value (RFC 2047 encoded words for non-ASCII text, cached),
# bodies in quoted-printable by binascii (RFC 2045). Messages with a calendar part go through `compose`.

_CRLF = "\r\n"
_BOUNDARY = secrets.token_hex(8)
_boundaries = itertools.count(1)


@lru_cache(maxsize=4096)
def _encoded_header(name: str, value: str) -> str:
    """`Name: value` folded to 78 columns; non-ASCII text as RFC 2047 encoded words. Cached: values repeat."""
    value = single_line(value)
    if value.isascii():
        return _fold_ascii(name, value)
    return f"{name}: {Header(value, 'utf-8', header_name=name).encode(linesep=_CRLF)}"


def _fold_ascii(name: str, value: str) -> str:
    """Fold an ASCII header at 78 columns where possible (RFC 5322 section 2.2.3): list headers after each
    comma-separated entry, others at spaces; a word longer than a line stays whole (lines stay under 998).
    """
    line = f"{name}: {value}"
    if len(line) <= 78:
        return line
    if name.lower() in RAW_HEADERS and ", <" in value:
        return f"{name}: " + f",{_CRLF} <".join(value.split(", <"))
    lines, current = [], f"{name}:"
    for word in value.split(" "):
        if len(current) + 1 + len(word) > 78 and current.strip() and not current.endswith(":"):
            lines.append(current)
            current = ""
        current += " " + word
    lines.append(current)
    return _CRLF.join(lines)


@lru_cache(maxsize=256)
def _address_header(name: str, value: str) -> str:
    """From/Reply-To: the display name encoded when needed, the domain in IDNA."""
    display, address = parseaddr(single_line(value))
    wire = smtp_address(address).address if address else single_line(value)
    if not display:
        return f"{name}: {wire}"
    return f"{name}: {formataddr((display, wire), charset='utf-8')}"


def _part(text: str, subtype: str) -> str:
    text = text.replace("\r\n", "\n")
    if not text.endswith("\n"):
        text += "\n"  # as the email package does: a body part ends with a line break
    if _cte(text) == "7bit":
        body, cte = text.replace("\n", _CRLF), "7bit"
    else:
        body = binascii.b2a_qp(text.encode("utf-8"), istext=True).decode("ascii").replace("\n", _CRLF)
        cte = "quoted-printable"
    return (f'Content-Type: text/{subtype}; charset="utf-8"{_CRLF}Content-Transfer-Encoding: {cte}{_CRLF}{_CRLF}'
            f"{body}{'' if body.endswith(_CRLF) else _CRLF}")


def compose_fast(message: OutboxMessage, recipient: SmtpAddress) -> bytes:
    """The bytes of a message without a calendar part, written directly (see above). Raises like `compose`."""
    sender = message.sender or current_app.config["MAIL_DEFAULT_SENDER"]
    lines = [
        _address_header("From", sender),
        f"To: {recipient.address}",
        _encoded_header("Subject", message.subject),
        f"Date: {date_header()}",
        f"Message-ID: {single_line(message.message_id)}",
        "MIME-Version: 1.0",
    ]
    for name, value in (message.headers or {}).items():
        lines.append(_encoded_header(single_line(name), value))
    if message.body_html:
        # "=_" never occurs in quoted-printable text; the process's random part and a counter keep it unique.
        boundary = f"=_{_BOUNDARY}{next(_boundaries):x}"
        lines.append(f'Content-Type: multipart/alternative; boundary="{boundary}"')
        head = _CRLF.join(lines)
        # The line break before a boundary belongs to the boundary (RFC 2046 section 5.1.1).
        data = (f"{head}{_CRLF}{_CRLF}--{boundary}{_CRLF}{_part(message.body_text, 'plain')}{_CRLF}"
                f"--{boundary}{_CRLF}{_part(message.body_html, 'html')}{_CRLF}--{boundary}--{_CRLF}")
    else:
        data = f"{_CRLF.join(lines)}{_CRLF}{_part(message.body_text, 'plain')}"
    return data.encode("utf-8")
