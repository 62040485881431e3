"""Reading meetings within a scope (the network's, or a working group's) and by Helsinki year, in SQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from icalendar import Calendar

from network.calendar.views import scope_feed
from network.meetings import queries
from network.meetings.queries import NETWORK, GroupScope
from network.timeutil import HELSINKI, utcnow


def helsinki(*args) -> datetime:
    """A wall-clock time in Finland, as UTC."""
    return datetime(*args, tzinfo=HELSINKI).astimezone(UTC)


def titles(meetings) -> list[str]:
    return [m.title_fi for m in meetings]


def test_a_group_scope_holds_only_that_groups_meetings(app, create_meeting):
    soon = utcnow() + timedelta(days=5)
    create_meeting(title_fi="Verkosto", starts_at=soon)
    create_meeting(title_fi="Ryhmä 7", kind="working_group", group_id=7, starts_at=soon + timedelta(days=1))
    create_meeting(title_fi="Ryhmä 8", kind="working_group", group_id=8, starts_at=soon + timedelta(days=2))

    assert titles(queries.upcoming(GroupScope(7))) == ["Ryhmä 7"]
    assert titles(queries.meetings_for_feed(GroupScope(8))) == ["Ryhmä 8"]
    # The network's pages list every meeting, as before scopes existed.
    assert titles(queries.upcoming(NETWORK)) == ["Verkosto", "Ryhmä 7", "Ryhmä 8"]
    group_meeting = queries.upcoming(GroupScope(7))[0]
    assert queries.get_meeting(group_meeting.id, GroupScope(7)) is group_meeting
    assert queries.get_meeting(group_meeting.id, GroupScope(8)) is None


def test_years_are_helsinki_years(app, create_meeting):
    create_meeting(title_fi="Uudenvuoden yö", starts_at=helsinki(2026, 1, 1, 0, 30))  # 2025 in UTC
    create_meeting(title_fi="Vuoden viimeinen", starts_at=helsinki(2025, 12, 31, 23, 0))  # 21:00 UTC
    create_meeting(title_fi="Syksy", starts_at=helsinki(2025, 10, 1, 12))

    assert titles(queries.meetings_in_year(2025)) == ["Syksy", "Vuoden viimeinen"]
    assert titles(queries.meetings_in_year(2026)) == ["Uudenvuoden yö"]
    assert titles(queries.past_in_year(2025, NETWORK)) == ["Vuoden viimeinen", "Syksy"]
    assert queries.past_years(NETWORK) == [2026, 2025]
    assert queries.meetings_in_year(2025, GroupScope(1)) == []


def test_a_group_feed_has_the_groups_meetings_only(app, create_meeting):
    soon = utcnow() + timedelta(days=5)
    create_meeting(title_fi="Verkosto", starts_at=soon)
    create_meeting(title_fi="Ryhmä 7", kind="working_group", group_id=7, starts_at=soon)
    with app.test_request_context("/groups/7/calendar.ics"):
        response = scope_feed(GroupScope(7), "Ryhmä 7", "group-7.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    events = Calendar.from_ical(response.get_data()).walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in events] == ["Ryhmä 7"]


def test_meetings_hosted_by_an_organisation_newest_first(app, create_meeting, create_org):
    host = create_org("Isäntäkunta")
    other = create_org("Muu kunta")
    create_meeting(title_fi="Vanha", host_organisation_id=host.id, starts_at=helsinki(2025, 3, 1, 12))
    create_meeting(title_fi="Uusi", host_organisation_id=host.id, starts_at=helsinki(2026, 3, 1, 12))
    create_meeting(title_fi="Muualla", host_organisation_id=other.id, starts_at=helsinki(2026, 4, 1, 12))
    assert titles(queries.hosted_by(host.id)) == ["Uusi", "Vanha"]
