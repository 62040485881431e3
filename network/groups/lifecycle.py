"""The state of a working group, derived from its dates and decisions by one plain function.

proposed -> (approved and) open for sign-up until the deadline -> active until the term end -> closed; or declined.
The sign-up deadline and the term end are whole days in Finnish time: sign-up is open through the deadline day and
the group is active through its last day. `state_condition` says the same in SQL, so lists filtered in the database
agree with `group_state` (a test compares them).
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, and_, false, or_

from ..permissions import is_coordinator
from ..rules import RuleError
from ..timeutil import helsinki_today
from .models import APPROVED, DECLINED, PENDING, WorkingGroup


class GroupState(StrEnum):
    """Where a group is in its life, derived by `group_state` (never stored)."""

    PROPOSED = "proposed"
    DECLINED = "declined"
    OPEN = "open"
    ACTIVE = "active"
    CLOSED = "closed"


STATE_LABELS = {
    GroupState.PROPOSED: _l("Proposed"),
    GroupState.DECLINED: _l("Declined"),
    GroupState.OPEN: _l("Open for sign-up"),
    GroupState.ACTIVE: _l("Active"),
    GroupState.CLOSED: _l("Closed"),
}


class GroupError(RuleError):
    """A working-group rule refused the change."""


def group_state(group: WorkingGroup, today: date | None = None) -> GroupState:
    """The group's state on `today` (Finnish date; default: today in Finland).

    Takes the group's decision, `closed_at`, `signup_deadline` and `term_end`; returns a `GroupState`. Never raises.
    A group is closed from the day after its term end even before `flask groups tick` has run.
    """
    today = today or helsinki_today()
    if group.decision == DECLINED:
        return GroupState.DECLINED
    if group.decision != APPROVED:
        return GroupState.PROPOSED
    if group.closed_at is not None or today > group.term_end:
        return GroupState.CLOSED
    if today <= group.signup_deadline:
        return GroupState.OPEN
    return GroupState.ACTIVE


def state_condition(state: GroupState, today: date | None = None) -> ColumnElement[bool]:
    """The SQL condition on WorkingGroup equal to `group_state(group, today) == state`."""
    today = today or helsinki_today()
    approved = WorkingGroup.decision == APPROVED
    not_closed = and_(WorkingGroup.closed_at.is_(None), WorkingGroup.term_end >= today)
    if state == GroupState.DECLINED:
        return WorkingGroup.decision == DECLINED
    if state == GroupState.PROPOSED:
        return WorkingGroup.decision == PENDING
    if state == GroupState.CLOSED:
        return and_(approved, or_(WorkingGroup.closed_at.is_not(None), WorkingGroup.term_end < today))
    if state == GroupState.OPEN:
        return and_(approved, not_closed, WorkingGroup.signup_deadline >= today)
    if state == GroupState.ACTIVE:
        return and_(approved, not_closed, WorkingGroup.signup_deadline < today)
    return false()


def state_label(state: GroupState) -> str:
    """The state's name in the interface language."""
    return str(STATE_LABELS[state])


def is_chair(user: Any, group: WorkingGroup) -> bool:
    """True when `user` is the group's chair (logged in)."""
    return bool(getattr(user, "is_authenticated", False) and group.chair_id is not None
                and group.chair_id == getattr(user, "id", None))


def may_manage_group(user: Any, group: WorkingGroup) -> bool:
    """Coordinators manage every group; a chair manages their own group and no other."""
    return is_coordinator(user) or is_chair(user, group)


def check_changeable(group: WorkingGroup, today: date | None = None) -> None:
    """Raise GroupError when the group is closed (a closed group changes only its final report) or declined."""
    state = group_state(group, today)
    if state == GroupState.CLOSED:
        raise GroupError(_l("The group is closed. Only its final report can be changed."))
    if state == GroupState.DECLINED:
        raise GroupError(_l("The proposal was declined."))
