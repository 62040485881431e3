"""What the calendar domain contributes elsewhere (loaded by network.domains): the registration confirmation and
cancellation mails with the meeting's calendar entry, and updates to everyone holding a place."""

from __future__ import annotations

from ..meetings.signals import meeting_changed, registration_changed
from . import notices

registration_changed.connect(notices.on_registration_changed)
# The one notification rule: everyone holding a place (sources: notices.place_holders) hears of every change.
meeting_changed.connect(notices.notify_holders)
