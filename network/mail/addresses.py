"""Whether our mail can reach an address, said at once by the forms that take one."""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l

from ..emails import InvalidAddress, normalize_email, smtp_address


def relay_offers_smtputf8() -> bool:
    """Whether our relay is known to offer SMTPUTF8 (config MAIL_SMTPUTF8, off by default: many relays do not)."""
    return bool(current_app.config.get("MAIL_SMTPUTF8", False))


def receivable_email(value: str | None, field: str = "email") -> str:
    """`normalize_email`, and also refuse at once an address our mail cannot be delivered to.

    A Unicode domain is fine (it is sent in IDNA). A local part that is not ASCII (`tiinä@example.fi`) needs SMTPUTF8
    (RFC 6531); unless the relay is known to offer it (MAIL_SMTPUTF8), the form says so now instead of the message
    failing later. Takes the raw text and the form field; returns the canonical address; raises InvalidAddress.
    """
    address = normalize_email(value, field)
    if smtp_address(address).smtputf8 and not relay_offers_smtputf8():
        raise InvalidAddress(
            _l("Our mail cannot reach an address with letters such as ä or ö before the @ sign. "
               "Please use an address with only the letters a to z, digits and . - _ before the @."),
            field,
        )
    return address
