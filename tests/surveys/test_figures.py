"""The activity figures of the self-assessment report that meetings, mailing and orgs contribute (their hooks)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from network.extensions import db
from network.mailing.models import MailingList, Post, Subscriber, Subscription
from network.meetings.models import MeetingRegistration
from network.registries import figures_for_year

from ..factories import make_meeting, make_org, make_user


def at(year, month, day, hour=12):
    return datetime(year, month, day, hour, tzinfo=UTC)


def test_meeting_figures_count_meetings_and_participants_by_kind(app):
    espoo = make_org("Espoo", kind="municipality")
    seura = make_org("Seura", kind="civil_society")
    people = [make_user(organisation=espoo), make_user(organisation=espoo), make_user(organisation=seura)]
    spring = make_meeting(kind="network", starts_at=at(2025, 3, 12))
    democracy_day = make_meeting(kind="democracy_day", starts_at=at(2025, 10, 15))
    make_meeting(kind="working_group", starts_at=at(2025, 5, 5))
    make_meeting(kind="network", starts_at=at(2024, 12, 31, 23))  # 2025-01-01 01:00 in Helsinki
    make_meeting(kind="network", starts_at=at(2025, 12, 31, 23))  # already 2026 in Helsinki
    make_meeting(kind="network", starts_at=at(2025, 6, 1), status="cancelled")
    for meeting, person, status, attended in [(spring, people[0], "registered", True),
                                              (spring, people[2], "registered", None),
                                              (spring, people[1], "registered", False),
                                              (democracy_day, people[1], "registered", None),
                                              (democracy_day, people[2], "waitlisted", None)]:
        db.session.add(MeetingRegistration(meeting=meeting, user_id=person.id, email=person.email, name="x",
                                           mode="in_person", status=status, attended=attended))
    db.session.add(MeetingRegistration(meeting=democracy_day, email="guest@example.fi", name="Guest",
                                       mode="remote", status="registered"))
    db.session.commit()
    figures = {f.key: f.value for f in figures_for_year(2025)}
    assert figures["meetings_network"] == 3  # spring, Democracy Day, New Year's Day in Helsinki
    assert figures["meetings_democracy_day"] == 1
    assert figures["meetings_working_group"] == 1
    assert figures["participants_network"] == 4  # the absent one is not counted, nor the waiting list
    assert figures["participants_democracy_day"] == 2
    assert figures["participants_network_municipality"] == 2
    assert figures["participants_network_civil_society"] == 1
    assert figures["participants_network_none"] == 1


def test_mailing_and_register_figures(app):
    main = MailingList(slug="verkosto", kind="main", name_fi="Verkosto")
    db.session.add(main)
    for email, created, confirmed, unsubscribed in [
        ("a@x.fi", at(2024, 5, 1), at(2024, 5, 1), None),
        ("b@x.fi", at(2024, 5, 1), at(2024, 5, 1), at(2025, 3, 1)),
        ("c@x.fi", at(2025, 5, 1), at(2025, 5, 1), None),
        ("d@x.fi", at(2025, 5, 1), None, None),
    ]:
        subscriber = Subscriber(email=email, confirmed_at=confirmed, created_at=created)
        db.session.add(subscriber)
        db.session.add(Subscription(mailing_list=main, subscriber=subscriber, created_at=created,
                                    active=unsubscribed is None, unsubscribed_at=unsubscribed))
    for queued, status in [(at(2025, 2, 1), "queued"), (at(2025, 9, 1), "queued"), (at(2024, 9, 1), "queued"),
                           (None, "draft")]:
        db.session.add(Post(mailing_list=main, subject_fi="Aihe", body_fi="Teksti", status=status,
                            queued_at=queued))
    make_org("Vanha", joined_on=date(2020, 1, 1))
    make_org("Uusi", joined_on=date(2025, 4, 1))
    make_org("Lähtenyt", joined_on=date(2019, 1, 1), left_on=date(2025, 6, 30))
    db.session.commit()
    figures = {f.key: f.value for f in figures_for_year(2025)}
    assert figures["posts_sent"] == 2
    assert (figures["subscribers_start"], figures["subscribers_end"]) == (2, 2)
    assert (figures["organisations_joined"], figures["organisations_left"]) == (1, 1)
    assert figures["organisations_members_end"] == 2
