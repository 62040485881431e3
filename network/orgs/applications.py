"""Applications to join and requests to be linked to an organisation: plain functions (caller commits)."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import uuid4

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..audit.trail import record_change, snapshot
from ..extensions import db
from ..links import absolute_url
from ..mail.outbox import queue_mail
from ..text import single_line
from ..timeutil import utcnow
from .models import APPLICATION_APPROVED, APPLICATION_PENDING, APPLICATION_REJECTED, MembershipApplication
from .register import OrganisationData, RegisterError, check_organisation, create_organisation, name_key

APPLICATION_FIELDS = ("name_fi", "name_sv", "kind", "region", "municipality", "business_id", "status",
                      "decision_message", "organisation_id")


@dataclass
class ApplicationData:
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
    try:
        result = validate_email(single_line(value), check_deliverability=False)
    except EmailNotValidError as exc:
        raise RegisterError(
            {"contact_email": str(_l("Enter a valid e-mail address, for example name@example.fi."))}
        ) from exc
    return result.normalized.lower()


def _organisation_data(data) -> OrganisationData:
    return OrganisationData(
        name_fi=data.name_fi, name_sv=data.name_sv, kind=data.kind, region=data.region,
        municipality=data.municipality, business_id=data.business_id,
    ).cleaned()


def pending_application_named(name: str) -> MembershipApplication | None:
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


def _queue_received_mails(application: MembershipApplication) -> None:
    """A receipt to the applicant and a note to every coordinator, in the same transaction."""
    from ..auth.models import User
    from ..permissions import COORDINATOR

    with force_locale(application.language):
        subject = _("We received your application to the Municipal Democracy Network")
        body = _(
            "Hello %(name)s,\n\nthank you for the application of %(organisation)s to join the Municipal Democracy "
            "Network. A coordinator will handle it and reply to this address.\n",
            name=application.contact_name or "",
            organisation=application.name_fi,
        )
    queue_mail(application.contact_email, subject, body, key=f"org-application:{application.id}:received")
    link = absolute_url("orgs.application_detail", application_id=application.id)
    for coordinator in db.session.scalars(select(User).where(User.role == COORDINATOR)):
        with force_locale(coordinator.language):
            subject = _("New membership application: %(organisation)s", organisation=application.name_fi)
            body = _(
                "%(organisation)s (%(region)s) applied to join the network.\n\nHandle the application: %(link)s\n",
                organisation=application.name_fi,
                region=application.region_name,
                link=link,
            )
        queue_mail(coordinator.email, subject, body, key=f"org-application:{application.id}:new")


def _check_pending(application: MembershipApplication) -> None:
    if application.status != APPLICATION_PENDING:
        raise RegisterError({"application": str(_l("This application has already been decided."))})


def approve_application(application: MembershipApplication, actor) -> object:
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
        with force_locale(application.language):
            subject = _("Welcome to the Municipal Democracy Network")
            body = _(
                "Hello %(name)s,\n\nthe application of %(organisation)s to join the Municipal Democracy Network "
                "has been approved. Welcome!\n\nThe organisation's page: %(link)s\n\nThe people of your "
                "organisation can now register on the platform and choose it as their organisation: "
                "%(register)s\n",
                name=application.contact_name or "",
                organisation=application.name_fi,
                link=absolute_url("orgs.detail", org_id=org.id),
                register=absolute_url("auth.register"),
            )
        queue_mail(application.contact_email, subject, body, key=f"org-application:{application.id}:approved")
    return org


def reject_application(application: MembershipApplication, message: str, actor) -> None:
    """Reject with a message to the applicant (required: they deserve a reason)."""
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
        with force_locale(application.language):
            subject = _("Your application to the Municipal Democracy Network")
            body = _(
                "Hello %(name)s,\n\nthe application of %(organisation)s to join the Municipal Democracy Network "
                "was not approved. The coordinator's message:\n\n%(message)s\n\nYou can reply to this message "
                "if you have questions.\n",
                name=application.contact_name or "",
                organisation=application.name_fi,
                message=message,
            )
        queue_mail(application.contact_email, subject, body, key=f"org-application:{application.id}:rejected")


def pending_applications() -> list[MembershipApplication]:
    return list(db.session.scalars(
        select(MembershipApplication).where(MembershipApplication.status == APPLICATION_PENDING)
        .order_by(MembershipApplication.created_at, MembershipApplication.id)
    ))


def recently_decided(limit: int = 20) -> list[MembershipApplication]:
    return list(db.session.scalars(
        select(MembershipApplication).where(MembershipApplication.status != APPLICATION_PENDING)
        .order_by(MembershipApplication.decided_at.desc(), MembershipApplication.id.desc()).limit(limit)
    ))


# Requests by registered people to be linked to an organisation.

LINK_FIELDS = ("organisation_id", "organisation_link_pending", "organisation_requested_name")


def pending_link_requests() -> list:
    from ..auth.models import User

    return list(db.session.scalars(
        select(User).where(User.organisation_link_pending.is_(True)).order_by(User.created_at, User.id)
    ))


def confirm_link(user, organisation, actor) -> None:
    """Link the person to the organisation (the one they chose, or one the coordinator picked)."""
    if organisation is None or organisation.merged_into_id is not None:
        raise RegisterError({"organisation": str(_l("Choose the organisation to link the person to."))})
    before = snapshot(user, LINK_FIELDS)
    user.organisation_id = organisation.id
    user.organisation_link_pending = False
    user.organisation_requested_name = None
    record_change(actor, "user.link_confirmed", "user", user.id, before=before, after=snapshot(user, LINK_FIELDS),
                  summary=organisation.name_fi)
    with force_locale(user.language):
        subject = _("Your organisation has been confirmed")
        body = _(
            "Hello %(name)s,\n\na coordinator of the Municipal Democracy Network has confirmed that you "
            "represent %(organisation)s.\n",
            name=user.name, organisation=organisation.name,
        )
    queue_mail(user.email, subject, body, key=f"org-link:{user.id}:{organisation.id}:confirmed:{uuid4().hex}")


def reject_link(user, actor) -> None:
    """The person is not linked to the organisation they asked for; they stay a registered person."""
    before = snapshot(user, LINK_FIELDS)
    user.organisation_id = None
    user.organisation_link_pending = False
    user.organisation_requested_name = None
    record_change(actor, "user.link_rejected", "user", user.id, before=before, after=snapshot(user, LINK_FIELDS))
    with force_locale(user.language):
        subject = _("Your organisation could not be confirmed")
        body = _(
            "Hello %(name)s,\n\na coordinator of the Municipal Democracy Network could not confirm the organisation "
            "you gave when you registered. Your account stays as it is. If your organisation wants to join the "
            "network, it can apply on the members page.\n",
            name=user.name,
        )
    queue_mail(user.email, subject, body, key=f"org-link:{user.id}:rejected:{uuid4().hex}")
