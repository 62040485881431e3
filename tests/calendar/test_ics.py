"""Calendar output parsed back with icalendar: times round-trip exactly (also across DST), required properties,
VTIMEZONE right, feeds with ETag/Last-Modified and 304, and iMIP invites."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from network.calendar.ics import event_calendar, feed_calendar, invite_calendar, meeting_event
from network.calendar.views import calendar_response
from network.meetings import scheduling
from network.timeutil import as_utc
from tests.factories import make_meeting
from tests.meetings.conftest import helsinki

from .strict import parse_strict

HELSINKI = ZoneInfo("Europe/Helsinki")


def only_event(calendar: Calendar):
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    return events[0]


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ((2026, 5, 20, 12, 0), (2026, 5, 20, 16, 0)),
        ((2026, 1, 15, 9, 30), (2026, 1, 15, 11, 45)),
        # Across the change to winter time: last Sunday of October 2026 (25 Oct), clocks go 04:00 -> 03:00.
        ((2026, 10, 25, 2, 30), (2026, 10, 25, 5, 0)),
        # And across the change to summer time (29 Mar 2026, 03:00 -> 04:00).
        ((2026, 3, 29, 1, 0), (2026, 3, 29, 6, 0)),
    ],
)
def test_times_round_trip_exactly(app, db, start, end):
    meeting = make_meeting(starts_at=helsinki(*start), ends_at=helsinki(*end))
    event = only_event(parse_strict(event_calendar(meeting)))
    assert event["DTSTART"].params["TZID"] == "Europe/Helsinki"
    assert event.start == as_utc(meeting.starts_at) and event.end == as_utc(meeting.ends_at)
    # (Aware datetimes with the same tzinfo subtract as wall clock, so compare in UTC.)
    assert as_utc(event.end) - as_utc(event.start) == as_utc(meeting.ends_at) - as_utc(meeting.starts_at)


def test_meeting_across_the_dst_change_lasts_its_real_length(app, db):
    # 02:30 EEST to 05:00 EET is 3.5 hours of real time, not 2.5.
    meeting = make_meeting(starts_at=helsinki(2026, 10, 25, 2, 30), ends_at=helsinki(2026, 10, 25, 5, 0))
    event = only_event(Calendar.from_ical(event_calendar(meeting)))
    assert as_utc(event.end) - as_utc(event.start) == timedelta(hours=3, minutes=30)
    assert event.start.utcoffset() == timedelta(hours=3) and event.end.utcoffset() == timedelta(hours=2)


def test_vtimezone_agrees_with_the_tz_database(app, db):
    meeting = make_meeting(starts_at=helsinki(2026, 10, 25, 2, 30))
    calendar = parse_strict(event_calendar(meeting))
    tz = calendar.walk("VTIMEZONE")[0].to_tz()
    # Every hour around both changes of 2025..2027, in UTC, gets the same offset as zoneinfo.
    for year, month, day in ((2025, 3, 30), (2025, 10, 26), (2026, 3, 29), (2026, 10, 25), (2027, 3, 28),
                             (2027, 10, 31)):
        base = datetime(year, month, day, tzinfo=UTC) - timedelta(hours=3)
        for minutes in range(0, 8 * 60, 30):
            instant = base + timedelta(minutes=minutes)
            assert instant.astimezone(tz).utcoffset() == instant.astimezone(HELSINKI).utcoffset(), instant


def test_event_properties(app, db):
    meeting = make_meeting(title_fi="Demokratiapäivä", title_sv="Demokratidagen", description_fi="Kuvaus",
                           kind="democracy_day", starts_at=helsinki(2026, 10, 15, 9))
    event = meeting_event(meeting)
    assert str(event["UID"]) == meeting.uid
    assert event["SEQUENCE"] == 0
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["SUMMARY"]) == "Demokratiapäivä / Demokratidagen"
    assert "Kuvaus" in str(event["DESCRIPTION"])
    assert str(event["LOCATION"]).startswith("Kuntatalo, Toinen linja 14")
    assert str(event["URL"]) == f"http://localhost/meetings/{meeting.id}"
    assert str(event["ORGANIZER"]) == "mailto:verkosto@kuntademokratia.example"
    assert event["ORGANIZER"].params["CN"] == "Kuntademokratiaverkosto – Nätverket för kommunal demokrati"
    assert "LAST-MODIFIED" in event and "DTSTAMP" in event


def test_sequence_and_status_follow_changes(app, db):
    meeting = make_meeting()
    uid = meeting.uid
    data = scheduling.MeetingData(title_fi=meeting.title_fi, starts_at=meeting.starts_at + timedelta(hours=1),
                                  ends_at=meeting.ends_at + timedelta(hours=1), mode="hybrid", venue="Kuntatalo",
                                  online_url="https://meet.example/verkosto")
    scheduling.update_meeting(meeting, data)
    scheduling.cancel_meeting(meeting, "Peruttu")
    db.session.commit()
    event = only_event(parse_strict(feed_calendar([meeting], "Testi")))
    assert str(event["UID"]) == uid and event["SEQUENCE"] == 2 and str(event["STATUS"]) == "CANCELLED"


def test_feed_calendar_headers_and_strictness(app, db):
    meetings = [make_meeting(starts_at=helsinki(2025, 5, 20, 12)), make_meeting(starts_at=helsinki(2026, 10, 15, 9)),
                make_meeting(status="cancelled", cancel_reason="Sairastuminen")]
    body = feed_calendar(meetings, "Kuntademokratiaverkosto")
    calendar = parse_strict(body)
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert str(calendar["X-WR-CALNAME"]) == "Kuntademokratiaverkosto"
    assert calendar["REFRESH-INTERVAL"].params["VALUE"] == "DURATION"
    assert calendar["REFRESH-INTERVAL"].dt == timedelta(hours=6)
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT6H" in body and b"X-PUBLISHED-TTL:PT6H" in body
    assert len(calendar.walk("VEVENT")) == 3
    assert [str(e["STATUS"]) for e in calendar.walk("VEVENT")].count("CANCELLED") == 1
    # The same meetings give the same bytes (stable ETag).
    assert feed_calendar(meetings, "Kuntademokratiaverkosto") == body


def test_empty_feed_is_still_valid(app, db):
    calendar = parse_strict(feed_calendar([], "Tyhjä"))
    assert calendar.walk("VEVENT") == []


@pytest.mark.parametrize("method", ["REQUEST", "CANCEL"])
def test_invite_calendar(app, db, method):
    meeting = make_meeting()
    if method == "CANCEL":
        scheduling.cancel_meeting(meeting, "Peruttu")
    body = invite_calendar(meeting, method, "maija@example.fi", "Maija Meikäläinen")
    calendar = parse_strict(body)
    assert str(calendar["METHOD"]) == method
    event = only_event(calendar)
    attendee = event["ATTENDEE"]
    assert str(attendee) == "mailto:maija@example.fi"
    assert attendee.params["CN"] == "Maija Meikäläinen"
    assert attendee.params["ROLE"] == "REQ-PARTICIPANT" and attendee.params["PARTSTAT"] == "NEEDS-ACTION"
    assert str(event["ORGANIZER"]) == "mailto:verkosto@kuntademokratia.example"
    assert str(event["UID"]) == meeting.uid
    if method == "REQUEST":
        assert attendee.params["RSVP"] == "TRUE" and str(event["STATUS"]) == "CONFIRMED"
    else:
        assert str(event["STATUS"]) == "CANCELLED" and event["SEQUENCE"] == 1
    with pytest.raises(ValueError):
        invite_calendar(meeting, "PUBLISH", "x@example.fi")


def test_feed_route_conditional_requests(app, client, db):
    meeting = make_meeting()
    make_meeting(status="cancelled", cancel_reason="Peruttu")
    response = client.get("/calendar.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    etag = response.headers["ETag"]
    last_modified = response.headers["Last-Modified"]
    calendar = parse_strict(response.data)
    assert len(calendar.walk("VEVENT")) == 2
    assert client.get("/calendar.ics", headers={"If-None-Match": etag}).status_code == 304
    assert client.get("/calendar.ics", headers={"If-Modified-Since": last_modified}).status_code == 304
    older = format_datetime(as_utc(meeting.updated_at) - timedelta(days=1), usegmt=True)
    assert client.get("/calendar.ics", headers={"If-Modified-Since": older}).status_code == 200
    # A change gives a new ETag.
    scheduling.cancel_meeting(meeting, "Peruttu")
    db.session.commit()
    changed = client.get("/calendar.ics", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag


def test_single_meeting_file(app, client, db):
    meeting = make_meeting()
    response = client.get(f"/meetings/{meeting.id}.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert str(only_event(parse_strict(response.data))["UID"]) == meeting.uid
    assert client.get(f"/meetings/{meeting.id}.ics", headers={"If-None-Match": response.headers["ETag"]}
                      ).status_code == 304
    assert client.get("/meetings/999999.ics").status_code == 404


def test_calendar_response_for_other_feeds(app, db):
    meeting = make_meeting(kind="working_group", group_id=7)
    with app.test_request_context("/groups/7/calendar.ics"):
        response = calendar_response([meeting], "Työryhmä", "group-7.ics")
        assert response.status_code == 200
        assert str(parse_strict(response.get_data())["X-WR-CALNAME"]) == "Työryhmä"
