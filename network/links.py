"""Absolute links on PUBLIC_BASE_URL for mail and calendar files, built with or without a request
(the delivery worker and the CLI run outside one).
"""

from __future__ import annotations

from flask import current_app


def absolute_url(endpoint: str, **values: object) -> str:
    """The absolute URL of `endpoint` on PUBLIC_BASE_URL, for mails and calendar files.

    Works outside a request; values that are None are left out. Raises werkzeug's BuildError for an unknown
    endpoint.
    """
    adapter = current_app.url_map.bind("localhost", url_scheme="http")
    path = adapter.build(endpoint, {k: v for k, v in values.items() if v is not None})
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + path
