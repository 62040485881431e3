"""List posts as plain functions: validate, send now or schedule, fan out to the outbox, report progress."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.orm import lazyload

from ..extensions import db
from ..i18n import localized
from ..links import absolute_url
from ..mail.models import FAILED, PENDING, SENT, SKIPPED, OutboxMessage
from ..mail.outbox import outbox_values, queue_mail, queue_many
from ..mail.templates import render_mail
from ..markup import markdown_to_text, render_markdown
from ..rules import RuleError
from ..text import has_line_break, search_key, single_line
from ..timeutil import as_utc, utcnow
from .links import mail_domain, unsubscribe_mailbox
from .lists import list_name
from .models import CANCELLED, QUEUED, SCHEDULED, MailingList, Post, Subscriber
from .subscriptions import manage_token, recipients_statement, unsubscribe_token

MAX_SUBJECT = 200
MAX_BODY = 100_000  # characters: a long newsletter fits; a 2 MB paste does not
PLACEHOLDER_UNSUBSCRIBE = "\x00UNSUBSCRIBE\x00"
PLACEHOLDER_MANAGE = "\x00MANAGE\x00"


class PostError(RuleError):
    """A refusal by a mailing rule."""


@dataclass
class PostInput:
    """A post as the coordinator wrote it: subject and Markdown body in Finnish, optionally Swedish, and when to send."""

    subject_fi: str
    body_fi: str
    subject_sv: str | None = None
    body_sv: str | None = None
    send_at: datetime | None = None  # UTC; None sends now


def check_post(data: PostInput) -> None:
    """Raise PostError (with the field) for header injection, missing or oversized text."""
    for name in ("subject_fi", "subject_sv"):
        value = getattr(data, name) or ""
        if has_line_break(value):
            raise PostError(str(_l("The subject must be on one line.")), name)
        if len(value) > MAX_SUBJECT:
            raise PostError(str(_l("The subject is too long (at most %(max)d characters).", max=MAX_SUBJECT)), name)
    if not single_line(data.subject_fi):
        raise PostError(str(_l("This field is required.")), "subject_fi")
    if not (data.body_fi or "").strip():
        raise PostError(str(_l("This field is required.")), "body_fi")
    for name in ("body_fi", "body_sv"):
        if len(getattr(data, name) or "") > MAX_BODY:
            raise PostError(
                str(_l("The text is too long (at most %(max)d characters). Shorten it or link to a document.",
                       max=MAX_BODY)),
                name,
            )
    if (data.body_sv or "").strip() and not single_line(data.subject_sv):
        raise PostError(str(_l("Give the Swedish subject too, or leave the Swedish text empty.")), "subject_sv")
    if data.send_at is not None and as_utc(data.send_at) <= utcnow():
        raise PostError(str(_l("The sending time must be in the future.")), "send_at")


# A second identical post by the same author within this time is taken as a repeated click, not a new message.
RESEND_WINDOW = timedelta(minutes=15)


def lock_list(mailing_list: MailingList) -> None:
    """Serialise sending to one list: two requests sending at the same instant run one after the other, so the
    second sees what the first did (a row lock on PostgreSQL; on SQLite a no-op write takes the write lock).
    """
    if db.engine.dialect.name == "postgresql":
        db.session.execute(select(MailingList.id).where(MailingList.id == mailing_list.id).with_for_update())
    else:
        db.session.execute(update(MailingList).where(MailingList.id == mailing_list.id).values(id=MailingList.id))


def find_resend(mailing_list: MailingList, author: Any, data: PostInput) -> Post | None:
    """The same subject and text sent to the same list by the same author a moment ago (a double click, a
    reloaded form, two clicks at the same instant), or None. Takes the list lock first (see `lock_list`).
    """
    lock_list(mailing_list)
    return db.session.scalar(
        select(Post)
        .where(
            Post.list_id == mailing_list.id,
            Post.author_id == getattr(author, "id", None),
            Post.subject_fi == single_line(data.subject_fi),
            Post.body_fi == data.body_fi.replace("\r\n", "\n"),
            Post.status != CANCELLED,
            Post.created_at >= utcnow() - RESEND_WINDOW,
        )
        .order_by(Post.id)
        .limit(1)
    )


def check_not_a_resend(mailing_list: MailingList, author: Any, data: PostInput) -> None:
    """Refuse the same subject and text to the same list again right away (a double click or a reloaded form)."""
    lock_list(mailing_list)
    duplicate = db.session.scalar(
        select(Post.id)
        .where(
            Post.list_id == mailing_list.id,
            Post.author_id == getattr(author, "id", None),
            Post.subject_fi == single_line(data.subject_fi),
            Post.body_fi == data.body_fi.replace("\r\n", "\n"),
            Post.status != CANCELLED,
            Post.created_at >= utcnow() - RESEND_WINDOW,
        )
        .limit(1)
    )
    if duplicate is not None:
        raise PostError(
            str(_l("This post was already sent to the list a moment ago. It is not sent twice.")), "subject_fi"
        )


def create_post(mailing_list: MailingList, author: Any, data: PostInput) -> Post:
    """Save the post and, unless it is scheduled, queue it to every recipient (caller commits)."""
    check_post(data)
    post = Post(
        list_id=mailing_list.id,
        author_id=getattr(author, "id", None),
        subject_fi=single_line(data.subject_fi),
        subject_sv=single_line(data.subject_sv) or None,
        body_fi=data.body_fi.replace("\r\n", "\n"),
        body_sv=(data.body_sv or "").replace("\r\n", "\n").strip() or None,
        status=SCHEDULED if data.send_at else QUEUED,
        scheduled_for=as_utc(data.send_at) if data.send_at else None,
    )
    post.mailing_list = mailing_list
    post.search_text = search_key(" ".join(filter(None, [post.subject_fi, post.subject_sv, post.body_fi, post.body_sv])))
    db.session.add(post)
    db.session.flush()
    if post.status == QUEUED:
        queue_post(post)
    return post


def cancel_post(post: Post) -> None:
    """Cancel a scheduled post (nothing is sent); raises PostError for a post that is not scheduled."""
    if post.status != SCHEDULED:
        raise PostError(str(_l("Only a scheduled post can be cancelled.")))
    post.status = CANCELLED


def queue_due_posts(now: datetime | None = None) -> int:
    """Queue scheduled posts whose time has come (called by the worker); returns how many."""
    now = now or utcnow()
    statement = select(Post).where(Post.status == SCHEDULED, Post.scheduled_for <= now).order_by(Post.id)
    if db.engine.dialect.name == "postgresql":
        statement = statement.options(lazyload(Post.mailing_list)).with_for_update(skip_locked=True, of=Post)
    posts = list(db.session.scalars(statement))
    for post in posts:
        queue_post(post)
    if posts:
        db.session.commit()
    return len(posts)


def post_subject(post: Post, language: str) -> str:
    """The subject in `language`: the Swedish one only when the post has a Swedish text too."""
    return localized(post.subject_fi, post.subject_sv if post.body_sv else None, language=language)


def post_body(post: Post, language: str) -> str:
    """The post's text (Markdown) in `language`, Finnish when there is no Swedish text."""
    return localized(post.body_fi, post.body_sv, language=language)


