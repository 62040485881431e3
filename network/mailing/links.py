"""Absolute links for mail, built without a request (the worker queues scheduled posts outside any request)."""

from __future__ import annotations

from flask import current_app

from ..links import absolute_url  # noqa: F401  (the mailing domain's links are built with it)


def mail_domain() -> str:
    return current_app.config["MAIL_DEFAULT_SENDER"].rsplit("@", 1)[-1].rstrip(">").strip()


def unsubscribe_mailbox() -> str:
    """Where the mailto: of List-Unsubscribe goes (a mailbox the coordinators read)."""
    return current_app.config.get("MAIL_UNSUBSCRIBE_ADDRESS") or f"unsubscribe@{mail_domain()}"
