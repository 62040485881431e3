"""E-mail addresses: one validation and one canonical form for every domain."""

from __future__ import annotations

from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l

from .rules import RuleError


class InvalidAddress(RuleError):
    """The text is not an e-mail address we can deliver to."""


def normalize_email(value: str | None, field: str = "email") -> str:
    """The canonical form of an address typed by a person: trimmed, validated (RFC 5322 / RFC 6531 syntax, no DNS
    look-up) and lower-cased.

    Takes the raw text; returns the address; raises InvalidAddress (with `field`) and a readable message.
    """
    try:
        result = validate_email((value or "").strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise InvalidAddress(_l("Enter a valid e-mail address, for example name@example.fi."), field) from exc
    return result.normalized.lower()


@dataclass(frozen=True)
class SmtpAddress:
    """How an address goes on the wire: `address` for MAIL FROM / RCPT TO and the To header, with its domain in
    IDNA (punycode); `smtputf8` when the local part is not ASCII and the message needs the SMTPUTF8 extension.
    """

    address: str
    smtputf8: bool


def canonical_email(value: str | None) -> str | None:
    """The canonical form of a stored or typed address (as `normalize_email`), or None when it is not one.

    Takes any text; returns the address (Unicode domain, lower case) or None; never raises. `info@xn--...` and
    `info@äänekoski.fi` give the same result.
    """
    try:
        return normalize_email(value)
    except InvalidAddress:
        return None


def smtp_address(value: str) -> SmtpAddress:
    """The wire form of an address: the domain in IDNA, the local part as it is (RFC 5321, RFC 5890, RFC 6531).

    Takes an address; returns an `SmtpAddress`; raises InvalidAddress when it is not an address at all. ASCII
    addresses are returned as they are without validation (the common case, on the delivery worker's hot path).
    """
    if value.isascii() and value.count("@") == 1:
        return SmtpAddress(value, False)
    try:
        result = validate_email(value.strip(), check_deliverability=False, allow_smtputf8=True)
    except EmailNotValidError as exc:
        raise InvalidAddress(_l("Enter a valid e-mail address, for example name@example.fi."), "email") from exc
    if result.ascii_email:
        return SmtpAddress(result.ascii_email, False)
    return SmtpAddress(f"{result.local_part}@{result.ascii_domain}", True)
