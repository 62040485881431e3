"""Signals other domains listen to (the mailing domain sends updated or cancelled invites).

`meeting_changed.send(meeting, change="updated" | "cancelled")` is sent inside the transaction, before commit,
after SEQUENCE has been raised, whenever a meeting's time, place or status changes.

`registration_changed.send(registration, change="registered" | "promoted" | "cancelled")` is sent inside the
transaction when someone gets a place (registering, or moving up from the waiting list) or gives up their place;
the calendar domain (network/calendar/hooks.py) queues the confirmation with the calendar entry, or the CANCEL.
"""

from blinker import Namespace

_signals = Namespace()

meeting_changed = _signals.signal("meeting-changed")

registration_changed = _signals.signal("registration-changed")
