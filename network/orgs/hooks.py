"""What the register contributes elsewhere: its part of a person's data, audit labels, its admin area and the
yearly figures of the self-assessment report.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..i18n import current_language
from ..privacy import personal_data_anonymiser, personal_data_description, personal_data_exporter
from ..registries import admin_entry, audit_labels, yearly_figures
from .figures import register_figures
from .importing import CREATE, REJECTED, UNCHANGED, UPDATE
from .models import ApplicationStatus
from .privacy import anonymise_applications, export_applications
from .regions import KINDS, region_name
from .register import organisation_name

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
    # The register form's own labels (and translations).
    fields={
        "name_fi": _l("Name in Finnish"),
        "name_sv": _l("Name in Swedish"),
        "kind": _l("Kind"),
        "region": _l("Region"),
        "municipality": _l("Municipality"),
        "business_id": _l("Business ID (Y-tunnus)"),
        "website": _l("Website"),
        "description": _l("Description"),
        "open_government_member": _l("Member of the Open Government municipal network"),
        "joined_on": _l("Joined the network on"),
        "left_on": _l("Left the network on"),
        "merged_into_id": _l("Merged into"),
        "status": _l("Status"),
        "decision_message": _l("Message to the applicant"),
        "organisation_id": _l("Organisation"),
        # The counts of an import, by what happened to each row.
        f"organisation.{CREATE}": _l("New organisations"),
        f"organisation.{UPDATE}": _l("Updated organisations"),
        f"organisation.{UNCHANGED}": _l("Unchanged rows"),
        f"organisation.{REJECTED}": _l("Rejected rows"),
    },
    values={
        entity: {
            "kind": KINDS,
            "region": lambda code: region_name(code, current_language()),
            "merged_into_id": organisation_name,
            "organisation_id": organisation_name,
            "status": {
                ApplicationStatus.PENDING.value: _l("Waiting for a decision"),
                ApplicationStatus.APPROVED.value: _l("Approved"),
                ApplicationStatus.REJECTED.value: _l("Rejected"),
            },
        }
        for entity in ("organisation", "application")
    },
)

admin_entry(30, "orgs.admin_index", _l("Member register"),
            _l("Organisations, applications, link requests, import and export."))

yearly_figures(10)(register_figures)
