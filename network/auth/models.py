"""The account model: a person who can log in."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, LargeBinary, String, event, func, inspect
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..collation import LOCALES, sort_key
from ..extensions import db
from ..i18n import current_language
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
    # The name's ICU sort key per interface language (network.collation), so that SQL can order and paginate
    # people alphabetically in the reader's language on SQLite and PostgreSQL alike; kept by `_keep_sort_keys`.
    sort_key_fi: Mapped[bytes | None] = mapped_column(LargeBinary)
    sort_key_sv: Mapped[bytes | None] = mapped_column(LargeBinary)
    sort_key_en: Mapped[bytes | None] = mapped_column(LargeBinary)

    organisation: Mapped[Organisation | None] = relationship(lazy="joined")

    @classmethod
    def sort_column(cls, language: str | None = None):
        """Takes a language code (default: the reader's); returns the name's sort key column in that language, for
        `ORDER BY` in its alphabetical order (Finnish and Swedish: ..., Z, Å, Ä, Ö). Raises nothing.
        """
        language = language or current_language()
        return {"sv": cls.sort_key_sv, "en": cls.sort_key_en}.get(language, cls.sort_key_fi)

    def update_sort_keys(self) -> None:
        """Recompute the name's sort keys (done automatically before an insert and when the name changes)."""
        for language in LOCALES:
            setattr(self, f"sort_key_{language}", sort_key(self.name, language))

    @property
    def is_coordinator(self) -> bool:
        """True for the coordinator role."""
        return self.role == COORDINATOR

    @property
    def email_confirmed(self) -> bool:
        """True once the person opened the confirmation link."""
        return self.email_confirmed_at is not None

    def get_id(self) -> str:
        """Flask-Login's identifier, kept in the session and the remember cookie: "<id>:<session token>" once a
        server-side session was started for this login (network.auth.sessions), else the bare id (which the
        loader refuses: no login without a recorded session).
        """
        token = getattr(self, "session_token", None)
        return f"{self.id}:{token}" if token else str(self.id)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


@event.listens_for(User, "before_insert")
@event.listens_for(User, "before_update")
def _keep_sort_keys(_mapper, _connection, user: User) -> None:
    if user.sort_key_fi is None or inspect(user).attrs.name.history.has_changes():
        user.update_sort_keys()


class UserSession(db.Model):
    """One login of a person on one device: the browser session and, with "remember me", its remember cookie.

    Only a SHA-256 digest of the random token is stored: the cookies carry "<user id>:<token>", and a copy of the
    table is no key to anyone's account. Deleting the row ends the session and its remember cookie at once.
    """

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    remember: Mapped[bool] = mapped_column(Boolean, default=False)
    user_agent: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)

    user: Mapped[User] = relationship(lazy="joined")

    def __repr__(self) -> str:
        return f"<UserSession {self.id} of user {self.user_id}>"
