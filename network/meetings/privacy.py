"""Personal data in meetings: a person's registrations (export) and removing the link to them (anonymise)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select

from ..extensions import db
from ..timeutil import as_utc
from .models import SCHEDULED, MeetingRegistration
from .registration import cancel_registration


def _registrations_of(user: Any) -> list[MeetingRegistration]:
    conditions = [MeetingRegistration.user_id == user.id]
    if getattr(user, "email", None):
        conditions.append(MeetingRegistration.email == user.email.lower())
    return list(db.session.scalars(select(MeetingRegistration).where(or_(*conditions))
                                   .order_by(MeetingRegistration.created_at)))


def export_registrations(user: Any) -> dict[str, Any]:
    """The person's meeting registrations for their GDPR data export (art. 15): {'registrations': [...]}."""
    return {
        "registrations": [
            {
                "meeting": r.meeting.title_fi,
                "meeting_starts_at": as_utc(r.meeting.starts_at).isoformat(),
                "name": r.name,
                "email": r.email,
                "mode": r.mode,
                "status": r.status,
                "attended": r.attended,
                "registered_at": as_utc(r.created_at).isoformat() if r.created_at else None,
            }
            for r in _registrations_of(user)
        ]
    }


def anonymise_registrations(user: Any) -> None:
    """Keep the rows (mode, status, attendance) for statistics; remove the name, address and account link.

    A place the person holds in a meeting still to come is given up first, so the waiting list moves up.
    """
    for registration in _registrations_of(user):
        meeting = registration.meeting
        if registration.is_active and meeting.status == SCHEDULED and not meeting.is_past:
            cancel_registration(registration)
        registration.user_id = None
        registration.email = None
        registration.name = None
    db.session.flush()
