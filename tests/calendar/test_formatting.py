"""The one date/time formatter (network/i18n.py): Babel's locale data with Finland's conventions, no seconds, the
end time, the connector word from the core catalog; used by pages, mails and calendar descriptions."""

from __future__ import annotations

import pytest
from icalendar import Calendar

from network.calendar.ics import event_calendar
from network.i18n import format_day, format_span, format_when
from network.mail.templates import render_mail
from tests.factories import make_meeting
from tests.meetings.conftest import helsinki

from .strict import parse_strict

START = helsinki(2027, 2, 18, 12, 0)
END = helsinki(2027, 2, 18, 16, 0)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fi", "to 18.2.2027 klo 12.00–16.00"),
        ("sv", "tors 18.2.2027 kl. 12.00–16.00"),
        ("en", "Thu, 18 Feb 2027, 12:00–16:00"),
    ],
)
def test_span_on_one_day(app, language, expected):
    with app.test_request_context():
        assert format_span(START, END, language) == expected


def test_span_over_two_days_shows_both_dates(app):
    with app.test_request_context():
        text = format_span(START, helsinki(2027, 2, 19, 15, 30), "fi")
    assert text == "to 18.2.2027 klo 12.00 – pe 19.2.2027 klo 15.30"


def test_summer_time_is_finnish_time(app):
    # 13 May 2026 12:00 in Helsinki is 09:00 UTC; the text shows the Finnish wall clock.
    with app.test_request_context():
        assert format_span(helsinki(2026, 5, 13, 12), helsinki(2026, 5, 13, 14), "fi") == "ke 13.5.2026 klo 12.00–14.00"


@pytest.mark.parametrize(
    ("language", "expected"),
    [("fi", "to 18.2.2027 klo 12.00"), ("sv", "tors 18.2.2027 kl. 12.00"), ("en", "Thu, 18 Feb 2027, 12:00")],
)
def test_when_has_no_seconds_and_no_zone_name(app, language, expected):
    with app.test_request_context():
        assert format_when(START, language=language) == expected


def test_when_filter_follows_the_interface_language(app):
    with app.test_request_context():
        template = app.jinja_env.from_string("{{ value|when }}")
        with app.test_request_context():
            from_session = template.render(value=START)
    assert from_session == "to 18.2.2027 klo 12.00"


def test_english_day_has_day_month_order(app):
    with app.test_request_context():
        assert format_day(START.date(), language="en") == "18 Feb 2027"


def test_invite_mail_states_the_span(app, db):
    meeting = make_meeting(title_fi="Kokous", starts_at=START, ends_at=END)
    with app.test_request_context():
        fi, sv = (render_mail("mailing/emails/invite", language, meeting=meeting, cancelled=False, updated=False,
                              title="Kokous", place="", links=[], meeting_url="u", list_name=None,
                              manage_url="", unsubscribe_url="") for language in ("fi", "sv"))
    assert "to 18.2.2027 klo 12.00–16.00" in fi.text
    assert "tors 18.2.2027 kl. 12.00–16.00" in sv.text
    assert "12.00.00" not in fi.text + sv.text


def test_calendar_description_states_the_span(app, db):
    meeting = make_meeting(title_fi="Kokous", starts_at=START, ends_at=END)
    with app.test_request_context():
        event = parse_strict(event_calendar(meeting)).walk("VEVENT")[0]
    description = str(event["DESCRIPTION"])
    assert "to 18.2.2027 klo 12.00–16.00" in description
    assert "tors 18.2.2027 kl. 12.00–16.00" in description
    assert isinstance(Calendar.from_ical(event_calendar(meeting)), Calendar)
