"""/healthz (issue 15, point 6): the database answers a read and a (rolled-back) write, the outbox is not stuck;
otherwise 503 with the reasons in JSON, and quickly: a locked database is not a 500 after the 5 s busy timeout."""

from __future__ import annotations

import sqlite3
import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from network.extensions import db
from network.mail.models import OutboxMessage
from network.mail.outbox import queue_mail
from network.timeutil import utcnow

from ..conftest import DATABASE_URL


def _queue(key: str, due_minutes_ago: float, status: str = "pending") -> OutboxMessage:
    queue_mail("someone@example.fi", "Aihe", "Teksti", key=key)
    db.session.flush()
    message = db.session.scalars(select(OutboxMessage).filter_by(message_key=key)).one()
    message.next_attempt_at = utcnow() - timedelta(minutes=due_minutes_ago)
    message.status = status
    db.session.commit()
    return message


def test_healthy(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok"
    assert body["checks"] == {"database_read": "ok", "database_write": "ok", "outbox": "ok"}
    assert response.headers["Cache-Control"] == "no-store"


def test_a_stuck_outbox_answers_503_with_the_reason(app, client):
    _queue("recent", due_minutes_ago=5)
    assert client.get("/healthz").status_code == 200

    _queue("old", due_minutes_ago=20)
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "unavailable"
    assert body["checks"]["outbox"] == "stuck"
    assert body["checks"]["database_write"] == "ok"
    assert any("outbox stuck" in reason for reason in body["reasons"])
    assert 19 * 60 < body["outbox_oldest_due_seconds"] < 21 * 60


def test_only_due_pending_messages_count(app, client):
    _queue("sent-long-ago", due_minutes_ago=600, status="sent")
    _queue("failed-long-ago", due_minutes_ago=600, status="failed")
    _queue("retry-later", due_minutes_ago=-30)  # a retry scheduled in the future, not due yet
    assert client.get("/healthz").status_code == 200


def test_the_threshold_is_configurable(app, client):
    _queue("five-minutes", due_minutes_ago=5)
    app.config["HEALTH_OUTBOX_MAX_DELAY"] = 60
    assert client.get("/healthz").status_code == 503


def _is_sqlite_file() -> bool:
    url = make_url(DATABASE_URL)
    return url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:")


def test_a_locked_sqlite_file_answers_503_quickly(app, client):
    if not _is_sqlite_file():
        pytest.skip("SQLite file locking (the PostgreSQL pass has its own lock test)")
    holder = sqlite3.connect(make_url(DATABASE_URL).database, isolation_level=None, timeout=1)
    try:
        holder.execute("BEGIN IMMEDIATE")
        holder.execute("UPDATE outbox_messages SET attempts = attempts")
        started = time.monotonic()
        response = client.get("/healthz")
        elapsed = time.monotonic() - started
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert response.status_code == 503
    assert elapsed < 3, f"took {elapsed:.1f} s"
    body = response.get_json()
    assert body["checks"]["database_read"] == "ok"
    assert body["checks"]["database_write"] == "failed"
    assert any("database write failed" in reason and "locked" in reason for reason in body["reasons"])

    assert client.get("/healthz").status_code == 200
    # The short lock wait was only for the check: the connection returned to the pool waits as long as before.
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000


def test_a_locked_postgresql_table_answers_503_quickly(app, client):
    if make_url(DATABASE_URL).get_backend_name() != "postgresql":
        pytest.skip("PostgreSQL table locks (the SQLite pass has its own lock test)")
    other = create_engine(DATABASE_URL)
    locked, release = threading.Event(), threading.Event()

    def hold_the_lock():
        with other.connect() as connection, connection.begin():
            connection.execute(text("LOCK TABLE outbox_messages IN EXCLUSIVE MODE"))
            locked.set()
            release.wait(10)

    holder = threading.Thread(target=hold_the_lock)
    holder.start()
    try:
        assert locked.wait(5)
        started = time.monotonic()
        response = client.get("/healthz")
        elapsed = time.monotonic() - started
    finally:
        release.set()
        holder.join()
        other.dispose()
    assert response.status_code == 503
    assert elapsed < 4, f"took {elapsed:.1f} s"
    body = response.get_json()
    assert body["checks"]["database_write"] == "failed"
    assert any("database write failed" in reason for reason in body["reasons"])
    assert client.get("/healthz").status_code == 200
