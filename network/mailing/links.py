"""The list mail's addresses: the mail domain (List-Id) and the unsubscribe mailbox. Absolute links are
network.links.absolute_url.
"""

from __future__ import annotations

from flask import current_app


def mail_domain() -> str:
    """The domain of the sender address (MAIL_DEFAULT_SENDER)."""
    return current_app.config["MAIL_DEFAULT_SENDER"].rsplit("@", 1)[-1].rstrip(">").strip()


def unsubscribe_mailbox() -> str:
    """Where the mailto: of List-Unsubscribe goes (a mailbox the coordinators read)."""
    return current_app.config.get("MAIL_UNSUBSCRIBE_ADDRESS") or f"unsubscribe@{mail_domain()}"
