"""Dates in pages and mails come from the one formatter (issue 12; issue 16 item 5): Finnish "23.11.2026 klo 6.11"
for post times, the same numeric date in Swedish ("18.2.2027", not "18 feb. 2027"), day-month order in English."""

from __future__ import annotations

from datetime import UTC, date, datetime

from network.extensions import db
from network.i18n import format_day
from tests.factories import make_post

from ..conftest import choose_language
from ..groups.conftest import make_group

POSTED = datetime(2026, 11, 23, 4, 11, tzinfo=UTC)  # 6.11 in Helsinki (EET)


def test_post_times_in_the_archive_and_on_the_post_say_klo(client):
    """Failed before: "23.11.2026 6.11" (two dates?)."""
    post = make_post(subject="Demokratiapäivän muistio")
    post.queued_at = POSTED
    db.session.commit()
    assert "23.11.2026 klo 6.11" in client.get("/posts").get_data(as_text=True)
    assert "ma 23.11.2026 klo 6.11" in client.get(f"/posts/{post.id}").get_data(as_text=True)
    choose_language(client, "sv")
    assert "mån 23.11.2026 kl. 06.11" in client.get(f"/posts/{post.id}").get_data(as_text=True)
    choose_language(client, "en")
    assert "Mon, 23 Nov 2026, 06:11" in client.get(f"/posts/{post.id}").get_data(as_text=True)


def test_dates_are_written_as_the_time_formatter_writes_them(app):
    day = date(2027, 2, 18)
    assert format_day(day, language="fi") == "18.2.2027"
    assert format_day(day, language="sv") == "18.2.2027"  # was "18 feb. 2027"
    assert format_day(day, language="en") == "18 Feb 2027"


def test_a_group_page_in_swedish_has_numeric_dates(client):
    group = make_group(signup_deadline=date(2099, 2, 18), term_end=date(2099, 6, 30))
    choose_language(client, "sv")
    page = client.get(f"/groups/{group.id}").get_data(as_text=True)
    assert "18.2.2099" in page and "30.6.2099" in page
