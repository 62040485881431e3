"""Interface language and time zone selection, and locale-aware formatting helpers for templates."""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_EVEN, Decimal
from functools import cache
from pathlib import Path
from urllib.parse import urlencode

from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.dates import format_skeleton
from babel.numbers import NumberPattern, get_minus_sign_symbol, get_plus_sign_symbol, parse_pattern
from babel.units import format_unit
from flask import Flask, Response, current_app, g, has_request_context, request, session
from flask_babel import LazyString, force_locale, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from .timeutil import utc_to_helsinki

LANGUAGE_NAMES = {"fi": "Suomi", "sv": "Svenska", "en": "English"}

# The network's name: the one place it is written (pages, mail, calendar ORGANIZER and feed names). The
# catalogs' sentences naming the network use these words (tests/core/test_network_name.py checks them).
NETWORK_NAMES = {"fi": "Kuntademokratiaverkosto", "sv": "Nätverket för kommunal demokrati",
                 "en": "Municipal Democracy Network"}
# For a text every reader shares (a calendar feed's name, the ORGANIZER of an event): Finnish and Swedish.
BILINGUAL_NETWORK_NAME = f"{NETWORK_NAMES['fi']} – {NETWORK_NAMES['sv']}"


def select_locale() -> str:
    """The language a link carries (`?lang=sv`, as every link in a mail does), then the session's choice (both work
    without login), then the user's saved language, then the browser's (Accept-Language, the best match among the
    offered languages: a first visit from a Swedish-speaking browser opens in Swedish), then Finnish. A link's
    language is kept in the session, so the pages opened from it stay in that language.

    Takes nothing (reads the request); returns a language code of `LANGUAGES`. Raises nothing. Standard: RFC 9110
    section 12.5.4 (Accept-Language) as werkzeug's `accept_languages.best_match` reads it; a response whose language
    came from the header says so with `Vary: Accept-Language` (`_vary_on_accept_language`).
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
    # The page now depends on the browser's languages: caches must keep one copy per Accept-Language.
    g.language_from_header = True
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


def _vary_on_accept_language(response: Response) -> Response:
    """Takes a response; adds `Vary: Accept-Language` when its language was chosen by the browser's header."""
    if g.get("language_from_header"):
        response.vary.add("Accept-Language")
    return response


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


# Finland's conventions in every interface language: Swedish as written in Finland ("tors 18.2.2027", "12.00"),
# English with day-month order ("Thu, 18 Feb 2027") and the 24-hour clock of British English ("12:00").
DATE_LOCALES = {"fi": "fi", "sv": "sv_FI", "en": "en_FI"}
TIME_LOCALES = {"fi": "fi", "sv": "sv_FI", "en": "en_GB"}
DATE_SKELETONS = {"fi": "yMEd", "sv": "yMEd", "en": "yMMMEd"}
SHORT_DATE_SKELETONS = {"fi": "yMd", "sv": "yMd", "en": "yMMMd"}


def network_name(language: str | None = None) -> str:
    """The network's name in `language` (default: the interface language), from NETWORK_NAMES."""
    return NETWORK_NAMES[_language(language)]


def _language(language: str | None) -> str:
    language = language or current_language()
    return language if language in DATE_LOCALES else "fi"


def _date_text(value: datetime, language: str, short: bool = False) -> str:
    skeleton = (SHORT_DATE_SKELETONS if short else DATE_SKELETONS)[language]
    return format_skeleton(skeleton, value, locale=DATE_LOCALES[language])


def _time_text(value: datetime, language: str) -> str:
    return format_skeleton("Hm", value, locale=TIME_LOCALES[language])


def _at(date_text: str, time_text: str, language: str) -> str:
    """The date and the time joined by the language's connector ("klo", "kl.", a comma in English)."""
    with force_locale(language):
        # TRANSLATORS: a date followed by a time or a time span, e.g. "to 18.2.2027 klo 12.00–16.00".
        return _("%(date)s, %(time)s", date=date_text, time=time_text)


