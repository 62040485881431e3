"""The account model: a person who can log in."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db, login_manager
from ..orgs.models import Organisation
from ..permissions import COORDINATOR, MEMBER
from ..timeutil import utcnow


class User(UserMixin, db.Model):
    """A person's account: address, hashed password, role, language and organisation."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Stored lower-cased, so the unique index makes addresses unique case-insensitively.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), default=MEMBER)
    language: Mapped[str] = mapped_column(String(2), default="fi")
    title: Mapped[str | None] = mapped_column(String(120))
    public_profile: Mapped[bool] = mapped_column(Boolean, default=False)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    # Set when the person asked to be linked to an organisation; cleared when a coordinator confirms.
    organisation_link_pending: Mapped[bool] = mapped_column(Boolean, default=False)
    # Free text when the organisation is "not listed yet".
    organisation_requested_name: Mapped[str | None] = mapped_column(String(200))
    email_confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, server_default=func.now())

    organisation: Mapped[Organisation | None] = relationship(lazy="joined")

    @property
    def is_coordinator(self) -> bool:
        """True for the coordinator role."""
        return self.role == COORDINATOR

    @property
    def email_confirmed(self) -> bool:
        """True once the person opened the confirmation link."""
        return self.email_confirmed_at is not None

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """Flask-Login's loader: the account with the id kept in the session, or None."""
    if not user_id.isdigit():
        return None
    return db.session.get(User, int(user_id))
