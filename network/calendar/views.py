"""Calendar feeds: /calendar.ics (every public meeting) and /meetings/<id>.ics (one meeting).

Answers carry ETag and Last-Modified and answer a conditional request with 304 Not Modified.
`scope_feed(scope, name, filename)` serves any scope's meetings (e.g. a working group's feed with
`GroupScope(group_id)`); `calendar_response(meetings, name, filename)` any list of meetings.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from flask import Blueprint, Response, abort, current_app, request

from ..extensions import db
from ..meetings.models import Meeting
from ..meetings.queries import NETWORK_CALENDAR, MeetingScope, meetings_for_feed
from .ics import event_calendar, feed_calendar, latest_change

bp = Blueprint("calendar", __name__)

CONTENT_TYPE = "text/calendar; charset=utf-8"
FEED_NAME = "Kuntademokratiaverkosto"
FEED_DESCRIPTION = "Kuntademokratiaverkoston tapaamiset / Kommundemokratinätverkets möten"


def _respond(body: bytes, meetings: list[Meeting], filename: str):
    etag = hashlib.sha256(body).hexdigest()[:32]
    modified = latest_change(meetings)
    response = current_app.response_class(body, mimetype="text/calendar")
    response.headers["Content-Type"] = CONTENT_TYPE
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Cache-Control"] = "public, max-age=900"
    response.set_etag(etag)
    if modified is not None:
        response.last_modified = modified.replace(microsecond=0)
    # werkzeug answers 304 for If-None-Match / If-Modified-Since (If-None-Match wins when both are sent).
    return response.make_conditional(request)


def calendar_response(meetings: Iterable[Meeting], name: str, filename: str = "calendar.ics",
                      description: str | None = None) -> Response:
    """A feed response (text/calendar, ETag, Last-Modified, 304 when unchanged) for any set of meetings."""
    meetings = list(meetings)
    return _respond(feed_calendar(meetings, name, description), meetings, filename)


def scope_feed(scope: MeetingScope, name: str, filename: str, description: str | None = None) -> Response:
    """The calendar feed of a scope's meetings: `scope_feed(NETWORK_CALENDAR, ...)` is /calendar.ics; a working group's
    feed route answers `scope_feed(GroupScope(group.id), group_name, f"group-{group.id}.ics")`."""
    return calendar_response(meetings_for_feed(scope), name, filename, description)


@bp.get("/calendar.ics")
def feed():
    return scope_feed(NETWORK_CALENDAR, FEED_NAME, "kuntademokratiaverkosto.ics", FEED_DESCRIPTION)


@bp.get("/meetings/<int:meeting_id>.ics")
def meeting(meeting_id: int):
    item = db.session.get(Meeting, meeting_id)
    if item is None:
        abort(404)
    return _respond(event_calendar(item), [item], f"meeting-{item.id}.ics")
