"""Interface language and time zone selection, and locale-aware formatting helpers for templates."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from babel.dates import get_datetime_format
from flask import Flask, current_app, has_request_context, request, session
from flask_babel import format_date, format_datetime, format_time, get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

LANGUAGE_NAMES = {"fi": "Suomi", "sv": "Svenska", "en": "English"}


def select_locale() -> str:
    """The language a link carries (`?lang=sv`, as every link in a mail does), then the session's choice (both work
    without login), then the user's saved language, then Finnish. A link's language is kept in the session, so the
    pages opened from it stay in that language.
    """
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        # The command line and the delivery worker: the default unless force_locale() says otherwise.
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    linked = request.args.get("lang")
    if linked in languages:
        if session.get("lang") != linked:
            session["lang"] = linked
        return linked
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    if getattr(current_user, "is_authenticated", False) and current_user.language in languages:
        return current_user.language
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    """The time zone for showing times: the configured one (Europe/Helsinki)."""
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


def current_language() -> str:
    """The language code of the interface for the current request (or the default)."""
    return str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])


def localized(fi: str | None, sv: str | None, en: str | None = None, language: str | None = None) -> str:
    """User-written content in the reader's language: the Swedish (or English) text when the language is that
    and such a text exists, else the Finnish one (the network's main language), else whatever exists.

    `language` defaults to the interface language of the request (or the default outside one).
    """
    language = language or current_language()
    if language == "sv" and sv:
        return sv
    if language == "en" and en:
        return en
    return fi or sv or en or ""


def format_when(value: datetime | None, style: str = "medium") -> str:
    """A UTC datetime (naive values are taken as UTC) shown in Europe/Helsinki, formatted for the interface language.

    The default "medium" style is the language's medium date with its short time (no seconds):
    fi "15.10.2026 12.30", sv "15 okt. 2026 12:30", en "Oct 15, 2026, 12:30 PM". Other styles are Babel's.
    """
    if value is None:
        return ""
    if style != "medium":
        return format_datetime(value, style)
    pattern = get_datetime_format("medium", locale=get_locale()).replace("'", "")
    return pattern.replace("{1}", format_date(value, "medium")).replace("{0}", format_time(value, "short"))


def format_day(value: date | None, style: str = "medium") -> str:
    """A date formatted for the interface language ("" for None)."""
    if value is None:
        return ""
    return format_date(value, style)


def _core_catalog_last(app: Flask) -> None:
    """Flask-Babel merges the domains' catalogs in order, a later one overriding an earlier one for the same
    message. The layout, menu, error pages and the network's name live in the core catalog: put it last so that
    no domain's catalog can translate those shared terms differently.
    """
    config = app.extensions.get("babel")
    if config is None:
        return
    core = [d for d in config.translation_directories if Path(d).parent.name == "core"]
    others = [d for d in config.translation_directories if d not in core]
    config.translation_directories = others + core


def init_app(app: Flask) -> None:
    """Set up the catalogs' order, the Jinja globals and filters for languages and times on `app`."""
    _core_catalog_last(app)
    app.jinja_env.globals.update(
        current_language=current_language,
        language_names=LANGUAGE_NAMES,
        localized=localized,
    )
    app.jinja_env.filters["when"] = format_when
    app.jinja_env.filters["day"] = format_day

    @app.context_processor
    def _navigation() -> dict:
        return {"current_path": request.full_path.rstrip("?") if request else "/"}


# Labels used in several places.
YES_NO = {True: _l("Yes"), False: _l("No")}
