"""Every calendar text the app emits is read to the same UTC instants by ical.js, vobject and icalendar."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar

from network.calendar.ics import event_calendar, feed_calendar, helsinki_timezone, invite_calendar
from network.timeutil import HELSINKI, as_utc

from ..factories import make_meeting
from ..support.icalcheck import assert_parsers_agree, helsinki, require_icaljs


@pytest.fixture(autouse=True)
def _icaljs():
    require_icaljs()


def _days_across_the_year(year: int) -> list[datetime]:
    """Winter, the days around both daylight-saving changes, and summer, at noon Helsinki time."""
    return [helsinki(year, 1, 15, 12), helsinki(year, 3, 24, 12), helsinki(year, 3, 31, 12), helsinki(year, 5, 13, 12),
            helsinki(year, 7, 1, 9), helsinki(year, 10, 24, 12), helsinki(year, 10, 31, 12), helsinki(year, 12, 10, 18)]


def _expected(meetings) -> dict:
    return {m.uid: (as_utc(m.starts_at), as_utc(m.ends_at)) for m in meetings}


def test_a_feed_of_forty_years_is_read_alike_by_every_parser(app):
    """Failed before: ical.js read summer meetings of a multi-year feed an hour off (RDATE-list VTIMEZONE)."""
    meetings = [
        make_meeting(title_fi=f"Tapaaminen {start:%Y-%m-%d}", starts_at=start, ends_at=start + timedelta(hours=4))
        for year in range(2000, 2041, 3)
        for start in _days_across_the_year(year)
    ]
    meetings.append(make_meeting(title_fi="Kevät 2026", starts_at=helsinki(2026, 5, 13, 12),
                                 ends_at=helsinki(2026, 5, 13, 16)))
    body = feed_calendar(meetings, "Kuntademokratiaverkosto")
    instants = assert_parsers_agree(body, _expected(meetings))
    assert instants[meetings[-1].uid][0] == datetime(2026, 5, 13, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize("year", [2000, 2013, 2026, 2040])
def test_single_files_and_invites_are_read_alike(app, year):
    meeting = make_meeting(starts_at=helsinki(year, 3, 26, 10), ends_at=helsinki(year, 3, 26, 15))
    summer = make_meeting(starts_at=helsinki(year, 10, 29, 23), ends_at=helsinki(year, 10, 30, 1))
    for m in (meeting, summer):
        assert_parsers_agree(event_calendar(m), _expected([m]))
        for method in ("REQUEST", "CANCEL"):
            assert_parsers_agree(invite_calendar(m, method, "aino@example.fi", "Aino"), _expected([m]))


def test_the_vtimezone_follows_the_tz_database_from_2000_to_2040(app):
    """The VTIMEZONE's rules give the offset zoneinfo gives, every day of 2000-2040 at 00:30, 03:30 and 12:00."""
    zone = Calendar.from_ical(feed_calendar([], "x")).walk("VTIMEZONE")[0].to_tz()
    day = datetime(2000, 1, 1)
    while day.year <= 2040:
        for hour, minute in ((0, 30), (3, 30), (12, 0)):
            instant = (day + timedelta(hours=hour, minutes=minute)).replace(tzinfo=UTC)
            assert instant.astimezone(zone).utcoffset() == instant.astimezone(HELSINKI).utcoffset(), instant
        day += timedelta(days=1)


def test_the_vtimezone_is_in_the_rrule_form_outlook_and_google_use(app):
    zone = helsinki_timezone()
    observances = zone.walk("DAYLIGHT") + zone.walk("STANDARD")
    assert len(observances) == 2
    assert all("RRULE" in o and "RDATE" not in o for o in observances)
