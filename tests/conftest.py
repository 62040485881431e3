"""Shared fixtures: the app on the database under test, clients by role, a real SMTP server, a live server
and a real Chromium.

The database is SQLite by default; set TEST_DATABASE_URL (e.g. postgresql+psycopg://...) to run the same suite on
PostgreSQL. Under CI=true a missing component (PostgreSQL, Chromium) fails the run instead of skipping.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import text
from werkzeug.security import generate_password_hash

from network import create_app
from network.extensions import db as _db
from network.extensions import limiter, mail

from .support.smtp import SMTPTestServer

# The factory fixtures (create_user, create_org, create_meeting) of tests/factories.py.
pytest_plugins = ["tests.factories"]

IN_CI = os.environ.get("CI", "").lower() == "true"
_TMP = Path(tempfile.mkdtemp(prefix="network-tests-"))
DATABASE_URL = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{_TMP / 'test.sqlite3'}"
PASSWORD = "correct horse battery staple"
# Hashed once: scrypt is deliberately slow, and most tests need users but not their hashing.
PASSWORD_HASH = generate_password_hash(PASSWORD)

_schema_ready = False


def missing_component(reason: str) -> None:
    """In CI a missing component fails the test; on a developer machine it is skipped with the reason."""
    if IN_CI:
        pytest.fail(f"required component missing in CI: {reason}")
    pytest.skip(reason)


class BufferedClient(FlaskClient):
    """The test client, reading each response whole: a sent file's handle (send_file) is closed at once instead of
    when the garbage collector finds it (an unclosed-file warning, and warnings are errors here)."""

    def open(self, *args, buffered: bool = True, **kwargs):
        return super().open(*args, buffered=buffered, **kwargs)


def make_app(**overrides):
    config = {
        "SQLALCHEMY_DATABASE_URI": DATABASE_URL,
        "MAIL_FILE_DIR": str(_TMP / "mail"),
        "SERVER_NAME": None,
    }
    config.update(overrides)
    app = create_app("testing", overrides=config)
    app.test_client_class = BufferedClient
    return app


def reset_database() -> None:
    """Delete every row, children first; the schema stays."""
    _db.session.rollback()
    for table in reversed(_db.metadata.sorted_tables):
        _db.session.execute(table.delete())
    _db.session.commit()


def ensure_schema() -> None:
    global _schema_ready
    if not _schema_ready:
        if _db.engine.dialect.name == "postgresql":
            _db.session.execute(text("DROP SCHEMA public CASCADE"))
            _db.session.execute(text("CREATE SCHEMA public"))
            _db.session.commit()
        else:
            _db.drop_all()
        _db.create_all()
        _schema_ready = True


@pytest.fixture
def app():
    app = make_app()
    with app.app_context():
        ensure_schema()
        reset_database()
        limiter.reset()
        yield app
        _db.session.remove()
        reset_database()
        _db.engine.dispose()


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def csrf_app(app):
    """The same app with CSRF protection on, for tests about forms."""
    app.config["WTF_CSRF_ENABLED"] = True
    return app


@pytest.fixture
def client(app):
    return app.test_client()


def create_user(email: str, name: str = "Test Person", role: str = "member", confirmed: bool = True, **fields):
    from network.auth.models import User
    from network.timeutil import utcnow

    user = User(
        email=email.lower(),
        name=name,
        password_hash=PASSWORD_HASH,
        role=role,
        email_confirmed_at=utcnow() if confirmed else None,
        **fields,
    )
    _db.session.add(user)
    _db.session.commit()
    return user


def session_identifier(user, remember: bool = False) -> str:
    """A new server-side session of `user` (committed); the identifier its cookies carry ("<id>:<token>")."""
    from network.auth.sessions import start_session

    start_session(user, remember=remember, user_agent="pytest")
    _db.session.commit()
    return user.get_id()


def log_in(client, user) -> None:
    """Log a test client in by its session (the login form has its own tests)."""
    identifier = session_identifier(user)
    with client.session_transaction() as session:
        session["_user_id"] = identifier
        session["_fresh"] = True


@pytest.fixture
def member(app):
    return create_user("member@example.fi", "Maija Member")


@pytest.fixture
def coordinator(app):
    return create_user("coordinator@example.fi", "Kalle Coordinator", role="coordinator")


@pytest.fixture
def member_client(app, member):
    client = app.test_client()
    log_in(client, member)
    return client


@pytest.fixture
def coordinator_client(app, coordinator):
    client = app.test_client()
    log_in(client, coordinator)
    return client


@pytest.fixture
def smtp_server(app):
    """A real SMTP server (aiosmtpd) on 127.0.0.1; the app is pointed at it."""
    server = SMTPTestServer()
    server.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port, MAIL_USE_TLS=False, MAIL_USE_SSL=False)
    mail.init_app(app)
    yield server
    server.stop()


@pytest.fixture
def live_server(app):
    """The app served over HTTP on 127.0.0.1 by a real server in a thread, on the same database."""
    from .support.live import LiveServer

    server = LiveServer(app)
    server.start()
    yield server
    server.stop()


CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        missing_component(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="fi-FI")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


# --- Helpers for form and language tests (added with the foundation tests) ---

def csrf_token_in(html: str) -> str:
    """The CSRF token of the first form in a page (for tests with CSRF on)."""
    import re

    match = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def choose_language(client, lang: str) -> None:
    """Set the interface language of a test client as the language switch does (session, no login needed)."""
    with client.session_transaction() as session:
        session["lang"] = lang
