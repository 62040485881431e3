"""Calendar feeds are public (see tests/access/__init__.py); tests/access/meetings.py creates the meeting."""

from . import OK, Access

RULES = [
    Access("calendar.feed", "GET", "/calendar.ics", OK, OK, OK),
    Access("calendar.meeting", "GET", lambda w: f"/meetings/{w.ids['meeting']}.ics", OK, OK, OK),
]
