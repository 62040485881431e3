"""Readable names for audit actions, entity types and fields; anything no domain labelled is shown by its code.

Each domain registers its labels in its hooks.py (registries.audit_labels); the audit trail only reads them.
"""

from __future__ import annotations

from ..registries import ACTION_LABELS, ENTITY_LABELS, FIELD_LABELS


def entity_label(code: str | None) -> str:
    """The readable name of an entity type code (e.g. "organisation"), or the code itself."""
    return str(ENTITY_LABELS.get(code or "", code or ""))


def action_label(code: str | None) -> str:
    """The readable name of an action code (e.g. "organisation.created"), or the code itself."""
    return str(ACTION_LABELS.get(code or "", code or ""))


def field_label(name: str | None) -> str:
    """The readable name of a changed field, or the field's name itself."""
    return str(FIELD_LABELS.get(name or "", name or ""))