def list_headers(mailing_list: MailingList, unsubscribe_url: str, unsubscribe_token_value: str) -> dict[str, str]:
    """RFC 2369 / 2919 / 8058 headers for a list message to one recipient."""
    mailto = f"mailto:{unsubscribe_mailbox()}?subject={quote('unsubscribe ' + unsubscribe_token_value)}"
    headers = {
        "List-Id": f"{single_line(mailing_list.name_fi)} <{mailing_list.slug}.lists.{mail_domain()}>",
        "List-Unsubscribe": f"<{unsubscribe_url}>, <{mailto}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "List-Archive": f"<{absolute_url('mailing.list_archive', slug=mailing_list.slug)}>"
        if not mailing_list.is_main
        else f"<{absolute_url('mailing.archive')}>",
        "Precedence": "list",
        "Auto-Submitted": "auto-generated",
    }
    if mailing_list.post_address:
        headers["List-Post"] = f"<mailto:{mailing_list.post_address}>"
    return headers


@dataclass
class _Rendered:
    subject: str
    text: str
    html: str


def _render_for(post: Post, language: str) -> _Rendered:
    body = post_body(post, language)
    mail = render_mail(
        "mailing/emails/post", language,
        subject=post_subject(post, language),
        text=markdown_to_text(body),
        content=render_markdown(body),
        list_name=list_name(post.mailing_list, language),
        archive_url=absolute_url("mailing.post", post_id=post.id),
        manage_url=PLACEHOLDER_MANAGE,
        unsubscribe_url=PLACEHOLDER_UNSUBSCRIBE,
    )
    return _Rendered(mail.subject, mail.text, mail.html or "")


def queue_post(post: Post) -> int:
    """One outbox row per confirmed, active, not failing subscriber, in the caller's transaction.

    The post is rendered once per language and the links are built once; each row only gets its recipient's own
    unsubscribe and manage tokens. The rows are written with a few multi-row INSERTs (idempotent: a post queued
    twice reaches each address once).
    """
    mailing_list = post.mailing_list
    rendered: dict[str, _Rendered] = {}
    statement = recipients_statement(mailing_list).with_only_columns(
        Subscriber.id, Subscriber.email, Subscriber.language)
    links = _ListLinks(mailing_list)
    rows = []
    for subscriber in db.session.execute(statement):
        language = subscriber.language or "fi"
        if language not in rendered:
            rendered[language] = _render_for(post, language)
        content = rendered[language]
        rows.append(list_message_values(mailing_list, subscriber, post.message_key, content.subject, content.text,
                                        content.html, links=links))
    queue_many(rows)
    post.status = QUEUED
    post.queued_at = utcnow()
    post.recipient_count = len(rows)
    return len(rows)


