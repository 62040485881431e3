"""List posts as plain functions: validate, send now or schedule, fan out to the outbox, report progress."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

from flask_babel import lazy_gettext as _l
from sqlalchemy import Integer, String, Text, case, cast, func, literal, select, update
from sqlalchemy.orm import lazyload

from ..extensions import db
from ..links import absolute_url
from ..mail.models import FAILED, PENDING, SENT, SKIPPED, OutboxMessage
from ..mail.outbox import queue_mail, queue_select, store_body
from ..mail.templates import render_mail
from ..markup import markdown_to_text, render_markdown
from ..rules import RuleError
from ..text import has_line_break, search_key, single_line
from ..timeutil import as_utc, utcnow
from .links import mail_domain, unsubscribe_mailbox
from .lists import list_name
from .models import CANCELLED, QUEUED, SCHEDULED, MailingList, Post, Subscriber
from .subscriptions import link_tokens, manage_token, recipients_statement, unsubscribe_token

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
    subject_en: str | None = None
    body_en: str | None = None


def check_post(data: PostInput) -> None:
    """Raise PostError (with the field) for header injection, missing or oversized text."""
    for name in ("subject_fi", "subject_sv", "subject_en"):
        value = getattr(data, name) or ""
        if has_line_break(value):
            raise PostError(str(_l("The subject must be on one line.")), name)
        if len(value) > MAX_SUBJECT:
            raise PostError(str(_l("The subject is too long (at most %(max)d characters).", max=MAX_SUBJECT)), name)
    if not single_line(data.subject_fi):
        raise PostError(str(_l("This field is required.")), "subject_fi")
    if not (data.body_fi or "").strip():
        raise PostError(str(_l("This field is required.")), "body_fi")
    for name in ("body_fi", "body_sv", "body_en"):
        if len(getattr(data, name) or "") > MAX_BODY:
            raise PostError(
                str(_l("The text is too long (at most %(max)d characters). Shorten it or link to a document.",
                       max=MAX_BODY)),
                name,
            )
    if (data.body_sv or "").strip() and not single_line(data.subject_sv):
        raise PostError(str(_l("Give the Swedish subject too, or leave the Swedish text empty.")), "subject_sv")
    if (data.body_en or "").strip() and not single_line(data.subject_en):
        raise PostError(str(_l("Give the English subject too, or leave the English text empty.")), "subject_en")
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
        select(Post.status)
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
        raise PostError(resend_message(duplicate), "subject_fi")


def resend_message(status: str) -> str:
    """What to tell someone who sends the same post again, by the first one's status (translated): a scheduled
    post has not been sent yet, and saying it was would mislead.
    """
    if status == SCHEDULED:
        return str(_l("This post was already scheduled a moment ago. It is not scheduled twice."))
    return str(_l("This post was already sent to the list a moment ago. It is not sent twice."))


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
        subject_en=single_line(data.subject_en) or None,
        body_en=(data.body_en or "").replace("\r\n", "\n").strip() or None,
        status=SCHEDULED if data.send_at else QUEUED,
        scheduled_for=as_utc(data.send_at) if data.send_at else None,
    )
    post.mailing_list = mailing_list
    post.search_text = search_key(" ".join(filter(None, [post.subject_fi, post.subject_sv, post.subject_en,
                                                          post.body_fi, post.body_sv, post.body_en])))
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
    """The subject in `language`: the Swedish or English one only when the post has that text too."""
    return post.subject_in(language)


def post_body(post: Post, language: str) -> str:
    """The post's text (Markdown) in `language`, Finnish when there is none in that language."""
    return post.body_in(language)


