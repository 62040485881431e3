"""Issue 13: calendar replies (iMIP REPLY) from Outlook, Gmail, Apple Calendar and Thunderbird register the person
through the RSVP link's rule, and the mailto: of List-Unsubscribe ends a subscription; all delivered over LMTP to
the running inbound server."""

from __future__ import annotations

from urllib.parse import unquote

import pytest
from sqlalchemy import select

from network.extensions import db
from network.mail.delivery import deliver_all
from network.mail.models import InboundMessage, InboundStatus, OutboxMessage
from network.mailing import invites, lists
from network.mailing.models import MeetingInvitation, Subscription
from network.meetings.models import MeetingRegistration
from network.meetings.registration import respond_by_email
from network.meetings.scheduling import cancel_meeting
from tests.conftest import create_user, log_in
from tests.factories import make_post, make_subscribers
from tests.support import inbound as inbound_support
from tests.support.english import english
from tests.support.inbound import lmtp_deliver, sample

lmtp_server = inbound_support.lmtp_server  # the fixture
NETWORK = "verkosto@kuntademokratia.example"
CLIENTS = ["outlook_accept.eml", "gmail_accept.eml", "apple_accept.eml", "thunderbird_accept.eml"]


@pytest.fixture
def invited(app, create_meeting):
    """A meeting whose invite went to three subscribers of the main list."""
    meeting = create_meeting(capacity=10)
    subscribers = make_subscribers(3)
    invites.send_invites(meeting, lists.main_list())
    db.session.commit()
    return meeting, [s.email for s in subscribers]


def _reply(port: int, name: str = "outlook_accept.eml", **values) -> InboundMessage:
    values.setdefault("name", "Tiina Virtanen")
    code, reply = lmtp_deliver(port, sample(name, **values), NETWORK, sender=values.get("from", values["email"]))
    assert code == 250, reply
    return db.session.scalars(select(InboundMessage).order_by(InboundMessage.id.desc())
                              .execution_options(populate_existing=True)).first()


def _registration(meeting, email) -> MeetingRegistration | None:
    return db.session.scalar(select(MeetingRegistration).where(
        MeetingRegistration.meeting_id == meeting.id, MeetingRegistration.email == email)
        .execution_options(populate_existing=True))


def _invitation(meeting, email) -> MeetingInvitation:
    return db.session.scalar(select(MeetingInvitation).where(
        MeetingInvitation.meeting_id == meeting.id, MeetingInvitation.email == email)
        .execution_options(populate_existing=True))


@pytest.mark.parametrize("client_sample", CLIENTS)
def test_accept_in_each_client_registers_and_the_meeting_page_shows_it(app, client, lmtp_server, invited,
                                                                        client_sample):
    meeting, emails = invited
    user = create_user(emails[0], name="Tiina Virtanen")
    stored = _reply(lmtp_server.port, client_sample, uid=meeting.uid, email=emails[0])
    assert stored.kind == "calendar-reply" and stored.status == InboundStatus.HANDLED, stored.outcome
    registration = _registration(meeting, emails[0])
    assert registration.status == "registered" and registration.name == "Tiina Virtanen"
    invitation = _invitation(meeting, emails[0])
    assert (invitation.answer, invitation.answer_channel) == ("yes", "calendar")
    log_in(english(client), user)
    page = client.get(f"/meetings/{meeting.id}")
    assert "You are registered" in page.text


def test_decline_cancels_the_place_and_tentative_is_recorded(app, lmtp_server, invited):
    meeting, emails = invited
    _reply(lmtp_server.port, "gmail_accept.eml", uid=meeting.uid, email=emails[0])
    stored = _reply(lmtp_server.port, "gmail_accept.eml", uid=meeting.uid, email=emails[0], partstat="DECLINED")
    assert stored.status == InboundStatus.HANDLED
    assert _registration(meeting, emails[0]).status == "declined"
    stored = _reply(lmtp_server.port, "thunderbird_accept.eml", uid=meeting.uid, email=emails[1],
                    partstat="TENTATIVE")
    assert stored.status == InboundStatus.HANDLED and "maybe" in stored.outcome
    assert _registration(meeting, emails[1]) is None
    assert _invitation(meeting, emails[1]).answer == "maybe"


def test_a_full_meeting_puts_the_accepting_person_on_the_waiting_list_and_mails_them(
        app, lmtp_server, smtp_server, create_meeting):
    meeting = create_meeting(capacity=1, mode="in_person")
    first, second = make_subscribers(2)
    invites.send_invites(meeting, lists.main_list())
    db.session.commit()
    _reply(lmtp_server.port, "apple_accept.eml", uid=meeting.uid, email=first.email)
    _reply(lmtp_server.port, "outlook_accept.eml", uid=meeting.uid, email=second.email)
    assert _registration(meeting, first.email).status == "registered"
    assert _registration(meeting, second.email).status == "waitlisted"
    (told,) = db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == second.email,
                                                              OutboxMessage.message_key.like("%-waitlisted-%")))
    assert db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.recipient == first.email,
                                                            OutboxMessage.message_key.like("%-waitlisted-%"))) is None
    deliver_all()
    (mail,) = [m for m in smtp_server.messages_to(second.email) if m["Subject"] == told.subject]
    assert meeting.title_fi in mail["Subject"]


