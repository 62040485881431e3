"""Recording changes. Domains call record_change() in the same transaction as the change itself."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any

from ..extensions import db
from .models import AuditEntry

# An ISO date and time as isoformat() writes it, with or without a zone ("Z" or "+hh:mm").
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$",
                           re.ASCII)  # \d: ASCII digits only


def _utc_iso(value: datetime) -> str:
    """One spelling per instant: UTC, no zone suffix (naive values are taken as UTC, as the database stores them)."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.isoformat()


def _plain(value: Any) -> Any:
    """A value as JSON-ready and normalised: datetimes in UTC spelt one way, text with LF line ends and no
    surrounding white space, so equal values compare equal.
    """
    if isinstance(value, datetime):
        return _utc_iso(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        text = value.replace("\r\n", "\n").replace("\r", "\n").strip()
        if _ISO_DATETIME.match(text):
            try:
                return _utc_iso(datetime.fromisoformat(text.replace("Z", "+00:00")))
            except ValueError:
                return text
        return text or None
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
    """Add an audit entry (the caller commits) and return it.

    Values are normalised first (datetimes in UTC whatever their zone notation, text with its line ends and
    surrounding white space evened out); when both sides are given only the fields whose normalised values differ
    are kept. Raises nothing.
    """
    before = _plain(before)
    after = _plain(after)
    if before is not None and after is not None:
        changed = {k for k in set(before) | set(after) if before.get(k) != after.get(k)}
        before = {k: v for k, v in before.items() if k in changed}
        after = {k: v for k, v in after.items() if k in changed}
    entry = AuditEntry(
        actor_id=getattr(actor, "id", None),
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        before=before,
        after=after,
        summary=summary,
    )
    db.session.add(entry)
    return entry
