"""A person's data in working groups: the export (/me/export.json) and what account deletion removes.

Registered in hooks.py with the shared privacy registry.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from ..extensions import db
from ..timeutil import as_utc
from . import membership
from .models import GroupJoinRequest, GroupMembership, WorkingGroup


def export_groups(user: Any) -> dict[str, Any]:
    """The person's memberships, chairs, proposals and join requests."""
    memberships = db.session.scalars(
        select(GroupMembership).where(GroupMembership.user_id == user.id).order_by(GroupMembership.joined_at)
    )
    requests = db.session.scalars(select(GroupJoinRequest).where(GroupJoinRequest.user_id == user.id))
    proposed = db.session.scalars(select(WorkingGroup).where(WorkingGroup.proposer_id == user.id))
    return {
        "memberships": [
            {"group": m.group.name_fi, "joined_at": as_utc(m.joined_at).isoformat(),
             "chair": m.group.chair_id == user.id}
            for m in memberships
        ],
        "join_requests": [
            {"group": r.group.name_fi, "message": r.message, "status": r.status,
             "asked_at": as_utc(r.created_at).isoformat()}
            for r in requests
        ],
        "proposed_groups": [{"group": g.name_fi, "decision": g.decision} for g in proposed],
    }


def anonymise_groups(user: Any) -> None:
    """End the person's memberships, chairs and join requests; proposals stay without the proposer."""
    membership.remove_person(user)
