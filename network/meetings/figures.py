"""The meetings' figures for the yearly self-assessment report: meetings held and participants by organisation
kind (grouped SQL over the Helsinki calendar year)."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select

from ..auth.models import User
from ..extensions import db
from ..orgs.models import Organisation
from ..orgs.regions import KINDS, kind_label
from ..registries import Figure, yearly_figures
from ..timeutil import helsinki_year_bounds
from .models import (
    DEMOCRACY_DAY,
    NETWORK,
    NETWORK_KINDS,
    REGISTERED,
    SCHEDULED,
    WORKING_GROUP,
    Meeting,
    MeetingRegistration,
)


@yearly_figures(10)
def meeting_figures(year: int) -> list[Figure]:
    """Meetings held in `year` (network meetings, Democracy Day, working-group meetings) and their participants:
    registered people not marked absent, network meetings by the kind of the person's organisation. Two queries."""
    start, end = helsinki_year_bounds(year)
    in_year = (Meeting.status == SCHEDULED, Meeting.starts_at >= start, Meeting.starts_at < end)
    held = dict(db.session.execute(select(Meeting.kind, func.count()).where(*in_year).group_by(Meeting.kind)).all())
    rows = db.session.execute(
        select(Meeting.kind, Organisation.kind, func.count())
        .select_from(MeetingRegistration)
        .join(Meeting, Meeting.id == MeetingRegistration.meeting_id)
        .outerjoin(User, User.id == MeetingRegistration.user_id)
        .outerjoin(Organisation, Organisation.id == User.organisation_id)
        .where(*in_year, MeetingRegistration.status == REGISTERED,
               or_(MeetingRegistration.attended.is_(None), MeetingRegistration.attended.is_(True)))
        .group_by(Meeting.kind, Organisation.kind)
    ).all()
    participants: dict[str, int] = {}
    by_org_kind: dict[str | None, int] = {}
    for meeting_kind, org_kind, count in rows:
        participants[meeting_kind] = participants.get(meeting_kind, 0) + count
        if meeting_kind in NETWORK_KINDS:
            by_org_kind[org_kind] = by_org_kind.get(org_kind, 0) + count
    people = _l("people")
    figures = [
        Figure("meetings_network", _l("Network meetings held (Democracy Day included)"),
               held.get(NETWORK, 0) + held.get(DEMOCRACY_DAY, 0), _l("meetings")),
        Figure("meetings_democracy_day", _l("Democracy Day held"), held.get(DEMOCRACY_DAY, 0), _l("meetings")),
        Figure("meetings_working_group", _l("Working-group meetings held"), held.get(WORKING_GROUP, 0),
               _l("meetings")),
        Figure("participants_network", _l("Participants in network meetings"),
               participants.get(NETWORK, 0) + participants.get(DEMOCRACY_DAY, 0), people),
        Figure("participants_democracy_day", _l("Participants in Democracy Day"),
               participants.get(DEMOCRACY_DAY, 0), people),
    ]
    for kind in [*KINDS, None]:
        if kind is None and not by_org_kind.get(None):
            continue
        label = kind_label(kind) if kind else _("No organisation")
        figures.append(Figure(f"participants_network_{kind or 'none'}",
                              _("Participants in network meetings: %(kind)s", kind=label),
                              by_org_kind.get(kind, 0), people))
    return figures
