"""Registration rules: capacity, deadline, waiting list that moves up and tells by e-mail, answers from invites."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from network.mail.models import OutboxMessage
from network.meetings import registration as rules
from network.meetings.errors import RegistrationError
from network.meetings.models import MeetingRegistration
from network.privacy import anonymise_personal_data, export_personal_data
from network.timeutil import utcnow
from tests.conftest import create_user

from ..factories import make_meeting
from .conftest import fi


def count(db, **filters) -> int:
    statement = select(func.count(MeetingRegistration.id))
    for key, value in filters.items():
        statement = statement.where(getattr(MeetingRegistration, key) == value)
    return db.session.scalar(statement)


def test_register_and_twice_is_refused(app, db, member):
    meeting = make_meeting()
    registration = rules.register(meeting, email=member.email, name=member.name, mode="in_person", user=member)
    db.session.commit()
    assert registration.status == "registered" and registration.user_id == member.id
    with pytest.raises(RegistrationError) as error:
        rules.register(meeting, email=member.email.upper(), name=member.name, mode="remote", user=member)
    assert str(error.value) == fi("You are already registered for this meeting.")
    db.session.rollback()
    assert count(db) == 1


def test_registering_after_the_deadline_is_refused(app, db, member):
    meeting = make_meeting(registration_deadline=utcnow() - timedelta(minutes=1))
    with pytest.raises(RegistrationError) as error:
        rules.register(meeting, email=member.email, name=member.name, mode="in_person")
    assert str(error.value) == fi("Registration for this meeting has closed.")
    db.session.rollback()
    assert count(db) == 0


def test_cancelled_or_past_meeting_refuses(app, db, member):
    meeting = make_meeting(status="cancelled")
    with pytest.raises(RegistrationError):
        rules.register(meeting, email=member.email, name=member.name, mode="in_person")
    past = make_meeting(starts_at=utcnow() - timedelta(days=2))
    with pytest.raises(RegistrationError):
        rules.register(past, email=member.email, name=member.name, mode="in_person")


def test_mode_must_fit_the_meeting(app, db):
    in_person = make_meeting(mode="in_person", online_url=None)
    with pytest.raises(RegistrationError):
        rules.register(in_person, email="a@example.fi", name="A", mode="remote")
    online = make_meeting(mode="online", venue=None, address=None)
    with pytest.raises(RegistrationError):
        rules.register(online, email="a@example.fi", name="A", mode="in_person")


def test_capacity_waiting_list_and_promotion_by_email(app, db):
    meeting = make_meeting(capacity=2)
    first = rules.register(meeting, email="first@example.fi", name="First", mode="in_person")
    rules.register(meeting, email="second@example.fi", name="Second", mode="in_person")
    # Remote participants of a hybrid meeting do not take seats.
    remote = rules.register(meeting, email="remote@example.fi", name="Remote", mode="remote")
    third = rules.register(meeting, email="third@example.fi", name="Third", mode="in_person")
    fourth = rules.register(meeting, email="fourth@example.fi", name="Fourth", mode="in_person")
    db.session.commit()
    assert remote.status == "registered"
    assert third.status == "waitlisted" and fourth.status == "waitlisted"
    assert rules.places_left(meeting) == 0

    promoted = rules.cancel_registration(first)
    db.session.commit()
    assert promoted == [third]
    assert third.status == "registered" and fourth.status == "waitlisted"
    # (Since issue 12 everyone registered also gets a confirmation and `first` a CANCEL: look at the promotions.)
    mail = db.session.scalars(select(OutboxMessage).where(OutboxMessage.message_key.contains("-promoted-"))).all()
    assert [m.recipient for m in mail] == ["third@example.fi"]
    assert meeting.title_fi in mail[0].subject
    assert f"/meetings/{meeting.id}" in mail[0].body_text

    # Switching to remote frees a seat, which goes to the next in line.
    second = rules.find_registration(meeting, "second@example.fi")
    rules.change_mode(second, "remote")
    db.session.commit()
    assert fourth.status == "registered"
    assert db.session.scalar(select(func.count(OutboxMessage.id))
                             .where(OutboxMessage.message_key.contains("-promoted-"))) == 2


def test_capacity_zero_means_waiting_list_and_raising_capacity_promotes(app, db, coordinator):
    from network.meetings import scheduling

    meeting = make_meeting(capacity=0)
    waiting = rules.register(meeting, email="w@example.fi", name="W", mode="in_person")
    assert waiting.status == "waitlisted"
    data = scheduling.MeetingData(title_fi=meeting.title_fi, starts_at=meeting.starts_at, ends_at=meeting.ends_at,
                                  mode="hybrid", venue="Kuntatalo", online_url="https://meet.example/v", capacity=1)
    scheduling.update_meeting(meeting, data, coordinator)
    assert waiting.status == "registered"


def test_online_meeting_capacity_counts_everyone(app, db):
    meeting = make_meeting(mode="online", venue=None, address=None, capacity=1)
    rules.register(meeting, email="a@example.fi", name="A", mode="remote")
    assert rules.register(meeting, email="b@example.fi", name="B", mode="remote").status == "waitlisted"


def test_register_again_after_cancelling_reuses_the_row(app, db, member):
    meeting = make_meeting()
    registration = rules.register(meeting, email=member.email, name=member.name, mode="in_person")
    rules.cancel_registration(registration)
    again = rules.register(meeting, email=member.email, name=member.name, mode="remote")
    assert again.id == registration.id and again.status == "registered" and again.mode == "remote"


def test_respond_by_email(app, db):
    meeting = make_meeting(capacity=1)
    yes = rules.respond_by_email(meeting, "Invitee@Example.fi", "Invitee", "yes")
    assert (yes.status, yes.mode, yes.email, yes.user_id) == ("registered", "in_person", "invitee@example.fi", None)
    # Answering again changes the answer instead of registering twice.
    assert rules.respond_by_email(meeting, "invitee@example.fi", None, "remote").id == yes.id
    assert yes.mode == "remote"
    waiting = rules.respond_by_email(meeting, "other@example.fi", "Other", "yes")
    assert waiting.status == "registered"  # the seat was freed when the first went remote
    late = rules.respond_by_email(meeting, "late@example.fi", "Late", "yes")
    assert late.status == "waitlisted"
    no = rules.respond_by_email(meeting, "other@example.fi", None, "no")
    assert no.status == "declined" and late.status == "registered"
    declined = rules.respond_by_email(meeting, "never@example.fi", "Never", "no")
    assert declined.status == "declined"
    with pytest.raises(RegistrationError):
        rules.respond_by_email(meeting, "x@example.fi", "X", "maybe")
    assert count(db) == 4


def test_respond_by_email_links_an_existing_account_and_fits_online_meetings(app, db, member):
    online = make_meeting(mode="online", venue=None, address=None)
    registration = rules.respond_by_email(online, member.email, None, "yes")
    assert registration.mode == "remote" and registration.user_id == member.id and registration.name == member.name


def test_respond_by_email_respects_the_deadline(app, db):
    meeting = make_meeting(registration_deadline=utcnow() - timedelta(hours=1))
    with pytest.raises(RegistrationError):
        rules.respond_by_email(meeting, "late@example.fi", "Late", "yes")
    # A "no" is still recorded.
    assert rules.respond_by_email(meeting, "late@example.fi", "Late", "no").status == "declined"


def test_personal_data_export_and_anonymise(app, db):
    person = create_user("person@example.fi", "Pirjo Person")
    meeting = make_meeting()
    registration = rules.register(meeting, email=person.email, name=person.name, mode="in_person", user=person)
    registration.attended = True
    db.session.commit()
    # The meeting has been held by the time the account is deleted: the row stays for statistics.
    meeting.starts_at = utcnow() - timedelta(days=2)
    meeting.ends_at = meeting.starts_at + timedelta(hours=3)
    db.session.commit()
    exported = export_personal_data(person)["meetings"]["registrations"]
    assert exported[0]["meeting"] == meeting.title_fi and exported[0]["email"] == person.email
    anonymise_personal_data(person)
    db.session.commit()
    db.session.refresh(registration)
    assert registration.user_id is None and registration.email is None and registration.name is None
    assert registration.status == "registered" and registration.attended is True
    assert count(db) == 1


def test_deleting_an_account_gives_up_its_place_in_a_meeting_to_come(app, db):
    person = create_user("leaver@example.fi", "Leena Leaver")
    meeting = make_meeting(capacity=1, mode="in_person")
    held = rules.register(meeting, email=person.email, name=person.name, mode="in_person", user=person)
    waiting = rules.register(meeting, email="next.in.line@example.fi", name="Next In Line", mode="in_person")
    db.session.commit()
    assert waiting.status == "waitlisted"
    anonymise_personal_data(person)
    db.session.commit()
    db.session.refresh(held)
    db.session.refresh(waiting)
    assert held.status == "cancelled" and held.email is None and held.user_id is None
    assert waiting.status == "registered"
