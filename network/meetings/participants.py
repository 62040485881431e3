"""The coordinator's participant list and its CSV/XLSX export (cells that could be formulas are neutralised)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from sqlalchemy import select

from ..extensions import db
from ..timeutil import utc_to_helsinki
from .models import (
    DECLINED,
    IN_PERSON,
    REGISTERED,
    REGISTRATION_CANCELLED,
    WAITLISTED,
    Meeting,
    MeetingRegistration,
)

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def neutralise(value: object) -> object:
    """A text cell that a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def status_label(status: str) -> str:
    return {
        REGISTERED: _("Registered"),
        WAITLISTED: _("On the waiting list"),
        DECLINED: _("Declined"),
        REGISTRATION_CANCELLED: _("Cancelled"),
    }.get(status, status)


def mode_label(mode: str) -> str:
    return _("In person") if mode == IN_PERSON else _("Remotely")


@dataclass
class Participant:
    registration: MeetingRegistration
    organisation: str
    organisation_kind: str


def participants(meeting: Meeting, active_only: bool = False) -> list[Participant]:
    statement = select(MeetingRegistration).where(MeetingRegistration.meeting_id == meeting.id)
    if active_only:
        statement = statement.where(MeetingRegistration.status.in_((REGISTERED, WAITLISTED)))
    rows = db.session.scalars(statement.order_by(MeetingRegistration.status, MeetingRegistration.name)).all()
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


def _rows(meeting: Meeting) -> list[list[object]]:
    header = [_("Name"), _("E-mail"), _("Organisation"), _("Kind of organisation"), _("Taking part"),
              _("Status"), _("Attended"), _("Registered at")]
    rows: list[list[object]] = [header]
    for p in participants(meeting):
        r = p.registration
        rows.append([
            r.name or "", r.email or "", p.organisation, p.organisation_kind, mode_label(r.mode),
            status_label(r.status),
            "" if r.attended is None else (_("Yes") if r.attended else _("No")),
            utc_to_helsinki(r.created_at).strftime("%Y-%m-%d %H:%M") if r.created_at else "",
        ])
    return [[neutralise(v) for v in row] for row in rows]


def export_csv(meeting: Meeting) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerows(_rows(meeting))
    # A BOM so that Excel opens the UTF-8 file with ä and ö intact.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def export_xlsx(meeting: Meeting) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Participants")[:31]
    for row in _rows(meeting):
        sheet.append([str(v) for v in row])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def mark_attendance(meeting: Meeting, attended_ids: set[int], actor: object = None) -> int:
    """Record who attended (registered participants); returns how many are marked present."""
    from ..audit.trail import record_change

    count = 0
    for registration in meeting.registrations:
        if registration.status != REGISTERED:
            continue
        registration.attended = registration.id in attended_ids
        count += registration.attended
    record_change(actor, "meeting.attendance", "meeting", meeting.id, after={"attended": count},
                  summary=meeting.title_fi)
    return count
