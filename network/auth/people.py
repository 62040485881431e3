"""A member's own data: the full export and deleting the account (plain functions; the caller commits)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, and_
from werkzeug.security import check_password_hash

from ..audit.trail import record_change
from ..extensions import db
from ..orgs.models import Organisation
from ..orgs.privacy import ORIGINAL_EMAIL
from ..permissions import COORDINATOR
from ..privacy import anonymise_personal_data, export_personal_data
from ..timeutil import utcnow
from .accounts import AccountError, coordinator_count
from .models import User


def person_name(user_id: object) -> str | None:
    """Take an account's id; return the person's name (None for an unknown id). Raises nothing."""
    if not isinstance(user_id, int) or isinstance(user_id, bool):
        return None
    user = db.session.get(User, user_id)
    return user.name if user is not None else None


def personal_data(user: User) -> dict[str, Any]:
    """Everything the platform holds on `user`, by section (each domain's registered exporter); JSON-ready.

    Returns a dict with the export's time and format and one key per section; raises nothing.
    """
    return {
        "exported_at": utcnow().isoformat(),
        "format": "kuntademokratiaverkosto-personal-data/1",
        **export_personal_data(user),
    }


def delete_account(user: User, password: str) -> None:
    """Anonymise the person's data in every domain, then delete the account; the audit trail keeps the fact.

    Takes the account and the password typed to confirm. Flushes, never commits. Raises AccountError (field
    "password") for a wrong password, or when the account is the last coordinator's.
    """
    if not check_password_hash(user.password_hash, password or ""):
        raise AccountError(errors={"password": str(_l("The password is not correct."))})
    if user.role == COORDINATOR and coordinator_count() <= 1:
        raise AccountError(errors={"password": str(_l(
            "You are the last coordinator. Make someone else a coordinator before deleting your account."))})
    user_id = user.id
    setattr(user, ORIGINAL_EMAIL, user.email)
    anonymise_personal_data(user)
    db.session.flush()
    db.session.delete(user)
    db.session.flush()
    record_change(None, "account.deleted", "user", user_id, summary=None)


def confirmed_organisation() -> ColumnElement[bool]:
    """The join condition from User to the Organisation the person belongs to, once a coordinator confirmed the
    link: a request still waiting counts as no organisation in figures and public counts (it may be mistaken).
    """
    return and_(Organisation.id == User.organisation_id, User.organisation_link_pending.is_(False))
