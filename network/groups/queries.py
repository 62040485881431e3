"""Read-only queries of working groups: the public lists, a group's organisations and meetings, a person's groups,
an organisation's groups, the coordinator's overview and the yearly figures.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Select, and_, extract, func, or_, select

from ..auth.models import User
from ..auth.people import confirmed_organisation
from ..extensions import db
from ..meetings.models import Meeting
from ..meetings.queries import GroupScope, meetings_for_feed
from ..orgs.models import Organisation
from ..timeutil import helsinki_today, helsinki_year_bounds
from .lifecycle import GroupState, group_state, state_condition
from .models import APPROVED, GroupMembership, WorkingGroup


def groups_in_state(state: GroupState, today: date | None = None, limit: int | None = None) -> list[WorkingGroup]:
    """Groups in `state` today, in a stable order (open ones by deadline, others by term end, newest first); at
    most `limit` of them (all when None), limited in SQL.
    """
    statement = select(WorkingGroup).where(state_condition(state, today))
    if state == GroupState.OPEN:
        statement = statement.order_by(WorkingGroup.signup_deadline, WorkingGroup.id)
    elif state == GroupState.ACTIVE:
        statement = statement.order_by(WorkingGroup.term_end, WorkingGroup.id)
    else:
        statement = statement.order_by(WorkingGroup.term_end.desc(), WorkingGroup.id.desc())
    if limit is not None:
        statement = statement.limit(limit)
    return list(db.session.scalars(statement).unique())


def closed_years(today: date | None = None) -> list[int]:
    """Years (of the term end) that have closed groups, newest first."""
    years = db.session.scalars(
        select(extract("year", WorkingGroup.term_end)).where(state_condition(GroupState.CLOSED, today)).distinct()
    )
    return sorted({int(y) for y in years}, reverse=True)


def closed_in_year(year: int, today: date | None = None) -> list[WorkingGroup]:
    """Closed groups whose term ended in `year`."""
    return list(db.session.scalars(
        select(WorkingGroup)
        .where(state_condition(GroupState.CLOSED, today), WorkingGroup.term_end >= date(year, 1, 1),
               WorkingGroup.term_end <= date(year, 12, 31))
        .order_by(WorkingGroup.term_end.desc(), WorkingGroup.id.desc())
    ).unique())


def members_statement(group: WorkingGroup) -> Select:
    """(membership, user) rows of the group, by name in the reader's alphabetical order (the stored ICU key)."""
    return (
        select(GroupMembership, User)
        .join(User, User.id == GroupMembership.user_id)
        .where(GroupMembership.group_id == group.id)
        .order_by(User.sort_column(), User.id)
    )


def members(group: WorkingGroup) -> list[tuple[GroupMembership, User]]:
    """The group's members with their accounts, by name in the reader's alphabetical order."""
    return list(db.session.execute(members_statement(group)).unique())


@dataclass
class Participation:
    """The organisations taking part in a group: how many, and how many people by kind and by region."""

    organisations: int = 0
    without_organisation: int = 0
    by_kind: list[tuple[str, int]] = field(default_factory=list)
    by_region: list[tuple[str, int]] = field(default_factory=list)


def participation(group_ids: list[int]) -> dict[int, Participation]:
    """Per group: distinct organisations of its members, counted by organisation kind and by region."""
    result = {group_id: Participation() for group_id in group_ids}
    if not group_ids:
        return result
    rows = db.session.execute(
        select(GroupMembership.group_id, Organisation.id, Organisation.kind, Organisation.region)
        .join(User, User.id == GroupMembership.user_id)
        .outerjoin(Organisation, confirmed_organisation())
        .where(GroupMembership.group_id.in_(group_ids))
    ).all()
    seen: dict[int, set[int]] = {group_id: set() for group_id in group_ids}
    kinds: dict[int, Counter] = {group_id: Counter() for group_id in group_ids}
    regions: dict[int, Counter] = {group_id: Counter() for group_id in group_ids}
    for group_id, org_id, kind, region in rows:
        if org_id is None:
            result[group_id].without_organisation += 1
            continue
        if org_id in seen[group_id]:
            continue
        seen[group_id].add(org_id)
        kinds[group_id][kind] += 1
        regions[group_id][region] += 1
    for group_id in group_ids:
        result[group_id].organisations = len(seen[group_id])
        result[group_id].by_kind = sorted(kinds[group_id].items(), key=lambda item: (-item[1], item[0]))
        result[group_id].by_region = sorted(regions[group_id].items(), key=lambda item: (-item[1], item[0]))
    return result