def list_headers(mailing_list: MailingList, unsubscribe_url: str, unsubscribe_token_value: str,
                 language: str | None = None) -> dict[str, str]:
    """RFC 2369 / 2919 / 8058 headers for a list message to one recipient.

    Takes the list, the recipient's unsubscribe link and token, and the recipient's language: the web pages the
    headers point to (List-Archive, List-Help) open in it, as every link in the message does (`?lang=`).
    Returns the headers by name. Raises nothing.
    """
    mailto = f"mailto:{unsubscribe_mailbox()}?subject={quote('unsubscribe ' + unsubscribe_token_value)}"
    headers = {
        "List-Id": f"{single_line(mailing_list.name_fi)} <{mailing_list.slug}.lists.{mail_domain()}>",
        "List-Unsubscribe": f"<{unsubscribe_url}>, <{mailto}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "List-Archive": f"<{absolute_url('mailing.list_archive', slug=mailing_list.slug, lang=language)}>"
        if not mailing_list.is_main
        else f"<{absolute_url('mailing.archive', lang=language)}>",
        "List-Help": f"<{absolute_url('mailing.subscribe', lang=language)}>",
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


# The name under which `personal_links` fills a post body's placeholders (MailBody.personaliser).
PERSONALISER = "mailing-list"


def _render_for(post: Post, language: str, placeholders: dict[str, str]) -> _Rendered:
    body = post_body(post, language)
    mail = render_mail(
        "mailing/emails/post", language,
        subject=post_subject(post, language),
        text=markdown_to_text(body),
        content=render_markdown(body),
        list_name=list_name(post.mailing_list, language),
        finnish_only=post.finnish_only_for(language),
        archive_url=absolute_url("mailing.post", post_id=post.id, lang=language),
        manage_url=absolute_url("mailing.manage", token=placeholders["manage"], lang=language),
        unsubscribe_url=absolute_url("mailing.unsubscribe", token=placeholders["unsubscribe"], lang=language),
    )
    return _Rendered(mail.subject, mail.text, mail.html or "")


def _store_bodies(post: Post, languages: list[str]) -> tuple[dict[str, int], dict[str, str]]:
    """The post rendered once per language and stored once (a `MailBody` each); returns body ids and subjects by
    language. The recipient's own unsubscribe and manage tokens are placeholders, random for each body so that
    nothing a post says can be taken for one, filled by `personal_links` when the worker composes a message.
    """
    mailing_list = post.mailing_list
    bodies: dict[str, int] = {}
    subjects: dict[str, str] = {}
    for language in languages:
        placeholders = {"unsubscribe": f"u{secrets.token_hex(16)}", "manage": f"m{secrets.token_hex(16)}"}
        content = _render_for(post, language, placeholders)
        headers = list_headers(mailing_list, absolute_url("mailing.unsubscribe", token=placeholders["unsubscribe"],
                                                          lang=language), placeholders["unsubscribe"], language)
        bodies[language] = store_body(f"{post.message_key}:{language}", content.text, body_html=content.html or None,
                                      headers=headers, personaliser=PERSONALISER, placeholders=placeholders)
        subjects[language] = single_line(content.subject)
    return bodies, subjects


def queue_post(post: Post) -> int:
    """One outbox row per confirmed, active, not failing subscriber, in the caller's transaction; returns how many.

    The post is rendered once per language of its recipients and stored once per language (`_store_bodies`); the
    rows, which only point at their language's body, are written by one INSERT ... SELECT over the recipients
    (idempotent: a post queued twice reaches each address once).
    """
    mailing_list = post.mailing_list
    recipients = recipients_statement(mailing_list)
    language = func.coalesce(Subscriber.language, "fi")
    languages = sorted(set(db.session.scalars(recipients.with_only_columns(language).distinct().order_by(None))))
    if languages:
        bodies, subjects = _store_bodies(post, languages)
        default = "fi" if "fi" in bodies else languages[0]
        # Message-IDs unique to this queueing, the same for a row whenever it is sent again.
        prefix = f"<{post.message_key.replace(':', '-')}.{secrets.token_hex(8)}."
        queue_select(
            recipients.with_only_columns(
                literal(post.message_key, String),
                Subscriber.email,
                case(subjects, value=language, else_=subjects[default]),
                literal("", Text),
                case(bodies, value=language, else_=bodies[default]),
                literal(prefix, String) + cast(Subscriber.id, String) + literal(f"@{mail_domain()}>", String),
                literal(mailing_list.id, Integer),
                literal(str(PENDING), String),
                literal(0, Integer),
                literal(utcnow(), OutboxMessage.__table__.c.next_attempt_at.type),
            ),
            ["message_key", "recipient", "subject", "body_text", "body_id", "message_id", "list_id", "status",
             "attempts", "next_attempt_at"],
        )
    post.status = QUEUED
    post.queued_at = utcnow()
    post.recipient_count = db.session.scalar(
        select(func.count(OutboxMessage.id)).where(OutboxMessage.message_key == post.message_key)) or 0
    return post.recipient_count


def personal_links(rows: list[Any]) -> dict[int, dict[str, str]]:
    """The delivery worker's personaliser of post bodies (registered in hooks.py): each row's unsubscribe and
    manage tokens, by outbox row id.

    Takes outbox rows (with `id`, `recipient` and `list_id`); one query for the batch. A row whose address is no
    longer a subscriber, or that is not list traffic, is left out (it then fails alone).
    """
    ids = dict(db.session.execute(
        select(Subscriber.email, Subscriber.id).where(Subscriber.email.in_({row.recipient for row in rows}))).all())
    values: dict[int, dict[str, str]] = {}
    for row in rows:
        subscriber_id = ids.get(row.recipient)
        if subscriber_id is not None and row.list_id is not None:
            unsubscribe, manage = link_tokens(subscriber_id, row.recipient, row.list_id)
            values[row.id] = {"unsubscribe": unsubscribe, "manage": manage}
    return values


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
    language = getattr(subscriber, "language", None)
    unsubscribe_url = absolute_url("mailing.unsubscribe", token=token, lang=language)
    manage_url = absolute_url("mailing.manage", token=manage_token(subscriber), lang=language)

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
        headers=list_headers(mailing_list, unsubscribe_url, token, language),
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
