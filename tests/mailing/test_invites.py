"""Calendar invitations to a list (iMIP), updates and cancellations on meeting changes, RSVP links."""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from network.extensions import db
from network.mail.delivery import deliver_all
from network.mail.models import OutboxMessage
from network.mailing import invites, lists, subscriptions
from network.tokens import make_token
from tests.factories import make_subscribers
from tests.support.english import english
from tests.support.mail import links_in, path_of

meetings = pytest.importorskip("network.meetings.scheduling")


def _data(**changes):
    starts = datetime.now(UTC).replace(microsecond=0, second=0, minute=0) + timedelta(days=30)
    data = meetings.MeetingData(
        title_fi="Verkostokokous", title_sv="Nätverksmöte", starts_at=starts, ends_at=starts + timedelta(hours=3),
        mode="hybrid", venue="Kuntatalo", address="Toinen linja 14, Helsinki",
        online_url="https://meet.example/verkosto",
    )
    return dataclasses.replace(data, **changes)


@pytest.fixture
def meeting(app):
    meeting = meetings.create_meeting(_data())
    db.session.commit()
    return meeting


def _calendar_part(message):
    parts = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    assert len(parts) == 1
    return parts[0]


def _event(message):
    calendar = Calendar.from_ical(_calendar_part(message).get_payload(decode=True))
    events = [c for c in calendar.walk("VEVENT")]
    assert len(events) == 1
    return calendar, events[0]


def test_invite_is_an_imip_request_with_rsvp_links(app, smtp_server, meeting):
    make_subscribers(3)
    make_subscribers(1, prefix="sv", language="sv")
    count = invites.send_invites(meeting, lists.main_list())
    db.session.commit()
    assert count == 4
    assert deliver_all().sent == 4
    message = smtp_server.messages_to("sub00000@example.fi")[0]
    assert message.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain", "text/html", "text/calendar"]
    raw = smtp_server.received[0].data.decode()
    assert "Content-Type: text/calendar; method=REQUEST; charset=UTF-8" in raw
    calendar, event = _event(message)
    assert calendar["METHOD"] == "REQUEST"
    assert _calendar_part(message).get_param("method") == calendar["METHOD"]
    assert str(event["UID"]) == meeting.uid
    assert event["SEQUENCE"] == 0
    assert "mailto:verkosto@kuntademokratia.example" in str(event["ORGANIZER"]).lower()
    attendee = event["ATTENDEE"]
    assert str(attendee).lower() == "mailto:sub00000@example.fi"
    assert attendee.params["RSVP"] == "TRUE"
    assert calendar.walk("VTIMEZONE")[0]["TZID"] == "Europe/Helsinki"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    links = [u for u in links_in(message) if "/rsvp/" in u]
    assert [urlsplit(link).path.rsplit("/", 1)[1] for link in links] == ["yes", "remote", "no"]
    # The links carry the subscriber's language, so the page they open is in it without login.
    assert all(urlsplit(link).query == "lang=fi" for link in links)
    swedish = smtp_server.messages_to("sv00000@example.fi")[0]
    assert "Nätverksmöte" in swedish["Subject"]


def test_rsvp_link_registers_the_answer_without_login(app, smtp_server, meeting, client):
    from network.meetings.registration import find_registration

    make_subscribers(1)
    invites.send_invites(meeting, lists.main_list())
    db.session.commit()
    deliver_all()
    links = {urlsplit(u).path.rsplit("/", 1)[1]: u for u in links_in(smtp_server.received[0].message) if "/rsvp/" in u}
    page = client.get(path_of(links["remote"]))
    assert page.status_code == 200
    assert find_registration(meeting, "sub00000@example.fi") is None, "GET changes nothing"
    assert client.post(path_of(links["remote"])).status_code == 200
    registration = find_registration(meeting, "sub00000@example.fi")
    assert registration.status == "registered" and registration.mode == "remote"
    assert client.post(path_of(links["no"])).status_code == 200
    db.session.expire_all()
    assert find_registration(meeting, "sub00000@example.fi").status == "declined"


