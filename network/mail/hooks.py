"""What the mail infrastructure contributes elsewhere: the delivery and inbound pages on the coordinators' admin
page, and its own inbound handler (bounce reports).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..registries import admin_entry
from .bounces import handle_bounce
from .inbound import inbound_handler

admin_entry(80, "mail.delivery", _l("Mail delivery"),
            _l("Failed messages and their reasons, retrying them, and the state of our mail server."))
admin_entry(81, "mail.inbound", _l("Inbound mail"),
            _l("Calendar replies, unsubscribe requests and bounce reports received, and what became of them."))

# Bounce reports first: a report often quotes the original message (an invite with its calendar).
inbound_handler("bounce", order=10)(handle_bounce)
