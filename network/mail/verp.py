"""VERP (variable envelope return path): each outgoing message's envelope sender names its outbox row.

With MAIL_VERP_ADDRESS set (e.g. `bounces@kuntademokratia.example`), the message of outbox row 123 is sent with the
envelope sender `bounces+123-<signature>@kuntademokratia.example`. A bounce comes back to that address, which ties
it to the row (and so to the recipient) whatever the reporting server wrote in the report. The signature (an HMAC
of the row id with SECRET_KEY) keeps anyone from making up return paths that would count bounces against others.
"""

from __future__ import annotations

import hashlib
import hmac
import re

from flask import current_app

_VERP = re.compile(r"^(?P<local>[^+@]+)\+(?P<id>\d{1,12})-(?P<sig>[0-9a-f]{12})@(?P<domain>.+)$",
                   re.IGNORECASE | re.ASCII)  # re.ASCII: the id is 0-9 only, as int() would take "١٢"


def _signature(outbox_id: int) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"verp:{outbox_id}".encode(), hashlib.sha256).hexdigest()[:12]


def verp_address(outbox_id: int) -> str:
    """The envelope sender of outbox row `outbox_id`: MAIL_VERP_ADDRESS with `+<id>-<signature>` added."""
    local, _at, domain = current_app.config["MAIL_VERP_ADDRESS"].rpartition("@")
    return f"{local}+{outbox_id}-{_signature(outbox_id)}@{domain}"


def is_bounce_address(address: str) -> bool:
    """True for MAIL_VERP_ADDRESS itself or any of its VERP forms."""
    configured = (current_app.config.get("MAIL_VERP_ADDRESS") or "").lower()
    if not configured:
        return False
    local, _at, domain = configured.rpartition("@")
    address = address.lower()
    return address == configured or (address.startswith(local + "+") and address.endswith("@" + domain))


def outbox_id_of(address: str) -> int | None:
    """The outbox row id a VERP address names, or None (not a VERP address, or a forged signature)."""
    match = _VERP.match(address.strip().strip("<>"))
    if match is None or not is_bounce_address(address.strip().strip("<>")):
        return None
    outbox_id = int(match["id"])
    if not hmac.compare_digest(match["sig"].lower(), _signature(outbox_id)):
        return None
    return outbox_id
