"""The mailing list's section of the front page: the latest posts of the public archive."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from ..extensions import db
from .lists import MAIN_SLUG
from .models import QUEUED, MailingList, Post

HOME_COUNT = 3


def latest_posts() -> dict[str, Any]:
    """The front page's list section: {'posts': the three latest sent posts of the main list, newest first}.

    The list is named by a scalar subquery so that the (list, status, time) index serves the filter and the order
    (a join on the list's kind made SQLite read and sort every sent post).
    """
    main = select(MailingList.id).where(MailingList.slug == MAIN_SLUG).scalar_subquery()
    statement = (
        select(Post)
        .where(Post.list_id == main, Post.status == QUEUED)
        .order_by(*Post.sent_newest_first())
        .limit(HOME_COUNT)
    )
    return {"posts": db.session.scalars(statement).all()}
