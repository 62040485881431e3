"""What the mailing-list domain contributes elsewhere (loaded by network.domains): the delivery worker's list
checks and scheduled posts, updated invites when a meeting changes, the front-page section, personal data and
the yearly figures.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..extensions import db
from ..mail.delivery import active_subscriptions_check, before_each_batch
from ..mail.models import OutboxMessage
from ..meetings.signals import meeting_changed
from ..privacy import personal_data_anonymiser, personal_data_exporter
from ..registries import admin_entry, audit_labels, home_section, yearly_figures
from . import figures, home, invites, privacy
from .models import Subscriber, Subscription
from .posts import queue_due_posts


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


active_subscriptions_check(still_subscribed)
before_each_batch(queue_due_posts)

meeting_changed.connect(invites.on_meeting_changed)

home_section(20, "mailing/_home.html")(home.latest_posts)

personal_data_exporter("mailing")(privacy.export_mailing)
personal_data_anonymiser("mailing")(privacy.anonymise_mailing)

yearly_figures(30)(figures.mailing_figures)

# Added by part A of the architecture issue: the admin page's area and the audit label.
admin_entry(20, "mailing.admin", _l("Mailing lists and invitations"),
            _l("Write posts, send meeting invitations, follow delivery."))
audit_labels(entities={"mailing_post": _l("Mailing list post")})