def group_meetings(group: WorkingGroup) -> list[Meeting]:
    """The group's meetings (the meetings domain's group scope), in time order."""
    return meetings_for_feed(GroupScope(group.id))


def groups_of_user(user: Any) -> list[WorkingGroup]:
    """The groups `user` is a member of, current ones first."""
    if getattr(user, "id", None) is None:
        return []
    groups = list(db.session.scalars(
        select(WorkingGroup).join(GroupMembership, GroupMembership.group_id == WorkingGroup.id)
        .where(GroupMembership.user_id == user.id)
        .order_by(WorkingGroup.term_end.desc(), WorkingGroup.id)
    ).unique())
    today = helsinki_today()
    return sorted(groups, key=lambda g: group_state(g, today) == GroupState.CLOSED)


def meetings_of_user_groups(user: Any) -> list[Meeting]:
    """Meetings of the groups `user` is a member of (for the person's calendar feed)."""
    if getattr(user, "id", None) is None:
        return []
    return list(db.session.scalars(
        select(Meeting).join(GroupMembership, GroupMembership.group_id == Meeting.group_id)
        .where(GroupMembership.user_id == user.id, Meeting.published_at.is_not(None))
        .order_by(Meeting.starts_at, Meeting.id)
    ).unique())


def groups_of_organisation(organisation: Organisation) -> list[tuple[WorkingGroup, int]]:
    """Approved groups with members from `organisation`, and how many of its people are in each."""
    rows = db.session.execute(
        select(WorkingGroup, func.count(GroupMembership.id))
        .join(GroupMembership, GroupMembership.group_id == WorkingGroup.id)
        .join(User, User.id == GroupMembership.user_id)
        .where(User.organisation_id == organisation.id, User.organisation_link_pending.is_(False),
               WorkingGroup.decision == APPROVED)
        .group_by(WorkingGroup.id)
        .order_by(WorkingGroup.term_end.desc(), WorkingGroup.id)
    ).unique().all()
    return [(group, count) for group, count in rows]


def all_groups() -> list[WorkingGroup]:
    """Every group for the coordinator's overview: proposals first, then by term end."""
    groups = list(db.session.scalars(
        select(WorkingGroup).order_by(WorkingGroup.term_end.desc(), WorkingGroup.id.desc())
    ).unique())
    order = {GroupState.PROPOSED: 0, GroupState.OPEN: 1, GroupState.ACTIVE: 2, GroupState.CLOSED: 3,
             GroupState.DECLINED: 4}
    today = helsinki_today()
    return sorted(groups, key=lambda g: order[group_state(g, today)])


def active_in_year_condition(year: int) -> Any:
    """Approved groups active at some time in the Finnish calendar year `year`: approved before the year ended and
    with a term ending in it or later.
    """
    _start, year_end_utc = helsinki_year_bounds(year)
    return and_(
        WorkingGroup.decision == APPROVED,
        WorkingGroup.term_end >= date(year, 1, 1),
        or_(WorkingGroup.decided_at.is_(None), WorkingGroup.decided_at < year_end_utc),
    )


def figures_for_year(year: int) -> tuple[int, int]:
    """(groups active in `year`, their distinct members), computed in SQL for the Helsinki calendar year.

    A member counts for a year when they had joined by its end and are still in the group (a group keeps its
    members when it closes; leaving deletes the membership, so someone who left is no longer counted anywhere).
    """
    condition = active_in_year_condition(year)
    _start, year_end_utc = helsinki_year_bounds(year)
    groups = db.session.scalar(select(func.count(WorkingGroup.id)).where(condition)) or 0
    people = db.session.scalar(
        select(func.count(func.distinct(GroupMembership.user_id)))
        .join(WorkingGroup, WorkingGroup.id == GroupMembership.group_id)
        .where(condition, GroupMembership.joined_at < year_end_utc)
    ) or 0
    return groups, people
