"""The audit trail and personal data: a person sees the changes they made; deleting the account keeps the facts."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select, update

from ..extensions import db
from .models import AuditEntry
from .trail import _plain

# Entity types whose audit entries are about a person (their before/after values are personal data).
PERSON_ENTITIES = ("user",)


def export_audit_entries(user: Any) -> list:
    """Changes the person made as a coordinator, and changes made to their own account."""
    entries = db.session.scalars(
        select(AuditEntry)
        .where(or_(AuditEntry.actor_id == user.id,
                   (AuditEntry.entity_type.in_(PERSON_ENTITIES)) & (AuditEntry.entity_id == user.id)))
        .order_by(AuditEntry.created_at, AuditEntry.id)
    )
    return [
        _plain({
            "when": e.created_at,
            "by_me": e.actor_id == user.id,
            "action": e.action,
            "entity_type": e.entity_type,
            "entity_id": e.entity_id,
            "summary": e.summary,
            "before": e.before,
            "after": e.after,
        })
        for e in entries
    ]


def anonymise_audit_entries(user: Any) -> None:
    """Entries keep what was done and when; the person is removed as the actor and from entries about them."""
    db.session.execute(update(AuditEntry).where(AuditEntry.actor_id == user.id).values(actor_id=None))
    db.session.execute(
        update(AuditEntry)
        .where(AuditEntry.entity_type.in_(PERSON_ENTITIES), AuditEntry.entity_id == user.id)
        .values(before=None, after=None, summary=None)
    )
