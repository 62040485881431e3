"""What the audit trail contributes elsewhere: its part of a person's data, and its area of the admin page."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..privacy import personal_data_anonymiser, personal_data_exporter
from ..registries import admin_entry
from .privacy import anonymise_audit_entries, export_audit_entries

personal_data_exporter("audit_trail")(export_audit_entries)
personal_data_anonymiser("audit_trail")(anonymise_audit_entries)

admin_entry(50, "audit.index", _l("Audit trail"), _l("Who changed what and when."))
