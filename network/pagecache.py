"""Rendered public pages kept per process, keyed by a data version that every write transaction changes.

The costliest public pages (the survey results, the lists) cost tens or hundreds of times a bare Flask answer to
render, while their data changes a few times a day. `cached_page` keeps a view's rendered answer for anonymous
visitors in the process (gunicorn's sync workers each keep their own) and serves it again while nothing in the
database has changed:

- **Data version.** Every transaction that writes (INSERT, UPDATE or DELETE on any table but the few that public
  pages never show, `IGNORED_TABLES`) also bumps the single row of `data_version`, in the same transaction, just
  before its COMMIT (an engine event, so writes through the ORM, Core statements and raw SQL all count). A rolled
  back transaction changes nothing. Each request reads the version (one primary-key read) *before* the view reads
  anything, so a page rendered under version v is never older than v: a cached page cannot be stale across
  processes. A missing row (a fresh or emptied database) turns the cache off until the next write recreates it
  with a random starting value, so a version number is never reused for other data.
- **Time.** A page that depends on the clock (what is upcoming, whether registration is open) is also keyed by the
  minute (`per="minute"`); the times it compares are whole minutes, so the answer is the same for the whole minute.
  The survey results are keyed by the day (`per="day"`).
- **Conditional requests.** A stored answer that carries an ETag (the calendar feeds) is answered with 304 Not
  Modified when the client's If-None-Match or If-Modified-Since is current (RFC 9110, section 13), as the view does.
- **Compressed once.** An answer with no CSRF token in it (every public page for a visitor who is not logged in:
  their language switch is links) is the same bytes for everyone, so its gzip or Brotli body is kept with it
  (`CompressedAnswers`, Flask-Compress's cache backend) instead of being made again on each hit.
- **Only what is the same for everyone.** Only GET and HEAD answers with status 200 to anonymous visitors with no
  pending flash message are kept; the key is the host, path and query string, the interface language and the
  version. The CSRF token (per session) is replaced by a marker when stored and by the visitor's own token when
  served. A request whose own session has unflushed or uncommitted writes is never served from the cache.

No test may depend on time: the cache's correctness is tested by editing data and reading the page again
(tests/scale/test_page_cache.py).
"""

from __future__ import annotations

import re
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import UTC, datetime
from functools import wraps
from typing import Any

from flask import Flask, current_app, g, make_response, request, session
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy import BigInteger, Integer, event
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.wrappers import Response

from .extensions import db
from .i18n import current_language
from .timeutil import helsinki_today

# Tables written while nothing any public page shows changes: the outbox and the delivery bookkeeping, the audit
# trail, the server-side sessions. A write to them alone does not change the data version.
IGNORED_TABLES = frozenset({"data_version", "outbox_messages", "mail_bodies", "mail_relay_status", "audit_entries",
                            "user_sessions"})
MAX_ENTRIES = 512
CSRF_MARKER = "\x00pagecache-csrf\x00"
_DIRTY = "pagecache_dirty"
_WRITE = re.compile(r'\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)', re.IGNORECASE)
_WITH_WRITE = re.compile(r"\s*WITH\b.*\b(?:INSERT|UPDATE|DELETE)\b", re.IGNORECASE | re.DOTALL)
_EXISTS = {"sqlite": "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'data_version'",
           "postgresql": "SELECT count(*) FROM pg_class WHERE relname = 'data_version' "
                         "AND relnamespace = to_regnamespace(current_schema())"}
_READ = "SELECT version FROM data_version WHERE id = 1"
_BUMP = ("INSERT INTO data_version (id, version) VALUES (1, {start}) "
         "ON CONFLICT (id) DO UPDATE SET version = data_version.version + 1")


class DataVersion(db.Model):
    """One row (id 1): a number changed by every committed write transaction (see the module's docstring)."""

    __tablename__ = "data_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(BigInteger, nullable=False)


def _after_execute(conn: Connection, _cursor, statement: str, _params, _context, _executemany) -> None:
    if conn.info.get(_DIRTY):
        return
    match = _WRITE.match(statement)
    if (match and match.group(1).lower() not in IGNORED_TABLES) or (not match and _WITH_WRITE.match(statement)):
        conn.info[_DIRTY] = True


def _before_commit(conn: Connection) -> None:
    if conn.info.pop(_DIRTY, False) and conn.exec_driver_sql(_EXISTS[conn.dialect.name]).scalar():
        # Only once the table exists (older migrations write before it does). The random start: after the row was
        # deleted, numbers already handed out are not handed out again.
        conn.exec_driver_sql(_BUMP.format(start=secrets.randbelow(2**62) + 1))


def _forget(conn: Connection, *_args) -> None:
    conn.info.pop(_DIRTY, None)


def _forget_dbapi(_dbapi_connection, record, _reset_state) -> None:
    record.info.pop(_DIRTY, None)


def track_writes(engine) -> None:
    """Make every committed write transaction on `engine` bump the data version (idempotent).

    Takes a SQLAlchemy Engine; returns nothing; raises nothing.
    """
    if event.contains(engine, "after_cursor_execute", _after_execute):
        return
    event.listen(engine, "after_cursor_execute", _after_execute)
    event.listen(engine, "commit", _before_commit)
    event.listen(engine, "rollback", _forget)
    event.listen(engine.pool, "reset", _forget_dbapi)


