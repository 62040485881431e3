"""The network feed at scale: its ETag and Last-Modified come from one aggregate query, a current client gets 304
without the meetings being read, the body is rendered once per version, and any change makes a new version."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import event

from network.calendar.ics import feed_calendar
from network.calendar.views import FEED_DESCRIPTION, FEED_NAME
from network.meetings.models import Meeting
from network.timeutil import utcnow


def _statements(db, client, **headers):
    seen: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        seen.append(statement.lower())

    db.session.expunge_all()
    event.listen(db.engine, "before_cursor_execute", count)
    try:
        response = client.get("/calendar.ics", headers=headers)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return response, seen


def _reads_meeting_rows(statements: list[str]) -> bool:
    return any("meetings.title_fi" in s for s in statements)


def test_repeated_and_conditional_feed_requests_do_not_read_every_meeting(db, client, create_meeting):
    for days in range(5):
        create_meeting(starts_at=(utcnow() + timedelta(days=days + 1)).replace(microsecond=0))
    first, statements = _statements(db, client)
    assert first.status_code == 200 and _reads_meeting_rows(statements)
    again, statements = _statements(db, client)
    assert again.data == first.data and again.headers["ETag"] == first.headers["ETag"]
    assert len(statements) == 1 and "max(meetings.updated_at)" in statements[0]
    assert not _reads_meeting_rows(statements)
    conditional, statements = _statements(db, client, **{"If-None-Match": first.headers["ETag"]})
    assert conditional.status_code == 304 and not _reads_meeting_rows(statements)
    since, _ = _statements(db, client, **{"If-Modified-Since": first.headers["Last-Modified"]})
    assert since.status_code == 304


def test_every_change_makes_a_new_feed(app, db, client, create_meeting):
    meetings = [create_meeting() for _ in range(3)]
    first = client.get("/calendar.ics")
    meetings[0].venue = "Uusi paikka"
    db.session.commit()
    changed = client.get("/calendar.ics", headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200 and changed.headers["ETag"] != first.headers["ETag"]
    assert b"Uusi paikka" in changed.data
    db.session.delete(meetings[1])
    db.session.commit()
    removed = client.get("/calendar.ics", headers={"If-None-Match": changed.headers["ETag"]})
    assert removed.status_code == 200 and removed.headers["ETag"] not in (first.headers["ETag"],
                                                                          changed.headers["ETag"])
    assert removed.data.count(b"BEGIN:VEVENT") == 2
    with app.test_request_context():
        expected = feed_calendar(db.session.scalars(db.select(Meeting).order_by(Meeting.starts_at, Meeting.id)),
                                 FEED_NAME, FEED_DESCRIPTION)
    assert removed.data.count(b"BEGIN:VEVENT") == expected.count(b"BEGIN:VEVENT")
