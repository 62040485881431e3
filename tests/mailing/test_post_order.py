"""Every list of posts is newest first by the post's date, the later id first on the same date (a fault a new
user found: /mailing listed posts by id, so a post written first and sent last was at the bottom)."""

from __future__ import annotations

from datetime import timedelta

from network.extensions import db
from network.timeutil import utcnow
from tests.factories import make_post


def _dated(subject: str, *, days_ago: int | None = None, scheduled_in: int | None = None):
    post = make_post(subject=subject)
    now = utcnow().replace(microsecond=0)
    if days_ago is not None:
        post.queued_at = now - timedelta(days=days_ago)
    if scheduled_in is not None:
        post.status, post.queued_at = "scheduled", None
        post.scheduled_for = now + timedelta(days=scheduled_in)
    db.session.commit()
    return post


def _order(page: str, subjects: list[str]) -> list[str]:
    return sorted(subjects, key=page.index)


def test_mailing_overview_and_archive_are_newest_first(coordinator_client, client):
    _dated("Vanha uutinen", days_ago=1)  # written first, sent yesterday
    _dated("Uusin uutinen", days_ago=0)
    _dated("Vanhin uutinen", days_ago=9)  # written last, but sent nine days ago (a date moved back)
    _dated("Tuleva uutinen", scheduled_in=3)
    overview = coordinator_client.get("/mailing").get_data(as_text=True)
    assert _order(overview, ["Vanha uutinen", "Uusin uutinen", "Vanhin uutinen", "Tuleva uutinen"]) == [
        "Tuleva uutinen", "Uusin uutinen", "Vanha uutinen", "Vanhin uutinen"]
    archive = client.get("/posts").get_data(as_text=True)
    assert _order(archive, ["Vanha uutinen", "Uusin uutinen", "Vanhin uutinen"]) == [
        "Uusin uutinen", "Vanha uutinen", "Vanhin uutinen"]
    front = client.get("/").get_data(as_text=True)
    assert _order(front, ["Vanha uutinen", "Uusin uutinen", "Vanhin uutinen"]) == [
        "Uusin uutinen", "Vanha uutinen", "Vanhin uutinen"]


def test_same_date_is_broken_by_id(coordinator_client, client):
    first, second = make_post(subject="Ensimmäinen"), make_post(subject="Toinen")
    second.queued_at = first.queued_at
    db.session.commit()
    for page in (coordinator_client.get("/mailing"), client.get("/posts")):
        text = page.get_data(as_text=True)
        assert text.index("Toinen") < text.index("Ensimmäinen")
