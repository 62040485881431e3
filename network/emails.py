"""E-mail addresses: one validation and one canonical form for every domain."""

from __future__ import annotations

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
