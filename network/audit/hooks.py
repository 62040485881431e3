"""What the audit trail contributes elsewhere: its part of a person's data, and its area of the admin page."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..privacy import personal_data_anonymiser, personal_data_description, personal_data_exporter
from ..registries import admin_entry
from .privacy import anonymise_audit_entries, export_audit_entries

personal_data_exporter("audit_trail")(export_audit_entries)
personal_data_anonymiser("audit_trail")(anonymise_audit_entries)
personal_data_description(
    "audit_trail", order=80, title=_l("Audit trail"),
    fields={key: _l("Changes made by you as a coordinator and changes made to your account: what, when, and the "
                    "values before and after") for key in ("when", "by_me", "action", "entity_type", "entity_id",
                                                           "summary", "before", "after")},
    purpose=_l("Keeping the register reliable: every change made by a coordinator can be traced."),
    legal_basis=_l("The controller's legitimate interest in a traceable register (GDPR art. 6(1)(f))."),
    retention=_l("As long as the register is kept. When your account is deleted, your name is removed from the "
                 "entries."),
)

admin_entry(50, "audit.index", _l("Audit trail"), _l("Who changed what and when."))
