"""A locked SQLite file (issue 15, point 6): a write answers a clear 503 page in the user's language with
Retry-After, not a 500, once the busy timeout has run out; reads still work; nothing half-saved.
(/healthz on a locked file: tests/security/test_health.py::test_a_locked_sqlite_file_answers_503_quickly.)
"""

from __future__ import annotations

import sqlite3
import time

import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from network.errors import is_database_busy
from network.extensions import db
from tests.conftest import DATABASE_URL, choose_language


def _sqlite_file() -> str:
    url = make_url(DATABASE_URL)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        pytest.skip("SQLite file locking (PostgreSQL reports lock waits through lock_timeout)")
    return url.database


@pytest.fixture
def short_busy_timeout(app):
    """New connections wait 300 ms for a lock instead of 5 s (the value is read at each connection)."""
    app.config["SQLITE_BUSY_TIMEOUT_MS"] = 300
    db.session.remove()
    db.engine.dispose()
    yield
    app.config["SQLITE_BUSY_TIMEOUT_MS"] = 5000
    db.session.remove()
    db.engine.dispose()


class Locked:
    """Another process's write transaction on the database file (BEGIN IMMEDIATE takes SQLite's write lock)."""

    def __enter__(self):
        self.holder = sqlite3.connect(_sqlite_file(), isolation_level=None, timeout=1)
        self.holder.execute("BEGIN IMMEDIATE")
        self.holder.execute("UPDATE users SET name = name")
        return self

    def __exit__(self, *exc):
        self.holder.execute("ROLLBACK")
        self.holder.close()


@pytest.mark.parametrize("lang, text", [("fi", "Palvelu on ruuhkautunut"), ("sv", "Tjänsten är överbelastad"),
                                        ("en", "The service is busy")])
def test_a_write_on_a_locked_file_answers_503_in_the_users_language(member_client, member, short_busy_timeout,
                                                                    lang, text):
    _sqlite_file()
    choose_language(member_client, lang)
    with Locked():
        # Reads still work while another process writes (write-ahead log).
        assert member_client.get("/profile").status_code == 200
        started = time.monotonic()
        response = member_client.post("/profile", data={"name": "Uusi Nimi", "language": lang})
        elapsed = time.monotonic() - started
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "10"
    assert text in response.get_data(as_text=True)
    assert elapsed < 3
    db.session.expire_all()
    assert member.name == "Maija Member"
    # Once the lock is gone the same write goes through.
    assert member_client.post("/profile", data={"name": "Uusi Nimi", "language": lang}).status_code == 302


def test_other_database_errors_are_not_disguised_as_busy():
    assert is_database_busy(OperationalError("UPDATE x", {}, sqlite3.OperationalError("database is locked")))
    assert not is_database_busy(OperationalError("SELECT", {}, sqlite3.OperationalError("no such table: x")))
    assert not is_database_busy(ValueError("database is locked"))
