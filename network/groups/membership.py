"""Joining and leaving a working group, and asking the chair to join after the sign-up deadline.

Plain functions that flush and never commit. Membership changes keep the group's list in step (joining subscribes
the person to it, leaving unsubscribes). The maximum size holds under concurrent joins: the group row is locked
(PostgreSQL: SELECT ... FOR UPDATE), the count is raised by an UPDATE in SQL, and a CHECK constraint refuses a count
above the maximum; the unique (group, person) row refuses a second membership.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import uuid4

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import lazyload

from ..auth.models import User
from ..extensions import db
from ..mailing.subscriptions import sync_list_members
from ..permissions import COORDINATOR
from ..timeutil import utcnow
from . import notify
from .lifecycle import GroupError, GroupState, check_changeable, group_state, may_manage_group
from .models import (
    APPROVED,
    REQUEST_ACCEPTED,
    REQUEST_DECLINED,
    REQUEST_PENDING,
    GroupJoinRequest,
    GroupMembership,
    WorkingGroup,
)
from .proposals import group_list

MAX_MESSAGE = 2000


def lock(group: WorkingGroup) -> None:
    """Serialise membership changes of one group and reload its count (a row lock on PostgreSQL; SQLite locks the
    whole database for a writer).
    """
    db.session.execute(
        select(WorkingGroup).options(lazyload("*")).where(WorkingGroup.id == group.id)
        .with_for_update(of=WorkingGroup).execution_options(populate_existing=True)
    )


def find_membership(group: WorkingGroup, user: Any) -> GroupMembership | None:
    """The membership of `user` in `group`, or None."""
    return db.session.scalar(
        select(GroupMembership).where(GroupMembership.group_id == group.id,
                                      GroupMembership.user_id == getattr(user, "id", None))
    )


def is_full(group: WorkingGroup) -> bool:
    """True when the group has a maximum size and has reached it."""
    return group.max_size is not None and group.member_count >= group.max_size


def join_refusal(group: WorkingGroup, user: Any, today: date | None = None) -> str | None:
    """Why `user` cannot join `group` by themselves now (translated), or None when they can."""
    # Being a member already is the answer that matters to a member, whatever the group's state.
    if user is not None and getattr(user, "id", None) is not None and find_membership(group, user) is not None:
        return str(_l("You are already a member of this group."))
    state = group_state(group, today)
    if state == GroupState.CLOSED:
        return str(_l("The group is closed."))
    if state in (GroupState.PROPOSED, GroupState.DECLINED):
        return str(_l("The group is not open for sign-up."))
    if state == GroupState.ACTIVE:
        return str(_l("Sign-up closed on the deadline. You can ask the chair to let you join."))
    if is_full(group):
        return str(_l("The group is full."))
    return None


def group_members(group: WorkingGroup) -> list[Any]:
    """The group's members (accounts)."""
    return list(db.session.scalars(
        select(User).join(GroupMembership, GroupMembership.user_id == User.id)
        .where(GroupMembership.group_id == group.id)
    ))


def sync_list(group: WorkingGroup) -> None:
    """Make the group's list members exactly the group's members."""
    sync_list_members(group_list(group), group_members(group))


def _add_member(group: WorkingGroup, user: Any) -> GroupMembership:
    """Insert the membership and raise the count in one savepoint; the database has the last word on size and
    duplicates.
    """
    try:
        with db.session.begin_nested():
            membership = GroupMembership(group_id=group.id, user_id=user.id, joined_at=utcnow())
            db.session.add(membership)
            db.session.flush()
            db.session.execute(
                update(WorkingGroup).where(WorkingGroup.id == group.id)
                .values(member_count=WorkingGroup.member_count + 1)
                .execution_options(synchronize_session=False)
            )
    except IntegrityError as error:
        if find_membership(group, user) is not None:
            raise GroupError(_l("You are already a member of this group.")) from error
        raise GroupError(_l("The group is full.")) from error
    db.session.refresh(group)
    sync_list(group)
    return membership


def join(group: WorkingGroup, user: Any, today: date | None = None) -> GroupMembership:
    """`user` joins `group` while sign-up is open. Returns the membership (flushed).

    Raises GroupError when the group is not open (proposed, declined, active past its deadline, closed), the person
    is already a member (also when two joins arrive at the same instant) or the group is full.
    """
    refusal = join_refusal(group, user, today)
    if refusal:
        raise GroupError(refusal)
    lock(group)
    refusal = join_refusal(group, user, today)
    if refusal:
        raise GroupError(refusal)
    return _add_member(group, user)


def leave(group: WorkingGroup, user: Any) -> None:
    """`user` leaves `group` (at any time while it is not closed); a chair who leaves is no longer the chair.

    Raises GroupError when the person is not a member or the group is closed.
    """
    check_changeable(group)
    lock(group)
    membership = find_membership(group, user)
    if membership is None:
        raise GroupError(_l("You are not a member of this group."))
    db.session.delete(membership)
    db.session.flush()
    db.session.execute(
        update(WorkingGroup).where(WorkingGroup.id == group.id)
        .values(member_count=WorkingGroup.member_count - 1)
        .execution_options(synchronize_session=False)
    )
    if group.chair_id == user.id:
        group.chair_id = None
        group.chair = None
    db.session.flush()
    db.session.refresh(group)
    sync_list(group)


