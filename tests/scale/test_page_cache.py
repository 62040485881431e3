"""The public pages' cache (network/pagecache.py): a repeated anonymous request is served without reading the
page's data, and any committed change (through the ORM, a Core statement, or another process) shows at once."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import literal, select, text, update

from network.demo import load_demo
from network.extensions import db as _db
from network.groups.models import WorkingGroup
from network.mailing.models import Post
from network.meetings.models import Meeting
from network.orgs.models import Organisation
from network.surveys.models import Question
from tests.conftest import csrf_token_in, log_in, make_app

from ..support.sql import recorded_statements
from .support import pages

TOKEN = re.compile(r'name="csrf_token" value="[^"]*"')
# The column each page shows, which the test changes to see the page change.
SHOWN = {
    "front page": Meeting.title_fi,
    "meetings": Meeting.title_fi,
    "a meeting": Meeting.title_fi,
    "directory": Organisation.name_fi,
    "directory search": Organisation.name_fi,
    "archive": Post.subject_fi,
    "archive last page": Post.subject_fi,
    "a post": Post.subject_fi,
    "network feed": Meeting.title_fi,
    "a group": WorkingGroup.name_fi,
    "survey results": Question.text_fi,
}


def _get(db, client, path: str, expunge: bool = True):
    """The page and the SQL statements its request ran."""
    if expunge:
        db.session.expunge_all()
    with recorded_statements(db.engine) as seen:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return TOKEN.sub("", response.get_data(as_text=True)), seen  # the CSRF token is signed with the time


def _version(db) -> int | None:
    version = db.session.execute(text("SELECT version FROM data_version WHERE id = 1")).scalar()
    db.session.commit()
    return version


@pytest.fixture
def demo(app, db):
    app.config["PAGE_CACHE"] = True  # off in the testing configuration
    load_demo()
    db.session.commit()
    urls = pages.page_urls(db.session)
    db.session.commit()
    return urls


@pytest.mark.parametrize("page", list(SHOWN))
def test_a_cached_page_changes_with_its_data(db, client, demo, page):
    path = demo[page]
    _get(db, client, path)  # the first request may store what later ones read (survey summaries, the main list)
    first, _ = _get(db, client, path)
    table = SHOWN[page].table.name
    for _attempt in range(2):  # a page keyed by the minute is rendered again when a minute boundary fell in between
        again, statements = _get(db, client, path)
        if not any(table in s for s in statements):
            break
    assert again == first
    assert statements and not any(table in s for s in statements), statements  # served from the cache
    marker = f"Cachecheck{len(page)}"
    db.session.execute(update(SHOWN[page].table).values({SHOWN[page].key: literal(marker) + SHOWN[page]}))
    db.session.commit()
    changed, statements = _get(db, client, path)
    assert marker in changed and marker not in first
    assert any(table in s for s in statements)  # rendered again


def test_an_orm_change_a_rollback_and_an_unflushed_change(db, client, demo):
    path = demo["a meeting"]
    meeting = db.session.get(Meeting, int(path.rsplit("/", 1)[1]))
    first, _ = _get(db, client, path)
    before = _version(db)
    meeting = db.session.get(Meeting, meeting.id)
    meeting.title_fi = "Rolled back title"
    db.session.flush()
    db.session.rollback()
    assert _version(db) == before  # a rolled-back write changes nothing
    meeting = db.session.get(Meeting, meeting.id)
    meeting.title_fi = "Pending title"  # not flushed: the request (same session) must see it, not the cache
    page, _ = _get_without_expunge(client, path)
    assert "Pending title" in page
    db.session.commit()
    assert _version(db) != before
    page, _ = _get(db, client, path)
    assert "Pending title" in page and "Pending title" not in first


def _get_without_expunge(client, path: str):
    response = client.get(path)
    assert response.status_code == 200
    return response.get_data(as_text=True), None


def test_a_write_by_another_process_invalidates_the_cache(app, db, client, demo):
    """Another gunicorn worker is another application with its own engine: its commit changes the version."""
    path = demo["archive"]
    first, _ = _get(db, client, path)
    other = make_app()
    with other.app_context():
        post = _db.session.scalar(select(Post).order_by(Post.queued_at.desc(), Post.id.desc()).limit(1))
        post.subject_fi = "Written by another worker"
        _db.session.commit()
        _db.session.remove()
        _db.engine.dispose()
    page, _ = _get(db, client, path)
    assert "Written by another worker" in page and "Written by another worker" not in first


@pytest.mark.parametrize("path", ["/calendar.ics", "group feed"])
def test_a_cached_feed_answers_conditional_requests_with_304(db, client, demo, path):
    if path == "group feed":
        path = f"{demo['a group']}/calendar.ics"
    first = client.get(path)
    assert first.status_code == 200 and first.headers["ETag"] and first.headers["Last-Modified"]
    with recorded_statements(db.engine) as seen:
        cached = client.get(path)
        current = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
        since = client.get(path, headers={"If-Modified-Since": first.headers["Last-Modified"]})
        other = client.get(path, headers={"If-None-Match": '"not-this-one"'})
    assert cached.data == first.data and cached.headers["ETag"] == first.headers["ETag"]
    assert current.status_code == 304 and not current.data
    assert since.status_code == 304
    assert other.status_code == 200 and other.data == first.data
    assert not any("meetings" in s for s in seen), seen  # each answered from the stored feed


def test_a_cached_html_page_is_not_answered_with_304(db, client, demo):
    client.get("/posts")
    again = client.get("/posts", headers={"If-None-Match": "*", "If-Modified-Since": "Mon, 30 Nov 2099 00:00:00 GMT"})
    assert again.status_code == 200 and b"<html" in again.data


def test_the_cache_is_off_unless_configured(app, db, client):
    load_demo()
    db.session.commit()
    assert app.config["PAGE_CACHE"] is False
    client.get("/posts")
    _, statements = _get(db, client, "/posts")
    assert any("mailing_posts" in s for s in statements)


def test_each_visitor_gets_their_own_csrf_token_from_a_cached_page(csrf_app, db, demo):
    path = demo["a meeting"]
    first_client, second_client = csrf_app.test_client(), csrf_app.test_client()
    first = first_client.get(path).get_data(as_text=True)
    second = second_client.get(path).get_data(as_text=True)
    assert csrf_token_in(first) != csrf_token_in(second)
    assert second.replace(csrf_token_in(second), "") == first.replace(csrf_token_in(first), "")
    # The token served from the cache is valid for the second visitor's session: the language form accepts it.
    response = second_client.post("/language", data={"lang": "sv", "next": "/",
                                                     "csrf_token": csrf_token_in(second)})
    assert response.status_code == 302


def test_logged_in_visitors_and_pending_messages_are_not_served_from_the_cache(app, db, client, demo, member):
    path = demo["archive"]
    _get(db, client, path, expunge=False)
    log_in(client, member)
    _, statements = _get(db, client, path, expunge=False)
    assert any("mailing_posts" in s for s in statements)  # rendered for the member
    anonymous = client.application.test_client()
    _get(db, anonymous, path, expunge=False)
    with anonymous.session_transaction() as session:
        session["_flashes"] = [("success", "A message waiting for this visitor")]
    page, statements = _get(db, anonymous, path, expunge=False)
    assert "A message waiting for this visitor" in page and any("mailing_posts" in s for s in statements)
    page, _ = _get(db, anonymous, path, expunge=False)
    assert "A message waiting for this visitor" not in page


def test_each_language_has_its_own_entry(db, client, demo):
    path = demo["archive"]
    finnish, _ = _get(db, client, path + "?lang=fi")
    swedish, _ = _get(db, client, path + "?lang=sv")
    assert 'lang="sv"' in swedish and 'lang="fi"' in finnish
    again, _ = _get(db, client, "/posts")
    assert 'lang="sv"' in again  # the session's language is kept
