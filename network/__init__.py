"""The Municipal Democracy Network platform: application factory."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask
from sqlalchemy import event
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from config import BASE_DIR, CONFIGS

from . import cli, errors, i18n, pagecache, security
from .core import navigation
from .domains import domain_modules, load_hooks, load_models
from .extensions import babel, compress, csrf, db, limiter, login_manager, migrate
from .extensions import mail as mail_extension
from .i18n import select_locale, select_timezone
from .mail.worker import start_inline_worker
from .timeutil import EARLIEST_YEAR, LATEST_YEAR


def create_app(config_name: str | None = None, overrides: dict | None = None) -> Flask:
    """Build the application for `config_name` (development, testing, production; default from APP_CONFIG).

    `overrides` are applied on top of the configuration class before the extensions read it (used by tests).
    """
    config_name = config_name or os.environ.get("APP_CONFIG", "development")
    config_class = CONFIGS[config_name]
    if hasattr(config_class, "validate"):
        config_class.validate()

    app = Flask(
        __name__,
        instance_path=str(BASE_DIR / "instance"),
        template_folder=str(BASE_DIR / "templates"),
        static_folder=str(BASE_DIR / "static"),
    )
    app.config.from_object(config_class)
    app.config.update(overrides or {})
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(_translation_directories())
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    _trust_reverse_proxies(app)
    _bound_integer_urls(app)
    _init_extensions(app)
    _register_blueprints(app)

    i18n.init_app(app)
    navigation.init_app(app)
    errors.init_app(app)
    cli.init_app(app)
    security.init_app(app)
    pagecache.init_app(app)

    if app.config.get("MAIL_INLINE_WORKER") and os.environ.get("NETWORK_INLINE_WORKER") == "1":
        start_inline_worker(app)
    return app


def _trust_reverse_proxies(app: Flask) -> None:
    """Behind PROXY_COUNT reverse proxies the client's address comes from X-Forwarded-For (the login rate limit is
    per address: without this every visitor would share the proxy's address and one limit)."""
    count = int(app.config.get("PROXY_COUNT") or 0)
    if count > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)


def _bound_integer_urls(app: Flask) -> None:
    """`<int:...>` in a URL only matches ASCII digits that fit a database integer: a longer number is a 404, not an
    overflow inside the database driver (a 500), and "/surveys/٢٠٢٦" is a 404, not survey 2026 (Werkzeug's `\\d+`
    matches every script's digits)."""

    class DatabaseIntegerConverter(IntegerConverter):
        regex = r"[0-9]+"

        def __init__(self, map, fixed_digits=0, min=None, max=None, signed=False):  # noqa: A002
            super().__init__(map, fixed_digits=fixed_digits, min=min, max=2**63 - 1 if max is None else max,
                             signed=signed)

    class YearConverter(IntegerConverter):
        """`<year:year>`: a year of four ASCII digits the application keeps data for (EARLIEST_YEAR-LATEST_YEAR);
        any other value is a 404 before the view runs (year 0 or 10000 cannot even be a Python date)."""

        regex = r"[0-9]{4}"

        def __init__(self, map):  # noqa: A002
            super().__init__(map, min=EARLIEST_YEAR, max=LATEST_YEAR)

    app.url_map.converters["int"] = DatabaseIntegerConverter
    app.url_map.converters["year"] = YearConverter


def _translation_directories() -> list[str]:
    """Each domain keeps its own catalog under network/<domain>/translations; Flask-Babel merges them."""
    package_dir = Path(__file__).resolve().parent
    dirs = [package_dir / "translations", *sorted(package_dir.glob("*/translations"))]
    return [str(d) for d in dirs if d.is_dir()]


def _tune_sqlite(engine, app: Flask) -> None:
    """On an SQLite file: write-ahead logging, so the inline mail worker and web requests do not block each other,
    and a busy timeout (SQLITE_BUSY_TIMEOUT_MS, read at each new connection) instead of an immediate "database is
    locked"; after it, a write answers 503 (network/errors.py). PostgreSQL needs none of this."""
    if engine.dialect.name != "sqlite" or engine.url.database in (None, "", ":memory:"):
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={int(app.config.get('SQLITE_BUSY_TIMEOUT_MS', 5000))}")
        cursor.close()


def _init_extensions(app: Flask) -> None:
    db.init_app(app)
    with app.app_context():
        _tune_sqlite(db.engine, app)
    migrate.init_app(app, db, directory=str(BASE_DIR / "migrations"), render_as_batch=True)
    login_manager.init_app(app)
    mail_extension.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    limiter.init_app(app)
    # Registers its after_request only when COMPRESS_REGISTER is on (COMPRESS_RESPONSES in the environment).
    app.config.setdefault("COMPRESS_CACHE_BACKEND", pagecache.CompressedAnswers)
    app.config.setdefault("COMPRESS_CACHE_KEY", pagecache.compressed_answer_key)
    compress.init_app(app)


def _register_blueprints(app: Flask) -> None:
    """Every model module first (metadata complete for migrations), then hooks, then each domain's blueprint."""
    load_models()
    load_hooks()
    for views in domain_modules("views"):
        app.register_blueprint(views.bp)
