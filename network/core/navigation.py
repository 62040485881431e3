"""Navigation helpers: the main menu and safe redirects."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, current_app, url_for
from flask_babel import lazy_gettext as _l

# (endpoint, label); an entry shows once its domain has registered the endpoint.
MAIN_MENU = (
    ("meetings.index", _l("Meetings")),
    ("groups.index", _l("Working groups")),
    ("mailing.archive", _l("Posts")),
    ("orgs.directory", _l("Members")),
    ("surveys.index", _l("Survey")),
)


def safe_next_url(target: str | None, default: str = "/") -> str:
    """Only a path on this site is followed; anything with a scheme or host (or //host) is refused.

    Browsers treat a backslash like a slash and drop tabs and line breaks inside URLs, so `/\\evil.example` and
    `/<TAB>/evil.example` would both lead off the site: they are refused too.
    """
    if not target:
        return default
    target = target.strip()
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in target):
        return default
    normalised = target.replace("\\", "/")
    parts = urlsplit(normalised)
    if parts.scheme or parts.netloc or not normalised.startswith("/") or normalised.startswith("//"):
        return default
    return normalised


def main_menu() -> list[tuple[str, str, str]]:
    """(endpoint, url, label) for each menu entry whose page exists."""
    items = []
    for endpoint, label in MAIN_MENU:
        if endpoint in current_app.view_functions:
            items.append((endpoint, url_for(endpoint), str(label)))
    return items


def optional_url(endpoint: str, **values: object) -> str | None:
    """URL of an endpoint, or None when the domain providing it is not installed."""
    if endpoint in current_app.view_functions:
        return url_for(endpoint, **values)
    return None


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(main_menu=main_menu, optional_url=optional_url)
