"""The coordinator's participant list, its export table and attendance (plain functions; the caller commits)."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from ..audit.trail import record_change
from ..collation import collated
from ..extensions import db
from ..spreadsheets import Sheet
from .models import (
    DECLINED,
    IN_PERSON,
    REGISTERED,
    REGISTRATION_CANCELLED,
    WAITLISTED,
    Meeting,
    MeetingRegistration,
)

# The participant list's groups, in order: places first, then the waiting list, then those no longer coming.
STATUS_ORDER = {REGISTERED: 0, WAITLISTED: 1, DECLINED: 2, REGISTRATION_CANCELLED: 3}


def status_label(status: str) -> str:
    """A registration status in the interface language."""
    return {
        REGISTERED: _("Registered"),
        WAITLISTED: _("On the waiting list"),
        DECLINED: _("Declined"),
        REGISTRATION_CANCELLED: _("Cancelled"),
    }.get(status, status)


def mode_label(mode: str) -> str:
    """How a participant takes part (in person or remotely), in the interface language."""
    return _("In person") if mode == IN_PERSON else _("Remotely")


@dataclass
class Participant:
    """One row of a meeting's participant list: the registration and its organisation's name in the reader's language."""

    registration: MeetingRegistration
    organisation: str
    organisation_kind: str


def participants(meeting: Meeting, active_only: bool = False) -> list[Participant]:
    """The meeting's registrations with each person's organisation and its kind, by status (registered, waiting,
    declined, cancelled) and then by name in the reader's alphabetical order (ICU, network.collation).

    `active_only` leaves out declined and cancelled ones.
    """
    statement = select(MeetingRegistration).where(MeetingRegistration.meeting_id == meeting.id)
    if active_only:
        statement = statement.where(MeetingRegistration.status.in_((REGISTERED, WAITLISTED)))
    by_name = collated(db.session.scalars(statement), key=lambda registration: registration.name)
    # Stable: names stay in order within each status.
    rows = sorted(by_name, key=lambda registration: STATUS_ORDER.get(registration.status, len(STATUS_ORDER)))
    result = []
    for registration in rows:
        organisation = getattr(registration.user, "organisation", None)
        result.append(
            Participant(
                registration,
                organisation.name if organisation else (getattr(registration.user, "organisation_requested_name",
                                                                None) or ""),
                organisation.kind_label if organisation else "",
            )
        )
    return result


def participant_sheet(meeting: Meeting) -> Sheet:
    """The meeting's participants as one table for the CSV/XLSX export (network.spreadsheets neutralises it).

    Takes the meeting; returns a Sheet with a header row in the interface language and one row per registration.
    """
    header = [_("Name"), _("E-mail"), _("Organisation"), _("Kind of organisation"), _("Taking part"),
              _("Status"), _("Attended"), _("Registered at")]
    rows = [
        [
            p.registration.name or "", p.registration.email or "", p.organisation, p.organisation_kind,
            mode_label(p.registration.mode), status_label(p.registration.status),
            "" if p.registration.attended is None else (_("Yes") if p.registration.attended else _("No")),
            p.registration.created_at,
        ]
        for p in participants(meeting)
    ]
    return Sheet(_("Participants"), header, rows)


def mark_attendance(meeting: Meeting, attended_ids: set[int], actor: object = None) -> int:
    """Record who attended (registered participants); returns how many are marked present."""
    count = 0
    for registration in meeting.registrations:
        if registration.status != REGISTERED:
            continue
        registration.attended = registration.id in attended_ids
        count += registration.attended
    record_change(actor, "meeting.attendance", "meeting", meeting.id, after={"attended": count},
                  summary=meeting.title_fi)
    return count
