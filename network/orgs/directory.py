"""The public directory: filtering, searching and counting organisations (plain functions, no request)."""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from sqlalchemy import Select, func, select

from ..extensions import db
from .models import Organisation
from .regions import KINDS, REGIONS
from .register import name_key

MEMBERS = "members"
FORMER = "former"
ALL = "all"


@dataclass
class DirectoryFilter:
    query: str = ""
    kind: str = ""
    region: str = ""
    open_government: bool = False
    status: str = MEMBERS  # members | former | all

    def cleaned(self) -> DirectoryFilter:
        return DirectoryFilter(
            query=(self.query or "").strip()[:200],
            kind=self.kind if self.kind in KINDS else "",
            region=self.region if self.region in REGIONS else "",
            open_government=bool(self.open_government),
            status=self.status if self.status in (MEMBERS, FORMER, ALL) else MEMBERS,
        )

    @property
    def active(self) -> bool:
        return bool(self.query or self.kind or self.region or self.open_government or self.status != MEMBERS)


def _conditions(f: DirectoryFilter, skip: str | None = None) -> list:
    conditions = [Organisation.merged_into_id.is_(None)]
    if f.status == MEMBERS:
        conditions.append(Organisation.left_on.is_(None))
    elif f.status == FORMER:
        conditions.append(Organisation.left_on.is_not(None))
    key = name_key(f.query)
    if key:
        # Every word must occur in the stored folded names; the same SQL on SQLite and PostgreSQL.
        conditions += [Organisation.search_name.contains(word, autoescape=True) for word in key.split()]
    if f.kind and skip != "kind":
        conditions.append(Organisation.kind == f.kind)
    if f.region and skip != "region":
        conditions.append(Organisation.region == f.region)
    if f.open_government:
        conditions.append(Organisation.open_government_member.is_(True))
    return conditions


def directory_statement(f: DirectoryFilter) -> Select:
    return select(Organisation).where(*_conditions(f)).order_by(Organisation.search_name, Organisation.id)


def counts_by_kind(f: DirectoryFilter) -> dict[str, int]:
    """Organisations per kind under every filter except the kind itself (one grouped query)."""
    rows = db.session.execute(
        select(Organisation.kind, func.count(Organisation.id)).where(*_conditions(f, skip="kind"))
        .group_by(Organisation.kind)
    )
    return {kind: count for kind, count in rows}


def counts_by_region(f: DirectoryFilter) -> dict[str, int]:
    """Organisations per region under every filter except the region itself (one grouped query)."""
    rows = db.session.execute(
        select(Organisation.region, func.count(Organisation.id)).where(*_conditions(f, skip="region"))
        .group_by(Organisation.region)
    )
    return {region: count for region, count in rows}


def public_people(org: Organisation) -> list:
    """People of the organisation who chose a public profile and whose link a coordinator confirmed."""
    from ..auth.models import User

    return list(
        db.session.scalars(
            select(User)
            .where(
                User.organisation_id == org.id,
                User.public_profile.is_(True),
                User.organisation_link_pending.is_not(True),
            )
            .order_by(User.name)
        )
    )


def _optional_model(module: str, name: str):
    """A model of another domain, or None while that domain has not been built."""
    try:
        return getattr(importlib.import_module(module), name, None)
    except ModuleNotFoundError:
        return None


@dataclass
class Listed:
    """Another domain's object as the organisation page shows it."""

    title: str
    when: object = None
    url: str | None = None
    cancelled: bool = False


def _title(obj) -> str:
    from ..i18n import localized

    for fi, sv in (("title_fi", "title_sv"), ("name_fi", "name_sv")):
        if hasattr(obj, fi):
            return localized(getattr(obj, fi), getattr(obj, sv, None))
    return str(getattr(obj, "title", None) or getattr(obj, "name", None) or "")


def _url(endpoints: tuple[str, ...], **values) -> str | None:
    from flask import current_app, url_for
    from werkzeug.routing import BuildError

    for endpoint in endpoints:
        if endpoint in current_app.view_functions:
            for key, value in values.items():
                try:
                    return url_for(endpoint, **{key: value})
                except BuildError:
                    continue
    return None


def hosted_meetings(org: Organisation) -> list[Listed]:
    """Meetings the organisation has hosted, newest first (empty until the meetings domain exists)."""
    meeting = _optional_model("network.meetings.models", "Meeting")
    if meeting is None or not hasattr(meeting, "host_organisation_id"):
        return []
    order = next(
        (getattr(meeting, name) for name in ("starts_at", "start", "starts_on", "date") if hasattr(meeting, name)),
        meeting.id,
    )
    found = db.session.scalars(select(meeting).where(meeting.host_organisation_id == org.id).order_by(order.desc()))
    return [
        Listed(
            title=_title(m),
            when=getattr(m, "starts_at", None),
            url=_url(("meetings.detail", "meetings.show", "meetings.meeting"), meeting_id=m.id, id=m.id),
            cancelled=getattr(m, "status", None) == "cancelled",
        )
        for m in found
    ]


def working_groups_of(people: list) -> list[Listed]:
    """Working groups the given people are members of (empty until the groups domain exists)."""
    if not people:
        return []
    group = next((m for m in (_optional_model("network.groups.models", n) for n in ("WorkingGroup", "Group"))
                  if m is not None), None)
    membership = next(
        (m for m in (_optional_model("network.groups.models", n) for n in (
            "GroupMembership", "WorkingGroupMembership", "Membership", "GroupMember", "WorkingGroupMember"))
         if m is not None),
        None,
    )
    if group is None or membership is None:
        return []
    if not (hasattr(membership, "user_id") and hasattr(membership, "group_id")):
        return []
    ids = [p.id for p in people]
    found = db.session.scalars(
        select(group).where(group.id.in_(select(membership.group_id).where(membership.user_id.in_(ids))))
        .order_by(group.id.desc())
    )
    return [
        Listed(title=_title(g), url=_url(("groups.detail", "groups.show", "groups.group"), group_id=g.id, id=g.id))
        for g in found
    ]
