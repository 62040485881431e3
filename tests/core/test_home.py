"""The front page shows the next meetings and the latest posts, and says so when there are none."""

from __future__ import annotations

from datetime import timedelta

from network.extensions import db
from network.mailing import posts, subscriptions
from network.meetings.models import Meeting
from network.timeutil import utcnow
from tests.factories import make_meeting


def _meeting(title: str, days: int, status: str = "scheduled") -> Meeting:
    starts = utcnow() + timedelta(days=days)
    return make_meeting(title_fi=title, starts_at=starts, ends_at=starts + timedelta(hours=2), status=status)


def test_front_page_shows_next_meetings_and_latest_posts(client, coordinator):
    _meeting("Menneen kevään tapaaminen", -60)
    _meeting("Peruttu tapaaminen", 5, status="cancelled")
    for days, title in ((10, "Ensimmäinen tuleva"), (20, "Toinen tuleva"), (30, "Kolmas tuleva"), (40, "Neljäs tuleva")):
        _meeting(title, days)
    posts.create_post(subscriptions.main_list(), coordinator, posts.PostInput("Syysuutiset", "Tervetuloa!"))
    db.session.commit()

    page = client.get("/").get_data(as_text=True)
    assert page.index("Ensimmäinen tuleva") < page.index("Toinen tuleva") < page.index("Kolmas tuleva")
    assert "Neljäs tuleva" not in page, "only the next three"
    assert "Menneen kevään tapaaminen" not in page and "Peruttu tapaaminen" not in page
    assert "Syysuutiset" in page


def test_front_page_without_meetings_or_posts(client):
    page = client.get("/").get_data(as_text=True)
    assert "Tulevia tapaamisia ei ole vielä ilmoitettu." in page
    assert "Viestejä ei ole vielä lähetetty." in page
    assert 'href="/meetings"' in page and 'href="/posts"' in page
