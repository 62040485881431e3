"""Meetings, their registrations and their materials."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from uuid import uuid4

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy import true as sa_true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..i18n import localized
from ..orgs.models import Organisation
from ..timeutil import as_utc, utcnow


class MeetingKind(StrEnum):
    """Kinds of meeting. The network holds four meetings a year; Democracy Day is one of them."""

    NETWORK = "network"
    DEMOCRACY_DAY = "democracy_day"
    WORKING_GROUP = "working_group"


class MeetingMode(StrEnum):
    """How a meeting is held."""

    IN_PERSON = "in_person"
    ONLINE = "online"
    HYBRID = "hybrid"


class MeetingStatus(StrEnum):
    """A meeting's life: scheduled, or cancelled (kept, shown as cancelled)."""

    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


class AttendanceMode(StrEnum):
    """How a person takes part (the same value as MeetingMode.IN_PERSON for in person)."""

    IN_PERSON = "in_person"
    REMOTE = "remote"


class RegistrationStatus(StrEnum):
    """A registration's state: holding a place, waiting for one, declined (an invite answered no) or given up."""

    REGISTERED = "registered"
    WAITLISTED = "waitlisted"
    DECLINED = "declined"
    CANCELLED = "cancelled"


# The module-level names the code reads (members of the enums above, so they compare equal to the stored text).
NETWORK = MeetingKind.NETWORK
DEMOCRACY_DAY = MeetingKind.DEMOCRACY_DAY
WORKING_GROUP = MeetingKind.WORKING_GROUP
KINDS = tuple(MeetingKind)
NETWORK_KINDS = (NETWORK, DEMOCRACY_DAY)

IN_PERSON = MeetingMode.IN_PERSON
ONLINE = MeetingMode.ONLINE
HYBRID = MeetingMode.HYBRID
MODES = tuple(MeetingMode)

SCHEDULED = MeetingStatus.SCHEDULED
CANCELLED = MeetingStatus.CANCELLED

REMOTE = AttendanceMode.REMOTE
ATTENDANCE_MODES = (AttendanceMode.IN_PERSON, REMOTE)

REGISTERED = RegistrationStatus.REGISTERED
WAITLISTED = RegistrationStatus.WAITLISTED
DECLINED = RegistrationStatus.DECLINED
REGISTRATION_CANCELLED = RegistrationStatus.CANCELLED
ACTIVE_STATUSES = (REGISTERED, WAITLISTED)


def new_uid() -> str:
    """A stable iCalendar UID, set once when the meeting is created and never changed."""
    return f"meeting-{uuid4()}@kuntademokratia.example"


class Meeting(db.Model):
    """A network or group meeting: when (UTC), where (venue and/or online), who hosts it, and its registration rules."""

    __tablename__ = "meetings"
    # The planner fills each of a year's four slots once (a database rule, not only a check).
    __table_args__ = (
        UniqueConstraint("plan_year", "plan_slot", name="uq_meetings_plan_year_slot"),
        # A feed's ETag (queries.feed_version: count and latest updated_at of published meetings) from the index.
        Index("ix_meetings_published_updated", "published_at", "updated_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uid: Mapped[str] = mapped_column(String(200), unique=True, default=new_uid)
    sequence: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    status: Mapped[str] = mapped_column(String(20), default=SCHEDULED, server_default=SCHEDULED.value)
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(20), default=NETWORK)
    title_fi: Mapped[str] = mapped_column(String(200))
    title_sv: Mapped[str | None] = mapped_column(String(200))
    description_fi: Mapped[str | None] = mapped_column(Text)
    description_sv: Mapped[str | None] = mapped_column(Text)
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    mode: Mapped[str] = mapped_column(String(20), default=IN_PERSON)
    venue: Mapped[str | None] = mapped_column(String(200))
    address: Mapped[str | None] = mapped_column(String(300))
    online_url: Mapped[str | None] = mapped_column(String(500))
    host_organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    region: Mapped[str | None] = mapped_column(String(40))
    # A working group's meeting belongs to the group (groups.id once that domain exists; no FK yet).
    group_id: Mapped[int | None] = mapped_column(Integer, index=True)
    # A group's meeting may stay out of the network's calendar feed (shown only in the group's).
    network_calendar: Mapped[bool] = mapped_column(Boolean, default=True, server_default=sa_true())
    agenda: Mapped[str | None] = mapped_column(Text)
    capacity: Mapped[int | None] = mapped_column(Integer)
    registration_deadline: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    minutes: Mapped[str | None] = mapped_column(Text)
    minutes_published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # A draft (None) is seen by coordinators only; publishing puts the meeting in the list, feeds and front page.
    # Meetings made outside the coordinator's form and planner (a group's, imported ones) are published at once.
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The year and slot ("winter", "spring", "summer", "autumn") the planner created this meeting for.
    plan_year: Mapped[int | None] = mapped_column(Integer)
    plan_slot: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow, server_default=func.now()
    )

    host_organisation: Mapped[Organisation | None] = relationship(lazy="joined")
    registrations: Mapped[list[MeetingRegistration]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="MeetingRegistration.created_at"
    )
    materials: Mapped[list[MeetingMaterial]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="MeetingMaterial.uploaded_at"
    )
    messages: Mapped[list[MeetingMessage]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="MeetingMessage.sent_at.desc()"
    )

    def __init__(self, **values: object) -> None:
        # Published at once unless made as a draft (published_at=None): a group's meeting, imported data, tests.
        values.setdefault("published_at", utcnow())
        super().__init__(**values)

    @property
    def title(self) -> str:
        """The title in the request's language (Swedish when given and asked for, else Finnish)."""
        return localized(self.title_fi, self.title_sv)

    @property
    def description(self) -> str:
        """The description (Markdown) in the request's language, as `title`."""
        return localized(self.description_fi, self.description_sv)

    @property
    def is_draft(self) -> bool:
        """Not published yet: coordinators only see it."""
        return self.published_at is None

    @property
    def is_cancelled(self) -> bool:
        """Whether the meeting was cancelled."""
        return self.status == CANCELLED

    @property
    def is_network_meeting(self) -> bool:
        """Whether this is one of the network's four yearly meetings (Democracy Day included)."""
        return self.kind in NETWORK_KINDS

    @property
    def starts_utc(self) -> datetime:
        """The start as an aware UTC datetime (SQLite returns naive values)."""
        return as_utc(self.starts_at)

    @property
    def ends_utc(self) -> datetime:
        """The end as an aware UTC datetime."""
        return as_utc(self.ends_at)

    @property
    def deadline_utc(self) -> datetime:
        """Registration closes at the deadline, or when the meeting starts if no deadline is set."""
        return as_utc(self.registration_deadline) if self.registration_deadline else self.starts_utc

    @property
    def is_past(self) -> bool:
        """Whether the meeting has ended."""
        return self.ends_utc <= utcnow()

    @property
    def registration_open(self) -> bool:
        """Whether registration is open: scheduled and before the deadline."""
        return self.status == SCHEDULED and utcnow() < self.deadline_utc

    @property
    def is_in_person(self) -> bool:
        """Whether the meeting has a venue (in person or hybrid)."""
        return self.mode in (IN_PERSON, HYBRID)

    @property
    def is_online(self) -> bool:
        """Whether the meeting can be joined online (online or hybrid)."""
        return self.mode in (ONLINE, HYBRID)

    @property
    def location_text(self) -> str:
        """One line for calendars: venue and address, or the online link."""
        parts = [p for p in (self.venue, self.address) if p] if self.is_in_person else []
        if self.is_online and self.online_url:
            parts.append(self.online_url)
        return ", ".join(parts)

    def __repr__(self) -> str:
        return f"<Meeting {self.id} {self.kind} {self.title_fi!r}>"


