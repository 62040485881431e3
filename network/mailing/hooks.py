"""What the mailing-list domain contributes elsewhere: the delivery worker's list checks, scheduled posts."""

from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..mail.delivery import active_subscriptions_check, before_each_batch
from ..mail.models import OutboxMessage
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

from . import figures  # noqa: E402,F401  (the yearly figures of the self-assessment report)
