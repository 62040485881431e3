"""Navigation helpers: the main menu and safe redirects."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, current_app, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..markup import summary
from ..permissions import is_coordinator
from ..registries import admin_entries, personal_entries

# (endpoint, label); an entry shows once its domain has registered the endpoint.
MAIN_MENU = (
    ("meetings.index", _l("Meetings")),
    ("groups.index", _l("Working groups")),
    ("mailing.archive", _l("Posts")),
    ("orgs.directory", _l("Members")),
    ("surveys.index", _l("Survey")),
)


def safe_next_url(target: str | None, default: str = "/") -> str:
    r"""Only a path on this site is followed; anything with a scheme or host (or //host) is refused.

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


def admin_menu() -> list[tuple[str, str, str]]:
    """(url, label, description) for each coordinator area a domain registered (registries.admin_entry) whose
    endpoint exists, in order.
    """
    return [
        (url_for(entry.endpoint), str(entry.label), str(entry.description))
        for entry in admin_entries()
        if entry.endpoint in current_app.view_functions
    ]


def personal_menu() -> list[tuple[str, str]]:
    """(url, label) for each entry of the account menu a domain registered (registries.personal_entry)."""
    return [
        (url_for(entry.endpoint), str(entry.label))
        for entry in personal_entries()
        if entry.endpoint in current_app.view_functions
    ]


def optional_url(endpoint: str, **values: object) -> str | None:
    """URL of an endpoint, or None when the domain providing it is not installed."""
    if endpoint in current_app.view_functions:
        return url_for(endpoint, **values)
    return None


def init_app(app: Flask) -> None:
    """Make the menus available to every template, and tell the layout whether to link the admin page."""

    @app.context_processor
    def _admin_link() -> dict[str, bool]:
        return {"show_admin_link": is_coordinator(current_user)}

    app.jinja_env.globals.update(
        main_menu=main_menu, optional_url=optional_url, admin_menu=admin_menu, personal_menu=personal_menu
    )
    # A page's <meta name="description"> from its content (templates' `description` block).
    app.jinja_env.filters["summary"] = summary
