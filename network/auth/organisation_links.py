"""Requests by registered people to be linked to an organisation, and the coordinator's decision on them.

Plain functions: they flush, never commit, and queue the person's mail in the same transaction.
"""

from __future__ import annotations

from uuid import uuid4

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..audit.trail import record_change, snapshot
from ..extensions import db
from ..mail.templates import queue_template_mail
from ..orgs.models import Organisation
from ..rules import RuleError
from .models import User

LINK_FIELDS = ("organisation_id", "organisation_link_pending", "organisation_requested_name")


class LinkError(RuleError):
    """A link request could not be decided as asked."""


def pending_link_requests() -> list[User]:
    """People waiting for a coordinator to confirm their organisation, oldest request first."""
    from_db = select(User).where(User.organisation_link_pending.is_(True)).order_by(User.created_at, User.id)
    return list(db.session.scalars(from_db))


def confirm_link(user: User, organisation: Organisation | None, actor: User | None) -> None:
    """Link `user` to `organisation` (the one they chose, or one the coordinator picked) and tell them by mail.

    Raises LinkError (field "organisation") when no organisation, or a merged one, is given.
    """
    if organisation is None or organisation.merged_into_id is not None:
        raise LinkError(errors={"organisation": str(_l("Choose the organisation to link the person to."))})
    before = snapshot(user, LINK_FIELDS)
    user.organisation_id = organisation.id
    user.organisation_link_pending = False
    user.organisation_requested_name = None
    record_change(actor, "user.link_confirmed", "user", user.id, before=before, after=snapshot(user, LINK_FIELDS),
                  summary=organisation.name_fi)
    if not user.email_confirmed:
        return  # no mail with the person's own text to an address nobody has proven to be theirs
    queue_template_mail(user.email, "auth/emails/link_confirmed", user.language,
                        key=f"org-link:{user.id}:{organisation.id}:confirmed:{uuid4().hex}",
                        name=user.name, organisation=organisation)


def reject_link(user: User, actor: User | None) -> None:
    """The person is not linked to the organisation they asked for; they stay a registered person (told by mail)."""
    before = snapshot(user, LINK_FIELDS)
    user.organisation_id = None
    user.organisation_link_pending = False
    user.organisation_requested_name = None
    record_change(actor, "user.link_rejected", "user", user.id, before=before, after=snapshot(user, LINK_FIELDS))
    if not user.email_confirmed:
        return  # no mail with the person's own text to an address nobody has proven to be theirs
    queue_template_mail(user.email, "auth/emails/link_rejected", user.language,
                        key=f"org-link:{user.id}:rejected:{uuid4().hex}", name=user.name)
