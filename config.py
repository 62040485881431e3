"""Configuration classes. Values that differ between machines come from the environment."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"
DEVELOPMENT_SECRET = "development-secret-not-for-production"


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

    # Meeting materials are stored here under random names.
    UPLOAD_FOLDER = os.environ.get("UPLOAD_FOLDER", str(INSTANCE_DIR / "uploads"))
    MAIL_INLINE_WORKER = False

    # Signed links.
    TOKEN_MAX_AGE_CONFIRM = 3 * 24 * 3600
    TOKEN_MAX_AGE_RESET = 2 * 3600

    # Password hashing (werkzeug): scrypt with its default cost.
    PASSWORD_HASH_METHOD = "scrypt"

    # Rate limits.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    # Failed logins per client address: the tenth wrong password within a minute is answered with 429.
    LOGIN_RATE_LIMIT = "9 per minute"
    # Requests that send mail (password reset, new confirmation link) per client address.
    MAIL_LINK_RATE_LIMIT = "5 per 10 minutes"
    ORG_APPLICATION_RATE_LIMIT = "10 per hour"

    # Reverse proxies in front of the application (e.g. 1 for nginx before gunicorn). Their X-Forwarded-For and
    # X-Forwarded-Proto are trusted that many hops deep, so that rate limits see the client's address rather than
    # the proxy's, and links are built with https. 0 (the default) trusts no forwarded header.
    PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))

    # Sessions.
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_DURATION = timedelta(days=30)

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
    # Still scrypt, at a cost that keeps the suite fast; hashes made with the full cost verify all the same.
    PASSWORD_HASH_METHOD = "scrypt:4096:8:1"


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"

    @classmethod
    def validate(cls) -> None:
        """Called by create_app before anything else: refuse to start with a missing or well-known secret.

        The environment is read now, not when this module was imported, and the value checked is the one the
        application will use.
        """
        secret = (os.environ.get("SECRET_KEY") or "").strip()
        if not secret or secret in {DEVELOPMENT_SECRET, TestingConfig.SECRET_KEY}:
            raise RuntimeError(
                "SECRET_KEY must be set to a long random value in production "
                "(and must not be the development secret)."
            )
        cls.SECRET_KEY = secret


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
