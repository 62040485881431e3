"""The meetings' yearly activity figures for the self-assessment report, computed in SQL for a Helsinki year.

Counted: the network's meetings (network meetings and Democracy Day; working groups report their own) that were
held, i.e. not cancelled and already over, starting in the year. Participants are the registrations with a
place (status registered) to those meetings, in total and by the kind of the person's organisation (people
without an account or organisation under "none").
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, func, select

from ..auth.models import User
from ..auth.people import confirmed_organisation
from ..extensions import db
from ..orgs.models import Organisation
from ..orgs.regions import KINDS
from ..registries import Figure
from ..timeutil import utcnow
from .models import DEMOCRACY_DAY, NETWORK_KINDS, REGISTERED, SCHEDULED, Meeting, MeetingRegistration
from .queries import in_year_condition

NO_ORGANISATION = "none"


def _held(year: int) -> ColumnElement[bool]:
    return (
        in_year_condition(year) & Meeting.kind.in_(NETWORK_KINDS) & (Meeting.status == SCHEDULED)
        & (Meeting.ends_at <= utcnow())
    )


def _participants(condition: ColumnElement[bool]) -> int:
    statement = (
        select(func.count(MeetingRegistration.id)).join(Meeting, MeetingRegistration.meeting_id == Meeting.id)
        .where(condition, MeetingRegistration.status == REGISTERED)
    )
    return db.session.scalar(statement) or 0


def participants_by_organisation_kind(year: int) -> dict[str, int]:
    """Registered participants of the year's held network meetings by organisation kind ("none": no organisation).

    Takes a Helsinki year; returns {kind code: count} with only the kinds that occur.
    """
    kind = func.coalesce(Organisation.kind, NO_ORGANISATION)
    statement = (
        select(kind, func.count(MeetingRegistration.id))
        .select_from(MeetingRegistration)
        .join(Meeting, MeetingRegistration.meeting_id == Meeting.id)
        .outerjoin(User, MeetingRegistration.user_id == User.id)
        .outerjoin(Organisation, confirmed_organisation())
        .where(_held(year), MeetingRegistration.status == REGISTERED)
        .group_by(kind)
    )
    return {code: count for code, count in db.session.execute(statement)}


def meeting_figures(year: int) -> list[Figure]:
    """The year's figures: meetings held, registered participants (in total and by organisation kind), whether
    Democracy Day was held and its participants.

    Takes a Helsinki calendar year; returns Figures with keys "meetings.held", "meetings.participants",
    "meetings.participants.<kind>", "meetings.democracy_day_held" (1 or 0), "meetings.democracy_day_participants".
    """
    held = db.session.scalar(select(func.count(Meeting.id)).where(_held(year))) or 0
    democracy_day = _held(year) & (Meeting.kind == DEMOCRACY_DAY)
    days = db.session.scalar(select(func.count(Meeting.id)).where(democracy_day)) or 0
    figures = [
        Figure("meetings.held", _l("Network meetings held"), held, _l("meetings")),
        Figure("meetings.participants", _l("Participants registered for the network meetings"),
               _participants(_held(year)), _l("people")),
    ]
    for code, count in sorted(participants_by_organisation_kind(year).items()):
        label = KINDS.get(code, _l("No organisation"))
        figures.append(Figure(f"meetings.participants.{code}", _l("Participants: %(kind)s", kind=label), count,
                              _l("people")))
    figures += [
        Figure("meetings.democracy_day_held", _l("Democracy Day held"), 1 if days else 0),
        Figure("meetings.democracy_day_participants", _l("Participants registered for Democracy Day"),
               _participants(democracy_day), _l("people")),
    ]
    return figures
