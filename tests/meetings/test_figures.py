"""The meetings' yearly activity figures (self-assessment report): computed in SQL for a Helsinki year."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from network.extensions import db
from network.meetings.figures import meeting_figures
from network.meetings.models import MeetingRegistration
from network.registries import figures_for_year
from network.timeutil import HELSINKI, utcnow


def helsinki(*args) -> datetime:
    """A wall-clock time in Finland, as UTC."""
    return datetime(*args, tzinfo=HELSINKI).astimezone(UTC)


def register(meeting, email, status="registered", user=None):
    db.session.add(MeetingRegistration(meeting_id=meeting.id, email=email, name=email, status=status,
                                       user_id=user.id if user else None))
    db.session.commit()


def test_figures_count_held_network_meetings_and_their_participants(app, create_meeting, create_org, create_user):
    town = create_org("Testikaupunki", kind="municipality")
    society = create_org("Testiyhdistys ry", kind="civil_society")
    spring = create_meeting(starts_at=helsinki(2025, 3, 10, 12))
    day = create_meeting(kind="democracy_day", starts_at=helsinki(2025, 10, 15, 12))
    create_meeting(starts_at=helsinki(2025, 1, 1, 0, 30))  # 2025 in Helsinki, 2024 in UTC
    create_meeting(starts_at=helsinki(2024, 12, 31, 23, 30))  # 2025 in UTC, 2024 in Helsinki
    create_meeting(starts_at=helsinki(2025, 5, 5, 12), status="cancelled")
    create_meeting(kind="working_group", group_id=7, starts_at=helsinki(2025, 6, 1, 12))
    register(spring, "a@example.fi", user=create_user("a@example.fi", organisation_id=town.id))
    register(spring, "b@example.fi", user=create_user("b@example.fi", organisation_id=town.id))
    register(spring, "guest@example.fi")
    register(spring, "waiting@example.fi", status="waitlisted")
    register(spring, "gone@example.fi", status="cancelled")
    register(day, "c@example.fi", user=create_user("c@example.fi", organisation_id=society.id))

    figures = {f.key: f.value for f in meeting_figures(2025)}

    assert figures["meetings.held"] == 3
    assert figures["meetings.participants"] == 4
    assert figures["meetings.participants.municipality"] == 2
    assert figures["meetings.participants.civil_society"] == 1
    assert figures["meetings.participants.none"] == 1
    assert figures["meetings.democracy_day_held"] == 1
    assert figures["meetings.democracy_day_participants"] == 1
    assert {f.key: f.value for f in meeting_figures(2024)}["meetings.held"] == 1


def test_a_year_without_democracy_day_and_meetings_still_to_come(app, create_meeting):
    create_meeting(starts_at=utcnow() + timedelta(days=3))  # not held yet
    year = (utcnow() + timedelta(days=3)).year
    figures = {f.key: f.value for f in meeting_figures(year)}
    assert figures["meetings.held"] == 0
    assert figures["meetings.democracy_day_held"] == 0
    assert figures["meetings.democracy_day_participants"] == 0


def test_the_figures_are_registered_for_the_report(app, create_meeting):
    create_meeting(starts_at=helsinki(2025, 3, 10, 12))
    keys = {f.key: f.value for f in figures_for_year(2025)}
    assert keys["meetings.held"] == 1
    assert "mailing.posts_sent" in keys