def data_version() -> int | None:
    """The current data version, or None when the cache must not be used (no version row yet, or this request's
    session has writes not yet committed). Read through the request's session when it has one, else on a pooled
    connection of its own (no session is made for a page served from the cache).

    Takes nothing; returns the version or None; raises SQLAlchemy errors of the read.
    """
    if db.session.registry.has():
        scoped = db.session()
        if scoped.new or scoped.dirty or scoped.deleted:
            return None
        connection = scoped.connection()
        if connection.info.get(_DIRTY):
            return None
        return connection.exec_driver_sql(_READ).scalar()
    # The driver's own cursor: this one read is most of what a page served from the cache costs.
    connection = db.engine.raw_connection()
    try:
        cursor = connection.cursor()
        cursor.execute(_READ)
        row = cursor.fetchone()
        cursor.close()
    finally:
        connection.close()
    return row[0] if row else None


class _Store:
    """A bounded, thread-safe map from key to (body, status, headers, has_token, compressed bodies by coding)."""

    def __init__(self, size: int):
        self.size = size
        self.items: OrderedDict[tuple, tuple[bytes, int, list[tuple[str, str]], bool, dict[str, bytes]]] = \
            OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: tuple):
        with self.lock:
            item = self.items.get(key)
            if item is not None:
                self.items.move_to_end(key)
            return item

    def put(self, key: tuple, item) -> None:
        with self.lock:
            self.items[key] = item
            while len(self.items) > self.size:
                self.items.popitem(last=False)


def _store() -> _Store:
    return current_app.extensions["pagecache"]


def _bucket(per: str | None) -> object:
    if per == "minute":
        return datetime.now(UTC).replace(second=0, microsecond=0)
    if per == "day":
        return helsinki_today()
    return None


def _cacheable_request() -> bool:
    return (current_app.config.get("PAGE_CACHE", True) and request.method in ("GET", "HEAD")
            and not current_user.is_authenticated and "_flashes" not in session)


def cached_page(per: str | None = None) -> Callable:
    """Decorate a public view: anonymous visitors get its answer from the per-process cache while the data version
    (and, with `per`, the minute or the day) is the one it was rendered under.

    Takes `per`: None, "minute" (the page compares times with now) or "day" (with today). Returns the decorator.
    The decorated view raises what the view raises. Standard: the answer is byte for byte what the view gives.
    """

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any):
            if not _cacheable_request():
                return view(*args, **kwargs)
            version = data_version()
            if version is None:
                return view(*args, **kwargs)
            key = (request.endpoint, request.scheme, request.host, request.path, request.query_string,
                   current_language(), version, _bucket(per))
            store = _store()
            item = store.get(key)
            if item is not None:
                body, status, headers, has_token, compressed = item
                if has_token:
                    body = body.replace(CSRF_MARKER.encode(), generate_csrf().encode())
                else:
                    g.pagecache_compressed = compressed  # the same bytes for everyone: compressed once
                response = Response(body, status, headers)
                # A stored answer with validators (the calendar feeds) still answers a conditional request with
                # 304, as the view does; the other pages carry none and are given back as stored.
                return response.make_conditional(request) if response.headers.get("ETag") else response
            response = make_response(view(*args, **kwargs))
            if response.status_code == 200 and not response.direct_passthrough and not response.headers.get(
                    "Set-Cookie") and "_flashes" not in session:
                body = response.get_data()
                token = g.get("csrf_token")
                has_token = token is not None  # the view made the visitor a token: a hit must make one too
                if token:
                    body = body.replace(token.encode(), CSRF_MARKER.encode())
                compressed: dict[str, bytes] = {}
                if not has_token:
                    g.pagecache_compressed = compressed
                store.put(key, (body, response.status_code, list(response.headers.items()), has_token, compressed))
            return response

        return wrapper

    return decorator


class CompressedAnswers:
    """Flask-Compress's cache backend (`COMPRESS_CACHE_BACKEND`): the compressed bodies of an answer the page cache
    holds are kept with it, one per content coding, so a browser's `Accept-Encoding` does not make every hit
    compress the page again (3-4 ms for the survey results). Only answers that are the same bytes for every visitor
    (no CSRF token) have a place for them (`g.pagecache_compressed`, set by `cached_page`); anything else is
    compressed as usual. They go when their answer leaves the cache.

    Flask-Compress calls `get(key)` and `set(key, value)` with keys "<coding>;<COMPRESS_CACHE_KEY(request)>".
    """

    def get(self, key: str) -> bytes | None:
        """The stored compressed body for the key's coding of the current request's answer, or None."""
        compressed = g.get("pagecache_compressed")
        return None if compressed is None else compressed.get(key.split(";", 1)[0])

    def set(self, key: str, value: bytes) -> None:
        """Keep `value` with the current request's answer when it has a place for it; else forget it."""
        compressed = g.get("pagecache_compressed")
        if compressed is not None:
            compressed[key.split(";", 1)[0]] = value


def compressed_answer_key(_request) -> str:
    """`COMPRESS_CACHE_KEY`: the answer is the current request's (`CompressedAnswers` finds it on `g`)."""
    return "page"


def _forget_compressed() -> None:
    g.pop("pagecache_compressed", None)  # returns nothing: a before_request that returns a value answers for the view


def init_app(app: Flask) -> None:
    """Track writes on the application's engines and give it an empty page cache.

    Takes the application; returns nothing; raises nothing.
    """
    app.extensions["pagecache"] = _Store(int(app.config.get("PAGE_CACHE_SIZE", MAX_ENTRIES)))
    # A request run inside an application context pushed earlier (tests, scripts) shares `g` with the one before:
    # it must not find that request's compressed bodies.
    app.before_request(_forget_compressed)
    with app.app_context():
        for engine in db.engines.values():
            track_writes(engine)