def format_when(value: datetime | None, style: str = "medium", language: str | None = None) -> str:
    """A UTC datetime (naive values are taken as UTC) in Finnish time, without seconds, in Finland's conventions.

    Takes the instant, a style ("short" leaves out the weekday; any other: with it) and the language (default:
    the interface language). Returns e.g. fi "to 18.2.2027 klo 12.00", sv "tors 18.2.2027 kl. 12.00",
    en "Thu, 18 Feb 2027, 12:00"; "" for None. Raises nothing. Standard: CLDR locale data through Babel.
    """
    if value is None:
        return ""
    language = _language(language)
    local = utc_to_helsinki(value)
    return _at(_date_text(local, language, short=style == "short"), _time_text(local, language), language)


def format_span(start: datetime, end: datetime | None = None, language: str | None = None) -> str:
    """When something happens, from `start` to `end` (UTC; naive values taken as UTC), in Finnish time.

    Takes the two instants and the language (default: the interface language). Returns the date once with the
    start and end times on one day ("to 18.2.2027 klo 12.00–16.00", "tors 18.2.2027 kl. 12.00–16.00",
    "Thu, 18 Feb 2027, 12:00–16:00"), both dates when it spans days ("to 18.2.2027 klo 12.00 – pe 19.2.2027
    klo 16.00"), the start alone without an end. Raises nothing. Standard: CLDR locale data through Babel.
    """
    language = _language(language)
    starts = utc_to_helsinki(start)
    if end is None:
        return format_when(start, language=language)
    ends = utc_to_helsinki(end)
    if starts.date() == ends.date():
        times = f"{_time_text(starts, language)}–{_time_text(ends, language)}"
        return _at(_date_text(starts, language), times, language)
    return f"{format_when(start, language=language)} – {format_when(end, language=language)}"


def format_day(value: date | None, style: str = "medium", language: str | None = None) -> str:
    """A date in the interface language with Finland's conventions (day-month order in English too); "" for None.

    The default style writes the date as `format_when` and `format_span` do ("18.2.2027", "18.2.2027",
    "18 Feb 2027"); "long" and "full" are Babel's ("18. helmikuuta 2027"). A datetime is taken as a UTC instant
    and its Helsinki date shown. Raises nothing. Standard: CLDR locale data through Babel.
    """
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = utc_to_helsinki(value).date()  # the Helsinki date of a UTC instant
    language = _language(language)
    if style in ("medium", "short"):
        return format_skeleton(SHORT_DATE_SKELETONS[language], value, locale=DATE_LOCALES[language])
    return babel_format_date(value, style, locale=DATE_LOCALES[language])


# Binary multiples, as the upload limits are counted (20 MB = 20 * 1024 * 1024 bytes); CLDR names the units.
FILE_SIZE_UNITS = ("digital-byte", "digital-kilobyte", "digital-megabyte", "digital-gigabyte")


# Numbers as each language writes them in CLDR: Finnish and Swedish with a decimal comma and a non-breaking space
# before the per cent sign ("3,38", "49,2 %"), English with a point and no space ("3.38", "49.2%"). English is
# plain "en", not the en_FI of dates: CLDR's en_FI writes numbers the Finnish way, which English readers misread.
NUMBER_LOCALES = {"fi": "fi", "sv": "sv_FI", "en": "en"}


def format_file_size(size: int | None, language: str | None = None) -> str:
    """A file size as the language writes it, with CLDR's short byte units through Babel: fi "850 t", "12 kt",
    "1,2 Mt"; sv "850 B", "12 kB", "1,2 MB"; en "850 byte", "12 kB", "1.2 MB".

    Takes the size in bytes (None as 0) and the language (default: the interface language). Kilobytes and up
    count 1024 of the unit below and show one decimal under ten ("1,2 Mt"), none from ten on. Returns the text;
    raises nothing. Standard: CLDR unit data through Babel.
    """
    language = _language(language)
    value = float(max(size or 0, 0))
    unit = 0
    while value >= 1024 and unit < len(FILE_SIZE_UNITS) - 1:
        value /= 1024
        unit += 1
    pattern = "#,##0" if unit == 0 or value >= 10 else "#,##0.#"
    return format_unit(value, FILE_SIZE_UNITS[unit], length="short", format=pattern, locale=NUMBER_LOCALES[language])


def lazy_file_size(size: int) -> LazyString:
    """`format_file_size(size)` evaluated when shown, in the language of that moment (for module-level texts)."""
    return LazyString(format_file_size, size)


NO_NUMBER = "–"  # what a table shows for a figure that is missing or hidden


