"""The one notification rule (issue 12): everyone holding a place (registered, on the waiting list, invited from
the list) gets METHOD:REQUEST with the raised SEQUENCE and a new DTSTAMP on any change of time, place, online
link, title or description, and METHOD:CANCEL on cancellation; each address once, in their language, with the
change stated in the first line. Every calendar text is read the same by ical.js, vobject and icalendar."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

from icalendar import Calendar
from sqlalchemy import select

from network.calendar import notices
from network.calendar.notices import Holder, notify_holders, place_holders
from network.mail.models import OutboxMessage
from network.mailing import invites, lists
from network.meetings import registration as rules
from network.meetings import scheduling
from network.timeutil import as_utc
from tests.conftest import create_user
from tests.factories import make_subscribers
from tests.support.icalcheck import assert_parsers_agree

STARTS = datetime.now(UTC).replace(microsecond=0, second=0, minute=0) + timedelta(days=30)


def data(**changes):
    values = scheduling.MeetingData(
        title_fi="Verkostokokous", title_sv="Nätverksmöte", starts_at=STARTS, ends_at=STARTS + timedelta(hours=3),
        mode="hybrid", venue="Kuntatalo", address="Toinen linja 14, Helsinki",
        online_url="https://meet.example/verkosto", capacity=1,
    )
    return dataclasses.replace(values, **changes)


def calendar_mails(db, method: str, sequence: int) -> dict[str, list[OutboxMessage]]:
    """Recipient -> the mails carrying the meeting's calendar entry with `method` and `sequence`."""
    found: dict[str, list[OutboxMessage]] = {}
    for mail in db.session.scalars(select(OutboxMessage).where(OutboxMessage.calendar_method == method)):
        calendar = Calendar.from_ical(mail.calendar)
        [event] = calendar.walk("VEVENT")
        if event["SEQUENCE"] == sequence:
            found.setdefault(mail.recipient, []).append(mail)
    return found


def first_line(mail: OutboxMessage) -> str:
    return mail.body_text.strip().splitlines()[0]


def holders_meeting(db):
    meeting = scheduling.create_meeting(data())
    db.session.commit()
    make_subscribers(1)  # sub00000@example.fi, Finnish
    invites.send_invites(meeting, lists.main_list())
    swede = create_user("reg@example.fi", name="Rea", language="sv")
    assert rules.register(meeting, email=swede.email, name="Rea", mode="in_person", user=swede).is_registered
    assert rules.register(meeting, email="wait@example.fi", name="Wait", mode="in_person").is_waitlisted
    db.session.commit()
    return meeting


def test_title_change_reaches_registered_waiting_and_invited_once_each(app, db):
    meeting = holders_meeting(db)
    assert scheduling.update_meeting(meeting, data(title_fi="Uusi otsikko", title_sv="Ny rubrik"))
    db.session.commit()
    assert meeting.sequence == 1
    updates = calendar_mails(db, "REQUEST", 1)
    assert sorted(updates) == ["reg@example.fi", "sub00000@example.fi", "wait@example.fi"]
    assert all(len(mails) == 1 for mails in updates.values())
    # The change in the first line, in the person's language.
    assert "rubrik" in first_line(updates["reg@example.fi"][0]) and "Ny rubrik" in first_line(
        updates["reg@example.fi"][0])
    assert "otsikko" in first_line(updates["wait@example.fi"][0])
    assert "otsikko" in first_line(updates["sub00000@example.fi"][0])
    for [mail] in updates.values():
        event = Calendar.from_ical(mail.calendar).walk("VEVENT")[0]
        assert event["DTSTAMP"].dt >= as_utc(meeting.updated_at).replace(microsecond=0)
        assert_parsers_agree(mail.calendar.encode(),
                             {meeting.uid: (as_utc(meeting.starts_at), as_utc(meeting.ends_at))})


def test_invitee_who_also_registered_is_told_once_and_cancel_reaches_everyone(app, db):
    meeting = holders_meeting(db)
    assert rules.register(meeting, email="sub00000@example.fi", name="Sub", mode="in_person").is_waitlisted
    db.session.commit()
    assert scheduling.update_meeting(meeting, data(online_url="https://meet.example/uusi"))
    db.session.commit()
    updates = calendar_mails(db, "REQUEST", 1)
    assert {address: len(mails) for address, mails in updates.items()} == {
        "reg@example.fi": 1, "sub00000@example.fi": 1, "wait@example.fi": 1}
    assert "verkkolinkki" in first_line(updates["wait@example.fi"][0])

    scheduling.cancel_meeting(meeting, "Sairastumisia")
    db.session.commit()
    cancels = calendar_mails(db, "CANCEL", 2)
    assert {address: len(mails) for address, mails in cancels.items()} == {
        "reg@example.fi": 1, "sub00000@example.fi": 1, "wait@example.fi": 1}
    for [mail] in cancels.values():
        assert str(Calendar.from_ical(mail.calendar).walk("VEVENT")[0]["STATUS"]) == "CANCELLED"
        assert_parsers_agree(mail.calendar.encode())
    assert "peruttu" in first_line(cancels["wait@example.fi"][0])
    assert "ställts in" in first_line(cancels["reg@example.fi"][0])


def test_description_change_raises_sequence(app, db):
    meeting = holders_meeting(db)
    assert scheduling.update_meeting(meeting, data(description_fi="Uusi esityslista"))
    assert meeting.sequence == 1
    assert "kuvaus" in first_line(calendar_mails(db, "REQUEST", 1)["wait@example.fi"][0])


def test_another_domain_adds_holders_through_the_registry(app, db):
    meeting = holders_meeting(db)
    source = place_holders(30)(lambda m, change: [Holder("member@example.fi", "Member", "fi"),
                                                  Holder("WAIT@example.fi", "Wait again", "fi")])
    try:
        assert notify_holders(meeting, "updated", ("venue",)) == 4
    finally:
        notices._SOURCES.remove((30, source))
    told = calendar_mails(db, "REQUEST", 0)
    assert len(told["member@example.fi"]) == 1 and len(told["wait@example.fi"]) == 1