class _ListLinks:
    """The parts of a list message's links and headers that are the same for every recipient, built once."""

    TOKEN = "TOKEN0PLACEHOLDER"

    def __init__(self, mailing_list: MailingList) -> None:
        self.domain = mail_domain()
        self.unsubscribe = absolute_url("mailing.unsubscribe", token=self.TOKEN)
        self.manage = absolute_url("mailing.manage", token=self.TOKEN)
        self.headers = list_headers(mailing_list, self.unsubscribe, self.TOKEN)

    def personal(self, unsubscribe: str, manage: str) -> tuple[str, str, dict[str, str]]:
        """(unsubscribe URL, manage URL, headers) for one recipient's tokens (URL-safe: no escaping needed)."""
        headers = dict(self.headers)
        headers["List-Unsubscribe"] = headers["List-Unsubscribe"].replace(self.TOKEN, unsubscribe)
        return self.unsubscribe.replace(self.TOKEN, unsubscribe), self.manage.replace(self.TOKEN, manage), headers


def list_message_values(mailing_list: MailingList, subscriber: Any, key: str, subject: str, text: str,
                        html: str | None, *, links: _ListLinks | None = None) -> dict[str, Any]:
    """The outbox row of a list message to one subscriber (anything with `id` and `email`): personal unsubscribe
    and manage links in the text, the HTML and the list headers.
    """
    links = links or _ListLinks(mailing_list)
    unsubscribe_url, manage_url, headers = links.personal(unsubscribe_token(subscriber, mailing_list),
                                                          manage_token(subscriber))
    return outbox_values(
        subscriber.email, subject,
        text.replace(PLACEHOLDER_UNSUBSCRIBE, unsubscribe_url).replace(PLACEHOLDER_MANAGE, manage_url),
        key=key,
        body_html=html.replace(PLACEHOLDER_UNSUBSCRIBE, unsubscribe_url).replace(PLACEHOLDER_MANAGE, manage_url)
        if html is not None else None,
        headers=headers,
        list_id=mailing_list.id,
        domain=links.domain,
    )


def queue_list_message(
    mailing_list: MailingList,
    subscriber: Subscriber,
    key: str,
    subject: str,
    text: str,
    html: str | None,
    *,
    calendar: str | None = None,
    calendar_method: str | None = None,
) -> OutboxMessage:
    """Queue a list message to one subscriber with personal unsubscribe and manage links and the list headers."""
    token = unsubscribe_token(subscriber, mailing_list)
    unsubscribe_url = absolute_url("mailing.unsubscribe", token=token)
    manage_url = absolute_url("mailing.manage", token=manage_token(subscriber))

    def personal(value: str | None) -> str | None:
        if value is None:
            return None
        return value.replace(PLACEHOLDER_UNSUBSCRIBE, unsubscribe_url).replace(PLACEHOLDER_MANAGE, manage_url)

    message = queue_mail(
        subscriber.email,
        subject,
        personal(text) or "",
        key=key,
        body_html=personal(html),
        headers=list_headers(mailing_list, unsubscribe_url, token),
        calendar=calendar,
        calendar_method=calendar_method,
        list_id=mailing_list.id,
    )
    return message


# --- progress -------------------------------------------------------------------------------------------------


@dataclass
class Progress:
    """Delivery progress of one post: its outbox rows counted by state."""

    sent: int = 0
    waiting: int = 0
    failed: int = 0
    skipped: int = 0
    failures: list[dict[str, str]] = field(default_factory=list)

    @property
    def total(self) -> int:
        """All recipients of the post."""
        return self.sent + self.waiting + self.failed + self.skipped

    @property
    def done(self) -> bool:
        """Whether nothing is left to send."""
        return self.waiting == 0

    def as_dict(self) -> dict[str, Any]:
        """The counts as a JSON-ready dict (the progress endpoint's answer)."""
        return {
            "sent": self.sent,
            "waiting": self.waiting,
            "failed": self.failed,
            "skipped": self.skipped,
            "total": self.total,
            "done": self.done,
            "failures": self.failures,
        }


def progress(key_filter: Any, failure_limit: int = 50) -> Progress:
    """Delivery counts for outbox rows matching `key_filter` (a SQL condition on OutboxMessage)."""
    result = Progress()
    rows = db.session.execute(
        select(OutboxMessage.status, func.count(OutboxMessage.id)).where(key_filter).group_by(OutboxMessage.status)
    )
    for status, count in rows:
        if status == SENT:
            result.sent = count
        elif status == PENDING:
            result.waiting = count
        elif status == FAILED:
            result.failed = count
        elif status == SKIPPED:
            result.skipped = count
    failures = db.session.execute(
        select(OutboxMessage.recipient, OutboxMessage.status, OutboxMessage.last_error)
        .where(key_filter, OutboxMessage.last_error.is_not(None))
        .order_by(OutboxMessage.id)
        .limit(failure_limit)
    )
    result.failures = [
        {"recipient": recipient, "status": status, "reason": error or ""} for recipient, status, error in failures
    ]
    return result


def post_progress(post: Post) -> Progress:
    """Delivery counts of a post's messages."""
    return progress(OutboxMessage.message_key == post.message_key)