def test_an_accept_keeps_a_remote_place_remote_even_when_the_venue_is_full(app, lmtp_server, create_meeting):
    """Calendar clients send ACCEPTED again for each update; it names no mode. It used to move a remote
    participant to the venue, and at a full venue onto the waiting list."""
    meeting = create_meeting(capacity=1, mode="hybrid")
    first, second = make_subscribers(2)
    invites.send_invites(meeting, lists.main_list())
    db.session.commit()
    _reply(lmtp_server.port, "apple_accept.eml", uid=meeting.uid, email=first.email)
    respond_by_email(meeting, second.email, "Toinen", "remote")
    db.session.commit()
    stored = _reply(lmtp_server.port, "outlook_accept.eml", uid=meeting.uid, email=second.email)
    assert stored.status == InboundStatus.HANDLED, stored.outcome
    registration = _registration(meeting, second.email)
    assert (registration.mode, registration.status) == ("remote", "registered")
    assert _registration(meeting, first.email).status == "registered"


def test_after_the_deadline_an_accept_registers_nobody(app, lmtp_server, invited):
    meeting, emails = invited
    from_past = meeting.starts_at.replace(year=meeting.starts_at.year - 1)
    meeting.registration_deadline = from_past
    db.session.commit()
    stored = _reply(lmtp_server.port, uid=meeting.uid, email=emails[0])
    assert stored.status == InboundStatus.REFUSED
    assert _registration(meeting, emails[0]) is None


def test_older_sequence_and_cancelled_meetings_change_nothing(app, lmtp_server, invited):
    meeting, emails = invited
    meeting.sequence = 2
    db.session.commit()
    stored = _reply(lmtp_server.port, uid=meeting.uid, email=emails[0], sequence=1)
    assert stored.status == InboundStatus.IGNORED and "older" in stored.outcome
    assert _registration(meeting, emails[0]) is None
    cancel_meeting(meeting, "Sairastapaus")
    db.session.commit()
    stored = _reply(lmtp_server.port, uid=meeting.uid, email=emails[0], sequence=meeting.sequence)
    assert stored.status == InboundStatus.IGNORED and "cancelled" in stored.outcome
    assert _registration(meeting, emails[0]) is None


def test_bad_replies_are_recorded_and_change_nothing(app, lmtp_server, invited):
    """Issue 13 bad input: an unknown UID, a spoofed ATTENDEE, a calendar that does not parse, a stranger."""
    meeting, emails = invited
    unknown = _reply(lmtp_server.port, uid="meeting-unknown@elsewhere.example", email=emails[0])
    assert unknown.status == InboundStatus.IGNORED and "unknown UID" in unknown.outcome
    spoofed = _reply(lmtp_server.port, "gmail_accept.eml", uid=meeting.uid, email=emails[0],
                     **{"from": "hyokkaaja@example.net"})
    assert spoofed.status == InboundStatus.REFUSED and "not the attendee" in spoofed.outcome
    stranger = _reply(lmtp_server.port, uid=meeting.uid, email="vieras@example.net")
    assert stranger.status == InboundStatus.REFUSED and "neither invited" in stranger.outcome
    # A calendar cut short (its VEVENT and VCALENDAR never end), the only calendar in the message.
    broken = (f"From: {emails[1]}\r\nTo: {NETWORK}\r\nSubject: Accepted: Verkostotapaaminen\r\n"
              f"Message-ID: <broken@example.fi>\r\nMIME-Version: 1.0\r\n"
              f"Content-Type: text/calendar; method=REPLY; charset=UTF-8\r\n\r\n"
              f"BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\nUID:{meeting.uid}\r\n"
              f"ATTENDEE;PARTSTAT=ACCEPTED:mailto:{emails[1]}\r\n").encode()
    assert lmtp_deliver(lmtp_server.port, broken, NETWORK, sender=emails[1])[0] == 250
    stored = db.session.scalars(select(InboundMessage).order_by(InboundMessage.id.desc())).first()
    assert stored.status == InboundStatus.REFUSED and "does not parse" in stored.outcome
    assert db.session.scalar(select(MeetingRegistration.id)) is None
    assert all(_invitation(meeting, e).answer is None for e in emails)
    # The server still answers.
    assert _reply(lmtp_server.port, uid=meeting.uid, email=emails[2]).status == InboundStatus.HANDLED


