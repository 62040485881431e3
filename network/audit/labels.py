"""Readable names for audit actions and entity types; anything not listed is shown by its code."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

ENTITY_LABELS = {
    "organisation": _l("Organisation"),
    "application": _l("Membership application"),
    "user": _l("Person"),
    "meeting": _l("Meeting"),
    "mailing_post": _l("Mailing list post"),
}

ACTION_LABELS = {
    "organisation.created": _l("Organisation added"),
    "organisation.imported": _l("Organisation imported"),
    "organisation.updated": _l("Organisation changed"),
    "organisation.left": _l("Organisation marked as left"),
    "organisation.rejoined": _l("Organisation a member again"),
    "organisation.merged": _l("Duplicate organisation merged"),
    "organisation.import": _l("Register imported from a file"),
    "application.approved": _l("Application approved"),
    "application.rejected": _l("Application rejected"),
    "user.link_confirmed": _l("Link to organisation confirmed"),
    "user.link_rejected": _l("Link to organisation rejected"),
    "promote": _l("Made a coordinator"),
    "demote": _l("Made a member"),
    "account.deleted": _l("Account deleted"),
}


def entity_label(code: str | None) -> str:
    return str(ENTITY_LABELS.get(code or "", code or ""))


def action_label(code: str | None) -> str:
    return str(ACTION_LABELS.get(code or "", code or ""))
