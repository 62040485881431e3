"""A working group's meetings: the network's meeting model and rules, scoped to the group.

The meeting is created by the meetings domain's `create_meeting` with kind "working_group" and the group's id; it is
shown in the group's feed and, when the chair chooses, in the network's calendar too.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from flask_babel import lazy_gettext as _l

from ..audit.trail import record_change
from ..extensions import db
from ..mailing.invites import send_invites
from ..meetings.models import WORKING_GROUP, Meeting
from ..meetings.scheduling import MeetingData, cancel_meeting, create_meeting, update_meeting
from .lifecycle import GroupError, check_changeable
from .models import APPROVED, WorkingGroup
from .proposals import group_list


def create_group_meeting(group: WorkingGroup, actor: Any, data: MeetingData, *,
                         network_calendar: bool = False) -> Meeting:
    """Create a meeting of `group` (kind and group are set here, whatever `data` says). Returns it (flushed).

    Raises GroupError when the group is not approved or is closed, and the meetings' MeetingError (a RuleError)
    for bad meeting data.
    """
    if group.decision != APPROVED:
        raise GroupError(_l("The group is not open for sign-up."))
    check_changeable(group)
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

    Raises GroupError when the meeting is not the group's or the group is closed, MeetingError for bad data or
    an unconfirmed change that would move people to the waiting list (`confirm_waitlist`).
    """
    _own_meeting(group, meeting)
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
