"""The register's yearly activity figures for the self-assessment report, computed in SQL."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select

from ..extensions import db
from ..registries import Figure
from ..timeutil import helsinki_year_bounds, utc_to_helsinki
from .models import Organisation

UNIT = _l("organisations")


def year_dates(year: int) -> tuple[date, date]:
    """The Helsinki calendar year `year` as a half-open interval of dates [1 Jan, 1 Jan of the next year)."""
    start, end = helsinki_year_bounds(year)
    return utc_to_helsinki(start).date(), utc_to_helsinki(end).date()


def _count(*conditions: object) -> int:
    statement = select(func.count(Organisation.id)).where(Organisation.merged_into_id.is_(None), *conditions)
    return db.session.scalar(statement) or 0


def register_figures(year: int) -> list[Figure]:
    """Organisations that joined and that left in `year`, and the member organisations at the year's end.

    Takes a calendar year; returns three Figures (keys orgs.joined, orgs.left, orgs.members_at_year_end);
    merged duplicates are not counted. Raises nothing.
    """
    start, end = year_dates(year)
    joined = _count(Organisation.joined_on >= start, Organisation.joined_on < end)
    left = _count(Organisation.left_on >= start, Organisation.left_on < end)
    members = _count(
        or_(Organisation.joined_on.is_(None), Organisation.joined_on < end),
        or_(Organisation.left_on.is_(None), Organisation.left_on >= end),
    )
    return [
        Figure("orgs.joined", _l("Organisations that joined"), joined, UNIT),
        Figure("orgs.left", _l("Organisations that left"), left, UNIT),
        Figure("orgs.members_at_year_end", _l("Member organisations at the end of the year"), members, UNIT),
    ]
