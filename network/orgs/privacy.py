"""The person's data held by the register: exported in /me/export.json and removed on account deletion."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from ..audit.trail import _plain
from ..extensions import db
from .models import ImportUpload, MembershipApplication

# The account's own exporter and anonymiser are in network/auth/privacy.py.

# Set by people.delete_account: the account anonymiser may blank the address before this one runs.
ORIGINAL_EMAIL = "_email_before_deletion"


def _applications_of(user) -> list[MembershipApplication]:
    email = (getattr(user, ORIGINAL_EMAIL, None) or user.email or "").lower()
    return list(db.session.scalars(
        select(MembershipApplication).where(MembershipApplication.contact_email == email)
        .order_by(MembershipApplication.id)
    ))


def export_applications(user: Any) -> list:
    """The membership applications the person sent, for their data export."""
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


def anonymise_applications(user: Any) -> None:
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
