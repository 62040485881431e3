"""Messages to a meeting's participants: practical details or a change of room, written by a coordinator (or a
working group's chair for its meetings) to everyone holding a place, sent through the outbox and kept.

Invitees are known to the mailing domain, a higher layer: it registers a source with `invitee_source`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..audit.trail import record_change
from ..extensions import db
from ..links import absolute_url
from ..mail.templates import queue_template_mail
from ..text import has_line_break
from ..timeutil import utcnow
from .errors import MeetingError
from .models import ACTIVE_STATUSES, Meeting, MeetingMessage, MeetingRegistration

MAX_SUBJECT = 200
MAX_BODY = 20000
TEMPLATE = "meetings/emails/participants_message"


@dataclass(frozen=True)
class Recipient:
    """One address a message goes to, with the name and language of its frame."""

    email: str
    name: str
    language: str


InviteeSource = Callable[[Meeting], Iterable[tuple[str, str, str]]]
_invitee_sources: list[InviteeSource] = []


def invitee_source(source: InviteeSource) -> InviteeSource:
    """Register `source(meeting) -> [(email, name, language)]`: the people invited to a meeting (the mailing
    domain's invitations). Returns the source (a decorator).
    """
    _invitee_sources.append(source)
    return source


def recipients(meeting: Meeting, include_invitees: bool = False) -> list[Recipient]:
    """Everyone holding a place (registered or on the waiting list) and, with `include_invitees`, those invited;
    each address once, in address order.
    """
    found: dict[str, Recipient] = {}
    rows = db.session.scalars(select(MeetingRegistration).where(
        MeetingRegistration.meeting_id == meeting.id, MeetingRegistration.status.in_(ACTIVE_STATUSES),
        MeetingRegistration.email.is_not(None)))
    for row in rows:
        language = getattr(row.user, "language", None) or "fi"
        found.setdefault(row.email.lower(), Recipient(row.email, row.name or "", language))
    if include_invitees:
        for source in _invitee_sources:
            for email, name, language in source(meeting):
                found.setdefault(email.lower(), Recipient(email, name or "", language or "fi"))
    return [found[key] for key in sorted(found)]


def check_message(meeting: Meeting, subject: str, body: str, include_invitees: bool = False) -> list[Recipient]:
    """Every problem of a message at once (subject on one line, a body, someone to send to); returns the
    recipients. Raises MeetingError {"subject"/"body"/None: message}.
    """
    errors: dict[str | None, object] = {}
    subject, body = (subject or "").strip(), (body or "").strip()
    if not subject:
        errors["subject"] = _l("This field is required.")
    elif has_line_break(subject) or len(subject) > MAX_SUBJECT:
        errors["subject"] = _l("The subject must be one line of at most 200 characters.")
    if not body:
        errors["body"] = _l("This field is required.")
    elif len(body) > MAX_BODY:
        errors["body"] = _l("The message can be at most 20,000 characters.")
    people = recipients(meeting, include_invitees)
    if not people:
        errors[None] = _l("Nobody holds a place at this meeting yet: there is no one to write to.")
    if errors:
        raise MeetingError(errors=errors)
    return people


def send_message(meeting: Meeting, subject: str, body: str, actor: object = None,
                 include_invitees: bool = False) -> MeetingMessage:
    """Write to the meeting's participants: one outbox row each (in their language's frame, the text as
    written), the message kept on the meeting; audited; flushes.

    Returns the kept message; raises MeetingError (see `check_message`).
    """
    people = check_message(meeting, subject, body, include_invitees)
    message = MeetingMessage(meeting=meeting, subject=subject.strip(), body=body.strip(),
                             include_invitees=include_invitees, recipient_count=len(people),
                             sent_by_id=getattr(actor, "id", None), sent_at=utcnow())
    db.session.add(message)
    db.session.flush()
    url = absolute_url("meetings.detail", meeting_id=meeting.id)
    for person in people:
        queue_template_mail(person.email, TEMPLATE, person.language, key=f"meeting-message-{message.id}",
                            name=person.name, meeting=meeting, subject=message.subject, body=message.body, url=url)
    record_change(actor, "meeting.message", "meeting", meeting.id, summary=message.subject)
    return message
