"""Mailing lists, subscribers, posts and their unsubscribe tokens."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

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
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..i18n import current_language, localized
from ..timeutil import utcnow


class ListKind(StrEnum):
    """The network's main list, or a list owned by a working group."""

    MAIN = "main"
    GROUP = "group"


class PostStatus(StrEnum):
    """A post is a draft, scheduled for later, queued (sent: its messages are in the outbox) or cancelled."""

    DRAFT = "draft"
    SCHEDULED = "scheduled"
    QUEUED = "queued"
    CANCELLED = "cancelled"


# The module-level names the code reads (enum members, equal to the stored text).
MAIN_LIST = ListKind.MAIN
GROUP_LIST = ListKind.GROUP

DRAFT = PostStatus.DRAFT
SCHEDULED = PostStatus.SCHEDULED
QUEUED = PostStatus.QUEUED
CANCELLED = PostStatus.CANCELLED

LANGUAGES = ("fi", "sv", "en")


class MailingList(db.Model):
    """The network's main list, or a list owned by something else (a working group: owner_type='group')."""

    __tablename__ = "mailing_lists"
    __table_args__ = (UniqueConstraint("owner_type", "owner_id", name="uq_mailing_lists_owner"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    kind: Mapped[str] = mapped_column(String(20), default=MAIN_LIST)
    name_fi: Mapped[str] = mapped_column(String(200))
    name_sv: Mapped[str | None] = mapped_column(String(200))
    description_fi: Mapped[str | None] = mapped_column(Text)
    description_sv: Mapped[str | None] = mapped_column(Text)
    owner_type: Mapped[str | None] = mapped_column(String(40))
    owner_id: Mapped[int | None] = mapped_column(Integer)
    # The chair may post to the group's list.
    chair_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Replies allowed: List-Post carries this address.
    post_address: Mapped[str | None] = mapped_column(String(254))
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, server_default=func.now())

    @property
    def is_main(self) -> bool:
        """Whether this is the network's main list (the one every subscriber joins)."""
        return self.kind == MAIN_LIST

    def __repr__(self) -> str:
        return f"<MailingList {self.slug}>"


class Subscriber(db.Model):
    """An e-mail address that may receive list mail; needs no account. Confirmed by double opt-in."""

    __tablename__ = "mailing_subscribers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    language: Mapped[str] = mapped_column(String(2), default="fi")
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, server_default=func.now())

    subscriptions: Mapped[list[Subscription]] = relationship(
        back_populates="subscriber", cascade="all, delete-orphan"
    )

    @property
    def confirmed(self) -> bool:
        """Whether the address confirmed its subscription (double opt-in)."""
        return self.confirmed_at is not None

    def __repr__(self) -> str:
        return f"<Subscriber {self.email}>"


