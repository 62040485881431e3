"""Configuration: production refuses to start with a missing or well-known secret."""

from __future__ import annotations

import pytest

from config import DEVELOPMENT_SECRET
from network import create_app


def test_production_refuses_to_start_without_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production")


@pytest.mark.parametrize("secret", [DEVELOPMENT_SECRET, "", "   ", "testing-secret"])
def test_production_refuses_the_development_secret(monkeypatch, secret):
    monkeypatch.setenv("SECRET_KEY", secret)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production")


def test_production_starts_with_a_real_secret_and_uses_it(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "f3a1c9e4b7d2a8c5e6f0b1d3a9c7e5f2")
    app = create_app("production")
    assert app.config["SECRET_KEY"] == "f3a1c9e4b7d2a8c5e6f0b1d3a9c7e5f2"
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    assert not app.config["DEBUG"] and not app.config["TESTING"]
    assert app.config["LOGIN_RATE_LIMIT"] == "9 per minute"


def test_development_starts_without_a_secret(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    app = create_app("development")
    assert app.config["SECRET_KEY"]


def test_sqlite_file_database_uses_write_ahead_logging(tmp_path):
    """The inline mail worker and web requests share the SQLite file: WAL keeps them from blocking each other."""
    from sqlalchemy import text

    from network import create_app
    from network.extensions import db

    app = create_app("testing", overrides={"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'wal.sqlite3'}"})
    with app.app_context():
        with db.engine.connect() as connection:
            assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 5000
        db.engine.dispose()
