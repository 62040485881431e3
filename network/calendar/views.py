"""Calendar feeds: /calendar.ics (every public meeting) and /meetings/<id>.ics (one meeting).

Answers carry ETag and Last-Modified and answer a conditional request with 304 Not Modified.
`calendar_response(meetings, name, filename)` is ready for other feeds (e.g. /groups/<id>/calendar.ics).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from flask import Blueprint, abort, current_app, request
from sqlalchemy import select

from ..extensions import db
from ..meetings.models import Meeting
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
                      description: str | None = None):
    """A feed response for any set of meetings (used by /calendar.ics; ready for a working group's feed)."""
    meetings = list(meetings)
    return _respond(feed_calendar(meetings, name, description), meetings, filename)


@bp.get("/calendar.ics")
def feed():
    meetings = db.session.scalars(select(Meeting).where(Meeting.network_calendar.is_(True))
                                  .order_by(Meeting.starts_at, Meeting.id)).all()
    return calendar_response(meetings, FEED_NAME, "kuntademokratiaverkosto.ics", FEED_DESCRIPTION)


@bp.get("/meetings/<int:meeting_id>.ics")
def meeting(meeting_id: int):
    item = db.session.get(Meeting, meeting_id)
    if item is None:
        abort(404)
    return _respond(event_calendar(item), [item], f"meeting-{item.id}.ics")
