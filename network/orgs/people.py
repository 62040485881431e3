"""A member's own data: the full export and deleting the account (plain functions; caller commits)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from werkzeug.security import check_password_hash

from ..audit import privacy as _audit_privacy  # noqa: F401  (registers the audit trail's personal-data hooks)
from ..audit.trail import record_change
from ..extensions import db
from ..permissions import COORDINATOR
from ..privacy import anonymise_personal_data, export_personal_data
from ..timeutil import utcnow
from . import privacy as _orgs_privacy  # noqa: F401  (registers the register's personal-data hooks)
from .register import RegisterError


def personal_data(user) -> dict:
    """Everything the platform holds on the person, by section; JSON-ready."""
    return {
        "exported_at": utcnow().isoformat(),
        "format": "kuntademokratiaverkosto-personal-data/1",
        **export_personal_data(user),
    }


def delete_account(user, password: str) -> None:
    """Anonymise the person's data in every domain, then delete the account; the audit keeps the fact."""
    if not check_password_hash(user.password_hash, password or ""):
        raise RegisterError({"password": str(_l("The password is not correct."))})
    if user.role == COORDINATOR:
        from ..auth.accounts import coordinator_count

        if coordinator_count() <= 1:
            raise RegisterError({"password": str(_l(
                "You are the last coordinator. Make someone else a coordinator before deleting your account."))})
    user_id = user.id
    setattr(user, _orgs_privacy.ORIGINAL_EMAIL, user.email)
    anonymise_personal_data(user)
    db.session.flush()
    db.session.delete(user)
    db.session.flush()
    record_change(None, "account.deleted", "user", user_id, summary=None)
