"""The member register's figures for the yearly self-assessment report: organisations joined and left."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, func, or_, select

from ..extensions import db
from ..registries import Figure, yearly_figures
from .models import Organisation


@yearly_figures(30)
def organisation_figures(year: int) -> list[Figure]:
    """Organisations that joined and left in Helsinki year `year`, and member organisations at its end (one query;
    merged duplicates are not counted). Returns Figures with keys "orgs.joined", "orgs.left", "orgs.members_at_end".
    """
    first, last = date(year, 1, 1), date(year, 12, 31)
    joined, left, members = db.session.execute(
        select(
            func.coalesce(func.sum(case((Organisation.joined_on.between(first, last), 1), else_=0)), 0),
            func.coalesce(func.sum(case((Organisation.left_on.between(first, last), 1), else_=0)), 0),
            func.coalesce(func.sum(case((and_(or_(Organisation.joined_on.is_(None), Organisation.joined_on <= last),
                                              or_(Organisation.left_on.is_(None), Organisation.left_on > last)),
                                         1), else_=0)), 0),
        ).where(Organisation.merged_into_id.is_(None))
    ).one()
    unit = _l("organisations")
    return [Figure("orgs.joined", _l("Organisations joined"), int(joined), unit),
            Figure("orgs.left", _l("Organisations left"), int(left), unit),
            Figure("orgs.members_at_end", _l("Member organisations at the end of the year"), int(members),
                   unit)]
