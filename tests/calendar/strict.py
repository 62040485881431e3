"""A strict reading of the calendar text the app produced: icalendar's parser plus RFC 5545 checks."""

from __future__ import annotations

from icalendar import Calendar

REQUIRED_EVENT = ("UID", "DTSTAMP", "DTSTART")


def parse_strict(body: bytes) -> Calendar:
    text = body.decode("utf-8")
    # Content lines end in CRLF and are folded at 75 octets (RFC 5545 3.1).
    lines = text.split("\r\n")
    assert lines[-1] == "", "the text must end with CRLF"
    for line in lines[:-1]:
        assert "\n" not in line and "\r" not in line
        assert len(line.encode("utf-8")) <= 75, line
    calendar = Calendar.from_ical(body)
    assert calendar.name == "VCALENDAR"
    assert calendar["VERSION"] == "2.0" and calendar.get("PRODID")
    events = calendar.walk("VEVENT")
    timezones = calendar.walk("VTIMEZONE")
    assert timezones, "a VTIMEZONE is required"
    tzids = {str(tz["TZID"]) for tz in timezones}
    for event in events:
        for name in REQUIRED_EVENT:
            assert name in event, f"VEVENT without {name}"
        for name in ("DTSTART", "DTEND"):
            if name in event and "TZID" in event[name].params:
                assert event[name].params["TZID"] in tzids, f"{name} TZID without VTIMEZONE"
        assert not ("DTEND" in event and "DURATION" in event)
        if "DTEND" in event:
            assert event["DTEND"].dt > event["DTSTART"].dt
        assert str(event.get("STATUS", "CONFIRMED")) in {"CONFIRMED", "TENTATIVE", "CANCELLED"}
    for tz in timezones:
        assert tz.walk("STANDARD") or tz.walk("DAYLIGHT")
        for observance in tz.walk("STANDARD") + tz.walk("DAYLIGHT"):
            for name in ("DTSTART", "TZOFFSETFROM", "TZOFFSETTO"):
                assert name in observance
    assert not calendar.get_missing_tzids()
    return calendar
