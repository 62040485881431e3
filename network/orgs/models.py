"""The register's models: organisations, membership applications and pending imports."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Integer, LargeBinary, String, Text, event, func
from sqlalchemy.orm import Mapped, mapped_column

from ..collation import sort_key
from ..extensions import db
from ..i18n import current_language, localized
from ..timeutil import utcnow
from .municipalities import municipality_name
from .regions import kind_label, region_name


class Organisation(db.Model):
    """A member (or former member) organisation of the network."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name_fi: Mapped[str] = mapped_column(String(200))
    name_sv: Mapped[str | None] = mapped_column(String(200))
    # Lower-cased, accent-folded name used for uniqueness and search.
    search_name: Mapped[str] = mapped_column(String(400), index=True)
    # ICU sort keys of the name each language shows (Swedish readers see the Swedish name where there is one);
    # they compare bytewise in that language's alphabetical order, so SQL can order and paginate by them.
    sort_key_fi: Mapped[bytes | None] = mapped_column(LargeBinary)
    sort_key_sv: Mapped[bytes | None] = mapped_column(LargeBinary)
    sort_key_en: Mapped[bytes | None] = mapped_column(LargeBinary)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    region: Mapped[str] = mapped_column(String(40), index=True)
    municipality: Mapped[str | None] = mapped_column(String(120))
    business_id: Mapped[str | None] = mapped_column(String(9), unique=True)
    website: Mapped[str | None] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    open_government_member: Mapped[bool] = mapped_column(Boolean, default=False)
    joined_on: Mapped[date | None] = mapped_column(Date)
    left_on: Mapped[date | None] = mapped_column(Date)
    # Set when this organisation was a duplicate merged into another one; it then stays only as history.
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, server_default=func.now())

    @property
    def name(self) -> str:
        """The name in the reader's language."""
        return localized(self.name_fi, self.name_sv)

    @property
    def region_name(self) -> str:
        """The region's name in the interface language."""
        return region_name(self.region, current_language())

    @property
    def municipality_name(self) -> str:
        """The municipality in the reader's language (Åbo for a Swedish reader of Turku); "" for none."""
        return municipality_name(self.municipality)

    @property
    def kind_label(self) -> str:
        """The kind's readable name."""
        return kind_label(self.kind)

    @property
    def is_member(self) -> bool:
        """True while the organisation has neither left nor been merged."""
        return self.left_on is None and self.merged_into_id is None

    @property
    def is_merged(self) -> bool:
        """True for a duplicate merged into another organisation."""
        return self.merged_into_id is not None

    @classmethod
    def sort_column(cls, language: str | None = None):
        """The sort key column for a language (default: the reader's), for ORDER BY in alphabetical order."""
        language = language or current_language()
        return {"sv": cls.sort_key_sv, "en": cls.sort_key_en}.get(language, cls.sort_key_fi)

    def update_sort_keys(self) -> None:
        """Recompute the sort keys from the names (done automatically before every insert and update)."""
        for language in ("fi", "sv", "en"):
            shown = localized(self.name_fi, self.name_sv, language=language)
            setattr(self, f"sort_key_{language}", sort_key(shown, language))

    def __repr__(self) -> str:
        return f"<Organisation {self.id} {self.name_fi!r}>"


@event.listens_for(Organisation, "before_insert")
@event.listens_for(Organisation, "before_update")
def _keep_sort_keys(_mapper, _connection, organisation: Organisation) -> None:
    organisation.update_sort_keys()


class ApplicationStatus(StrEnum):
    """Where a membership application stands; stored as its text value."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


APPLICATION_PENDING = ApplicationStatus.PENDING
APPLICATION_APPROVED = ApplicationStatus.APPROVED
APPLICATION_REJECTED = ApplicationStatus.REJECTED


class MembershipApplication(db.Model):
    """An application for an organisation to join the network, decided by a coordinator."""

    __tablename__ = "membership_applications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name_fi: Mapped[str] = mapped_column(String(200))
    name_sv: Mapped[str | None] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40))
    region: Mapped[str] = mapped_column(String(40))
    municipality: Mapped[str | None] = mapped_column(String(120))
    business_id: Mapped[str | None] = mapped_column(String(9))
    # Emptied when the contact person deletes their account.
    contact_name: Mapped[str | None] = mapped_column(String(120))
    contact_email: Mapped[str | None] = mapped_column(String(254), index=True)
    reason: Mapped[str | None] = mapped_column(Text)
    # The interface language the applicant used: the decision is sent in it.
    language: Mapped[str] = mapped_column(String(2), default="fi")
    status: Mapped[str] = mapped_column(String(20), default=APPLICATION_PENDING, index=True)
    decision_message: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, server_default=func.now())

    @property
    def region_name(self) -> str:
        """The region's name in the interface language."""
        return region_name(self.region, current_language())

    @property
    def municipality_name(self) -> str:
        """The municipality in the reader's language (Åbo for a Swedish reader of Turku); "" for none."""
        return municipality_name(self.municipality)

    @property
    def kind_label(self) -> str:
        """The kind's readable name."""
        return kind_label(self.kind)

    @property
    def is_pending(self) -> bool:
        """True while the application waits for a decision."""
        return self.status == ApplicationStatus.PENDING

    @property
    def is_approved(self) -> bool:
        """True once a coordinator approved the application."""
        return self.status == ApplicationStatus.APPROVED


class ImportUpload(db.Model):
    """An uploaded register file kept between the dry-run preview and the confirmation.

    Stored in the database (not on one host's disk) so that confirming works with several workers and hosts;
    removed when applied and cleaned up after a day.
    """

    __tablename__ = "org_import_uploads"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    filename: Mapped[str] = mapped_column(String(200))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
