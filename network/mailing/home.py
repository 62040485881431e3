"""The mailing list's section of the front page: the latest posts of the public archive."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from ..extensions import db
from .models import MAIN_LIST, QUEUED, MailingList, Post

HOME_COUNT = 3


def latest_posts() -> dict[str, Any]:
    """The front page's list section: {'posts': the three latest sent posts of the main list, newest first}."""
    statement = (
        select(Post)
        .join(MailingList, Post.list_id == MailingList.id)
        .where(MailingList.kind == MAIN_LIST, Post.status == QUEUED)
        .order_by(Post.queued_at.desc(), Post.id.desc())
        .limit(HOME_COUNT)
    )
    return {"posts": db.session.scalars(statement).all()}
