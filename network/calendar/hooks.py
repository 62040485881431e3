"""What the calendar domain contributes elsewhere (loaded by network.domains): the registration confirmation and
cancellation mails with the meeting's calendar entry, updates to everyone holding a place, the personal feed's
section of the member's own page, and the feed's removal with the account.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from ..meetings.signals import meeting_changed, registration_changed
from ..privacy import personal_data_anonymiser, personal_data_description, personal_data_exporter
from ..registries import personal_section
from . import notices, personal
from .forms import FeedActionForm

registration_changed.connect(notices.on_registration_changed)
# The one notification rule: everyone holding a place (sources: notices.place_holders) hears of every change.
meeting_changed.connect(notices.notify_holders)


@personal_section(25, "calendar/_personal.html")
def my_calendar(user: Any) -> dict[str, Any]:
    """The member's own page: their personal feed's address (or a button to make one), renew and turn off."""
    feed = personal.feed_of(user)
    return {"feed": feed, "url": personal.feed_url(feed) if feed else None, "form": FeedActionForm()}


personal_data_exporter("calendar")(personal.export_feed)
personal_data_anonymiser("calendar")(personal.forget_feed)
personal_data_description(
    "calendar", order=35, title=_l("Personal calendar feed"),
    fields={"personal_feed": _l("Whether you have a personal calendar address, when it was made and last renewed "
                                "(the secret address itself is not shown in the export)")},
    purpose=_l("Showing the meetings you hold a place in, and your working groups' meetings, in your own calendar."),
    legal_basis=_l("Your own choice to turn the feed on (GDPR art. 6(1)(a)); you can turn it off at any time."),
    retention=_l("Until you turn the feed off or delete your account."),
)
