"""A group's members hold a place in the group's meetings (issue 10 with issue 12's one notification rule): a change
of time, place, link, title or description reaches each member once, in their language, as METHOD:REQUEST with the
raised SEQUENCE; a cancellation as METHOD:CANCEL. Members of other groups and people outside hear nothing."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

from icalendar import Calendar
from sqlalchemy import select

from network.groups import group_meetings, membership
from network.mail.models import OutboxMessage
from network.mailing.invites import invite_key
from network.meetings import registration as rules
from network.meetings.scheduling import MeetingData

from ..conftest import create_user
from ..support.icalcheck import assert_parsers_agree
from .conftest import make_group

STARTS = datetime.now(UTC).replace(microsecond=0, second=0, minute=0) + timedelta(days=30)


def _data(**changes) -> MeetingData:
    values = MeetingData(title_fi="Ryhmän tapaaminen", title_sv="Gruppens möte", starts_at=STARTS,
                         ends_at=STARTS + timedelta(hours=2), mode="online", online_url="https://meet.example/r")
    return dataclasses.replace(values, **changes)


def _calendar_mails(db, method: str) -> dict[str, list[OutboxMessage]]:
    found: dict[str, list[OutboxMessage]] = {}
    for mail in db.session.scalars(select(OutboxMessage).where(OutboxMessage.calendar_method == method)):
        found.setdefault(mail.recipient, []).append(mail)
    return found


def _setup(db, people, coordinator):
    group, other = make_group(), make_group(name_fi="Toinen ryhmä")
    for person in ("aino", "erik"):
        membership.join(group, people[person])
    membership.join(other, people["sanna"])
    db.session.commit()
    meeting = group_meetings.create_group_meeting(group, coordinator, _data())
    db.session.commit()
    # Aino also registered: told once all the same.
    rules.register(meeting, email=people["aino"].email, name="Aino", mode="remote", user=people["aino"])
    db.session.commit()
    db.session.execute(OutboxMessage.__table__.delete())  # the registration confirmation is not the subject here
    db.session.commit()
    return group, meeting


def test_a_change_to_a_group_meeting_reaches_each_member_once_in_their_language(app, db, people):
    coordinator = create_user("koordinaattori@example.fi", "Kalle", role="coordinator")
    group, meeting = _setup(db, people, coordinator)
    group_meetings.update_group_meeting(group, coordinator, meeting,
                                        _data(starts_at=STARTS + timedelta(hours=1), ends_at=STARTS + timedelta(hours=3)))
    db.session.commit()
    updates = _calendar_mails(db, "REQUEST")
    assert sorted(updates) == [people["aino"].email, people["erik"].email]
    assert all(len(mails) == 1 for mails in updates.values())
    [erik] = updates[people["erik"].email]
    assert "tid" in erik.body_text.strip().splitlines()[0]  # Swedish, the change in the first line
    event = Calendar.from_ical(erik.calendar).walk("VEVENT")[0]
    assert event["SEQUENCE"] == meeting.sequence == 1
    assert_parsers_agree(erik.calendar.encode())


def test_cancelling_a_group_meeting_sends_each_member_a_cancel(app, db, people):
    coordinator = create_user("koordinaattori@example.fi", "Kalle", role="coordinator")
    group, meeting = _setup(db, people, coordinator)
    group_meetings.cancel_group_meeting(group, coordinator, meeting, "Sairastapaus")
    db.session.commit()
    cancels = _calendar_mails(db, "CANCEL")
    assert sorted(cancels) == [people["aino"].email, people["erik"].email]
    assert all(len(mails) == 1 for mails in cancels.values())
    assert_parsers_agree(cancels[people["aino"].email][0].calendar.encode())


def test_an_invited_member_gets_the_invite_update_alone(app, db, people):
    coordinator = create_user("koordinaattori@example.fi", "Kalle", role="coordinator")
    group, meeting = _setup(db, people, coordinator)
    assert group_meetings.send_group_invites(group, coordinator, meeting) == 2
    db.session.commit()
    db.session.execute(OutboxMessage.__table__.delete())
    db.session.commit()
    group_meetings.update_group_meeting(group, coordinator, meeting, _data(title_fi="Uusi otsikko"))
    db.session.commit()
    updates = _calendar_mails(db, "REQUEST")
    assert sorted(updates) == [people["aino"].email, people["erik"].email]
    assert all(len(mails) == 1 for mails in updates.values())
    # The invitation's own update (with its answer links), not a second mail from the group rule.
    assert {mails[0].message_key for mails in updates.values()} == {invite_key(meeting, "REQUEST")}
