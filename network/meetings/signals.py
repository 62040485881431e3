"""Signals other domains listen to (the mailing domain sends updated or cancelled invites).

`meeting_changed.send(meeting, change="updated" | "cancelled", fields=(...))` is sent inside the transaction,
before commit, after SEQUENCE has been raised, whenever a meeting's time, place, online link, title, description or
status changes; `fields` names what changed (scheduling.SIGNIFICANT_FIELDS). The calendar domain's
`notices.notify_holders` tells everyone holding a place (receivers take `**kwargs`).

`registration_changed.send(registration, change="registered" | "promoted" | "cancelled")` is sent inside the
transaction when someone gets a place (registering, or moving up from the waiting list) or gives up their place;
the calendar domain (network/calendar/hooks.py) queues the confirmation with the calendar entry, or the CANCEL.
"""

from blinker import Namespace

_signals = Namespace()

meeting_changed = _signals.signal("meeting-changed")

registration_changed = _signals.signal("registration-changed")
