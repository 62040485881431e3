"""Registration confirmation (issue 12): registering, or moving up from the waiting list, queues a mail in the
person's language with the meeting's calendar entry (METHOD:REQUEST, the person as ATTENDEE with PARTSTAT=ACCEPTED)
and a link to cancel; giving up one's place sends that person a METHOD:CANCEL. Every calendar text is read the
same by ical.js, vobject and icalendar."""

from __future__ import annotations

from icalendar import Calendar
from sqlalchemy import select

from network.mail.models import OutboxMessage
from network.meetings import registration as rules
from network.timeutil import as_utc
from tests.conftest import create_user, log_in
from tests.factories import make_meeting
from tests.support.icalcheck import assert_parsers_agree


def mails_to(db, address: str) -> list[OutboxMessage]:
    return db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.recipient == address).order_by(OutboxMessage.id)
    ).all()


def only_event(mail: OutboxMessage):
    calendar = Calendar.from_ical(mail.calendar)
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    return calendar, events[0]


def check_calendar(mail: OutboxMessage, meeting, method: str, partstat: str | None) -> None:
    assert mail.calendar_method == method
    calendar, event = only_event(mail)
    assert str(calendar["METHOD"]) == method
    assert str(event["UID"]) == meeting.uid
    attendee = event["ATTENDEE"]
    assert str(attendee).lower() == f"mailto:{mail.recipient}"
    if partstat:
        assert attendee.params["PARTSTAT"] == partstat
        assert attendee.params["RSVP"] == "FALSE"
    assert_parsers_agree(mail.calendar.encode(), {meeting.uid: (as_utc(meeting.starts_at), as_utc(meeting.ends_at))})


def test_registering_on_the_site_sends_a_confirmation_with_the_calendar_entry(app, db, client):
    user = create_user("reg@example.fi", name="Rea Registrant", language="sv")
    meeting = make_meeting(title_fi="Verkostotapaaminen", title_sv="Nätverksträff")
    app.config["WTF_CSRF_ENABLED"] = False
    log_in(client, user)
    response = client.post(f"/meetings/{meeting.id}/register", data={"mode": "in_person"})
    assert response.status_code in (302, 303)
    [mail] = mails_to(db, "reg@example.fi")
    check_calendar(mail, meeting, "REQUEST", "ACCEPTED")
    assert "Nätverksträff" in mail.subject and "Anmälan bekräftad" in mail.subject
    assert f"/meetings/{meeting.id}" in mail.body_text  # where to cancel
    assert "avboka" in mail.body_text.lower() or "inte" in mail.body_text.lower()


def test_cancelling_ones_place_sends_method_cancel(app, db):
    meeting = make_meeting()
    registration = rules.register(meeting, email="c@example.fi", name="C", mode="in_person")
    rules.cancel_registration(registration)
    db.session.commit()
    confirmation, cancel = mails_to(db, "c@example.fi")
    check_calendar(confirmation, meeting, "REQUEST", "ACCEPTED")
    check_calendar(cancel, meeting, "CANCEL", None)
    assert str(only_event(cancel)[1]["STATUS"]) == "CANCELLED"
    assert "peruttu" in cancel.subject.lower()


def test_waiting_list_gets_no_confirmation_until_moving_up(app, db):
    meeting = make_meeting(capacity=1)
    first = rules.register(meeting, email="first@example.fi", name="First", mode="in_person")
    rules.register(meeting, email="wait@example.fi", name="Wait", mode="in_person")
    db.session.commit()
    assert mails_to(db, "wait@example.fi") == []
    rules.cancel_registration(first)
    db.session.commit()
    [promoted] = mails_to(db, "wait@example.fi")
    check_calendar(promoted, meeting, "REQUEST", "ACCEPTED")
    assert f"/meetings/{meeting.id}" in promoted.body_text
