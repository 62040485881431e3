"""Configuration classes. Values that differ between machines come from the environment."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"
DEVELOPMENT_SECRET = "development-secret-not-for-production"
# A production SECRET_KEY has at least this many bytes and is none of the well-known placeholders below.
MIN_SECRET_KEY_BYTES = 32
PLACEHOLDER_SECRETS = frozenset({
    "changeme", "change-me", "change_me", "changethis", "change-this", "secret", "secretkey", "secret-key",
    "secret_key", "mysecret", "mysecretkey", "your-secret-key", "yoursecretkey", "password", "default", "dev",
    "development", "test", "testing", "testing-secret", "example", "xxx", "todo", "none", "null",
    "insecure", "notsecret", "not-a-secret", "supersecret", "super-secret",
})
MAKE_SECRET_HINT = 'python -c "import secrets; print(secrets.token_urlsafe(48))"'


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", DEVELOPMENT_SECRET)
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'network.sqlite3'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}

    # Site identity used in mail and calendar output.
    SITE_NAME = "Kuntademokratiaverkosto"
    SERVER_NAME = os.environ.get("SERVER_NAME")
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000")
    PREFERRED_URL_SCHEME = os.environ.get("PREFERRED_URL_SCHEME", "http")

    # The privacy notice (GDPR art. 13) and the accessibility statement: who is responsible and how to reach them.
    PRIVACY_CONTROLLER = os.environ.get(
        "PRIVACY_CONTROLLER", "Suomen Kuntaliitto ry – Finlands Kommunförbund rf, Toinen linja 14, 00530 Helsinki"
    )
    PRIVACY_CONTACT_EMAIL = os.environ.get("PRIVACY_CONTACT_EMAIL", "tietosuoja@kuntademokratia.example")
    ACCESSIBILITY_CONTACT_EMAIL = os.environ.get("ACCESSIBILITY_CONTACT_EMAIL", "saavutettavuus@kuntademokratia.example")
    # Compressed responses (gzip, Brotli): turn off (COMPRESS_RESPONSES=0) when a reverse proxy compresses them.
    COMPRESS_REGISTER = _bool("COMPRESS_RESPONSES", True)
    # Streamed responses (exports, uploaded files) are sent as they are: compressing a stream would leave its file
    # open. The static files are read whole first (network/core/views.py), so they are compressed.
    COMPRESS_STREAMS = False
    # What is compressed: the pages, styles, scripts, icons, JSON and the calendar feeds (a network feed is about
    # 300 kB at network size; calendar clients send Accept-Encoding). A page served from the page cache keeps its
    # compressed bodies with it (network/pagecache.py sets Flask-Compress's cache backend).
    COMPRESS_MIMETYPES = ["text/html", "text/css", "text/plain", "text/csv", "text/calendar", "text/javascript",
                          "application/javascript", "application/json", "application/xml", "image/svg+xml",
                          "image/x-icon", "image/vnd.microsoft.icon"]

    # Languages: Finnish by default, Swedish and English available.
    LANGUAGES = ("fi", "sv", "en")
    BABEL_DEFAULT_LOCALE = "fi"
    BABEL_DEFAULT_TIMEZONE = "Europe/Helsinki"

    # Mail: without MAIL_SERVER, delivered messages are written as .eml files to MAIL_FILE_DIR.
    MAIL_SERVER = os.environ.get("MAIL_SERVER") or None
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USE_TLS = _bool("MAIL_USE_TLS")
    MAIL_USE_SSL = _bool("MAIL_USE_SSL")
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_DEFAULT_SENDER = os.environ.get(
        "MAIL_DEFAULT_SENDER", "Kuntademokratiaverkosto <verkosto@kuntademokratia.example>"
    )
    MAIL_FILE_DIR = os.environ.get("MAIL_FILE_DIR", str(INSTANCE_DIR / "mail"))
    MAIL_BATCH_SIZE = int(os.environ.get("MAIL_BATCH_SIZE", "100"))
    # Temporary failures are retried after 1, 2, 4, ... times this many seconds.
    MAIL_RETRY_BASE_SECONDS = float(os.environ.get("MAIL_RETRY_BASE_SECONDS", "60"))
    # SMTP connections a worker sends over in parallel; how long a claimed batch is held; whether the relay offers
    # SMTPUTF8 (then addresses with non-ASCII local parts are accepted by the forms).
    MAIL_CONNECTIONS = int(os.environ.get("MAIL_CONNECTIONS", "1"))
    MAIL_CLAIM_SECONDS = int(os.environ.get("MAIL_CLAIM_SECONDS", "300"))
    # Sent marks written per commit: 1 (a commit per message) keeps the resend window after a hard kill to the
    # message in flight; N trades up to N resends after a SIGKILL for fewer commits (SIGTERM never resends).
    MAIL_SENT_GROUP = int(os.environ.get("MAIL_SENT_GROUP", "1"))
    MAIL_SMTPUTF8 = _bool("MAIL_SMTPUTF8")
    # The mailto: of List-Unsubscribe; empty means unsubscribe@<the sender's domain>.
    MAIL_UNSUBSCRIBE_ADDRESS = os.environ.get("MAIL_UNSUBSCRIBE_ADDRESS") or None
    # VERP: with an address here (e.g. bounces@kuntademokratia.example, delivered to `mail inbound`), each message
    # is sent with the envelope sender bounces+<outbox id>-<signature>@..., which ties a bounce to its row.
    MAIL_VERP_ADDRESS = os.environ.get("MAIL_VERP_ADDRESS") or None

    # Inbound mail (`flask mail inbound --lmtp`, `flask mail fetch`): the domains the LMTP server accepts (comma
    # separated; empty: the sender's domain), the largest message handled, how long the raw bytes are kept.
    INBOUND_DOMAINS = os.environ.get("INBOUND_DOMAINS") or None
    INBOUND_MAX_BYTES = int(os.environ.get("INBOUND_MAX_BYTES", str(10 * 1024 * 1024)))
    INBOUND_KEEP_DAYS = int(os.environ.get("INBOUND_KEEP_DAYS", "30"))
    # An IMAP mailbox to fetch from over TLS (IMAPS), for hosted mailboxes.
    INBOUND_IMAP_HOST = os.environ.get("INBOUND_IMAP_HOST") or None
    INBOUND_IMAP_PORT = int(os.environ.get("INBOUND_IMAP_PORT", "993"))
    INBOUND_IMAP_USER = os.environ.get("INBOUND_IMAP_USER") or None
    INBOUND_IMAP_PASSWORD = os.environ.get("INBOUND_IMAP_PASSWORD") or None
    INBOUND_IMAP_FOLDER = os.environ.get("INBOUND_IMAP_FOLDER", "INBOX")
    INBOUND_IMAP_CAFILE = os.environ.get("INBOUND_IMAP_CAFILE") or None

    # Meeting materials are stored here under random names.
    UPLOAD_FOLDER = os.environ.get("UPLOAD_FOLDER", str(INSTANCE_DIR / "uploads"))
    MAIL_INLINE_WORKER = False

    # Signed links.
    TOKEN_MAX_AGE_CONFIRM = 3 * 24 * 3600
    TOKEN_MAX_AGE_RESET = 2 * 3600

    # Public pages kept rendered per process for anonymous visitors while the data version is unchanged
    # (network/pagecache.py); PAGE_CACHE_SIZE entries per process at most.
    PAGE_CACHE = True
    PAGE_CACHE_SIZE = 512

    # Password hashing (werkzeug): scrypt with its default cost.
    PASSWORD_HASH_METHOD = "scrypt"

    # Rate limits.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    # network/abuse.py; the numbers and why: docs/security.md ("Abuse limits"). Only accepted submissions count
    # (a form refused for its input does not). Short windows: a shared address waits minutes, not hours.
    # Failed logins per client address: the tenth wrong password within a minute is answered with 429.
    LOGIN_RATE_LIMIT = "9 per minute"
    # Requests that send mail (password reset, new confirmation link, manage link, e-mail change) per client.
    MAIL_LINK_RATE_LIMIT = "5 per 10 minutes;30 per day"
    # Registrations and subscription requests per client address.
    REGISTER_RATE_LIMIT = "10 per 10 minutes;60 per day"
    SUBSCRIBE_RATE_LIMIT = "10 per 10 minutes;60 per day"
    # Membership applications per client address (each one also mails every coordinator).
    ORG_APPLICATION_RATE_LIMIT = "5 per 10 minutes;20 per day"
    # Mail to one typed address, over all of those forms together, whoever asks.
    MAIL_TARGET_RATE_LIMIT = "5 per 10 minutes;20 per day"

    # SQLite: how long a write waits for another writer's lock (milliseconds); then the request answers 503 with
    # Retry-After: DATABASE_BUSY_RETRY_AFTER seconds (network/errors.py).
    SQLITE_BUSY_TIMEOUT_MS = int(os.environ.get("SQLITE_BUSY_TIMEOUT_MS", "5000"))
    DATABASE_BUSY_RETRY_AFTER = 10

    # /healthz: how long the database check waits for a lock (milliseconds), and how long a due message may wait
    # in the outbox (seconds) before the outbox counts as stuck. Either failing answers 503.
    HEALTH_DB_TIMEOUT_MS = int(os.environ.get("HEALTH_DB_TIMEOUT_MS", "1000"))
    HEALTH_OUTBOX_MAX_DELAY = int(os.environ.get("HEALTH_OUTBOX_MAX_DELAY", str(15 * 60)))

    # Reverse proxies in front of the application (e.g. 1 for nginx before gunicorn). Their X-Forwarded-For and
    # X-Forwarded-Proto are trusted that many hops deep, so that rate limits see the client's address rather than
    # the proxy's, and links are built with https. 0 (the default) trusts no forwarded header.
    PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))

    # Sessions.
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    # "Remember me" lasts this long from the login, on the server too (network/auth/sessions.py); a session
    # without it ends when the browser closes or after this long unused.
    REMEMBER_COOKIE_DURATION = timedelta(days=int(os.environ.get("REMEMBER_DAYS", "30")))
    SESSION_IDLE_TIMEOUT = timedelta(hours=int(os.environ.get("SESSION_IDLE_HOURS", "12")))

    # Strict-Transport-Security max-age in seconds; 0 sends no header (the site may be served over plain http).
    HSTS_MAX_AGE = 0

    MAX_CONTENT_LENGTH = 60 * 1024 * 1024
    WTF_CSRF_TIME_LIMIT = None

    TESTING = False
    DEBUG = False


class DevelopmentConfig(Config):
    DEBUG = True
    MAIL_INLINE_WORKER = True


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "testing-secret"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    WTF_CSRF_ENABLED = False
    MAIL_SERVER = None
    MAIL_SUPPRESS_SEND = False
    RATELIMIT_ENABLED = True
    PUBLIC_BASE_URL = "http://localhost"
    # Off: a page served from the cache would hide what a view runs (tests/scale/test_query_counts.py counts it), and
    # a minute boundary between two requests would turn a hit into a miss. tests/scale/test_page_cache.py turns it on.
    PAGE_CACHE = False
    # Still scrypt, at a cost that keeps the suite fast; hashes made with the full cost verify all the same.
    PASSWORD_HASH_METHOD = "scrypt:4096:8:1"


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"

    # Served over https only: browsers remember for a year to never use plain http.
    HSTS_MAX_AGE = int(os.environ.get("HSTS_MAX_AGE", str(365 * 24 * 3600)))

    @classmethod
    def validate(cls) -> None:
        """Called by create_app before anything else: refuse to start with a missing, short or well-known secret.

        The environment is read now, not when this module was imported, and the value checked is the one the
        application will use. Raises RuntimeError saying how to make a good one.
        """
        secret = (os.environ.get("SECRET_KEY") or "").strip()
        problem = weak_secret_key(secret)
        if problem:
            raise RuntimeError(
                f"SECRET_KEY {problem}. Production needs a long random value of at least {MIN_SECRET_KEY_BYTES} "
                f"bytes; make one with: {MAKE_SECRET_HINT}"
            )
        cls.SECRET_KEY = secret


def weak_secret_key(secret: str) -> str | None:
    """Takes a candidate SECRET_KEY; returns why it is unfit for production (a phrase), or None when it is fine.

    Unfit: empty, shorter than MIN_SECRET_KEY_BYTES bytes (UTF-8), the development or testing value, a well-known
    placeholder (also when repeated or with other separators, e.g. "change-me-change-me-change-me-change-me"), or
    a single repeated character.
    """
    if not secret:
        return "is not set"
    if secret in {DEVELOPMENT_SECRET, TestingConfig.SECRET_KEY}:
        return "is the development or testing value"
    folded = "".join(ch for ch in secret.lower() if ch.isalnum())
    placeholders = {"".join(ch for ch in p if ch.isalnum()) for p in PLACEHOLDER_SECRETS}
    for placeholder in placeholders:
        if folded == placeholder or (folded and folded == placeholder * (len(folded) // len(placeholder))):
            return "is a well-known placeholder"
    if len(set(secret)) == 1:
        return "is one character repeated"
    if len(secret.encode("utf-8")) < MIN_SECRET_KEY_BYTES:
        return f"is shorter than {MIN_SECRET_KEY_BYTES} bytes"
    return None


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