def test_forged_and_expired_rsvp_tokens(client, meeting, monkeypatch):
    english(client)
    response = client.post("/rsvp/forged/yes")
    assert response.status_code == 400 and "not valid" in response.get_data(as_text=True)
    token = make_token(invites.RSVP_PURPOSE, {"m": meeting.id, "e": "x@example.fi", "n": ""})
    monkeypatch.setattr(invites, "RSVP_MAX_AGE", -1)
    response = client.post(f"/rsvp/{token}/yes")
    assert response.status_code == 400 and "expired" in response.get_data(as_text=True)


def test_change_of_time_sends_an_update_and_cancel_sends_cancel(app, smtp_server, meeting):
    make_subscribers(2)
    invites.send_invites(meeting, lists.main_list())
    db.session.commit()
    deliver_all()
    assert len(smtp_server.received) == 2
    # Joining the list after the invite: not invited, so no update either.
    make_subscribers(1, prefix="late")

    later = meeting.starts_at + timedelta(days=1)
    assert meetings.update_meeting(meeting, _data(starts_at=later, ends_at=later + timedelta(hours=3)))
    db.session.commit()
    deliver_all()
    updates = [r.message for r in smtp_server.received[2:]]
    assert sorted(m["To"] for m in updates) == ["sub00000@example.fi", "sub00001@example.fi"]
    calendar, event = _event(updates[0])
    assert calendar["METHOD"] == "REQUEST"
    assert str(event["UID"]) == meeting.uid
    assert event["SEQUENCE"] == 1
    assert event["DTSTART"].dt.astimezone(UTC) == later.astimezone(UTC)

    meetings.cancel_meeting(meeting, "Sairastumisia")
    db.session.commit()
    deliver_all()
    cancels = [r.message for r in smtp_server.received[4:]]
    assert len(cancels) == 2
    raw = smtp_server.received[4].data.decode()
    assert "Content-Type: text/calendar; method=CANCEL; charset=UTF-8" in raw
    calendar, event = _event(cancels[0])
    assert calendar["METHOD"] == "CANCEL"
    assert str(event["UID"]) == meeting.uid
    assert event["SEQUENCE"] == 2
    assert event["STATUS"] == "CANCELLED"
    assert smtp_server.messages_to("late00000@example.fi") == []
    assert not [u for u in links_in(cancels[0]) if "/rsvp/" in u]


def test_change_that_is_not_significant_sends_nothing(app, smtp_server, meeting):
    make_subscribers(1)
    invites.send_invites(meeting, lists.main_list())
    db.session.commit()
    deliver_all()
    meetings.update_meeting(meeting, _data(capacity=50))
    db.session.commit()
    deliver_all()
    assert len(smtp_server.received) == 1
    # Issue 12: a new description is a change calendars must follow (it sent nothing before).
    meetings.update_meeting(meeting, _data(capacity=50, description_fi="Lisätietoja"))
    db.session.commit()
    deliver_all()
    assert len(smtp_server.received) == 2
    assert _event(smtp_server.received[1].message)[1]["SEQUENCE"] == 1


def test_inviting_twice_does_not_send_twice(app, smtp_server, meeting):
    make_subscribers(2)
    assert invites.send_invites(meeting, lists.main_list()) == 2
    db.session.commit()
    assert invites.send_invites(meeting, lists.main_list()) == 0
    db.session.commit()
    deliver_all()
    assert len(smtp_server.received) == 2


