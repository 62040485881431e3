"""What the mailing-list domain contributes elsewhere (loaded by network.domains): the delivery worker's list
checks and scheduled posts, updated invites when a meeting changes, the front-page section, personal data and
the yearly figures.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..auth.signals import email_changed
from ..calendar.notices import place_holders
from ..extensions import db
from ..mail.delivery import active_subscriptions_check, before_each_batch, personaliser
from ..mail.inbound import inbound_handler
from ..mail.models import OutboxMessage
from ..meetings.messages import invitee_source
from ..privacy import personal_data_anonymiser, personal_data_description, personal_data_exporter
from ..registries import admin_entry, audit_labels, home_section, yearly_figures
from . import figures, home, invites, privacy, replies
from .models import MeetingInvitation, Subscriber, Subscription
from .posts import PERSONALISER, personal_links, queue_due_posts
from .subscriptions import follow_account_address


def still_subscribed(ids: list[int]) -> set[tuple[str, int]]:
    """(address, list id) of the batch's list messages whose subscription is still active: one query a batch."""
    rows = db.session.execute(
        select(Subscriber.email, Subscription.list_id)
        .join(Subscription, Subscription.subscriber_id == Subscriber.id)
        .join(OutboxMessage, (OutboxMessage.recipient == Subscriber.email)
              & (OutboxMessage.list_id == Subscription.list_id))
        .where(OutboxMessage.id.in_(ids), Subscription.active.is_(True), Subscriber.confirmed_at.is_not(None))
    )
    return {(email, list_id) for email, list_id in rows}


@invitee_source
def invited_to(meeting) -> list[tuple[str, str, str]]:
    """(address, name, language) of those sent the meeting's invite, for a message to its participants."""
    rows = db.session.scalars(select(MeetingInvitation).where(MeetingInvitation.meeting_id == meeting.id))
    return [(row.email, row.name, row.language) for row in rows]


active_subscriptions_check(still_subscribed)
before_each_batch(queue_due_posts)
personaliser(PERSONALISER)(personal_links)

# Invitees are told of changes by the calendar domain's one notification rule, with mailing's own update.
place_holders(10)(invites.invited_holders)
email_changed.connect(follow_account_address)

home_section(20, "mailing/_home.html")(home.latest_posts)

personal_data_exporter("mailing")(privacy.export_mailing)
personal_data_anonymiser("mailing")(privacy.anonymise_mailing)
personal_data_description(
    "mailing", order=40, title=_l("Mailing lists"),
    fields={
        "subscriptions": _l("Your subscription: e-mail address, name, language, lists, when you confirmed and "
                            "unsubscribed"),
        "meeting_invitations": _l("Calendar invitations sent to you and their version"),
        "messages": _l("Messages sent to you: subject, delivery status and time"),
    },
    purpose=_l("Sending the list's posts and meeting invitations, and unsubscribing in one click."),
    legal_basis=_l("Your consent, given when you confirmed the subscription (GDPR art. 6(1)(a)); you can withdraw "
                   "it at any time by unsubscribing."),
    retention=_l("Until you unsubscribe or delete your account; delivery records of sent messages are removed with "
                 "the account."),
)

yearly_figures(30)(figures.mailing_figures)

# Added by part A of the architecture issue: the admin page's area and the audit label.
admin_entry(20, "mailing.admin", _l("Mailing lists and invitations"),
            _l("Write posts, send meeting invitations, follow delivery."))
audit_labels(
    entities={"mailing_post": _l("Mailing list post")},
    actions={
        "post.send": _l("Post sent"),
        "post.schedule": _l("Post scheduled"),
        "post.cancel": _l("Scheduled post cancelled"),
        "meeting.invite": _l("Meeting invitations sent"),
    },
)

# Inbound mail (network/mail/inbound.py): calendar replies to invites, and the mailto: of List-Unsubscribe.
inbound_handler("calendar-reply", order=30)(replies.handle_calendar_reply)
inbound_handler("unsubscribe", order=40)(replies.handle_unsubscribe)
