"""What the mail infrastructure contributes elsewhere: the delivery page on the coordinators' admin page."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..registries import admin_entry

admin_entry(80, "mail.delivery", _l("Mail delivery"),
            _l("Failed messages and their reasons, retrying them, and the state of our mail server."))
