"""The person's data held by the register: exported in /me/export.json and removed on account deletion."""

from __future__ import annotations

from sqlalchemy import select

from ..audit.trail import _plain
from ..extensions import db
from ..privacy import personal_data_anonymiser, personal_data_exporter
from .models import ImportUpload, MembershipApplication


@personal_data_exporter("account")
def export_account(user) -> dict:
    org = user.organisation
    return _plain({
        "name": user.name,
        "email": user.email,
        "title": user.title,
        "role": user.role,
        "language": user.language,
        "public_profile": user.public_profile,
        "organisation": {"id": org.id, "name_fi": org.name_fi, "name_sv": org.name_sv} if org else None,
        "organisation_link_pending": user.organisation_link_pending,
        "organisation_requested_name": user.organisation_requested_name,
        "email_confirmed_at": user.email_confirmed_at,
        "last_login_at": user.last_login_at,
        "created_at": user.created_at,
    })


def _applications_of(user) -> list[MembershipApplication]:
    return list(db.session.scalars(
        select(MembershipApplication).where(MembershipApplication.contact_email == user.email.lower())
        .order_by(MembershipApplication.id)
    ))


@personal_data_exporter("membership_applications")
def export_applications(user) -> list:
    return [
        _plain({
            "organisation": a.name_fi,
            "contact_name": a.contact_name,
            "contact_email": a.contact_email,
            "reason": a.reason,
            "status": a.status,
            "decision_message": a.decision_message,
            "created_at": a.created_at,
            "decided_at": a.decided_at,
        })
        for a in _applications_of(user)
    ]


@personal_data_anonymiser("membership_applications")
def anonymise_applications(user) -> None:
    """The application stays (the organisation's history); the contact person's details go."""
    for application in _applications_of(user):
        application.contact_name = None
        application.contact_email = None
    for application in db.session.scalars(
        select(MembershipApplication).where(MembershipApplication.decided_by_id == user.id)
    ):
        application.decided_by_id = None
    for upload in db.session.scalars(select(ImportUpload).where(ImportUpload.uploaded_by_id == user.id)):
        db.session.delete(upload)
