"""Signals the accounts send; higher domains listen in their hooks.py (auth imports none of them)."""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

# Sent with the account as sender and `old`, `new` (addresses) once a new address is confirmed, in the same
# transaction: a domain that keeps its own copy of the address (the mailing list) follows it.
email_changed = _signals.signal("email-changed")
