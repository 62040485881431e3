"""Scheduling rules as plain functions: Democracy Day in week 42, one a year, times, capacity, edits, cancel."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from network.audit.models import AuditEntry
from network.meetings import queries, scheduling
from network.meetings.errors import MeetingError
from network.meetings.models import Meeting
from network.meetings.scheduling import MeetingData, is_democracy_day_week
from network.meetings.signals import meeting_changed

from ..factories import make_meeting
from .conftest import helsinki


def data(**fields) -> MeetingData:
    values = dict(title_fi="Tapaaminen", starts_at=helsinki(2026, 5, 20, 12), ends_at=helsinki(2026, 5, 20, 16),
                  venue="Kuntatalo")
    values.update(fields)
    return MeetingData(**values)


def count_meetings(db) -> int:
    return db.session.scalar(select(func.count(Meeting.id)))


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 10, 12), True),  # Monday of week 42
        (date(2026, 10, 18), True),  # Sunday of week 42
        (date(2026, 10, 11), False),  # Sunday of week 41
        (date(2026, 10, 19), False),  # week 43
        (date(2025, 10, 15), True),
        (date(2027, 10, 21), True),
        (datetime(2026, 10, 15, 10, 0), True),
    ],
)
def test_is_democracy_day_week(day, expected):
    assert is_democracy_day_week(day) is expected


def test_democracy_day_week_uses_helsinki_time():
    # Monday 19 Oct 2026 00:30 in Helsinki is Sunday 18 Oct 21:30 UTC (week 42 in UTC, week 43 in Helsinki).
    assert not is_democracy_day_week(helsinki(2026, 10, 19, 0, 30))
    assert is_democracy_day_week(helsinki(2026, 10, 18, 23, 30))


def test_democracy_day_in_week_41_is_rejected(app, db):
    with pytest.raises(MeetingError) as error:
        scheduling.create_meeting(data(kind="democracy_day", starts_at=helsinki(2026, 10, 8, 9),
                                       ends_at=helsinki(2026, 10, 8, 16)))
    assert error.value.field == "starts_at"
    assert "42" in str(error.value)
    db.session.rollback()
    assert count_meetings(db) == 0


def test_second_democracy_day_in_a_year_is_rejected(app, db):
    scheduling.create_meeting(data(kind="democracy_day", starts_at=helsinki(2026, 10, 15, 9),
                                   ends_at=helsinki(2026, 10, 15, 16)))
    db.session.commit()
    with pytest.raises(MeetingError) as error:
        scheduling.create_meeting(data(kind="democracy_day", starts_at=helsinki(2026, 10, 13, 9),
                                       ends_at=helsinki(2026, 10, 13, 16)))
    assert error.value.field == "kind"
    db.session.rollback()
    assert count_meetings(db) == 1
    # Another year is fine, and so is editing the existing one within week 42.
    scheduling.create_meeting(data(kind="democracy_day", starts_at=helsinki(2027, 10, 21, 9),
                                   ends_at=helsinki(2027, 10, 21, 16)))
    existing = db.session.scalars(select(Meeting).order_by(Meeting.id)).first()
    scheduling.update_meeting(existing, data(kind="democracy_day", starts_at=helsinki(2026, 10, 14, 9),
                                             ends_at=helsinki(2026, 10, 14, 16)))


def test_cancelled_democracy_day_does_not_block_a_new_one(app, db):
    meeting = scheduling.create_meeting(data(kind="democracy_day", starts_at=helsinki(2026, 10, 15, 9),
                                             ends_at=helsinki(2026, 10, 15, 16)))
    scheduling.cancel_meeting(meeting, "Sali ei ole käytettävissä")
    scheduling.create_meeting(data(kind="democracy_day", starts_at=helsinki(2026, 10, 16, 9),
                                   ends_at=helsinki(2026, 10, 16, 16)))


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"ends_at": helsinki(2026, 5, 20, 11)}, "ends_at"),
        ({"ends_at": helsinki(2026, 5, 20, 12)}, "ends_at"),
        ({"registration_deadline": helsinki(2026, 5, 20, 13)}, "registration_deadline"),
        ({"capacity": -1}, "capacity"),
        ({"mode": "online", "online_url": None}, "online_url"),
        ({"venue": None, "address": None}, "venue"),
        ({"title_fi": "  "}, "title_fi"),
        ({"mode": "online", "online_url": "javascript://example.com/%0Aalert(1)"}, "online_url"),
    ],
)
def test_bad_meeting_data_is_rejected(app, db, fields, field):
    with pytest.raises(MeetingError) as error:
        scheduling.create_meeting(data(**fields))
    assert error.value.field == field
    db.session.rollback()
    assert count_meetings(db) == 0


def test_capacity_zero_and_deadline_before_start_are_fine(app, db):
    meeting = scheduling.create_meeting(data(capacity=0, registration_deadline=helsinki(2026, 5, 18, 16)))
    assert meeting.capacity == 0
    assert meeting.uid.startswith("meeting-") and meeting.sequence == 0


def test_create_is_audited(app, db, coordinator):
    meeting = scheduling.create_meeting(data(), coordinator)
    db.session.commit()
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.entity_type == "meeting"))
    assert entry.action == "meeting.create" and entry.entity_id == meeting.id and entry.actor_id == coordinator.id


def test_significant_change_raises_sequence_and_signals(app, db):
    meeting = scheduling.create_meeting(data())
    db.session.commit()
    received = []

    def receiver(sender, change, fields=()):
        received.append((sender.id, change, sender.sequence))

    meeting_changed.connect(receiver)
    try:
        uid = meeting.uid
        # Issue 12: a new title is a change calendars must follow (it was not significant before).
        assert scheduling.update_meeting(meeting, data(title_fi="Uusi otsikko")) is True
        assert meeting.sequence == 1
        assert scheduling.update_meeting(meeting, data(title_fi="Uusi otsikko")) is False
        assert scheduling.update_meeting(meeting, data(title_fi="Uusi otsikko", venue="Toinen sali")) is True
        assert meeting.sequence == 2
        assert scheduling.update_meeting(
            meeting, data(title_fi="Uusi otsikko", venue="Toinen sali", starts_at=helsinki(2026, 5, 20, 13))
        ) is True
        scheduling.cancel_meeting(meeting, "Peruttu sairastumisen vuoksi")
        assert meeting.uid == uid
        assert received == [(meeting.id, "updated", 1), (meeting.id, "updated", 2), (meeting.id, "updated", 3),
                            (meeting.id, "cancelled", 4)]
    finally:
        meeting_changed.disconnect(receiver)


def test_cancel_needs_a_reason_and_keeps_the_meeting(app, db):
    meeting = scheduling.create_meeting(data())
    with pytest.raises(MeetingError):
        scheduling.cancel_meeting(meeting, "  ")
    scheduling.cancel_meeting(meeting, "Salivaraus peruuntui")
    db.session.commit()
    assert meeting.status == "cancelled" and meeting.cancel_reason == "Salivaraus peruuntui"
    with pytest.raises(MeetingError):
        scheduling.cancel_meeting(meeting, "again")


def test_year_warnings(app, db):
    for month in (2, 5, 8):
        make_meeting(starts_at=helsinki(2026, month, 12, 12))
    warnings = scheduling.year_warnings(queries.meetings_in_year(2026))
    assert len(warnings) == 2  # three meetings, and no Democracy Day
    make_meeting(kind="democracy_day", starts_at=helsinki(2026, 10, 15, 9))
    assert scheduling.year_warnings(queries.meetings_in_year(2026)) == []
    # A working-group meeting does not count as a network meeting.
    make_meeting(kind="working_group", starts_at=helsinki(2026, 11, 12, 12))
    assert scheduling.year_warnings(queries.meetings_in_year(2026)) == []
    make_meeting(starts_at=helsinki(2026, 12, 3, 12))
    assert len(scheduling.year_warnings(queries.meetings_in_year(2026))) == 1


def test_publish_minutes(app, db, coordinator):
    meeting = make_meeting(starts_at=helsinki(2025, 5, 20, 12))
    with pytest.raises(MeetingError):
        scheduling.publish_minutes(meeting, "", coordinator)
    scheduling.publish_minutes(meeting, "# Muistio\n\nKeskusteltiin.", coordinator)
    assert meeting.minutes_published_at is not None


def test_meetings_in_year_uses_helsinki_new_year(app, db):
    # 1 Jan 2027 01:00 in Helsinki is still 2026 in UTC.
    make_meeting(starts_at=helsinki(2027, 1, 1, 1), ends_at=helsinki(2027, 1, 1, 3))
    assert queries.meetings_in_year(2026) == []
    assert len(queries.meetings_in_year(2027)) == 1
    assert timedelta(hours=2) == helsinki(2027, 1, 1, 3) - helsinki(2027, 1, 1, 1)
