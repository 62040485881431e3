"""Readable names for audit actions, entity types and fields; anything no domain labelled is shown by its code.

Each domain registers its labels in its hooks.py (registries.audit_labels); the audit trail only reads them.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from flask_babel import gettext as _

from ..i18n import format_day, format_when
from ..registries import ACTION_LABELS, ENTITY_LABELS, FIELD_LABELS, VALUE_LABELS

# Stored times are UTC in ISO form (older entries may carry "+00:00"); dates are ISO dates.
_STORED_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:\d{2})?$", re.ASCII)
_STORED_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)  # re.ASCII: \d is 0-9, not any Unicode digit


def entity_label(code: str | None) -> str:
    """The readable name of an entity type code (e.g. "organisation"), or the code itself."""
    return str(ENTITY_LABELS.get(code or "", code or ""))


def action_label(code: str | None) -> str:
    """The readable name of an action code (e.g. "organisation.created"), or the code itself."""
    return str(ACTION_LABELS.get(code or "", code or ""))


def field_label(name: str | None, entity_type: str | None = None) -> str:
    """The readable name of a changed field ("<entity type>.<field>" first, then the field alone), or the name."""
    name = name or ""
    return str(FIELD_LABELS.get(f"{entity_type}.{name}") or FIELD_LABELS.get(name, name))


def display_value(value: object, entity_type: str | None = None, field: str | None = None) -> object:
    """Take a stored audit value (and the entity type and field it belongs to); return it as a page shows it.

    A code value the field's domain labelled reads as its label ("municipality" -> "Kunta"), yes/no as words, a time
    in Helsinki time in the reader's format (no "+00:00"), a date in the reader's format, anything else unchanged.
    Raises nothing.
    """
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    labels = VALUE_LABELS.get((entity_type or "", field or ""))
    if labels is not None and isinstance(value, str | int):
        label = labels(value) if callable(labels) else labels.get(value)
        if label:
            return str(label)
    if isinstance(value, str) and _STORED_DATETIME.match(value):
        try:
            return format_when(datetime.fromisoformat(value))
        except ValueError:
            return value
    if isinstance(value, str) and _STORED_DATE.match(value):
        try:
            return format_day(date.fromisoformat(value))
        except ValueError:
            return value
    return value
