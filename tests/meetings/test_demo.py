"""Demo meetings: last year's and this year's four, one Democracy Day in week 42 each, registrations; idempotent."""

from __future__ import annotations

from sqlalchemy import func, select

from network.meetings import demo as meetings_demo
from network.meetings.models import Meeting, MeetingRegistration
from network.meetings.queries import meetings_in_year
from network.meetings.scheduling import is_democracy_day_week, year_warnings
from network.timeutil import utc_to_helsinki, utcnow


def load_prerequisites():
    from network.auth import demo as auth_demo
    from network.orgs import demo as orgs_demo

    orgs_demo.load()
    auth_demo.load()


def test_demo_load_is_complete_and_idempotent(app, db):
    load_prerequisites()
    meetings_demo.load()
    db.session.commit()
    this_year = utc_to_helsinki(utcnow()).year
    for year in (this_year - 1, this_year):
        meetings = meetings_in_year(year)
        network = [m for m in meetings if m.is_network_meeting]
        assert len(network) == 4, year
        assert year_warnings(meetings) == []
        days = [m for m in network if m.kind == "democracy_day"]
        assert len(days) == 1 and is_democracy_day_week(days[0].starts_at)
        assert all(m.host_organisation_id and m.region for m in network)
    assert db.session.scalar(select(func.count(MeetingRegistration.id))) > 10
    assert db.session.scalar(select(func.count(Meeting.id)).where(Meeting.starts_at > utcnow())) >= 1
    before = db.session.scalar(select(func.count(Meeting.id)))
    registrations = db.session.scalar(select(func.count(MeetingRegistration.id)))
    meetings_demo.load()
    db.session.commit()
    assert db.session.scalar(select(func.count(Meeting.id))) == before
    assert db.session.scalar(select(func.count(MeetingRegistration.id))) == registrations
