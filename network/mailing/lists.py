"""Mailing lists as plain functions: the main list, working groups' lists, their names and who may post or read.

Subscribers and their subscriptions are in subscriptions.py; a list's members (a working group's) are kept in
step by `subscriptions.sync_list_members`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from ..extensions import db
from ..i18n import NETWORK_NAMES, localized
from ..permissions import is_coordinator
from ..text import single_line
from .models import GROUP_LIST, MAIN_LIST, MailingList, Subscriber, Subscription

MAIN_SLUG = "main"


def main_list() -> MailingList:
    """The network's main list, created on first use."""
    mailing_list = db.session.scalar(select(MailingList).where(MailingList.slug == MAIN_SLUG))
    if mailing_list is None:
        mailing_list = MailingList(
            slug=MAIN_SLUG,
            kind=MAIN_LIST,
            name_fi="Kuntademokratiaverkoston postituslista",
            name_sv=f"E-postlistan för {NETWORK_NAMES['sv']}",
            description_fi="Verkoston tiedotuskanava: kokoukset, ajankohtaiset asiat ja kutsut.",
            description_sv="Nätverkets informationskanal: möten, aktuella frågor och inbjudningar.",
        )
        db.session.add(mailing_list)
        db.session.flush()
    return mailing_list


def ensure_group_list(
    owner_id: int, name_fi: str, name_sv: str | None = None, *, owner_type: str = "group", chair_id: int | None = None
) -> MailingList:
    """The list of a working group (or another owner), created when missing; name and chair kept up to date.

    Takes the owner's id, the list's Finnish and Swedish names, the owner type and the chair's account id;
    returns the list (flushed). Called by the owning domain in its transaction.
    """
    mailing_list = db.session.scalar(
        select(MailingList).where(MailingList.owner_type == owner_type, MailingList.owner_id == owner_id)
    )
    if mailing_list is None:
        mailing_list = MailingList(
            slug=f"{owner_type}-{owner_id}", kind=GROUP_LIST, owner_type=owner_type, owner_id=owner_id,
            name_fi=single_line(name_fi), name_sv=single_line(name_sv) or None,
        )
        db.session.add(mailing_list)
    else:
        mailing_list.name_fi = single_line(name_fi)
        mailing_list.name_sv = single_line(name_sv) or None
    mailing_list.chair_id = chair_id
    db.session.flush()
    return mailing_list


def list_name(mailing_list: MailingList, language: str) -> str:
    """The list's name in `language` (Swedish when there is one, else Finnish)."""
    return localized(mailing_list.name_fi, mailing_list.name_sv, language=language)


def can_post(user: Any, mailing_list: MailingList) -> bool:
    """Coordinators post to every list; a group list's chair to that list."""
    if is_coordinator(user):
        return True
    return bool(
        getattr(user, "is_authenticated", False)
        and mailing_list.kind == GROUP_LIST
        and mailing_list.chair_id == user.id
    )


def can_read_archive(user: Any, mailing_list: MailingList) -> bool:
    """Main list: everyone. A group list: the group's members, its chair and coordinators."""
    if mailing_list.is_main or can_post(user, mailing_list):
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    return (
        db.session.scalar(
            select(Subscription.id)
            .join(Subscriber)
            .where(Subscription.list_id == mailing_list.id, Subscription.is_member.is_(True),
                   Subscriber.user_id == user.id)
        )
        is not None
    )


def postable_lists(user: Any) -> list[MailingList]:
    """The lists (not archived) `user` may post to, the main list first."""
    lists = db.session.scalars(
        select(MailingList).where(MailingList.archived.is_(False)).order_by(MailingList.kind.desc(), MailingList.id)
    )
    return [mailing_list for mailing_list in lists if can_post(user, mailing_list)]
