"""The public directory: filtering, searching and counting organisations (plain functions, no request)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, func, or_, select

from ..extensions import db
from .models import Organisation
from .municipalities import municipalities_matching
from .regions import KINDS, REGIONS
from .register import name_key

MEMBERS = "members"
FORMER = "former"
ALL = "all"


@dataclass
class DirectoryFilter:
    """The public directory's search and filters."""

    query: str = ""
    kind: str = ""
    region: str = ""
    open_government: bool = False
    status: str = MEMBERS  # members | former | all

    def cleaned(self) -> DirectoryFilter:
        """A copy with unknown kinds, regions and statuses dropped and the query trimmed."""
        return DirectoryFilter(
            query=(self.query or "").strip()[:200],
            kind=self.kind if self.kind in KINDS else "",
            region=self.region if self.region in REGIONS else "",
            open_government=bool(self.open_government),
            status=self.status if self.status in (MEMBERS, FORMER, ALL) else MEMBERS,
        )

    @property
    def active(self) -> bool:
        """True when any filter differs from the default listing."""
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
        # A word may also name the organisation's municipality, in Finnish or Swedish ("Mariehamn").
        conditions += [or_(Organisation.search_name.contains(word, autoescape=True),
                           Organisation.municipality.in_(municipalities_matching(word)))
                       for word in key.split()]
    if f.kind and skip != "kind":
        conditions.append(Organisation.kind == f.kind)
    if f.region and skip != "region":
        conditions.append(Organisation.region == f.region)
    if f.open_government:
        conditions.append(Organisation.open_government_member.is_(True))
    return conditions


def directory_statement(f: DirectoryFilter) -> Select:
    """The SELECT of organisations matching `f`, by name (merged duplicates never listed)."""
    return select(Organisation).where(*_conditions(f)).order_by(Organisation.sort_column(), Organisation.id)


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


@dataclass
class Listed:
    """Another domain's object as a section of the organisation page shows it (a meeting the organisation
    hosted, a group it takes part in, ...): a title, optionally a time, a link and whether it was cancelled.
    """

    title: str
    when: object = None
    url: str | None = None
    cancelled: bool = False
