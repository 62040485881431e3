"""What the register contributes elsewhere: its part of a person's data, audit labels, its admin area and the
yearly figures of the self-assessment report.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..privacy import personal_data_anonymiser, personal_data_description, personal_data_exporter
from ..registries import admin_entry, audit_labels, yearly_figures
from .figures import register_figures
from .privacy import anonymise_applications, export_applications

personal_data_exporter("membership_applications")(export_applications)
personal_data_anonymiser("membership_applications")(anonymise_applications)
personal_data_description(
    "membership_applications", order=20, title=_l("Membership applications"),
    fields={
        "organisation": _l("The organisation applying"), "contact_name": _l("Contact person's name and e-mail"),
        "contact_email": _l("Contact person's name and e-mail"), "reason": _l("Reason for applying"),
        "status": _l("Decision and its message"), "decision_message": _l("Decision and its message"),
        "created_at": _l("When the application was sent and decided"),
        "decided_at": _l("When the application was sent and decided"),
    },
    purpose=_l("Deciding on an organisation's membership and contacting the applicant about it."),
    legal_basis=_l("Steps taken at the applicant's request before membership (GDPR art. 6(1)(b))."),
    retention=_l("The application stays in the organisation's history; the contact person's details are removed "
                 "when their account is deleted."),
)

audit_labels(
    entities={
        "organisation": _l("Organisation"),
        "application": _l("Membership application"),
    },
    actions={
        "organisation.created": _l("Organisation added"),
        "organisation.imported": _l("Organisation imported"),
        "organisation.updated": _l("Organisation changed"),
        "organisation.left": _l("Organisation marked as left"),
        "organisation.rejoined": _l("Organisation a member again"),
        "organisation.merged": _l("Duplicate organisation merged"),
        "organisation.import": _l("Register imported from a file"),
        "application.approved": _l("Application approved"),
        "application.rejected": _l("Application rejected"),
    },
)

admin_entry(30, "orgs.admin_index", _l("Member register"),
            _l("Organisations, applications, link requests, import and export."))

yearly_figures(10)(register_figures)
