"""What the mailing domain's pages share."""

from __future__ import annotations

from flask import render_template
from flask_babel import gettext as _

from ..tokens import TokenError


def token_error(error: TokenError, what: str) -> tuple[str, int]:
    """The page for an expired or broken link (400); `what` names the kind of link for the template."""
    if error.reason == "expired":
        message = _("The link has expired.")
    else:
        message = _("The link is not valid. Check that you copied the whole link.")
    return render_template("mailing/token_error.html", message=message, what=what), 400