class Subscription(db.Model):
    """A subscriber on a list. `active` receives mail; `is_member` is set by the owner's membership sync."""

    __tablename__ = "mailing_subscriptions"
    __table_args__ = (UniqueConstraint("list_id", "subscriber_id", name="uq_mailing_subscriptions_list_subscriber"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    list_id: Mapped[int] = mapped_column(ForeignKey("mailing_lists.id", ondelete="CASCADE"), index=True)
    subscriber_id: Mapped[int] = mapped_column(ForeignKey("mailing_subscribers.id", ondelete="CASCADE"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    is_member: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, server_default=func.now())
    unsubscribed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    subscriber: Mapped[Subscriber] = relationship(back_populates="subscriptions")
    mailing_list: Mapped[MailingList] = relationship(lazy="joined")


class Post(db.Model):
    """A message written for a list, in Finnish and optionally Swedish; the archive shows it once sent."""

    __tablename__ = "mailing_posts"
    # The archive lists a list's sent posts newest first: this index serves its filter, order and OFFSET.
    __table_args__ = (Index("ix_mailing_posts_list_status_queued", "list_id", "status", "queued_at", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    list_id: Mapped[int] = mapped_column(ForeignKey("mailing_lists.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    subject_fi: Mapped[str] = mapped_column(String(200))
    subject_sv: Mapped[str | None] = mapped_column(String(200))
    body_fi: Mapped[str] = mapped_column(Text)
    body_sv: Mapped[str | None] = mapped_column(Text)
    # English is a message language too: readers who chose it get this text, else the Finnish one with a note.
    subject_en: Mapped[str | None] = mapped_column(String(200))
    body_en: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default=DRAFT, index=True)
    scheduled_for: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    queued_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    recipient_count: Mapped[int] = mapped_column(Integer, default=0)
    # Accent- and case-folded subject and text for the archive search.
    search_text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, server_default=func.now())

    mailing_list: Mapped[MailingList] = relationship(lazy="joined")

    @property
    def message_key(self) -> str:
        """The outbox key prefix of this post's messages (one row per recipient: the key makes queueing idempotent)."""
        return f"post:{self.id}"

    def subject_in(self, language: str | None = None) -> str:
        """The subject in `language` (default: the reader's): a translation's subject only with its text."""
        return localized(self.subject_fi, self.subject_sv if self.body_sv else None,
                         self.subject_en if self.body_en else None, language=language)

    def body_in(self, language: str | None = None) -> str:
        """The text (Markdown) in `language` (default: the reader's); the Finnish text when there is none."""
        return localized(self.body_fi, self.body_sv, self.body_en, language=language)

    def finnish_only_for(self, language: str | None = None) -> bool:
        """True when a Swedish or English reader gets the Finnish text because the post has none in their language.

        Takes the reader's language (default: the interface's); returns the answer. Raises nothing.
        """
        language = language or current_language()
        return (language == "sv" and not self.body_sv) or (language == "en" and not self.body_en)

    @property
    def published_at(self) -> datetime | None:
        """When the post went out (UTC), or None while it is a draft or scheduled."""
        return self.queued_at

    @classmethod
    def newest_first(cls) -> tuple:
        """The one order of every list of posts (ORDER BY clauses): newest first by the post's date (sent, else
        scheduled, else written), the later id first on the same date. Sent posts alone: by `queued_at`, which
        the (list, status, time) index serves.
        """
        return (func.coalesce(cls.queued_at, cls.scheduled_for, cls.created_at).desc(), cls.id.desc())

    @classmethod
    def sent_newest_first(cls) -> tuple:
        """`newest_first` for sent posts only (their date is `queued_at`; the index serves this order)."""
        return (cls.queued_at.desc(), cls.id.desc())

    @property
    def is_scheduled(self) -> bool:
        """Whether the post waits for its scheduled time."""
        return self.status == SCHEDULED

    @property
    def is_cancelled(self) -> bool:
        """Whether a scheduled post was cancelled before it went out."""
        return self.status == CANCELLED

    @property
    def is_sent(self) -> bool:
        """Queued for delivery (the archive shows it)."""
        return self.status == QUEUED


class MeetingInvitation(db.Model):
    """Who was sent a meeting's invite, so that updates and cancellations reach the same people."""

    __tablename__ = "mailing_meeting_invitations"
    __table_args__ = (UniqueConstraint("meeting_id", "email", name="uq_mailing_meeting_invitations_meeting_email"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # The meeting's id (network/meetings); kept as a plain integer so mailing does not depend on that schema.
    meeting_id: Mapped[int] = mapped_column(Integer, index=True)
    list_id: Mapped[int | None] = mapped_column(ForeignKey("mailing_lists.id", ondelete="SET NULL"))
    email: Mapped[str] = mapped_column(String(254))
    name: Mapped[str] = mapped_column(String(120), default="")
    language: Mapped[str] = mapped_column(String(2), default="fi")
    last_sequence: Mapped[int] = mapped_column(Integer, default=0)
    last_method: Mapped[str] = mapped_column(String(20), default="REQUEST")
    # The invitee's last answer: "yes", "no" or "maybe", and through which channel: "link" (the RSVP links in the
    # invite) or "calendar" (an iMIP REPLY from the calendar client).
    answer: Mapped[str | None] = mapped_column(String(10))
    answer_channel: Mapped[str | None] = mapped_column(String(20))
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, server_default=func.now())
