"""Reading meetings: lists for pages, feeds and other domains, always within a scope.

A scope says whose meetings are meant:

- `NETWORK` (`NetworkScope()`): the meetings the network's own pages and its calendar feed list. Today that is
  every meeting, working-group meetings included (as before scopes existed).
- `GroupScope(group_id)`: one working group's meetings (`Meeting.group_id == group_id`), for the group's page
  and its calendar feed, e.g. `upcoming(GroupScope(group.id))` or `meetings_for_feed(GroupScope(group.id))`.

A scope is a small frozen value with one method, `condition()`, the SQL condition a meeting must meet; every
function here takes the scope first. Years are Helsinki calendar years, filtered in SQL with
`timeutil.helsinki_year_bounds`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, or_, select, true
from sqlalchemy.orm import contains_eager

from ..extensions import db
from ..timeutil import helsinki_year_bounds, utc_to_helsinki, utcnow
from .models import ACTIVE_STATUSES, SCHEDULED, Meeting, MeetingRegistration


@dataclass(frozen=True)
class NetworkScope:
    """The network's meetings: everything its own pages and feed list (today every meeting). With `listed_only`,
    only those shown in the network's calendar (a working group's meeting may stay out: Meeting.network_calendar).
    """

    listed_only: bool = False

    def condition(self) -> ColumnElement[bool]:
        """The SQL condition on Meeting for this scope (always true unless `listed_only`)."""
        return Meeting.network_calendar.is_(True) if self.listed_only else true()


@dataclass(frozen=True)
class GroupScope:
    """One working group's meetings: those whose `Meeting.group_id` is `group_id`."""

    group_id: int

    def condition(self) -> ColumnElement[bool]:
        """The SQL condition on Meeting for this scope."""
        return Meeting.group_id == self.group_id


MeetingScope = NetworkScope | GroupScope
NETWORK = NetworkScope()
NETWORK_CALENDAR = NetworkScope(listed_only=True)


def scoped(scope: MeetingScope) -> Select[tuple[Meeting]]:
    """`select(Meeting)` limited to `scope`, for callers that add their own conditions."""
    return select(Meeting).where(scope.condition())


def in_year_condition(year: int) -> ColumnElement[bool]:
    """Meetings that start in the Helsinki calendar year `year` (an SQL condition)."""
    start, end = helsinki_year_bounds(year)
    return (Meeting.starts_at >= start) & (Meeting.starts_at < end)


def get_meeting(meeting_id: int | None, scope: MeetingScope = NETWORK) -> Meeting | None:
    """The meeting with this id when it is in `scope`, else None."""
    if meeting_id is None:
        return None
    return db.session.scalar(scoped(scope).where(Meeting.id == meeting_id))


def upcoming(scope: MeetingScope = NETWORK, *, now: datetime | None = None) -> list[Meeting]:
    """Meetings of `scope` not yet over (cancelled ones too, marked as such), soonest first."""
    now = now or utcnow()
    return list(db.session.scalars(scoped(scope).where(Meeting.ends_at >= now).order_by(Meeting.starts_at)))


def next_scheduled(scope: MeetingScope = NETWORK, limit: int = 3) -> list[Meeting]:
    """The next `limit` meetings of `scope` that are not over and not cancelled, soonest first."""
    statement = (
        scoped(scope).where(Meeting.ends_at >= utcnow(), Meeting.status == SCHEDULED)
        .order_by(Meeting.starts_at).limit(limit)
    )
    return list(db.session.scalars(statement))


def invitable(scope: MeetingScope = NETWORK) -> list[Meeting]:
    """Meetings of `scope` one can still be invited to: scheduled and not over, soonest first."""
    statement = scoped(scope).where(Meeting.status == SCHEDULED, Meeting.ends_at > utcnow())
    return list(db.session.scalars(statement.order_by(Meeting.starts_at)))


def past_years(scope: MeetingScope = NETWORK, *, now: datetime | None = None) -> list[int]:
    """The Helsinki years in which `scope` has meetings that are over, latest first."""
    now = now or utcnow()
    starts = db.session.scalars(select(Meeting.starts_at).where(scope.condition(), Meeting.ends_at < now))
    return sorted({utc_to_helsinki(s).year for s in starts}, reverse=True)


def past_in_year(year: int, scope: MeetingScope = NETWORK, *, now: datetime | None = None) -> list[Meeting]:
    """Meetings of `scope` that are over and started in Helsinki year `year`, latest first."""
    now = now or utcnow()
    statement = scoped(scope).where(Meeting.ends_at < now, in_year_condition(year))
    return list(db.session.scalars(statement.order_by(Meeting.starts_at.desc())))


def meetings_in_year(year: int, scope: MeetingScope = NETWORK) -> list[Meeting]:
    """Every meeting of `scope` (cancelled too) starting in Helsinki year `year`, in time order."""
    statement = scoped(scope).where(in_year_condition(year)).order_by(Meeting.starts_at)
    return list(db.session.scalars(statement))


def meetings_for_feed(scope: MeetingScope = NETWORK) -> list[Meeting]:
    """Every meeting of `scope` for a calendar feed (cancelled ones carry STATUS:CANCELLED), in time order."""
    return list(db.session.scalars(scoped(scope).order_by(Meeting.starts_at, Meeting.id)))


def _mine(user: Any) -> ColumnElement[bool]:
    return or_(MeetingRegistration.user_id == user.id, MeetingRegistration.email == user.email)


def registration_of(meeting: Meeting, user: Any) -> MeetingRegistration | None:
    """`user`'s registration row for `meeting` (by account or by address), or None (also for visitors)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(
        select(MeetingRegistration).where(MeetingRegistration.meeting_id == meeting.id, _mine(user))
    )


def my_registrations(user: Any, scope: MeetingScope = NETWORK) -> Select[tuple[MeetingRegistration]]:
    """A statement of `user`'s active registrations to meetings of `scope`, each row's meeting loaded with it.

    Add `.where(Meeting.ends_at ...)` and an order; the meeting is joined.
    """
    return (
        select(MeetingRegistration).join(Meeting).options(contains_eager(MeetingRegistration.meeting))
        .where(scope.condition(), _mine(user), MeetingRegistration.status.in_(ACTIVE_STATUSES))
    )


def hosted_by(organisation_id: int, scope: MeetingScope = NETWORK) -> list[Meeting]:
    """Meetings of `scope` that the organisation hosted or will host (cancelled ones too), newest first."""
    statement = scoped(scope).where(Meeting.host_organisation_id == organisation_id)
    return list(db.session.scalars(statement.order_by(Meeting.starts_at.desc())))
