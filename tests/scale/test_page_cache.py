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


def test_a_visitors_cached_page_is_the_same_bytes_for_everyone_and_its_language_links_work(csrf_app, db, demo):
    """A visitor's language switch is links (`?lang=`), so no per-visitor CSRF token makes their pages differ."""
    path = demo["a meeting"]
    first_client, second_client = csrf_app.test_client(), csrf_app.test_client()
    first = first_client.get(path).get_data()
    second = second_client.get(path).get_data()
    assert first == second and b"csrf_token" not in second
    html = second.decode()
    swedish = re.search(r'<a href="([^"]+)" lang="sv" hreflang="sv"', html).group(1)
    assert swedish == f"{path}?lang=sv"
    assert '<html lang="sv">' in second_client.get(swedish).get_data(as_text=True)
    assert '<html lang="sv">' in second_client.get(path).get_data(as_text=True)  # kept for the visit
    assert '<html lang="fi">' in first_client.get(path).get_data(as_text=True)
    # a query string is kept, with the language replaced
    page = first_client.get("/posts?page=1&lang=fi").get_data(as_text=True)
    assert 'href="/posts?page=1&amp;lang=en"' in page


def test_a_cached_page_with_a_form_gives_each_visitor_their_own_csrf_token(app, db):
    """A cached page that does carry a token (a form for visitors) stores a marker and serves each their own."""
    from flask import render_template_string

    from network.pagecache import cached_page

    @cached_page()
    def form_page():
        return render_template_string('<form method="post"><input name="csrf_token" value="{{ csrf_token() }}">'
                                      '</form>')

    app.add_url_rule("/test-cached-form", "test_cached_form", form_page)
    app.config.update(PAGE_CACHE=True, WTF_CSRF_ENABLED=True)
    load_demo()
    db.session.commit()
    first_client, second_client = app.test_client(), app.test_client()
    first = first_client.get("/test-cached-form").get_data(as_text=True)
    second = second_client.get("/test-cached-form").get_data(as_text=True)
    assert csrf_token_in(first) != csrf_token_in(second)
    assert second.replace(csrf_token_in(second), "") == first.replace(csrf_token_in(first), "")
    # The token served from the cache is valid for the second visitor's session: the language form accepts it.
    response = second_client.post("/language", data={"lang": "sv", "next": "/",
                                                     "csrf_token": csrf_token_in(second)})
    assert response.status_code == 302


def _compressions(monkeypatch) -> list[str]:
    """The content codings Flask-Compress compresses a body into from now on (the real compressor runs)."""
    import flask_compress.flask_compress as compressor

    made: list[str] = []
    real = compressor._compress_data

    def counting(app, data, algorithm):
        made.append(algorithm)
        return real(app, data, algorithm)

    monkeypatch.setattr(compressor, "_compress_data", counting)
    return made


@pytest.mark.parametrize("encoding", ["gzip", "br"])
def test_a_cached_page_is_compressed_once_per_coding(db, client, demo, monkeypatch, encoding):
    import gzip

    import brotli

    decode = {"gzip": gzip.decompress, "br": brotli.decompress}[encoding]
    path = demo["survey results"]
    made = _compressions(monkeypatch)
    plain = client.get(path).get_data()
    answers = [client.get(path, headers={"Accept-Encoding": encoding}) for _ in range(3)]
    assert made == [encoding]  # once, for the first of the three
    for answer in answers:
        assert answer.headers["Content-Encoding"] == encoding
        assert decode(answer.get_data()) == plain
    marker = "Compressedcheck"
    db.session.execute(update(Question.__table__).values(text_fi=literal(marker) + Question.text_fi))
    db.session.commit()
    changed = client.get(path, headers={"Accept-Encoding": encoding})
    assert made == [encoding, encoding] and marker.encode() in decode(changed.get_data())


def test_compressed_bodies_are_never_served_for_another_answer(db, client, demo, member, monkeypatch):
    """The stored compressed body belongs to its page: the next request (logged in, another page, a page not
    cached) compresses its own answer."""
    import gzip

    made = _compressions(monkeypatch)
    client.get(demo["directory"], headers={"Accept-Encoding": "gzip"})
    client.get(demo["directory"], headers={"Accept-Encoding": "gzip"})
    assert made == ["gzip"]
    log_in(client, member)
    mine = client.get(demo["directory"], headers={"Accept-Encoding": "gzip"})
    assert member.name.encode() in gzip.decompress(mine.get_data())  # rendered and compressed for the member
    other = client.get("/profile", headers={"Accept-Encoding": "gzip"})
    assert b"<html" in gzip.decompress(other.get_data()) and len(made) == 3


def test_the_feed_is_compressed_for_calendar_clients_and_still_answers_304(db, client, demo):
    import gzip

    from icalendar import Calendar

    plain = client.get("/calendar.ics")
    packed = client.get("/calendar.ics", headers={"Accept-Encoding": "gzip"})
    assert packed.headers["Content-Encoding"] == "gzip" and len(packed.get_data()) < len(plain.get_data()) / 3
    body = gzip.decompress(packed.get_data())
    assert body == plain.get_data() and Calendar.from_ical(body).walk("VEVENT")
    # each coding has its own validator (Flask-Compress appends the coding to a strong ETag)
    assert packed.headers["ETag"] != plain.headers["ETag"]
    again = client.get("/calendar.ics", headers={"Accept-Encoding": "gzip", "If-None-Match": packed.headers["ETag"]})
    assert again.status_code == 304


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
