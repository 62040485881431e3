"""Subscribers as plain functions: double opt-in, unsubscribe, preferences, group-list membership, the tokens
in every list message, recipients and failing addresses. The lists themselves are in lists.py.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, and_, func, select

from ..emails import InvalidAddress, normalize_email
from ..extensions import db
from ..links import absolute_url
from ..mail.addresses import receivable_email
from ..mail.models import AddressHealth
from ..mail.outbox import repeat_key
from ..mail.templates import queue_template_mail
from ..rules import RuleError
from ..text import has_line_break, single_line
from ..timeutil import utcnow
from ..tokens import TokenError, make_token, read_token
from .lists import main_list
from .models import LANGUAGES, MailingList, Subscriber, Subscription

CONFIRM_PURPOSE = "mailing-confirm"
UNSUBSCRIBE_PURPOSE = "mailing-unsubscribe"
MANAGE_PURPOSE = "mailing-manage"
# Unsubscribe and manage links live in every message; they must keep working for a long time (RFC 8058).
LINK_MAX_AGE = 400 * 24 * 3600


class SubscriptionError(RuleError):
    """A refusal by a mailing rule."""


def confirm_max_age() -> int:
    """How long a confirmation link is valid, in seconds (TOKEN_MAX_AGE_CONFIRM, default three days)."""
    return int(current_app.config.get("TOKEN_MAX_AGE_CONFIRM", 3 * 24 * 3600))


# --- group-list membership ---------------------------------------------------------------------------------


def sync_list_members(mailing_list: MailingList, users: Iterable[Any]) -> None:
    """Make the list's members exactly `users` (accounts): joiners are subscribed, leavers unsubscribed.

    Called by the owning domain (working groups) whenever its membership changes, in its transaction.
    """
    wanted = {user.id: user for user in users}
    current = {
        s.subscriber.user_id: s
        for s in db.session.scalars(
            select(Subscription).join(Subscriber).where(Subscription.list_id == mailing_list.id)
        )
        if s.subscriber.user_id is not None
    }
    now = utcnow()
    for user_id, subscription in current.items():
        if user_id not in wanted and subscription.is_member:
            subscription.is_member = False
            subscription.active = False
            subscription.unsubscribed_at = now
    for user_id, user in wanted.items():
        subscription = current.get(user_id)
        if subscription is None:
            subscriber = subscriber_for_user(user, create=True)
            subscription = _subscription(subscriber, mailing_list)
        if not subscription.is_member:
            subscription.is_member = True
            subscription.active = True
            subscription.unsubscribed_at = None
    db.session.flush()


# --- subscribers ---------------------------------------------------------------------------------------------


def check_name(name: str | None) -> str:
    """The name cut to one line of at most 120 characters; raises SubscriptionError ("name") on a line break."""
    if has_line_break(name):
        raise SubscriptionError(str(_l("The name must be on one line.")), "name")
    return single_line(name)[:120]


def find_subscriber(email: str) -> Subscriber | None:
    """The subscriber with this address (trimmed, any case), or None."""
    return db.session.scalar(select(Subscriber).where(Subscriber.email == email.strip().lower()))


def follow_account_address(user: Any, old: str, new: str, **_extra: Any) -> None:
    """An account's address changed (auth's `email_changed` signal): its subscriber record follows, so list mail
    goes to the new address. Nothing changes when the new address already has a subscriber record of its own.
    Flushes; the caller commits.
    """
    subscriber = db.session.scalar(select(Subscriber).where(Subscriber.user_id == user.id)) or find_subscriber(old)
    if subscriber is None or find_subscriber(new) is not None:
        return
    subscriber.email = new.strip().lower()
    subscriber.user_id = user.id
    db.session.flush()


def subscriber_for_user(user: Any, create: bool = False) -> Subscriber | None:
    """The subscriber record of an account (the account's e-mail is confirmed, so the address is too)."""
    subscriber = db.session.scalar(select(Subscriber).where(Subscriber.user_id == user.id)) or find_subscriber(
        user.email
    )
    if subscriber is None and create:
        subscriber = Subscriber(email=user.email.lower(), name=user.name, language=user.language or "fi")
        db.session.add(subscriber)
    if subscriber is not None:
        subscriber.user_id = user.id
        if subscriber.confirmed_at is None and getattr(user, "email_confirmed_at", None) is not None:
            subscriber.confirmed_at = utcnow()
        db.session.flush()
    return subscriber


def _subscription(subscriber: Subscriber, mailing_list: MailingList) -> Subscription:
    for subscription in subscriber.subscriptions:
        if subscription.list_id == mailing_list.id:
            return subscription
    subscription = Subscription(subscriber=subscriber, list_id=mailing_list.id, active=False)
    subscription.mailing_list = mailing_list
    db.session.add(subscription)
    return subscription


def request_subscription(email: str, name: str, language: str, list_ids: list[int] | None = None) -> str:
    """Queue a confirmation mail (double opt-in); nothing is stored about the address until it is confirmed.
    The mail carries nothing the requester typed (the name waits in the signed link): the address is unconfirmed.

    Returns the normalised address. Raises InvalidAddress (field "email") or SubscriptionError ("name").
    """
    address = receivable_email(email)  # canonical, and one our mail can reach (else InvalidAddress at once)
    clean_name = check_name(name)
    language = language if language in LANGUAGES else "fi"
    lists = list_ids or [main_list().id]
    token = make_token(CONFIRM_PURPOSE, {"e": address, "n": clean_name, "l": language, "lists": lists})
    link = absolute_url("mailing.confirm", token=token, lang=language)
    # The same request twice (a double click, at once or a moment later) queues one confirmation mail.
    queue_template_mail(address, "mailing/emails/confirm_subscription", language,
                        key=repeat_key("subscribe-confirm", address, clean_name, language, lists),
                        link=link, hours=confirm_max_age() // 3600)
    return address


def confirm_subscription(token: str) -> Subscriber:
    """Activate the subscription named by a confirmation token; raises TokenError."""
    payload = read_token(CONFIRM_PURPOSE, token, confirm_max_age())
    if not isinstance(payload, dict) or "e" not in payload:
        raise TokenError("invalid")
    address = payload["e"]
    subscriber = find_subscriber(address)
    if subscriber is None:
        subscriber = Subscriber(email=address)
        db.session.add(subscriber)
    subscriber.name = payload.get("n") or subscriber.name or ""
    subscriber.language = payload.get("l") if payload.get("l") in LANGUAGES else subscriber.language or "fi"
    if subscriber.confirmed_at is None:
        subscriber.confirmed_at = utcnow()
    for list_id in payload.get("lists") or []:
        mailing_list = db.session.get(MailingList, list_id)
        if mailing_list is None or not mailing_list.is_main and not _may_self_subscribe(subscriber, mailing_list):
            continue
        subscription = _subscription(subscriber, mailing_list)
        subscription.active = True
        subscription.unsubscribed_at = None
    # A confirmed address has proven that it receives mail again.
    clear_failing(address)
    db.session.flush()
    return subscriber


def _may_self_subscribe(subscriber: Subscriber, mailing_list: MailingList) -> bool:
    return any(s.list_id == mailing_list.id and s.is_member for s in subscriber.subscriptions)


def unsubscribe(subscriber: Subscriber, mailing_list: MailingList) -> bool:
    """Stop list mail to the subscriber; returns False when it was not subscribed anyway."""
    subscription = next((s for s in subscriber.subscriptions if s.list_id == mailing_list.id), None)
    if subscription is None or not subscription.active:
        return False
    subscription.active = False
    subscription.unsubscribed_at = utcnow()
    return True


def available_lists(subscriber: Subscriber | None) -> list[MailingList]:
    """Lists a subscriber may choose: the main list and the group lists they belong to."""
    lists = [main_list()]
    if subscriber is not None:
        lists += [s.mailing_list for s in subscriber.subscriptions if not s.mailing_list.is_main and s.is_member]
    return lists


def active_list_ids(subscriber: Subscriber | None) -> set[int]:
    """Ids of the lists the subscriber receives (empty for None)."""
    if subscriber is None:
        return set()
    return {s.list_id for s in subscriber.subscriptions if s.active}


def update_preferences(subscriber: Subscriber, language: str, list_ids: Iterable[int]) -> None:
    """Save the chosen lists and language (only lists from available_lists() can be chosen)."""
    if language in LANGUAGES:
        subscriber.language = language
    chosen = set(list_ids)
    now = utcnow()
    for mailing_list in available_lists(subscriber):
        subscription = _subscription(subscriber, mailing_list)
        if mailing_list.id in chosen and not subscription.active:
            subscription.active = True
            subscription.unsubscribed_at = None
        elif mailing_list.id not in chosen and subscription.active:
            subscription.active = False
            subscription.unsubscribed_at = now
    db.session.flush()


# --- tokens in every list message ---------------------------------------------------------------------------


def unsubscribe_token(subscriber: Subscriber, mailing_list: MailingList) -> str:
    # Bound to the address too: once a subscriber is deleted its id may be given to someone else, whose
    # subscription an old link must not end.
    """The signed token of a list message's unsubscribe link (subscriber, list and a tag of the address)."""
    return make_token(UNSUBSCRIBE_PURPOSE, {"s": subscriber.id, "l": mailing_list.id,
                                            "e": _email_tag(subscriber.email)})


def manage_token(subscriber: Subscriber) -> str:
    """The signed token of the link to choose one's lists and language."""
    return make_token(MANAGE_PURPOSE, {"s": subscriber.id, "e": _email_tag(subscriber.email)})


def link_tokens(subscriber_id: int, email: str, list_id: int) -> tuple[str, str]:
    """(unsubscribe token, manage token) of a list message, as `unsubscribe_token` and `manage_token` make them,
    from plain values (the delivery worker makes them for each recipient when it composes a post).
    """
    tag = _email_tag(email)
    return (make_token(UNSUBSCRIBE_PURPOSE, {"s": subscriber_id, "l": list_id, "e": tag}),
            make_token(MANAGE_PURPOSE, {"s": subscriber_id, "e": tag}))


def _email_tag(email: str) -> str:
    # Binds the manage link to the address, without putting the address itself in the link.
    return hashlib.sha256(email.encode()).hexdigest()[:12]


def read_unsubscribe_token(token: str) -> tuple[Subscriber, MailingList]:
    """The subscriber and list of an unsubscribe token; raises TokenError (expired or invalid)."""
    payload = read_token(UNSUBSCRIBE_PURPOSE, token, LINK_MAX_AGE)
    subscriber = db.session.get(Subscriber, payload.get("s")) if isinstance(payload, dict) else None
    mailing_list = db.session.get(MailingList, payload.get("l")) if isinstance(payload, dict) else None
    if subscriber is None or mailing_list is None:
        raise TokenError("invalid")
    # Links sent before the address was part of the token carry no "e"; they keep working until they expire.
    if "e" in payload and payload["e"] != _email_tag(subscriber.email):
        raise TokenError("invalid")
    return subscriber, mailing_list


def read_manage_token(token: str) -> Subscriber:
    """The subscriber of a manage token; raises TokenError (expired, invalid, or the address changed)."""
    payload = read_token(MANAGE_PURPOSE, token, LINK_MAX_AGE)
    subscriber = db.session.get(Subscriber, payload.get("s")) if isinstance(payload, dict) else None
    if subscriber is None or _email_tag(subscriber.email) != payload.get("e"):
        raise TokenError("invalid")
    return subscriber


def queue_manage_link(email: str) -> None:
    """Send a fresh manage link to a confirmed subscriber; says nothing either way (no address probing)."""
    try:
        address = normalize_email(email)
    except InvalidAddress:
        return
    subscriber = find_subscriber(address)
    if subscriber is None or not subscriber.confirmed:
        return
    token = manage_token(subscriber)
    queue_template_mail(subscriber.email, "mailing/emails/manage_link", subscriber.language,
                        key=repeat_key("manage-link", subscriber.email),
                        name=subscriber.name or subscriber.email, link=absolute_url("mailing.manage", token=token,
                                                                             lang=subscriber.language))


# --- recipients and failing addresses ------------------------------------------------------------------------


def recipients_by_language(mailing_list: MailingList) -> dict[str, int]:
    """How many of the list's current recipients (`recipients_statement`) read each language: {"fi": n, ...},
    subscribers without a language counted as Finnish. One grouped query; the confirmation before sending shows it.
    """
    language = func.coalesce(Subscriber.language, "fi")
    statement = recipients_statement(mailing_list).order_by(None).with_only_columns(language, func.count()) \
        .group_by(language)
    return {code: count for code, count in db.session.execute(statement)}


def recipients_statement(mailing_list: MailingList) -> Select:
    """Confirmed, active, not failing subscribers of a list."""
    return (
        select(Subscriber)
        .join(Subscription, and_(Subscription.subscriber_id == Subscriber.id, Subscription.list_id == mailing_list.id))
        .outerjoin(AddressHealth, AddressHealth.email == Subscriber.email)
        .where(
            Subscription.active.is_(True),
            Subscriber.confirmed_at.is_not(None),
            AddressHealth.failing_since.is_(None),
        )
        .order_by(Subscriber.id)
    )


def is_failing(email: str) -> bool:
    """True when deliveries to the address keep failing (it is left out of list mail)."""
    health = db.session.scalar(select(AddressHealth).where(AddressHealth.email == email.lower()))
    return bool(health and health.failing_since)


def clear_failing(email: str) -> None:
    """Forget the address's delivery failures (it proved to receive mail again)."""
    health = db.session.scalar(select(AddressHealth).where(AddressHealth.email == email.lower()))
    if health is not None:
        health.failing_since = None
        health.bounce_count = 0


def is_active_subscriber(email: str, list_id: int) -> bool:
    """True when the address is a confirmed, active subscriber of the list `list_id`."""
    return (
        db.session.scalar(
            select(Subscription.id)
            .join(Subscriber)
            .where(
                Subscriber.email == email.lower(),
                Subscription.list_id == list_id,
                Subscription.active.is_(True),
                Subscriber.confirmed_at.is_not(None),
            )
        )
        is not None
    )
