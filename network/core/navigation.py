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


# The coordinator's areas: (endpoint, label, what it is for); shown on /admin once the endpoint exists.
ADMIN_MENU = (
    ("meetings.admin_year", _l("Meetings and the year plan"), _l("Plan the year's four meetings, edit meetings, participants.")),
    ("mailing.admin", _l("Mailing lists and invitations"), _l("Write posts, send meeting invitations, follow delivery.")),
    ("orgs.admin_index", _l("Member register"), _l("Organisations, applications, link requests, import and export.")),
    ("auth.admin_users", _l("Users and roles"), _l("Promote coordinators and find people.")),
    ("audit.index", _l("Audit trail"), _l("Who changed what and when.")),
)

# The person's own pages, in the account menu.
PERSONAL_MENU = (("meetings.my_meetings", _l("My meetings")),)


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


def admin_menu() -> list[tuple[str, str, str]]:
    """(url, label, description) for each coordinator area that exists."""
    return [
        (url_for(endpoint), str(label), str(description))
        for endpoint, label, description in ADMIN_MENU
        if endpoint in current_app.view_functions
    ]


def personal_menu() -> list[tuple[str, str]]:
    return [(url_for(endpoint), str(label)) for endpoint, label in PERSONAL_MENU if endpoint in current_app.view_functions]


def optional_url(endpoint: str, **values: object) -> str | None:
    """URL of an endpoint, or None when the domain providing it is not installed."""
    if endpoint in current_app.view_functions:
        return url_for(endpoint, **values)
    return None


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(
        main_menu=main_menu, optional_url=optional_url, admin_menu=admin_menu, personal_menu=personal_menu
    )
