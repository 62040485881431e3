"""The cross-parser check over every kind of calendar text the app emits (issue 12): each .ics route (the network's
feed, one meeting, a group's feed, a personal feed; a new .ics route fails this test until it is added here) and
every calendar entry the mail outbox holds after the flows that write one (invitation, registration confirmation,
promotion from the waiting list, giving up a place, update, cancellation, a group member's update), for meetings
on both sides of the daylight-saving changes. ical.js, vobject and icalendar must read the same UTC instants."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select

from network.calendar import personal
from network.groups import group_meetings, membership
from network.mail.models import OutboxMessage
from network.mailing import invites, lists
from network.meetings import registration as rules
from network.meetings import scheduling
from network.meetings.models import Meeting
from network.timeutil import as_utc
from tests.factories import make_subscribers

from ..conftest import create_user
from ..groups.conftest import make_group
from ..support.icalcheck import assert_parsers_agree, helsinki, require_icaljs


@pytest.fixture(autouse=True)
def _icaljs():
    require_icaljs()


def _data(start: datetime, **changes) -> scheduling.MeetingData:
    values = scheduling.MeetingData(
        title_fi="Verkostokokous", title_sv="Nätverksmöte", starts_at=start, ends_at=start + timedelta(hours=3),
        mode="hybrid", venue="Kuntatalo", address="Toinen linja 14, Helsinki",
        online_url="https://meet.example/verkosto", capacity=1,
    )
    return dataclasses.replace(values, **changes)


def _expected(meeting: Meeting) -> dict:
    return {meeting.uid: (as_utc(meeting.starts_at), as_utc(meeting.ends_at))}


def test_every_calendar_text_is_read_alike_by_every_parser(app, db, client):
    year = datetime.now(UTC).year + 1
    coordinator = create_user("koordinaattori@example.fi", "Kalle", role="coordinator")
    summer = scheduling.create_meeting(_data(helsinki(year, 3, 29, 12)))  # the day of the change to summer time
    winter = scheduling.create_meeting(_data(helsinki(year, 10, 25, 9)))  # the day of the change back
    db.session.commit()

    make_subscribers(1)
    assert invites.send_invites(summer, lists.main_list()) == 1  # invitation (REQUEST, NEEDS-ACTION)
    aino = create_user("aino@example.fi", "Aino")
    erik = create_user("erik@example.fi", "Erik", language="sv")
    first = rules.register(summer, email=aino.email, name="Aino", mode="in_person", user=aino)  # confirmation
    assert rules.register(summer, email=erik.email, name="Erik", mode="in_person", user=erik).is_waitlisted
    db.session.commit()
    rules.cancel_registration(first)  # CANCEL to Aino, promotion confirmation to Erik
    db.session.commit()
    versions = _expected(summer)  # the mails before the update carry the first time
    assert scheduling.update_meeting(summer, _data(helsinki(year, 3, 30, 12)))  # update to everyone
    scheduling.cancel_meeting(winter, "Päällekkäinen tilaisuus")  # cancellation
    db.session.commit()

    # The group's meetings must be held within its term (the group-meeting rule checks it).
    group = make_group(term_end=date(year, 12, 31))
    membership.join(group, aino)
    db.session.commit()
    group_meeting = group_meetings.create_group_meeting(group, coordinator, _data(
        helsinki(year, 10, 24, 18), mode="online", venue=None, address=None, capacity=None))
    db.session.commit()
    first_group_time = _expected(group_meeting)
    group_meetings.update_group_meeting(group, coordinator, group_meeting, _data(
        helsinki(year, 10, 25, 18), mode="online", venue=None, address=None, capacity=None))
    db.session.commit()

    mails = list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.calendar.is_not(None))))
    kinds = set()
    for mail in mails:
        [event] = Calendar.from_ical(mail.calendar).walk("VEVENT")
        meeting = db.session.scalar(select(Meeting).where(Meeting.uid == str(event["UID"])))
        agreed = assert_parsers_agree(mail.calendar.encode())
        times = {(meeting.sequence, *_expected(meeting)[meeting.uid])}
        old = {**versions, **first_group_time}.get(meeting.uid)
        if old:
            times.add((0, *old))
        assert (event["SEQUENCE"], *agreed[meeting.uid]) in times
        attendee = event["ATTENDEE"]
        kinds.add((mail.calendar_method, str(attendee.params["PARTSTAT"]), meeting.group_id is not None))
    assert {("REQUEST", "NEEDS-ACTION", False), ("REQUEST", "ACCEPTED", False), ("CANCEL", "ACCEPTED", False),
            ("REQUEST", "ACCEPTED", True)} <= kinds

    # Every .ics route.
    feed = personal.create_feed(aino)
    erik_feed = personal.create_feed(erik)
    db.session.commit()
    routes = {
        "calendar.feed": ("/calendar.ics", [summer, winter]),
        "calendar.meeting": (f"/meetings/{summer.id}.ics", [summer]),
        "groups.calendar": (f"/groups/{group.id}/calendar.ics", [group_meeting]),
        "calendar.personal_feed": (personal.feed_url(feed).removeprefix("http://localhost"), [group_meeting]),
    }
    for _endpoint, (path, meetings) in routes.items():
        response = client.get(path)
        assert response.status_code == 200, path
        expected = {uid: times for m in meetings for uid, times in _expected(m).items()}
        assert set(assert_parsers_agree(response.data, expected)) == set(expected), path
    response = client.get(personal.feed_url(erik_feed).removeprefix("http://localhost"))
    assert set(assert_parsers_agree(response.data, _expected(summer))) == {summer.uid}
    calendar_routes = {rule.endpoint for rule in app.url_map.iter_rules() if rule.rule.endswith(".ics")}
    assert calendar_routes == set(routes), "a calendar route without the cross-parser check"
