"""The mailing list's yearly activity figures for the self-assessment report, computed in SQL for a Helsinki year.

Posts sent: posts to any list queued for delivery during the year. Subscribers: confirmed addresses with an
active subscription to the network's main list at the first moment of the year and at its end (for the year
still going on: now). A subscription counts from its creation (it is created when the address is confirmed)
until it was ended (`unsubscribed_at`); one ended and taken up again counts from its creation.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select

from ..extensions import db
from ..registries import Figure
from ..timeutil import helsinki_year_bounds, utcnow
from .lists import MAIN_SLUG
from .models import QUEUED, MailingList, Post, Subscriber, Subscription


def posts_sent(year: int) -> int:
    """Posts (any list) queued for delivery during Helsinki year `year`."""
    start, end = helsinki_year_bounds(year)
    statement = select(func.count(Post.id)).where(Post.status == QUEUED, Post.queued_at >= start,
                                                  Post.queued_at < end)
    return db.session.scalar(statement) or 0


def subscribers_at(moment: datetime) -> int:
    """Confirmed subscribers of the main list whose subscription was active at `moment` (aware UTC)."""
    statement = (
        select(func.count(func.distinct(Subscriber.id)))
        .join(Subscription, Subscription.subscriber_id == Subscriber.id)
        .join(MailingList, Subscription.list_id == MailingList.id)
        .where(
            MailingList.slug == MAIN_SLUG,
            Subscriber.confirmed_at.is_not(None), Subscriber.confirmed_at < moment,
            Subscription.created_at < moment,
            or_(Subscription.unsubscribed_at.is_(None), Subscription.unsubscribed_at >= moment),
        )
    )
    return db.session.scalar(statement) or 0


def mailing_figures(year: int) -> list[Figure]:
    """The year's figures: posts sent, main-list subscribers at the start and at the end of the year.

    Takes a Helsinki calendar year; returns Figures with keys "mailing.posts_sent",
    "mailing.subscribers_at_start" and "mailing.subscribers_at_end".
    """
    start, end = helsinki_year_bounds(year)
    return [
        Figure("mailing.posts_sent", _l("Posts sent to the mailing lists"), posts_sent(year), _l("posts")),
        Figure("mailing.subscribers_at_start", _l("Mailing list subscribers at the start of the year"),
               subscribers_at(start), _l("people")),
        Figure("mailing.subscribers_at_end", _l("Mailing list subscribers at the end of the year"),
               subscribers_at(min(end, utcnow())), _l("people")),
    ]
