"""Calendar feeds are public (see tests/access/__init__.py); tests/access/meetings.py creates the meeting.

A personal feed is read by anyone holding its secret address (a calendar app logs in to nothing); a made-up,
renewed or turned-off address is 404 for everyone. Making, renewing and turning off one's own address needs a
login; a person without an address is sent back to their page.
"""

from network.calendar import personal
from network.extensions import db
from tests.conftest import create_user

from . import LOGIN, NOT_FOUND, OK, REDIRECT, Access, World


def setup(world: World) -> None:
    owner = create_user("feed.owner@example.fi", "Feed Owner")
    feed = personal.create_feed(owner)
    db.session.commit()
    world.ids["feed_token"] = personal.feed_token(feed)


RULES = [
    Access("calendar.feed", "GET", "/calendar.ics", OK, OK, OK),
    Access("calendar.meeting", "GET", lambda w: f"/meetings/{w.ids['meeting']}.ics", OK, OK, OK),
    Access("calendar.personal_feed", "GET", lambda w: f"/calendar/personal/{w.ids['feed_token']}.ics", OK, OK, OK),
    Access("calendar.personal_feed", "GET", "/calendar/personal/1.not-the-signature.ics", NOT_FOUND, NOT_FOUND,
           NOT_FOUND),
    Access("calendar.create_personal_feed", "POST", "/me/calendar", LOGIN, REDIRECT, REDIRECT),
    Access("calendar.renew_personal_feed", "GET", "/me/calendar/renew", LOGIN, REDIRECT, REDIRECT),
    Access("calendar.renew_personal_feed", "POST", "/me/calendar/renew", LOGIN, REDIRECT, REDIRECT),
    Access("calendar.revoke_personal_feed", "GET", "/me/calendar/revoke", LOGIN, REDIRECT, REDIRECT),
    Access("calendar.revoke_personal_feed", "POST", "/me/calendar/revoke", LOGIN, REDIRECT, REDIRECT),
]