def pending_request(group: WorkingGroup, user: Any) -> GroupJoinRequest | None:
    """The person's join request to the group, if any (pending or decided)."""
    if getattr(user, "id", None) is None:
        return None
    return db.session.scalar(
        select(GroupJoinRequest).where(GroupJoinRequest.group_id == group.id, GroupJoinRequest.user_id == user.id)
    )


def ask_to_join(group: WorkingGroup, user: Any, message: str | None = None) -> GroupJoinRequest:
    """After the sign-up deadline, ask the chair to join; the chair (or, without one, the coordinators) is told.

    Raises GroupError when sign-up is still open, the group is not active, the person is a member or has asked
    already, or the message is too long.
    """
    state = group_state(group)
    if state == GroupState.OPEN:
        raise GroupError(_l("Sign-up is open: you can join directly."))
    if state != GroupState.ACTIVE:
        raise GroupError(_l("The group is closed.") if state == GroupState.CLOSED else
                         _l("The group is not open for sign-up."))
    if find_membership(group, user) is not None:
        raise GroupError(_l("You are already a member of this group."))
    message = (message or "").replace("\r\n", "\n").strip()
    if len(message) > MAX_MESSAGE:
        raise GroupError(_l("This is too long (at most %(max)d characters).", max=MAX_MESSAGE), "message")
    request = pending_request(group, user)
    if request is not None and request.is_pending:
        raise GroupError(_l("You have already asked to join. The chair will answer you by e-mail."))
    if request is None:
        request = GroupJoinRequest(group_id=group.id, user_id=user.id)
        db.session.add(request)
    request.group = group
    request.user = user
    request.message = message or None
    request.status = REQUEST_PENDING
    request.created_at = utcnow()
    request.decided_at = None
    db.session.flush()
    for reader in _chair_or_coordinators(group):
        notify.send(reader.email, "join_request", notify.language_of(reader),
                    key=f"group-{group.id}-request-{request.id}-{uuid4().hex}",
                    group=group, person=user.name, organisation=_organisation_name(user), message=message)
    return request


def _organisation_name(user: Any) -> str:
    organisation = getattr(user, "organisation", None)
    return organisation.name_fi if organisation is not None else ""


def _chair_or_coordinators(group: WorkingGroup) -> list[Any]:
    if group.chair is not None:
        return [group.chair]
    return list(db.session.scalars(select(User).where(User.role == COORDINATOR).order_by(User.id)))


def decide_request(request: GroupJoinRequest, actor: Any, accept: bool) -> None:
    """The chair (or a coordinator) accepts or declines a join request; the person is told in their language.

    Raises GroupError when the request was answered already, the actor does not manage the group, the group is
    closed, or (accepting) the group is full.
    """
    group = request.group
    if not may_manage_group(actor, group):
        raise GroupError(_l("Only the group's chair or a coordinator can answer."))
    if not request.is_pending:
        raise GroupError(_l("This request has already been answered."))
    check_changeable(group)
    if accept:
        lock(group)
        if find_membership(group, request.user) is None:
            if is_full(group):
                raise GroupError(_l("The group is full."))
            _add_member(group, request.user)
    request.status = REQUEST_ACCEPTED if accept else REQUEST_DECLINED
    request.decided_at = utcnow()
    db.session.flush()
    notify.send(request.user.email, "request_accepted" if accept else "request_declined",
                notify.language_of(request.user), key=f"group-{group.id}-request-{request.id}-{request.status}-{uuid4().hex}",
                group=group, person=request.user.name)


def pending_requests(group: WorkingGroup) -> list[GroupJoinRequest]:
    """The group's unanswered join requests, oldest first."""
    return list(db.session.scalars(
        select(GroupJoinRequest).where(GroupJoinRequest.group_id == group.id,
                                       GroupJoinRequest.status == REQUEST_PENDING)
        .order_by(GroupJoinRequest.created_at)
    ))


def member_total(group: WorkingGroup) -> int:
    """The number of membership rows (equals `group.member_count`; used by tests and checks)."""
    return db.session.scalar(
        select(func.count(GroupMembership.id)).where(GroupMembership.group_id == group.id)
    ) or 0



def remove_person(user: Any) -> int:
    """Before an account is deleted: end the person's memberships (also of closed groups, keeping each group's
    count right), their chairs and join requests. Returns how many memberships were ended.
    """
    ended = 0
    for item in list(db.session.scalars(select(GroupMembership).where(GroupMembership.user_id == user.id))):
        group = item.group
        lock(group)
        db.session.delete(item)
        db.session.flush()
        db.session.execute(
            update(WorkingGroup).where(WorkingGroup.id == group.id)
            .values(member_count=WorkingGroup.member_count - 1)
            .execution_options(synchronize_session=False)
        )
        db.session.refresh(group)
        if group.decision == APPROVED:
            sync_list(group)
        ended += 1
    for group in db.session.scalars(select(WorkingGroup).where(WorkingGroup.chair_id == user.id)):
        group.chair_id = None
        group.chair = None
        if group.decision == APPROVED:
            group_list(group)
    for join_request in db.session.scalars(select(GroupJoinRequest).where(GroupJoinRequest.user_id == user.id)):
        db.session.delete(join_request)
    db.session.execute(update(WorkingGroup).where(WorkingGroup.proposer_id == user.id).values(proposer_id=None)
                       .execution_options(synchronize_session=False))
    db.session.execute(update(WorkingGroup).where(WorkingGroup.decided_by_id == user.id).values(decided_by_id=None)
                       .execution_options(synchronize_session=False))
    db.session.flush()
    return ended
