"""Recording changes. Domains call record_change() in the same transaction as the change itself."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ..extensions import db
from .models import AuditEntry


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def snapshot(obj: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    """The named attributes of a model as JSON-ready values, for `before`/`after`."""
    return {name: _plain(getattr(obj, name)) for name in fields}


def record_change(
    actor: Any,
    action: str,
    entity_type: str,
    entity_id: int | None,
    *,
    before: dict | None = None,
    after: dict | None = None,
    summary: str | None = None,
) -> AuditEntry:
    """Add an audit entry (the caller commits). Only fields that changed are kept when both sides are given."""
    if before is not None and after is not None:
        changed = {k for k in set(before) | set(after) if before.get(k) != after.get(k)}
        before = {k: v for k, v in before.items() if k in changed}
        after = {k: v for k, v in after.items() if k in changed}
    entry = AuditEntry(
        actor_id=getattr(actor, "id", None),
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        before=_plain(before),
        after=_plain(after),
        summary=summary,
    )
    db.session.add(entry)
    return entry
