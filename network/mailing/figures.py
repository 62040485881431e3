"""The mailing list's figures for the yearly self-assessment report: posts sent, subscribers at the year's start
and end."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, func, or_, select

from ..extensions import db
from ..registries import Figure, yearly_figures
from ..timeutil import helsinki_year_bounds
from .models import MAIN_LIST, QUEUED, MailingList, Post, Subscriber, Subscription


def _subscribed_at(moment: datetime):
    return and_(Subscriber.confirmed_at.is_not(None), Subscriber.confirmed_at < moment,
                Subscription.created_at < moment,
                or_(Subscription.unsubscribed_at.is_(None), Subscription.unsubscribed_at >= moment))


@yearly_figures(20)
def mailing_figures(year: int) -> list[Figure]:
    """Posts sent to the network's lists in `year` and the main list's subscribers at the start and the end of the
    year (two queries)."""
    start, end = helsinki_year_bounds(year)
    posts = db.session.scalar(select(func.count()).select_from(Post).where(
        Post.status == QUEUED, Post.queued_at >= start, Post.queued_at < end)) or 0
    at_start, at_end = db.session.execute(
        select(func.count(func.distinct(case((_subscribed_at(start), Subscriber.id)))),
               func.count(func.distinct(case((_subscribed_at(end), Subscriber.id)))))
        .select_from(Subscription)
        .join(Subscriber, Subscriber.id == Subscription.subscriber_id)
        .join(MailingList, MailingList.id == Subscription.list_id)
        .where(MailingList.kind == MAIN_LIST)
    ).one()
    people = _l("people")
    return [Figure("posts_sent", _l("Posts sent"), posts, _l("posts")),
            Figure("subscribers_start", _l("Mailing list subscribers at the start of the year"), at_start, people),
            Figure("subscribers_end", _l("Mailing list subscribers at the end of the year"), at_end, people)]
