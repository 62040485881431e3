"""What the calendar domain contributes elsewhere (loaded by network.domains): the registration confirmation and
cancellation mails with the meeting's calendar entry."""

from __future__ import annotations

from ..meetings.signals import registration_changed
from . import notices

registration_changed.connect(notices.on_registration_changed)
