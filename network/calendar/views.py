"""Calendar feeds: /calendar.ics (every public meeting), /meetings/<id>.ics (one meeting) and a member's secret
personal feed /calendar/personal/<token>.ics with the pages (from /me) that create, renew and turn it off.

Answers carry ETag and Last-Modified and answer a conditional request with 304 Not Modified.
`scope_feed(scope, name, filename)` serves any scope's meetings (e.g. a working group's feed with
`GroupScope(group_id)`); `calendar_response(meetings, name, filename)` any list of meetings.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Iterable

from flask import Blueprint, Response, abort, current_app, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..extensions import db
from ..i18n import BILINGUAL_NETWORK_NAME, NETWORK_NAMES, network_name
from ..meetings.models import Meeting
from ..meetings.queries import NETWORK_CALENDAR, MeetingScope, feed_version, meetings_for_feed
from ..pagecache import cached_page
from ..permissions import is_coordinator
from ..timeutil import as_utc
from ..web import attempt
from . import personal
from .forms import FeedActionForm
from .ics import event_calendar, feed_calendar, latest_change

bp = Blueprint("calendar", __name__)

CONTENT_TYPE = "text/calendar; charset=utf-8"
FEED_NAME = BILINGUAL_NETWORK_NAME
FEED_DESCRIPTION = f"{NETWORK_NAMES['fi']}: tapaamiset / {NETWORK_NAMES['sv']}: möten"


def _respond(body: bytes, meetings: list[Meeting], filename: str, private: bool = False):
    etag = hashlib.sha256(body).hexdigest()[:32]
    modified = latest_change(meetings)
    response = current_app.response_class(body, mimetype="text/calendar")
    response.headers["Content-Type"] = CONTENT_TYPE
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    if private:
        # A secret address: no shared cache keeps it, no search engine lists it, no page it links to learns it.
        response.headers["Cache-Control"] = "private, max-age=900"
        response.headers["X-Robots-Tag"] = "noindex, nofollow"
        response.headers["Referrer-Policy"] = "no-referrer"
    else:
        response.headers["Cache-Control"] = "public, max-age=900"
    response.set_etag(etag)
    # A personal feed changes when the person's places or groups change, which no meeting's time stamp records:
    # only its ETag (the body's hash) answers conditional requests.
    if modified is not None and not private:
        response.last_modified = modified.replace(microsecond=0)
    # werkzeug answers 304 for If-None-Match / If-Modified-Since (If-None-Match wins when both are sent).
    return response.make_conditional(request)


def calendar_response(meetings: Iterable[Meeting], name: str, filename: str = "calendar.ics",
                      description: str | None = None) -> Response:
    """A feed response (text/calendar, ETag, Last-Modified, 304 when unchanged) for any set of meetings."""
    meetings = list(meetings)
    return _respond(feed_calendar(meetings, name, description), meetings, filename)


# Rendered feeds kept per process, keyed by what they were made of (scope, names, the meetings' count and latest
# change): a stale entry can never be served, since a change to any meeting changes the key. Several workers each
# keep their own; the oldest entries are dropped past FEED_CACHE_SIZE.
FEED_CACHE_SIZE = 64


def _feed_cache() -> OrderedDict[str, bytes]:
    return current_app.extensions.setdefault("calendar_feed_cache", OrderedDict())


def scope_feed(scope: MeetingScope, name: str, filename: str, description: str | None = None) -> Response:
    """The calendar feed of a scope's meetings: `scope_feed(NETWORK_CALENDAR, ...)` is /calendar.ics; a working group's
    feed route answers `scope_feed(GroupScope(group.id), group_name, f"group-{group.id}.ics")`.

    Takes the scope, the calendar's name, the download file name and an optional description; returns the response
    (304 without rendering when the client's ETag or Last-Modified is current). The ETag and Last-Modified come from
    one aggregate query (count and latest `updated_at`); the body is rendered once per version and kept.
    """
    count, latest = feed_version(scope)
    modified = as_utc(latest).replace(microsecond=0) if latest is not None else None
    key = "|".join([repr(scope), name, filename, description or "", str(count),
                    as_utc(latest).isoformat() if latest is not None else "-",
                    current_app.config.get("PUBLIC_BASE_URL") or ""])
    etag = hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
    response = current_app.response_class(mimetype="text/calendar")
    response.headers["Content-Type"] = CONTENT_TYPE
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Cache-Control"] = "public, max-age=900"
    response.set_etag(etag)
    if modified is not None:
        response.last_modified = modified
    if request.method in ("GET", "HEAD") and (
        request.if_none_match.contains(etag)
        or (not request.if_none_match and modified is not None and request.if_modified_since is not None
            and modified <= request.if_modified_since)
    ):
        return response.make_conditional(request)
    cache = _feed_cache()
    body = cache.get(etag)
    if body is None:
        body = feed_calendar(meetings_for_feed(scope), name, description)
        cache[etag] = body
        while len(cache) > FEED_CACHE_SIZE:
            cache.popitem(last=False)
    else:
        cache.move_to_end(etag)
    response.set_data(body)
    return response.make_conditional(request)


@bp.get("/calendar.ics")
@cached_page()  # the same for everyone and for any time: only a change to a meeting changes it
def feed():
    return scope_feed(NETWORK_CALENDAR, FEED_NAME, "kuntademokratiaverkosto.ics", FEED_DESCRIPTION)


@bp.get("/meetings/<int:meeting_id>.ics")
def meeting(meeting_id: int):
    item = db.session.get(Meeting, meeting_id)
    # A draft is in no calendar yet: its file is 404 as its page is, for everyone but coordinators.
    if item is None or (item.is_draft and not is_coordinator(current_user)):
        abort(404)
    return _respond(event_calendar(item), [item], f"meeting-{item.id}.ics")


@bp.get("/calendar/personal/<token>.ics")
def personal_feed(token: str):
    """A member's personal feed; 404 for an address that was renewed, turned off or never existed."""
    feed = personal.feed_for_token(token)
    if feed is None or feed.user is None:
        abort(404)
    meetings = personal.personal_meetings(feed.user)
    language = feed.user.language if feed.user.language in current_app.config["LANGUAGES"] else None
    language = language or current_app.config["BABEL_DEFAULT_LOCALE"]
    # The person's own feed speaks their language, and a waiting-list place is not shown as a confirmed one.
    with force_locale(language):
        name = f"{network_name(language)}: {_('My meetings')}"
    body = feed_calendar(meetings, name, language=language, waitlisted=personal.waitlisted_meeting_ids(feed.user))
    return _respond(body, meetings, "kuntademokratiaverkosto-omat.ics", private=True)


def _back_to_my_page():
    return redirect(url_for("auth.me") + "#my-calendar-heading")


@bp.post("/me/calendar")
@login_required
def create_personal_feed():
    """Make the member's personal feed address (shown on /me)."""
    form = FeedActionForm()
    if form.validate_on_submit():
        attempt(lambda: personal.create_feed(current_user), success=_("Your personal calendar address is ready."))
    return _back_to_my_page()


def _confirmed_change(action: str, rule, done_message: str):
    if personal.feed_of(current_user) is None:
        return _back_to_my_page()
    form = FeedActionForm()
    if form.validate_on_submit():
        attempt(lambda: rule(current_user), success=done_message)
        return _back_to_my_page()
    return render_template("calendar/confirm.html", form=form, action=action)


@bp.route("/me/calendar/renew", methods=["GET", "POST"])
@login_required
def renew_personal_feed():
    """Confirm, then give the member's feed a new address (the old one stops working)."""
    return _confirmed_change("renew", personal.renew_feed,
                             _("Your personal calendar has a new address. Add it to your calendar again."))


@bp.route("/me/calendar/revoke", methods=["GET", "POST"])
@login_required
def revoke_personal_feed():
    """Confirm, then turn the member's personal feed off (its address stops working)."""
    return _confirmed_change("revoke", personal.revoke_feed, _("Your personal calendar address no longer works."))
