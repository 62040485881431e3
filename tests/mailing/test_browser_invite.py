"""A subscriber receives a calendar invite and answers it, end to end in a real Chromium.

The coordinator sends the invite from the meeting's page, the worker delivers it over SMTP, the subscriber answers
with the link in the mail (GET only asks, the POST registers), and a change of time made in the edit form reaches
the subscriber as an update of the same calendar entry.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
from icalendar import Calendar

from network.extensions import db
from network.mail.delivery import deliver_all
from network.mailing import lists, subscriptions
from network.meetings import scheduling
from network.meetings.models import HYBRID, REGISTERED, REMOTE
from network.meetings.registration import find_registration
from network.timeutil import utc_to_helsinki
from tests.conftest import PASSWORD, create_user
from tests.support.mail import links_in, path_of

SUBSCRIBER = "kutsuttu@example.fi"
COORDINATOR = "koordinaattori@example.fi"
TITLE = "Syksyn verkostokokous"


def _confirmed_subscriber(smtp_server):
    """Subscribe through the mailing rules and confirm with the token from the confirmation mail."""
    # An English subscriber: the invite's links open English pages whatever the browser was showing.
    subscriptions.request_subscription(SUBSCRIBER, "Kaija Kutsuttu", "en")
    db.session.commit()
    deliver_all()
    (confirmation,) = smtp_server.messages_to(SUBSCRIBER)
    link = next(u for u in links_in(confirmation) if "/subscribe/confirm/" in u)
    subscriber = subscriptions.confirm_subscription(urlsplit(link).path.rstrip("/").rsplit("/", 1)[1])
    db.session.commit()
    assert subscriber.confirmed
    assert lists.main_list().id in subscriptions.active_list_ids(subscriber)
    return subscriber


def _upcoming_hybrid_meeting():
    starts = datetime.now(UTC).replace(microsecond=0, second=0, minute=0) + timedelta(days=21)
    meeting = scheduling.create_meeting(scheduling.MeetingData(
        title_fi=TITLE, starts_at=starts, ends_at=starts + timedelta(hours=3), mode=HYBRID,
        venue="Kuntatalo", address="Toinen linja 14, Helsinki", online_url="https://meet.example/verkosto",
    ))
    db.session.commit()
    return meeting


def _invites_to(smtp_server, address):
    """The messages to `address` that carry a calendar part, oldest first."""
    return [m for m in smtp_server.messages_to(address) if any(
        p.get_content_type() == "text/calendar" for p in m.walk())]


def _calendar(message):
    (part,) = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    calendar = Calendar.from_ical(part.get_payload(decode=True))
    (event,) = calendar.walk("VEVENT")
    return part, calendar, event


def _english(page):
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"


@pytest.mark.browser
def test_subscriber_receives_a_calendar_invite_and_answers_it(page, browser, live_server, app, smtp_server):
    _confirmed_subscriber(smtp_server)
    create_user(COORDINATOR, "Kaisa Koordinaattori", role="coordinator")
    meeting = _upcoming_hybrid_meeting()
    meeting_id, uid = meeting.id, meeting.uid

    # The coordinator logs in with the form, then uses the English interface.
    page.goto("/login")
    page.get_by_label("Sähköposti").fill(COORDINATOR)
    page.get_by_label("Salasana", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Kirjaudu sisään").click()
    page.wait_for_load_state()
    _english(page)

    page.goto(f"/meetings/{meeting_id}")
    page.get_by_role("heading", name=TITLE).wait_for()
    page.get_by_role("link", name="Send the invitation to a mailing list").click()
    page.get_by_role("heading", name="Send a meeting invitation").wait_for()
    assert page.get_by_label("Meeting").input_value() == str(meeting_id)
    page.get_by_label("List").select_option(label=lists.main_list().name_fi)
    page.get_by_role("button", name="Send the invitation").click()
    page.get_by_role("heading", name="Check and confirm").wait_for()
    assert "English: 1" in page.locator(".preview__recipients").inner_text()
    page.get_by_role("button", name="Confirm and send").click()
    page.get_by_role("heading", name=f"Invitation: {TITLE}").wait_for()
    page.get_by_text("on its way to 1 recipients").wait_for()

    # The worker sends the iMIP REQUEST.
    deliver_all()
    (invite,) = _invites_to(smtp_server, SUBSCRIBER)
    part, calendar, event = _calendar(invite)
    assert part.get_param("method") == "REQUEST"
    assert calendar["METHOD"] == "REQUEST"
    assert str(event["UID"]) == uid
    assert event["SEQUENCE"] == 0
    attendee = event["ATTENDEE"]
    assert str(attendee).lower() == f"mailto:{SUBSCRIBER}"
    assert attendee.params["RSVP"] == "TRUE"
    assert calendar.walk("VTIMEZONE"), "the invite carries its time zone"
    answers = {urlsplit(u).path.rsplit("/", 1)[1]: u for u in links_in(invite) if "/rsvp/" in u}
    assert sorted(answers) == ["no", "remote", "yes"]

    # The subscriber, not logged in, answers "remote" from the mail.
    context = browser.new_context(base_url=live_server.url, locale="fi-FI")
    try:
        visitor = context.new_page()
        visitor.set_default_timeout(15000)
        visitor.goto("/")
        visitor.goto(path_of(answers["remote"]))
        visitor.get_by_role("heading", name=TITLE).wait_for()
        visitor.get_by_text(f"Your answer for {SUBSCRIBER}:").wait_for()
        visitor.get_by_text("I will attend remotely").wait_for()
        db.session.expire_all()
        assert find_registration(meeting, SUBSCRIBER) is None, "opening the link alone registers nothing"
        db.session.rollback()
        visitor.get_by_role("button", name="Save my answer").click()
        visitor.get_by_role("heading", name="Thank you for your answer").wait_for()
        visitor.get_by_role("status").filter(has_text=f"You are registered for {TITLE}.").wait_for()
    finally:
        context.close()
    db.session.expire_all()
    registration = find_registration(meeting, SUBSCRIBER)
    assert registration is not None
    assert (registration.status, registration.mode) == (REGISTERED, REMOTE)
    db.session.rollback()

    # The coordinator moves the start an hour later in the edit form.
    page.goto(f"/meetings/{meeting_id}")
    page.get_by_role("link", name="Edit the meeting").click()
    page.get_by_role("heading", name="Edit the meeting").wait_for()
    starts = page.get_by_label("Starts", exact=True)
    old_local = datetime.strptime(starts.input_value(), "%Y-%m-%dT%H:%M")
    assert old_local == utc_to_helsinki(meeting.starts_at).replace(tzinfo=None)
    new_local = old_local + timedelta(hours=1)
    starts.fill(new_local.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text("Calendars will show the new time or place.").wait_for()

    deliver_all()
    invites = _invites_to(smtp_server, SUBSCRIBER)
    # The invite, the registration confirmation of the "yes" (issue 12: PARTSTAT=ACCEPTED) and the update.
    assert len(invites) == 3
    _part, _calendar_of_confirmation, confirmation = _calendar(invites[1])
    assert confirmation["ATTENDEE"].params["PARTSTAT"] == "ACCEPTED"
    part, calendar, update = _calendar(invites[-1])
    assert part.get_param("method") == "REQUEST"
    assert calendar["METHOD"] == "REQUEST"
    assert str(update["UID"]) == uid
    assert update["SEQUENCE"] > event["SEQUENCE"]
    assert update["DTSTART"].dt.replace(tzinfo=None) == new_local
    assert str(update["ATTENDEE"]).lower() == f"mailto:{SUBSCRIBER}"
    assert re.search(TITLE, invites[-1]["Subject"])
    db.session.expire_all()
    assert db.session.get(type(meeting), meeting_id).sequence == update["SEQUENCE"]
