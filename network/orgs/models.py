from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, Integer, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..i18n import current_language, localized
from ..timeutil import utcnow
from .regions import kind_label, region_name


class Organisation(db.Model):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name_fi: Mapped[str] = mapped_column(String(200))
    name_sv: Mapped[str | None] = mapped_column(String(200))
    # Lower-cased, accent-folded name used for uniqueness and search.
    search_name: Mapped[str] = mapped_column(String(400), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    region: Mapped[str] = mapped_column(String(40))
    municipality: Mapped[str | None] = mapped_column(String(120))
    business_id: Mapped[str | None] = mapped_column(String(9), unique=True)
    website: Mapped[str | None] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    open_government_member: Mapped[bool] = mapped_column(Boolean, default=False)
    joined_on: Mapped[date | None] = mapped_column(Date)
    left_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, server_default=func.now())

    @property
    def name(self) -> str:
        return localized(self.name_fi, self.name_sv)

    @property
    def region_name(self) -> str:
        return region_name(self.region, current_language())

    @property
    def kind_label(self) -> str:
        return kind_label(self.kind)

    @property
    def is_member(self) -> bool:
        return self.left_on is None

    def __repr__(self) -> str:
        return f"<Organisation {self.id} {self.name_fi!r}>"
