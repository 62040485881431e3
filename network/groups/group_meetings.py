"""A working group's meetings: the network's meeting model and rules, scoped to the group.

The meeting is created by the meetings domain's `create_meeting` with kind "working_group" and the group's id; it is
shown in the group's feed and, when the chair chooses, in the network's calendar too.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l

from ..audit.trail import record_change
from ..extensions import db
from ..i18n import format_day
from ..mailing.invites import send_invites
from ..meetings.errors import MeetingError
from ..meetings.models import WORKING_GROUP, Meeting
from ..meetings.scheduling import MeetingData, cancel_meeting, create_meeting, meeting_problems, update_meeting
from ..timeutil import HELSINKI, as_utc, utcnow
from .lifecycle import GroupError, check_changeable
from .models import APPROVED, WorkingGroup
from .proposals import group_list


def term_close(group: WorkingGroup) -> datetime:
    """The instant (aware UTC) the group's term is over: the end of its term-end day in Finland."""
    return datetime.combine(group.term_end + timedelta(days=1), time(0), tzinfo=HELSINKI).astimezone(UTC)


def group_time_problems(group: WorkingGroup, starts_at: datetime | None, ends_at: datetime | None,
                        meeting: Meeting | None = None) -> dict[str, object]:
    """{field: message} for times a group meeting may not have: a start in the past ("starts_at"; an edit that
    keeps the meeting's stored start is not refused) and a meeting not over by the end of the group's term
    ("starts_at" when it starts after the term, else "ends_at"). A time left None is not checked.

    Takes the group, the UTC times and the meeting being edited (None when creating); raises nothing.
    """
    problems: dict[str, object] = {}
    if starts_at is None:
        return problems
    # Unlike the coordinators' network form there is no "record a past meeting" case for a group: a past meeting
    # would be published in the group's feed and could never be invited to.
    moved = meeting is None or as_utc(meeting.starts_at) != as_utc(starts_at)
    if moved and as_utc(starts_at) < utcnow():
        problems["starts_at"] = _l("A meeting of the group cannot start in the past.")
    close = term_close(group)
    outside = _l("The group's term ends on %(end)s: the meeting must be held by then.", end=format_day(group.term_end))
    if as_utc(starts_at) >= close:
        problems.setdefault("starts_at", outside)
    elif ends_at is not None and as_utc(ends_at) > close:
        problems["ends_at"] = outside
    return problems


def group_meeting_problems(group: WorkingGroup, data: MeetingData,
                           meeting: Meeting | None = None) -> dict[str, object]:
    """Every problem of a group meeting's data at once, {field: message}: the meetings domain's
    (`meeting_problems`: title, times in order, place...) and the group's (`group_time_problems`).

    Takes the group, the data (UTC times) and the meeting being edited (None when creating); raises nothing.
    """
    data = replace(data, kind=WORKING_GROUP, group_id=group.id)
    problems = meeting_problems(data, meeting.id if meeting else None)
    for name, message in group_time_problems(group, data.starts_at, data.ends_at, meeting).items():
        problems.setdefault(name, message)
    return problems


def _check_group_times(group: WorkingGroup, data: MeetingData, meeting: Meeting | None) -> None:
    # Only the group's own rule is checked here; the meetings domain's rule checks the rest when saving. When the
    # group's rule refuses, every problem is reported at once.
    if group_time_problems(group, data.starts_at, data.ends_at, meeting):
        problems = group_meeting_problems(group, data, meeting)
        raise MeetingError(field=next(iter(problems)), errors=problems)


def create_group_meeting(group: WorkingGroup, actor: Any, data: MeetingData, *,
                         network_calendar: bool = False) -> Meeting:
    """Create a meeting of `group` (kind and group are set here, whatever `data` says). Returns it (flushed).

    Raises GroupError when the group is not approved or is closed, and the meetings' MeetingError (a RuleError)
    for bad meeting data, a start in the past or a meeting after the group's term (`group_time_problems`).
    """
    if group.decision != APPROVED:
        raise GroupError(_l("The group is not open for sign-up."))
    check_changeable(group)
    _check_group_times(group, data, None)
    meeting = create_meeting(replace(data, kind=WORKING_GROUP, group_id=group.id), actor)
    meeting.network_calendar = bool(network_calendar)
    db.session.flush()
    return meeting


def send_group_invites(group: WorkingGroup, actor: Any, meeting: Meeting) -> int:
    """Send the meeting's calendar invitation to the group's list (its members), through the mailing domain's
    invites; members already invited to this version are not invited twice. Returns how many were queued.

    Raises GroupError when the meeting is not the group's or the group is closed, and the mailing domain's
    InviteError for a cancelled or past meeting.
    """
    _own_meeting(group, meeting)
    count = send_invites(meeting, group_list(group))
    record_change(actor, "group.invite", "working_group", group.id, summary=f"{meeting.title_fi}: {count}")
    return count


def _own_meeting(group: WorkingGroup, meeting: Meeting) -> None:
    if meeting.group_id != group.id:
        raise GroupError(_l("The meeting is not a meeting of this group."))
    check_changeable(group)


def update_group_meeting(group: WorkingGroup, actor: Any, meeting: Meeting, data: MeetingData, *,
                         network_calendar: bool = False, confirm_waitlist: bool = False) -> bool:
    """Edit a meeting of `group` with the meetings domain's rule (a change of time or place raises SEQUENCE and
    the invited members receive the update). Returns True when the change was significant.

    Raises GroupError when the meeting is not the group's or the group is closed, MeetingError for bad data (a
    new start in the past, a meeting after the group's term: `group_time_problems`) or an unconfirmed change that
    would move people to the waiting list (`confirm_waitlist`).
    """
    _own_meeting(group, meeting)
    _check_group_times(group, data, meeting)
    significant = update_meeting(meeting, replace(data, kind=WORKING_GROUP, group_id=group.id), actor,
                                 confirm_waitlist=confirm_waitlist)
    meeting.network_calendar = bool(network_calendar)
    db.session.flush()
    return significant


def cancel_group_meeting(group: WorkingGroup, actor: Any, meeting: Meeting, reason: str) -> None:
    """Cancel a meeting of `group` with a reason (it stays in the feeds as cancelled; invitees get a CANCEL).

    Raises GroupError when the meeting is not the group's or the group is closed, MeetingError without a reason.
    """
    _own_meeting(group, meeting)
    cancel_meeting(meeting, reason, actor)
