"""Absolute links for mail, built without a request (the worker queues scheduled posts outside any request)."""

from __future__ import annotations

from flask import current_app


def absolute_url(endpoint: str, **values: object) -> str:
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    adapter = current_app.url_map.bind("localhost", url_scheme="http")
    return base + adapter.build(endpoint, {k: v for k, v in values.items() if v is not None})


def mail_domain() -> str:
    return current_app.config["MAIL_DEFAULT_SENDER"].rsplit("@", 1)[-1].rstrip(">").strip()


def unsubscribe_mailbox() -> str:
    """Where the mailto: of List-Unsubscribe goes (a mailbox the coordinators read)."""
    return current_app.config.get("MAIL_UNSUBSCRIBE_ADDRESS") or f"unsubscribe@{mail_domain()}"
