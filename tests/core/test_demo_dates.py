"""The demo data agrees with its own dates, relative to the day it is loaded (issue 16, item 11).

Before: registrations were dated up to 20 days ahead of the meeting (so in the future for upcoming meetings), a
post dated a week before the load day said Democracy Day registration was open (that day was in October), and a
meeting's page showed "Muistio" twice (the page's heading and the minutes' own).
"""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import DateTime, select

from network.demo import load_demo
from network.extensions import db
from network.mailing.models import Post
from network.meetings.models import DEMOCRACY_DAY, Meeting, MeetingRegistration
from network.timeutil import as_utc, utc_to_helsinki, utcnow

# Columns that name planned times, which may well lie ahead; every other time records something that happened.
PLANNED = {"starts_at", "ends_at", "registration_deadline", "scheduled_for", "next_attempt_at", "claimed_until"}


def _loaded():
    assert load_demo()
    db.session.expire_all()
    return utcnow()


def test_nothing_that_happened_is_dated_in_the_future(app):
    loaded = _loaded()
    future = []
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            if not isinstance(column.type, DateTime) or column.name in PLANNED:
                continue
            for value in db.session.scalars(select(column).where(column.is_not(None))):
                if as_utc(value) > loaded:
                    future.append(f"{table.name}.{column.name} = {value}")
    assert not future, future[:10]


def test_registrations_come_before_their_deadline(app):
    _loaded()
    registrations = db.session.scalars(select(MeetingRegistration)).all()
    assert registrations
    late = [(r.meeting.title_fi, r.created_at) for r in registrations if as_utc(r.created_at) > r.meeting.deadline_utc]
    assert not late, late[:5]


def test_no_post_announces_a_registration_that_has_closed(app):
    _loaded()
    posts = db.session.scalars(select(Post)).all()
    announcing = [p for p in posts if "ilmoittautuminen on auki" in p.subject_fi]
    assert announcing, "the demo has a post announcing Democracy Day registration"
    for post in announcing:
        sent = as_utc(post.created_at)
        year = utc_to_helsinki(sent).year
        days = [m for m in db.session.scalars(select(Meeting).where(Meeting.kind == DEMOCRACY_DAY))
                if utc_to_helsinki(m.starts_utc).year == year]
        assert days, f"no Democracy Day in {year} for {post.subject_fi!r}"
        assert all(sent < day.deadline_utc for day in days), (post.subject_fi, sent, [d.deadline_utc for d in days])


def test_a_minutes_post_follows_the_minutes(app):
    _loaded()
    for post in db.session.scalars(select(Post)):
        if "muistio julkaistu" not in post.subject_fi.lower():
            continue
        published = [as_utc(m.minutes_published_at) for m in db.session.scalars(
            select(Meeting).where(Meeting.minutes_published_at.is_not(None)))]
        assert any(p <= as_utc(post.created_at) <= p + timedelta(days=14) for p in published), post.subject_fi


def _headings(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r"<h[1-6][^>]*>(.*?)</h[1-6]>", html, re.S)]


def test_no_page_repeats_a_heading(app, client):
    _loaded()
    meetings = db.session.scalars(select(Meeting).where(Meeting.minutes.is_not(None))).all()
    assert meetings
    paths = [f"/meetings/{m.id}" for m in meetings] + ["/", "/posts"]
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        headings = _headings(response.get_data(as_text=True))
        repeated = {h for h in headings if headings.count(h) > 1}
        assert not repeated, (path, repeated)
