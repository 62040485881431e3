"""The meetings' section of the front page: the next meetings."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from ..extensions import db
from ..registries import home_section
from ..timeutil import utcnow
from .models import SCHEDULED, Meeting

HOME_COUNT = 3


@home_section(10, "meetings/_home.html")
def next_meetings() -> dict[str, Any]:
    statement = (
        select(Meeting)
        .where(Meeting.ends_at >= utcnow(), Meeting.status == SCHEDULED)
        .order_by(Meeting.starts_at)
        .limit(HOME_COUNT)
    )
    return {"meetings": db.session.scalars(statement).all()}