class MeetingRegistration(db.Model):
    """A person's answer to a meeting: registered (in person or remote), on the waiting list, declined, cancelled.

    One row per (meeting, e-mail address): answering again updates the row. Anonymising removes the name, the
    address and the link to the account but keeps the row for statistics.
    """

    __tablename__ = "meeting_registrations"
    __table_args__ = (
        UniqueConstraint("meeting_id", "email", name="uq_meeting_registrations_meeting_email"),
        # Places are counted per meeting and status in SQL (registration.places_taken).
        Index("ix_meeting_registrations_meeting_status", "meeting_id", "status", "mode"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    email: Mapped[str | None] = mapped_column(String(254))
    name: Mapped[str | None] = mapped_column(String(120))
    mode: Mapped[str] = mapped_column(String(20), default=IN_PERSON)
    status: Mapped[str] = mapped_column(String(20), default=REGISTERED)
    attended: Mapped[bool | None] = mapped_column(Boolean)
    # When the person joined the waiting list (its order); None when not waiting.
    waitlisted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow, server_default=func.now()
    )

    meeting: Mapped[Meeting] = relationship(back_populates="registrations")
    user = relationship("User", lazy="joined")

    @property
    def is_active(self) -> bool:
        """Whether the registration holds a place or a waiting-list slot."""
        return self.status in ACTIVE_STATUSES

    @property
    def is_registered(self) -> bool:
        """Has a place (not on the waiting list)."""
        return self.status == REGISTERED

    @property
    def is_waitlisted(self) -> bool:
        """Whether the registration is on the waiting list."""
        return self.status == WAITLISTED

    def __repr__(self) -> str:
        return f"<MeetingRegistration {self.id} meeting={self.meeting_id} {self.status}>"


class MeetingMaterial(db.Model):
    """A file attached to a meeting, stored under instance/uploads with a random name."""

    __tablename__ = "meeting_materials"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    original_name: Mapped[str] = mapped_column(String(255))
    # What the list shows; materials attached before titles existed show their file name.
    title_fi: Mapped[str | None] = mapped_column(String(200))
    title_sv: Mapped[str | None] = mapped_column(String(200))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(Integer)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, server_default=func.now())

    meeting: Mapped[Meeting] = relationship(back_populates="materials")

    @property
    def title(self) -> str:
        """The title in the interface language (Finnish when there is no Swedish one), else the file name."""
        return localized(self.title_fi, self.title_sv) or self.original_name


class MeetingMessage(db.Model):
    """A message to a meeting's participants (practical details, a change of room), kept for coordinators."""

    __tablename__ = "meeting_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    include_invitees: Mapped[bool] = mapped_column(Boolean, default=False)
    recipient_count: Mapped[int] = mapped_column(Integer, default=0)
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    meeting: Mapped[Meeting] = relationship(back_populates="messages")
    sent_by = relationship("User", lazy="joined")
