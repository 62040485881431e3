"""Issue 14: a coordinator (or a group's chair for its meetings) writes to everyone holding a place, with a
preview showing the number of recipients; the mail goes through the outbox and the message is kept."""

from __future__ import annotations

from flask_babel import force_locale, ngettext
from sqlalchemy import func, select

from network.extensions import db as _db
from network.mail.delivery import deliver_all
from network.mail.models import OutboxMessage
from network.mailing.models import MeetingInvitation
from network.meetings.messages import recipients
from network.meetings.models import MeetingMessage, MeetingRegistration
from tests.conftest import create_user, log_in
from tests.support.mail import text_body

from ..factories import make_meeting
from ..groups.conftest import make_group
from .conftest import fi

MESSAGE = {"subject": "Salin vaihto", "body": "Tapaaminen pidetään salissa B.\nKahvi tarjoillaan klo 11."}


def people(meeting):
    for email, status in (("a@example.fi", "registered"), ("b@example.fi", "waitlisted"),
                          ("c@example.fi", "cancelled")):
        _db.session.add(MeetingRegistration(meeting_id=meeting.id, email=email, name=email[0].upper(),
                                            status=status))
    _db.session.add(MeetingInvitation(meeting_id=meeting.id, email="kutsuttu@example.fi", name="K", language="sv"))
    _db.session.commit()


def test_preview_then_send_to_everyone_holding_a_place(coordinator_client, db, smtp_server):
    meeting = make_meeting(title_fi="Kevään tapaaminen")
    people(meeting)
    assert [r.email for r in recipients(meeting)] == ["a@example.fi", "b@example.fi"]
    preview = coordinator_client.post(f"/meetings/{meeting.id}/message", data={**MESSAGE, "preview": "1"})
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert "Salin vaihto" in page and "Kahvi tarjoillaan" in page
    with force_locale("fi"):
        goes_to = ngettext("The message goes to %(num)d person.", "The message goes to %(num)d people.", 2)
    assert goes_to == "Viesti lähtee 2 henkilölle." and goes_to in page
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0  # a preview sends nothing
    sent = coordinator_client.post(f"/meetings/{meeting.id}/message", data={**MESSAGE, "send": "1"})
    assert sent.status_code == 302
    assert sorted(db.session.scalars(select(OutboxMessage.recipient))) == ["a@example.fi", "b@example.fi"]
    report = deliver_all()
    assert not report.errors
    received = smtp_server.messages_to("b@example.fi")[-1]
    assert "Salin vaihto" in received["Subject"]
    assert "Tapaaminen pidetään salissa B.\nKahvi tarjoillaan klo 11." in text_body(received).replace("\r\n", "\n")
    kept = db.session.scalar(select(MeetingMessage))
    assert kept.recipient_count == 2 and not kept.include_invitees
    detail = coordinator_client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Salin vaihto" in detail and fi("Messages to the participants") in detail


def test_invitees_optionally(coordinator_client, db):
    meeting = make_meeting()
    people(meeting)
    coordinator_client.post(f"/meetings/{meeting.id}/message", data={**MESSAGE, "include_invitees": "y",
                                                                    "send": "1"})
    assert "kutsuttu@example.fi" in db.session.scalars(select(OutboxMessage.recipient)).all()
    assert db.session.scalar(select(MeetingMessage.recipient_count)) == 3


def test_bad_message_shows_every_error_and_sends_nothing(coordinator_client, db):
    meeting = make_meeting()
    response = coordinator_client.post(f"/meetings/{meeting.id}/message", data={
        "subject": "Otsikko\r\nBcc: kaikki@example.fi", "body": "Teksti", "send": "1"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert fi("This must be on one line.") in page  # a line break is refused at the field, by every form
    assert fi("Nobody holds a place at this meeting yet: there is no one to write to.") in page
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0
    assert db.session.scalar(select(func.count(MeetingMessage.id))) == 0


def test_members_may_not_write(member_client, db):
    meeting = make_meeting()
    assert member_client.get(f"/meetings/{meeting.id}/message").status_code == 403


def test_a_groups_chair_writes_to_its_meetings_participants(app, client, db):
    chair = create_user("pj@example.fi", "Puheenjohtaja")
    group = make_group(chair_id=chair.id)
    meeting = make_meeting(kind="working_group", group_id=group.id)
    people(meeting)
    log_in(client, chair)
    assert client.post(f"/meetings/{meeting.id}/message", data={**MESSAGE, "send": "1"}).status_code == 302
    other = make_meeting()
    assert client.get(f"/meetings/{other.id}/message").status_code == 403
