"""The account's own personal data in the member's data export, and its removal when the account is deleted."""

from __future__ import annotations

from typing import Any

from .sessions import end_sessions


def export_account(user: Any) -> dict[str, Any]:
    """The account's own fields for the person's data export."""
    organisation = user.organisation
    return {
        "name": user.name,
        "email": user.email,
        "title": user.title,
        "language": user.language,
        "role": user.role,
        "public_profile": user.public_profile,
        "organisation": organisation.name_fi if organisation else None,
        "organisation_requested_name": user.organisation_requested_name,
        "email_confirmed_at": user.email_confirmed_at.isoformat() if user.email_confirmed_at else None,
        "last_login_at": user.last_login_at.isoformat() if user.last_login_at else None,
        "created_at": user.created_at.isoformat() if user.created_at else None,
    }


def anonymise_account(user: Any) -> None:
    """Blank what identifies the person, in case the row outlives the deletion (e.g. kept for references)."""
    user.name = "–"
    user.title = None
    user.public_profile = False
    user.organisation_requested_name = None
    user.email = f"deleted-{user.id}@invalid.example"
    end_sessions(user)