@cache
def _number_pattern(language: str, percent: bool, digits: int) -> tuple[Locale, NumberPattern]:
    """The locale and its own decimal (or per cent) pattern with exactly `digits` decimals: tables line up."""
    locale = Locale.parse(NUMBER_LOCALES[language])
    pattern = parse_pattern((locale.percent_formats if percent else locale.decimal_formats)[None].pattern)
    pattern.frac_prec = (digits, digits)
    return locale, pattern


def format_number(value: float | Decimal | None, digits: int = 2, *, percent: bool = False, signed: bool = False,
                  language: str | None = None) -> str:
    """A number for people to read, as the language writes it: every mean, share, rate, score or change shown on a
    page, in a chart or in the PDF goes through here (CSV, XLSX and JSON keep Python's point for programs).

    Takes the value (with `percent`, a figure in per cent, 0-100, as the results count them), the decimals, always
    all shown ("3,00"), rounded half to even as Babel does; `percent` adds the language's per cent sign; `signed`
    writes a "+" before a positive change (a change that rounds to zero gets no sign); the language defaults to the
    interface language. Returns e.g. fi "3,38", "49,2 %", "+0,3", "−0,3"; sv "3,38", "49,2 %", "−0,3"; en "3.38",
    "49.2%", "-0.3" (digits grouped: fi "1 234,5"); "–" for None. Raises nothing for a finite number.
    Standard: CLDR number patterns and symbols (decimal, group, per cent, plus and minus signs) through Babel.
    """
    if value is None:
        return NO_NUMBER
    locale, pattern = _number_pattern(_language(language), percent, digits)
    amount = Decimal(str(value)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_EVEN)
    # Babel copies the pattern's "-" as is, but in CLDR it stands for the locale's minus sign (fi and sv "−",
    # U+2212), and a plus sign takes the same place: format the negative and put the right sign there.
    text = pattern.apply(-abs(amount) / 100 if percent else -abs(amount), locale)
    sign = (get_minus_sign_symbol(locale) if amount < 0
            else get_plus_sign_symbol(locale) if signed and amount > 0 else "")
    return text.replace("-", sign, 1)


def format_per_cent(value: float | Decimal | None, digits: int = 1, *, signed: bool = False,
                    language: str | None = None) -> str:
    """A figure in per cent (0-100) with the language's per cent sign: fi and sv "49,2 %" (a non-breaking space),
    en "49.2%"; "–" for None. `format_number(value, digits, percent=True, ...)`; see it for the rest.
    """
    return format_number(value, digits, percent=True, signed=signed, language=language)


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
    """Set up the catalogs' order, the Jinja globals and filters for languages, times and numbers on `app`."""
    _core_catalog_last(app)
    app.jinja_env.globals.update(
        current_language=current_language,
        language_names=LANGUAGE_NAMES,
        localized=localized,
        network_name=network_name,
    )
    app.jinja_env.filters["when"] = format_when
    app.jinja_env.filters["day"] = format_day
    app.jinja_env.filters["file_size"] = format_file_size
    app.jinja_env.filters["number"] = format_number
    app.jinja_env.filters["percent"] = format_per_cent
    app.jinja_env.globals["format_span"] = format_span
    app.after_request(_vary_on_accept_language)

    @app.context_processor
    def _navigation() -> dict:
        return {"current_path": request.full_path.rstrip("?") if request else "/",
                "language_links": language_links}


def language_links() -> list[tuple[str, str, str]]:
    """The language switch of a visitor who is not logged in: for each interface language, (code, name, the
    current page's address with `lang=<code>` in its query), as `select_locale` reads it.

    A link, not a form: `?lang=` already chooses the session's language for anyone who follows it, so a form with
    a CSRF token would guard nothing more for a visitor, and a page without a per-visitor token is the same bytes
    for every visitor (the page cache keeps it compressed once). A logged-in member's switch stays a form: it also
    saves the account's language. Takes nothing (reads the request); returns the triples in `LANGUAGE_NAMES` order.
    """
    args = request.args.copy()
    links = []
    for code, name in LANGUAGE_NAMES.items():
        args["lang"] = code
        links.append((code, name, f"{request.path}?{urlencode(list(args.items(multi=True)))}"))
    return links


# Labels used in several places.
YES_NO = {True: _l("Yes"), False: _l("No")}
