"""Applications to join and requests to be linked to an organisation: plain functions (caller commits)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import column, func, select, table

from ..audit.trail import record_change, snapshot
from ..emails import InvalidAddress, normalize_email
from ..extensions import db
from ..links import absolute_url
from ..mail.templates import queue_template_mail
from ..permissions import COORDINATOR
from ..text import single_line
from ..timeutil import utcnow
from .models import APPLICATION_APPROVED, APPLICATION_PENDING, APPLICATION_REJECTED, MembershipApplication
from .register import OrganisationData, RegisterError, check_organisation, create_organisation, name_key

APPLICATION_FIELDS = ("name_fi", "name_sv", "kind", "region", "municipality", "business_id", "status",
                      "decision_message", "organisation_id")


@dataclass
class ApplicationData:
    """What an applicant typed in the membership application form."""

    name_fi: str
    kind: str
    region: str
    contact_name: str
    contact_email: str
    name_sv: str | None = None
    municipality: str | None = None
    business_id: str | None = None
    reason: str | None = None
    language: str = "fi"


def normalize_contact_email(value: str) -> str:
    """The applicant's address in canonical form; raises RegisterError (field "contact_email") when invalid."""
    try:
        return normalize_email(single_line(value), "contact_email")
    except InvalidAddress as exc:
        raise RegisterError({"contact_email": str(exc.message)}) from exc


def _organisation_data(data) -> OrganisationData:
    return OrganisationData(
        name_fi=data.name_fi, name_sv=data.name_sv, kind=data.kind, region=data.region,
        municipality=data.municipality, business_id=data.business_id,
    ).cleaned()


def pending_application_named(name: str) -> MembershipApplication | None:
    """The pending application whose Finnish or Swedish name matches `name` (folded), or None."""
    key = name_key(name)
    for application in db.session.scalars(
        select(MembershipApplication).where(MembershipApplication.status == APPLICATION_PENDING)
    ):
        if key in {name_key(application.name_fi), name_key(application.name_sv)}:
            return application
    return None


def submit_application(data: ApplicationData) -> MembershipApplication:
    """A pending application; raises RegisterError with a message per field. Nothing is stored on error."""
    org = _organisation_data(data)
    errors = check_organisation(org)
    if "name_fi" not in errors and pending_application_named(org.name_fi):
        errors["name_fi"] = str(_l("An application for this organisation is already waiting for a decision."))
    contact_name = single_line(data.contact_name)
    if not contact_name:
        errors["contact_name"] = str(_l("Give the name of the contact person."))
    email = ""
    try:
        email = normalize_contact_email(data.contact_email)
    except RegisterError as error:
        errors.update(error.errors)
    if errors:
        raise RegisterError(errors)
    application = MembershipApplication(
        name_fi=org.name_fi, name_sv=org.name_sv, kind=org.kind, region=org.region, municipality=org.municipality,
        business_id=org.business_id, contact_name=contact_name, contact_email=email,
        reason=(data.reason or "").strip() or None,
        language=data.language if data.language in current_app.config["LANGUAGES"] else "fi",
    )
    db.session.add(application)
    db.session.flush()
    _queue_received_mails(application)
    return application


# The accounts live in a higher layer (auth): the coordinators' addresses are read from its table by name.
_users = table("users", column("id"), column("email"), column("language"), column("role"),
               column("organisation_link_pending"))


def pending_link_count() -> int:
    """How many registered people wait for a coordinator to confirm their organisation (decided in auth)."""
    return db.session.scalar(select(func.count(_users.c.id)).where(_users.c.organisation_link_pending.is_(True))) or 0


def _coordinator_addresses() -> list[tuple[str, str]]:
    """(e-mail, language) of every coordinator."""
    rows = db.session.execute(select(_users.c.email, _users.c.language).where(_users.c.role == COORDINATOR)
                              .order_by(_users.c.email))
    return [(email, language or "fi") for email, language in rows]


def _queue_received_mails(application: MembershipApplication) -> None:
    """A receipt to the applicant and a note to every coordinator, in the same transaction."""
    queue_template_mail(application.contact_email, "orgs/emails/application_received", application.language,
                        key=f"org-application:{application.id}:received", application=application)
    for email, language in _coordinator_addresses():
        queue_template_mail(email, "orgs/emails/application_new", language,
                            key=f"org-application:{application.id}:new", application=application,
                            link=absolute_url("orgs.application_detail", application_id=application.id,
                                              lang=language))


def _check_pending(application: MembershipApplication) -> None:
    if application.status != APPLICATION_PENDING:
        raise RegisterError({"application": str(_l("This application has already been decided."))})


def approve_application(application: MembershipApplication, actor: Any) -> object:
    """Create the organisation, tell the applicant; raises RegisterError when the data no longer fits."""
    _check_pending(application)
    before = snapshot(application, APPLICATION_FIELDS)
    org = create_organisation(_organisation_data(application), actor, action="organisation.created")
    application.status = APPLICATION_APPROVED
    application.organisation_id = org.id
    application.decided_at = utcnow()
    application.decided_by_id = getattr(actor, "id", None)
    record_change(actor, "application.approved", "application", application.id, before=before,
                  after=snapshot(application, APPLICATION_FIELDS), summary=application.name_fi)
    if application.contact_email:
        queue_template_mail(application.contact_email, "orgs/emails/application_approved", application.language,
                            key=f"org-application:{application.id}:approved", application=application,
                            link=absolute_url("orgs.detail", org_id=org.id, lang=application.language),
                            register=absolute_url("auth.register", lang=application.language))
    return org


def reject_application(application: MembershipApplication, message: str, actor: Any) -> None:
    """Reject with a message to the applicant (required: they deserve a reason), mailed in their language.

    Raises RegisterError for an application already decided or an empty message (field "message").
    """
    _check_pending(application)
    message = (message or "").strip()
    if not message:
        raise RegisterError({"message": str(_l("Write a message to the applicant explaining the decision."))})
    before = snapshot(application, APPLICATION_FIELDS)
    application.status = APPLICATION_REJECTED
    application.decision_message = message
    application.decided_at = utcnow()
    application.decided_by_id = getattr(actor, "id", None)
    record_change(actor, "application.rejected", "application", application.id, before=before,
                  after=snapshot(application, APPLICATION_FIELDS), summary=application.name_fi)
    if application.contact_email:
        queue_template_mail(application.contact_email, "orgs/emails/application_rejected", application.language,
                            key=f"org-application:{application.id}:rejected", application=application,
                            message=message)


def pending_applications() -> list[MembershipApplication]:
    """Applications waiting for a decision, oldest first."""
    return list(db.session.scalars(
        select(MembershipApplication).where(MembershipApplication.status == APPLICATION_PENDING)
        .order_by(MembershipApplication.created_at, MembershipApplication.id)
    ))


def recently_decided(limit: int = 20) -> list[MembershipApplication]:
    """The `limit` most recently decided applications, newest first."""
    return list(db.session.scalars(
        select(MembershipApplication).where(MembershipApplication.status != APPLICATION_PENDING)
        .order_by(MembershipApplication.decided_at.desc(), MembershipApplication.id.desc()).limit(limit)
    ))
