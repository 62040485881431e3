"""A member's personal calendar feed: the secret behind their feed address.

The address carries `<feed id>.<HMAC of the id and the secret under SECRET_KEY>` (network.calendar.personal), so the
table alone does not give anyone's address, the page can show the address again at any time, renewing replaces
the secret (the old address answers 404) and revoking deletes the row.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..timeutil import utcnow


class CalendarFeed(db.Model):
    """One person's secret feed of the meetings they hold a place in and their working groups' meetings."""

    __tablename__ = "calendar_feeds"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    # Random (secrets.token_urlsafe); never shown, only its keyed hash is in the address.
    secret: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, server_default=func.now())
    renewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    user = relationship("User")

    def __repr__(self) -> str:
        return f"<CalendarFeed {self.id} user={self.user_id}>"
