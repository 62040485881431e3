"""Rules for creating, editing and cancelling meetings (plain functions; the caller commits)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..audit.trail import record_change, snapshot
from ..extensions import db
from ..orgs.models import Organisation
from ..timeutil import as_utc, utc_to_helsinki, utcnow
from .errors import MeetingError
from .models import (
    CANCELLED,
    DEMOCRACY_DAY,
    HYBRID,
    IN_PERSON,
    KINDS,
    MODES,
    NETWORK_KINDS,
    ONLINE,
    SCHEDULED,
    Meeting,
)
from .queries import in_year_condition
from .registration import fill_from_waiting_list
from .signals import meeting_changed

DEMOCRACY_DAY_WEEK = 42
MEETINGS_PER_YEAR = 4

# Changing any of these raises SEQUENCE and tells the invitees (RFC 5546: a significant change).
SIGNIFICANT_FIELDS = ("starts_at", "ends_at", "mode", "venue", "address", "online_url", "status")
AUDIT_FIELDS = (
    "kind", "title_fi", "title_sv", "description_fi", "description_sv", "starts_at", "ends_at", "mode", "venue",
    "address", "online_url", "host_organisation_id", "region", "agenda", "capacity", "registration_deadline",
    "status", "cancel_reason", "sequence", "group_id",
)


def is_democracy_day_week(day: date | datetime) -> bool:
    """True when `day` is in ISO week 42 of its year (a datetime is taken in Helsinki time)."""
    if isinstance(day, datetime):
        day = utc_to_helsinki(day).date() if day.tzinfo else day.date()
    return day.isocalendar().week == DEMOCRACY_DAY_WEEK


def helsinki_year(value: datetime) -> int:
    """The year of a UTC datetime in Finland."""
    return utc_to_helsinki(value).year


@dataclass
class MeetingData:
    """What a coordinator enters for a meeting; times are aware UTC datetimes."""

    title_fi: str
    starts_at: datetime
    ends_at: datetime
    kind: str = "network"
    title_sv: str | None = None
    description_fi: str | None = None
    description_sv: str | None = None
    mode: str = IN_PERSON
    venue: str | None = None
    address: str | None = None
    online_url: str | None = None
    host_organisation_id: int | None = None
    region: str | None = None
    agenda: str | None = None
    capacity: int | None = None
    registration_deadline: datetime | None = None
    group_id: int | None = None


def check_times(starts_at: datetime, ends_at: datetime, deadline: datetime | None = None) -> None:
    """Raises MeetingError ("ends_at" or "registration_deadline") unless the meeting ends after it starts
    and registration closes before it starts.
    """
    if as_utc(ends_at) <= as_utc(starts_at):
        raise MeetingError(_l("The meeting must end after it starts."), "ends_at")
    if deadline is not None and as_utc(deadline) > as_utc(starts_at):
        raise MeetingError(_l("The registration deadline must be before the meeting starts."), "registration_deadline")


def check_capacity(capacity: int | None) -> None:
    """Raises MeetingError ("capacity") for a negative capacity; None means no limit."""
    if capacity is not None and capacity < 0:
        raise MeetingError(_l("The capacity cannot be negative."), "capacity")


def other_democracy_days(year: int, exclude_id: int | None = None) -> list[Meeting]:
    """Scheduled Democracy Days whose date (in Helsinki) falls in `year`, other than `exclude_id`."""
    statement = select(Meeting).where(
        Meeting.kind == DEMOCRACY_DAY, Meeting.status == SCHEDULED, in_year_condition(year)
    )
    return [m for m in db.session.scalars(statement) if m.id != exclude_id]


def check_democracy_day(kind: str, starts_at: datetime, meeting_id: int | None = None, planned: int = 0) -> None:
    """A Democracy Day is in ISO week 42, and there is one per year (`planned` counts others being created now)."""
    if kind != DEMOCRACY_DAY:
        return
    if not is_democracy_day_week(starts_at):
        raise MeetingError(_l("Democracy Day must be held in week 42 of the year."), "starts_at")
    if other_democracy_days(helsinki_year(starts_at), exclude_id=meeting_id) or planned:
        raise MeetingError(_l("This year already has its Democracy Day."), "kind")


def validate(data: MeetingData, meeting_id: int | None = None) -> None:
    """Check what a coordinator entered (title, kind, mode, times, capacity, place, online link, Democracy Day).

    `meeting_id` is the meeting being edited (None when creating). Returns nothing; raises MeetingError with the
    field at the first problem.
    """
    if not (data.title_fi or "").strip():
        raise MeetingError(_l("This field is required."), "title_fi")
    if data.kind not in KINDS:
        raise MeetingError(_l("Not a valid choice."), "kind")
    if data.mode not in MODES:
        raise MeetingError(_l("Not a valid choice."), "mode")
    check_times(data.starts_at, data.ends_at, data.registration_deadline)
    check_capacity(data.capacity)
    if data.mode in (ONLINE, HYBRID) and not data.online_url:
        raise MeetingError(_l("Give the link for joining online."), "online_url")
    if data.online_url and urlsplit(data.online_url.strip()).scheme.lower() not in ("https", "http"):
        raise MeetingError(_l("Enter a web address starting with https://."), "online_url")
    if data.mode in (IN_PERSON, HYBRID) and not (data.venue or data.address):
        raise MeetingError(_l("Give the venue or the address."), "venue")
    check_democracy_day(data.kind, data.starts_at, meeting_id)


def _apply(meeting: Meeting, data: MeetingData) -> None:
    for f in fields(MeetingData):
        value = getattr(data, f.name)
        if isinstance(value, str):
            value = value.strip() or None
        if f.name == "title_fi":
            value = value or ""
        setattr(meeting, f.name, value)
    if meeting.host_organisation_id and not meeting.region:
        host = db.session.get(Organisation, meeting.host_organisation_id)
        meeting.region = host.region if host else None


def create_meeting(data: MeetingData, actor: object = None) -> Meeting:
    """Create a meeting (SEQUENCE 0, scheduled) from `data` and record it in the audit trail; flushes.

    Returns the meeting; raises MeetingError (with the field) when `data` is not valid.
    """
    validate(data)
    meeting = Meeting(sequence=0, status=SCHEDULED)
    _apply(meeting, data)
    db.session.add(meeting)
    db.session.flush()
    record_change(actor, "meeting.create", "meeting", meeting.id, after=snapshot(meeting, AUDIT_FIELDS),
                  summary=meeting.title_fi)
    return meeting


def _significant(meeting: Meeting) -> dict:
    values = snapshot(meeting, SIGNIFICANT_FIELDS)
    for key in ("starts_at", "ends_at"):
        values[key] = as_utc(getattr(meeting, key)).isoformat()
    return values


def update_meeting(meeting: Meeting, data: MeetingData, actor: object = None) -> bool:
    """Edit a meeting from `data` (audited); a larger capacity lets people off the waiting list.

    Returns True when the change was significant: SEQUENCE raised and `meeting_changed` sent (invitees are told).
    Raises MeetingError (with the field) when `data` is not valid.
    """
    validate(data, meeting_id=meeting.id)
    before = snapshot(meeting, AUDIT_FIELDS)
    significant_before = _significant(meeting)
    _apply(meeting, data)
    significant = _significant(meeting) != significant_before
    if significant:
        meeting.sequence = (meeting.sequence or 0) + 1
    meeting.updated_at = utcnow()
    db.session.flush()
    record_change(actor, "meeting.update", "meeting", meeting.id, before=before,
                  after=snapshot(meeting, AUDIT_FIELDS), summary=meeting.title_fi)
    if significant:
        meeting_changed.send(meeting, change="updated")
    # A larger capacity lets people off the waiting list.
    fill_from_waiting_list(meeting)
    return significant


def cancel_meeting(meeting: Meeting, reason: str, actor: object = None) -> None:
    """Cancel with a reason: the meeting stays visible (and in feeds with STATUS:CANCELLED); SEQUENCE is raised,
    `meeting_changed` sent and the change audited.

    Raises MeetingError ("reason") without a reason or when the meeting is already cancelled.
    """
    reason = (reason or "").strip()
    if not reason:
        raise MeetingError(_l("Give a reason for the cancellation."), "reason")
    if meeting.status == CANCELLED:
        raise MeetingError(_l("The meeting is already cancelled."), "reason")
    before = snapshot(meeting, AUDIT_FIELDS)
    meeting.status = CANCELLED
    meeting.cancel_reason = reason
    meeting.sequence = (meeting.sequence or 0) + 1
    meeting.updated_at = utcnow()
    db.session.flush()
    record_change(actor, "meeting.cancel", "meeting", meeting.id, before=before,
                  after=snapshot(meeting, AUDIT_FIELDS), summary=reason)
    meeting_changed.send(meeting, change="cancelled")


def publish_minutes(meeting: Meeting, minutes: str, actor: object = None) -> None:
    """Publish (or correct) the meeting's minutes (Markdown); the first publication time is kept.

    Raises MeetingError ("minutes") when the text is empty; the change is audited.
    """
    minutes = (minutes or "").strip()
    if not minutes:
        raise MeetingError(_l("This field is required."), "minutes")
    before = {"minutes": meeting.minutes}
    meeting.minutes = minutes
    meeting.minutes_published_at = meeting.minutes_published_at or utcnow()
    meeting.updated_at = utcnow()
    record_change(actor, "meeting.minutes", "meeting", meeting.id, before=before, after={"minutes": minutes},
                  summary=meeting.title_fi)


def year_warnings(meetings: list[Meeting]) -> list[str]:
    """Warnings for a year's meetings: not exactly four network meetings, no Democracy Day, more than one."""
    active = [m for m in meetings if m.kind in NETWORK_KINDS and m.status == SCHEDULED]
    warnings: list[str] = []
    if len(active) != MEETINGS_PER_YEAR:
        warnings.append(str(_l(
            "The network holds four meetings a year; this year has %(count)d.", count=len(active)
        )))
    days = [m for m in active if m.kind == DEMOCRACY_DAY]
    if not days:
        warnings.append(str(_l("This year has no Democracy Day (week 42) yet.")))
    elif len(days) > 1:
        warnings.append(str(_l("This year has more than one Democracy Day.")))
    for day in days:
        if not is_democracy_day_week(day.starts_at):
            warnings.append(str(_l("Democracy Day is not in week 42.")))
    return warnings
