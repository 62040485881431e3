"""Signals other domains listen to (the mailing domain sends updated or cancelled invites).

`meeting_changed.send(meeting, change="updated" | "cancelled")` is sent inside the transaction, before commit,
after SEQUENCE has been raised, whenever a meeting's time, place or status changes.
"""

from blinker import Namespace

_signals = Namespace()

meeting_changed = _signals.signal("meeting-changed")
