"""A member's personal calendar feed: a secret address with the meetings they hold a place in (registered or on
the waiting list) and whatever higher domains add through `personal_feed_source` (e.g. their working groups'
meetings). Plain functions: they flush and never commit.

The address is `/calendar/personal/<token>.ics` with token `<feed id>.<HMAC-SHA256(SECRET_KEY, id and secret)>`:
stable while the feed lives (the page shows it again), useless without the application's key (the table alone does
not give it away), changed by `renew_feed` and gone with `revoke_feed` (both answer 404 afterwards).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Callable, Iterable
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from ..extensions import db
from ..links import absolute_url
from ..meetings.models import ACTIVE_STATUSES, WAITLISTED, Meeting, MeetingRegistration
from ..rules import RuleError
from ..text import is_ascii_digits
from ..timeutil import utcnow
from .models import CalendarFeed

MeetingSource = Callable[[Any], Iterable[Meeting]]
_SOURCES: dict[str, tuple[int, MeetingSource]] = {}


def personal_feed_source(order: int) -> Callable[[MeetingSource], MeetingSource]:
    """Register `source(user) -> Iterable[Meeting]`: meetings that belong in `user`'s personal feed.

    Registered in a domain's hooks.py: the calendar domain adds the meetings the person holds a place in (order 10);
    the groups domain the meetings of the person's groups (order 20). A meeting named by several sources is listed
    once. Returns the source unchanged.
    """

    def register(source: MeetingSource) -> MeetingSource:
        _SOURCES[f"{source.__module__}.{source.__qualname__}"] = (order, source)
        return source

    return register


def meetings_with_a_place(user: Any) -> list[Meeting]:
    """Meetings `user` holds a place in (registered or on the waiting list, by account or by address)."""
    return list(db.session.scalars(
        select(Meeting).join(MeetingRegistration, MeetingRegistration.meeting_id == Meeting.id)
        .where(or_(MeetingRegistration.user_id == user.id, MeetingRegistration.email == user.email),
               MeetingRegistration.status.in_(ACTIVE_STATUSES))
    ).unique())


personal_feed_source(10)(meetings_with_a_place)


def waitlisted_meeting_ids(user: Any) -> set[int]:
    """Ids of the meetings `user` is on the waiting list of (by account or by address): their feed marks them."""
    return set(db.session.scalars(
        select(MeetingRegistration.meeting_id)
        .where(or_(MeetingRegistration.user_id == user.id, MeetingRegistration.email == user.email),
               MeetingRegistration.status == WAITLISTED)
    ))


def personal_meetings(user: Any) -> list[Meeting]:
    """Every meeting of `user`'s personal feed, each once, in time order (cancelled ones too: the feed marks them)."""
    found: dict[int, Meeting] = {}
    for _order, source in sorted(_SOURCES.values(), key=lambda item: item[0]):
        for meeting in source(user):
            found.setdefault(meeting.id, meeting)
    return sorted(found.values(), key=lambda m: (m.starts_at, m.id))


def _signature(feed_id: int, secret: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, f"calendar-feed:{feed_id}:{secret}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def feed_token(feed: CalendarFeed) -> str:
    """The secret part of the feed's address (stable until the feed is renewed)."""
    return f"{feed.id}.{_signature(feed.id, feed.secret)}"


def feed_url(feed: CalendarFeed) -> str:
    """The feed's absolute address on PUBLIC_BASE_URL."""
    return absolute_url("calendar.personal_feed", token=feed_token(feed))


def feed_of(user: Any) -> CalendarFeed | None:
    """`user`'s feed, or None when they have none (never made, or revoked)."""
    if getattr(user, "id", None) is None:
        return None
    return db.session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == user.id))


def feed_for_token(token: str) -> CalendarFeed | None:
    """The live feed whose address carries `token`, or None (malformed, renewed, revoked or forged)."""
    feed_id, _dot, signature = token.partition(".")
    if not is_ascii_digits(feed_id) or not signature or len(feed_id) > 12:
        return None
    feed = db.session.get(CalendarFeed, int(feed_id))
    if feed is None or not hmac.compare_digest(signature.encode(), _signature(feed.id, feed.secret).encode()):
        return None
    return feed


def create_feed(user: Any) -> CalendarFeed:
    """Give `user` a personal feed (or return the one they have). Takes a saved account; flushes."""
    feed = feed_of(user)
    if feed is None:
        feed = CalendarFeed(user_id=user.id, secret=secrets.token_urlsafe(32))
        db.session.add(feed)
        db.session.flush()
    return feed


def renew_feed(user: Any) -> CalendarFeed:
    """Give `user`'s feed a new address; the old one answers 404 from now on.

    Takes the account; returns the feed; raises RuleError when they have no feed. Flushes.
    """
    feed = feed_of(user)
    if feed is None:
        raise RuleError(_l("You have no personal calendar address to renew."))
    feed.secret = secrets.token_urlsafe(32)
    feed.renewed_at = utcnow()
    db.session.flush()
    return feed


def revoke_feed(user: Any) -> None:
    """Turn `user`'s feed off: its address answers 404. Raises RuleError when they have no feed. Flushes."""
    feed = feed_of(user)
    if feed is None:
        raise RuleError(_l("You have no personal calendar address to turn off."))
    db.session.delete(feed)
    db.session.flush()


def export_feed(user: Any) -> dict[str, Any]:
    """The person's data export: whether they have a personal feed and since when (the address stays secret)."""
    feed = feed_of(user)
    if feed is None:
        return {"personal_feed": None}
    return {"personal_feed": {
        "created_at": feed.created_at.isoformat() if feed.created_at else None,
        "renewed_at": feed.renewed_at.isoformat() if feed.renewed_at else None,
    }}


def forget_feed(user: Any) -> None:
    """Account deletion: remove `user`'s feed if there is one (registered as a personal-data anonymiser)."""
    feed = feed_of(user)
    if feed is not None:
        db.session.delete(feed)
        db.session.flush()
