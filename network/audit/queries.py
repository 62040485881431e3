"""Reading the audit trail: filters and the choices they offer (plain functions)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Select, column, select, table

from ..collation import collated
from ..extensions import db
from ..text import is_ascii_digits
from ..timeutil import helsinki_to_utc
from .models import AuditEntry

NO_ACTOR = "none"

# The accounts live in a higher layer (auth): the actors' names are read from its table by name.
_users = table("users", column("id"), column("name"))


@dataclass
class AuditFilter:
    """What the audit page is filtered by; empty values filter nothing."""

    entity_type: str = ""
    entity_id: int | None = None
    action: str = ""
    actor: str = ""  # a user id, NO_ACTOR (deleted accounts and the system) or "" for everyone
    date_from: date | None = None
    date_to: date | None = None


def audit_statement(f: AuditFilter) -> Select:
    """The SELECT of audit entries matching `f`, newest first (Helsinki days for the date range).

    Takes an AuditFilter; returns a statement for paginate(); raises nothing.
    """
    statement = select(AuditEntry).order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
    if f.entity_type:
        statement = statement.where(AuditEntry.entity_type == f.entity_type)
    if f.entity_id is not None:
        statement = statement.where(AuditEntry.entity_id == f.entity_id)
    if f.action:
        statement = statement.where(AuditEntry.action == f.action)
    if f.actor == NO_ACTOR:
        statement = statement.where(AuditEntry.actor_id.is_(None))
    elif is_ascii_digits(f.actor) and len(f.actor) <= 18:  # "²" is a digit too; int() refuses it
        statement = statement.where(AuditEntry.actor_id == int(f.actor))
    # Days are Helsinki days; stored times are UTC.
    if f.date_from:
        statement = statement.where(AuditEntry.created_at >= helsinki_to_utc(datetime.combine(f.date_from, time())))
    if f.date_to:
        end = helsinki_to_utc(datetime.combine(f.date_to + timedelta(days=1), time()))
        statement = statement.where(AuditEntry.created_at < end)
    return statement


def entity_types() -> list[str]:
    """Every entity type that has audit entries, alphabetically."""
    return list(db.session.scalars(select(AuditEntry.entity_type).distinct().order_by(AuditEntry.entity_type)))


def actions() -> list[str]:
    """Every action code that has audit entries, alphabetically."""
    return list(db.session.scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action)))


def actors() -> list[tuple[int, str]]:
    """People who have made recorded changes: (id, name), by name in the reader's alphabetical order."""
    rows = db.session.execute(
        select(_users.c.id, _users.c.name).where(_users.c.id.in_(select(AuditEntry.actor_id).distinct()))
        .order_by(_users.c.id)
    )
    return collated(((user_id, name) for user_id, name in rows), key=lambda row: row[1])


def changed_fields(entry: AuditEntry) -> list[tuple[str, object, object]]:
    """(field, before, after) for display, in a stable order."""
    before = entry.before or {}
    after = entry.after or {}
    names = sorted(set(before) | set(after))
    return [(name, before.get(name), after.get(name)) for name in names]
