"""Working groups: short-lived groups around a theme, their members, join requests and final report files.

A group's meetings are meetings (`Meeting.group_id`), its list is a `MailingList` (owner_type "group"); neither is
copied here. The group's state (proposed, open, active, closed, declined) is derived from its dates and decisions
by `network.groups.lifecycle.group_state`, never stored as a column that could go stale.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..i18n import localized
from ..timeutil import utcnow


class Decision(StrEnum):
    """What a coordinator decided on a proposal (the group's state also depends on its dates)."""

    PENDING = "pending"
    APPROVED = "approved"
    DECLINED = "declined"


class RequestStatus(StrEnum):
    """A request to join after the sign-up deadline, and the chair's answer."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"


PENDING, APPROVED, DECLINED = Decision.PENDING, Decision.APPROVED, Decision.DECLINED
REQUEST_PENDING, REQUEST_ACCEPTED, REQUEST_DECLINED = (RequestStatus.PENDING, RequestStatus.ACCEPTED,
                                                       RequestStatus.DECLINED)


class WorkingGroup(db.Model):
    """A working group from its proposal to its final report.

    `member_count` is kept by the join and leave rules in the same transaction as the membership rows; the CHECK
    constraint makes the database refuse a join beyond `max_size`, also when two people join at the same instant.
    """

    __tablename__ = "working_groups"
    __table_args__ = (
        CheckConstraint("max_size IS NULL OR member_count <= max_size", name="max_size"),
        CheckConstraint("member_count >= 0", name="member_count"),
        CheckConstraint("signup_deadline <= term_end", name="deadline_before_end"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name_fi: Mapped[str] = mapped_column(String(200))
    name_sv: Mapped[str | None] = mapped_column(String(200))
    theme_fi: Mapped[str] = mapped_column(String(300))
    theme_sv: Mapped[str | None] = mapped_column(String(300))
    # The mandate in Markdown: purpose and background, what the group will produce.
    mandate_fi: Mapped[str] = mapped_column(Text)
    mandate_sv: Mapped[str | None] = mapped_column(Text)
    # Who steers the group (e.g. "the network's coordinators", "työjaosto").
    steering: Mapped[str | None] = mapped_column(String(300))
    # The meeting that will approve the group's result, as the proposer names it.
    approving_meeting: Mapped[str | None] = mapped_column(String(300))
    signup_deadline: Mapped[date] = mapped_column(Date)
    term_end: Mapped[date] = mapped_column(Date, index=True)
    max_size: Mapped[int | None] = mapped_column(Integer)
    member_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    decision: Mapped[str] = mapped_column(String(20), default=PENDING, server_default=PENDING.value, index=True)
    decline_reason: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    proposer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    # The interface language of the proposer when proposing: the decision is sent in it.
    proposer_language: Mapped[str] = mapped_column(String(2), default="fi", server_default="fi")
    chair_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)

    final_report_fi: Mapped[str | None] = mapped_column(Text)
    final_report_sv: Mapped[str | None] = mapped_column(Text)
    final_report_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    # Time-driven work done by `flask groups tick` (each at most once).
    members_reminded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    chair_reminded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow, server_default=func.now()
    )

    proposer = relationship("User", foreign_keys=[proposer_id], lazy="joined")
    chair = relationship("User", foreign_keys=[chair_id], lazy="joined")
    memberships: Mapped[list[GroupMembership]] = relationship(
        back_populates="group", cascade="all, delete-orphan", passive_deletes=True,
        order_by="GroupMembership.joined_at",
    )
    report_files: Mapped[list[GroupReportFile]] = relationship(
        back_populates="group", cascade="all, delete-orphan", passive_deletes=True,
        order_by="GroupReportFile.uploaded_at",
    )

    @property
    def name(self) -> str:
        """The group's name in the interface language (Finnish when there is no Swedish)."""
        return localized(self.name_fi, self.name_sv)

    @property
    def theme(self) -> str:
        """The theme in the interface language."""
        return localized(self.theme_fi, self.theme_sv)

    @property
    def mandate(self) -> str:
        """The mandate (Markdown) in the interface language."""
        return localized(self.mandate_fi, self.mandate_sv)

    @property
    def final_report(self) -> str:
        """The final report (Markdown) in the interface language."""
        return localized(self.final_report_fi, self.final_report_sv)

    def __repr__(self) -> str:
        return f"<WorkingGroup {self.id} {self.name_fi!r}>"


class GroupMembership(db.Model):
    """A person in a group. One row per (group, person): joining twice is refused by the database too."""

    __tablename__ = "working_group_members"
    __table_args__ = (UniqueConstraint("group_id", "user_id", name="uq_working_group_members_group_user"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("working_groups.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    joined_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, server_default=func.now())

    group: Mapped[WorkingGroup] = relationship(back_populates="memberships")
    user = relationship("User", lazy="joined")


class GroupJoinRequest(db.Model):
    """After the sign-up deadline a member asks the chair to join; the chair accepts or declines."""

    __tablename__ = "working_group_join_requests"
    __table_args__ = (UniqueConstraint("group_id", "user_id", name="uq_working_group_join_requests_group_user"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("working_groups.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    message: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default=REQUEST_PENDING, server_default=REQUEST_PENDING.value)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, server_default=func.now())
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    group: Mapped[WorkingGroup] = relationship()
    user = relationship("User", lazy="joined")

    @property
    def is_pending(self) -> bool:
        """True while the chair has not answered."""
        return self.status == REQUEST_PENDING


class GroupReportFile(db.Model):
    """An attachment of a group's final report (public with the report)."""

    __tablename__ = "working_group_report_files"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("working_groups.id", ondelete="CASCADE"), index=True)
    original_name: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(Integer)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, server_default=func.now())

    group: Mapped[WorkingGroup] = relationship(back_populates="report_files")