def test_invite_status_page_counts_answers_by_channel(app, coordinator_client, lmtp_server, invited):
    meeting, emails = invited
    _reply(lmtp_server.port, uid=meeting.uid, email=emails[0])
    _reply(lmtp_server.port, "apple_accept.eml", uid=meeting.uid, email=emails[1], partstat="TENTATIVE")
    registration = invites.respond(invites.rsvp_token(meeting, emails[2], ""), "no")
    db.session.commit()
    assert registration.status == "declined"
    assert invites.answer_counts(meeting.id) == {("yes", "calendar"): 1, ("maybe", "calendar"): 1, ("no", "link"): 1}
    page = english(coordinator_client).get(f"/mailing/invites/{meeting.id}")
    assert page.status_code == 200
    assert "From a calendar" in page.text and "By the link in the invitation" in page.text


# --- mailto unsubscribe -------------------------------------------------------------------------------------------


def _unsubscribe_token(smtp_server, email: str) -> tuple[str, str]:
    """(mailbox, subject) of the mailto: in List-Unsubscribe of the post the subscriber received."""
    (message,) = smtp_server.messages_to(email)
    mailto = message["List-Unsubscribe"].split("<mailto:", 1)[1].split(">", 1)[0]
    mailbox, _q, query = mailto.partition("?subject=")
    return mailbox, unquote(query)


@pytest.fixture
def posted(app, smtp_server):
    subscribers = make_subscribers(2)
    make_post()
    deliver_all()
    return subscribers


def _active(subscriber) -> bool:
    return db.session.scalar(select(Subscription.active).where(Subscription.subscriber_id == subscriber.id)
                             .execution_options(populate_existing=True))


def test_mailto_unsubscribe_with_the_token_in_the_subject(app, smtp_server, lmtp_server, posted):
    subscriber, other = posted
    mailbox, subject = _unsubscribe_token(smtp_server, subscriber.email)
    before = db.session.scalar(select(OutboxMessage.id).order_by(OutboxMessage.id.desc()))
    # Sent from another address than the subscriber's: the token alone decides, and nothing is sent back.
    raw = (f"From: Joku <forged@example.net>\r\nTo: {mailbox}\r\nSubject: {subject}\r\n"
           f"Message-ID: <unsub-1@example.net>\r\n\r\nunsubscribe\r\n").encode()
    assert lmtp_deliver(lmtp_server.port, raw, mailbox, sender="forged@example.net")[0] == 250
    stored = db.session.scalars(select(InboundMessage)).one()
    assert stored.kind == "unsubscribe" and stored.status == InboundStatus.HANDLED, stored.outcome
    assert not _active(subscriber) and _active(other)
    assert db.session.scalar(select(OutboxMessage.id).order_by(OutboxMessage.id.desc())) == before


def test_mailto_unsubscribe_with_the_token_in_the_address_and_bad_tokens(app, smtp_server, lmtp_server, posted):
    subscriber, other = posted
    mailbox, subject = _unsubscribe_token(smtp_server, subscriber.email)
    token = subject.split()[-1]
    local, _at, domain = mailbox.partition("@")
    address = f"{local}+{token}@{domain}"
    raw = f"From: {subscriber.email}\r\nTo: {address}\r\nSubject: unsubscribe\r\n\r\n.\r\n".encode()
    assert lmtp_deliver(lmtp_server.port, raw, address)[0] == 250
    assert not _active(subscriber)
    forged = f"From: x@example.net\r\nTo: {mailbox}\r\nSubject: unsubscribe {token[:-3]}abc\r\n\r\n.\r\n".encode()
    assert lmtp_deliver(lmtp_server.port, forged, mailbox)[0] == 250
    empty = f"From: x@example.net\r\nTo: {mailbox}\r\nSubject: please remove me\r\n\r\n.\r\n".encode()
    assert lmtp_deliver(lmtp_server.port, empty, mailbox)[0] == 250
    rows = list(db.session.scalars(select(InboundMessage).order_by(InboundMessage.id)))
    assert [r.status for r in rows] == [InboundStatus.HANDLED, InboundStatus.REFUSED, InboundStatus.REFUSED]
    assert _active(other)


def test_mailto_unsubscribe_through_the_cli(app, smtp_server, posted, tmp_path):
    subscriber, _other = posted
    mailbox, subject = _unsubscribe_token(smtp_server, subscriber.email)
    path = tmp_path / "unsubscribe.eml"
    path.write_bytes(f"From: {subscriber.email}\r\nTo: {mailbox}\r\nSubject: {subject}\r\n\r\n.\r\n".encode())
    result = app.test_cli_runner().invoke(args=["mail", "inbound", "--file", str(path)])
    assert result.exit_code == 0 and "(unsubscribe)" in result.output, result.output
    assert not _active(subscriber)