def test_coordinator_sends_invite_from_the_page(coordinator_client, smtp_server, meeting):
    make_subscribers(2)
    main = lists.main_list()
    db.session.commit()
    # "Send" shows who gets what and sends nothing; "Confirm and send" sends.
    asked = coordinator_client.post("/mailing/invite", data={"meeting": meeting.id, "mailing_list": main.id,
                                                             "submit": "Send"})
    html = asked.get_data(as_text=True)
    assert asked.status_code == 200 and "Tarkista ja vahvista" in html and "Mitään ei ole vielä lähetetty." in html
    assert "Kutsu tapaamiseen" in html and "lähtee 2 tilaajalle" in html and "Suomi: 2" in html
    assert invites.invited_count(meeting.id) == 0 and db.session.scalar(select(func.count(OutboxMessage.id))) == 0
    response = coordinator_client.post("/mailing/invite", data={"meeting": meeting.id, "mailing_list": main.id,
                                                                "confirm": "Confirm and send"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/mailing/invites/{meeting.id}")
    progress = coordinator_client.get(f"/mailing/invites/{meeting.id}/progress.json").get_json()
    assert progress["waiting"] == 2 and progress["sent"] == 0
    deliver_all()
    progress = coordinator_client.get(f"/mailing/invites/{meeting.id}/progress.json").get_json()
    assert progress["sent"] == 2 and progress["done"]
    page = coordinator_client.get(f"/mailing/invites/{meeting.id}").get_data(as_text=True)
    assert f'data-progress-url="/mailing/invites/{meeting.id}/progress.json"' in page
    assert "js/mailing.js" in page


def test_invite_page_shows_the_meeting_date_in_finnish_time(coordinator_client):
    # 00:30 on 3 March in Helsinki is still 2 March in UTC.
    year = datetime.now(UTC).year + 1
    starts = datetime(year, 3, 2, 22, 30, tzinfo=UTC)
    meetings.create_meeting(_data(title_fi="Yökokous", starts_at=starts, ends_at=starts + timedelta(hours=2)))
    db.session.commit()
    page = coordinator_client.get("/mailing/invite").get_data(as_text=True)
    # Dated as pages date things (issue 12): the one formatter's date, not an ISO date.
    assert f"3.3.{year} Yökokous" in page
    assert f"2.3.{year} Yökokous" not in page


def test_cancelled_meeting_cannot_be_invited_to(app, meeting):
    meetings.cancel_meeting(meeting, "Peruttu")
    db.session.commit()
    with pytest.raises(invites.InviteError):
        invites.send_invites(meeting, lists.main_list())


def test_failing_address_gets_no_invite(app, smtp_server, meeting):
    from network.mail.models import AddressHealth
    from network.timeutil import utcnow

    subscribers = make_subscribers(2)
    db.session.add(AddressHealth(email=subscribers[0].email, bounce_count=3, failing_since=utcnow()))
    db.session.commit()
    assert invites.send_invites(meeting, lists.main_list()) == 1
    db.session.commit()
    deliver_all()
    assert [r.rcpt_tos for r in smtp_server.received] == [[subscribers[1].email]]
    assert re.search("Kutsu|Invitation", smtp_server.received[0].message["Subject"])


def test_updates_skip_those_who_unsubscribed_unless_registered(app, smtp_server, meeting):
    from network.meetings.registration import respond_by_email

    subscribers = make_subscribers(3)
    invites.send_invites(meeting, lists.main_list())
    db.session.commit()
    deliver_all()
    main = lists.main_list()
    subscriptions.unsubscribe(subscribers[0], main)  # gone, not registered: no update
    subscriptions.unsubscribe(subscribers[1], main)  # gone, but registered: the calendar entry must follow
    respond_by_email(meeting, subscribers[1].email, subscribers[1].name, "yes")
    db.session.commit()
    later = meeting.starts_at + timedelta(hours=2)
    meetings.update_meeting(meeting, _data(starts_at=later, ends_at=later + timedelta(hours=3)))
    db.session.commit()
    deliver_all()
    # (Since issue 12 the "yes" also brings a registration confirmation, SEQUENCE 0: count the updates.)
    updates = sorted(r.rcpt_tos[0] for r in smtp_server.received[3:] if _event(r.message)[1]["SEQUENCE"] == 1)
    assert updates == [subscribers[1].email, subscribers[2].email]
