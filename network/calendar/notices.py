"""Mails with a meeting's calendar entry to people holding a place: the registration confirmation (METHOD:REQUEST,
the person as ATTENDEE with PARTSTAT=ACCEPTED, a link to cancel) and, when someone gives up their place, a
METHOD:CANCEL. Queued in the caller's transaction from the meetings domain's `registration_changed` signal."""

from __future__ import annotations

from flask import current_app

from ..i18n import localized
from ..links import absolute_url
from ..mail.outbox import queue_mail
from ..mail.templates import render_mail
from ..meetings.models import Meeting, MeetingRegistration
from ..timeutil import utcnow
from .ics import ACCEPTED, CANCEL, REQUEST, invite_calendar

TEMPLATES = {
    "registered": "meetings/emails/registered",
    "promoted": "meetings/emails/promoted",
    "cancelled": "meetings/emails/registration_cancelled",
}


def registrant_language(registration: MeetingRegistration) -> str:
    """The language to write to a registrant in: their account's, else the network's default."""
    language = getattr(registration.user, "language", None)
    return language if language in current_app.config["LANGUAGES"] else current_app.config["BABEL_DEFAULT_LOCALE"]


def queue_calendar_mail(meeting: Meeting, *, email: str, name: str, language: str, method: str, template: str,
                        key: str, partstat: str = ACCEPTED, **context: object) -> None:
    """Render `template` in `language` and queue it to `email` with the meeting's iMIP entry attached.

    Takes the meeting, the recipient, the iTIP method (REQUEST or CANCEL), the template (path without extension),
    the outbox key and the template's extra context; returns nothing. Raises ValueError for another method.
    Standard: RFC 6047 (iMIP), RFC 5546 (iTIP).
    """
    calendar = invite_calendar(meeting, method, email, name or None, partstat=partstat).decode("utf-8")
    mail = render_mail(
        template, language, meeting=meeting, name=name or email,
        title=localized(meeting.title_fi, meeting.title_sv, language=language), place=meeting.location_text,
        url=absolute_url("meetings.detail", meeting_id=meeting.id), **context,
    )
    queue_mail(email, mail.subject, mail.text, key=key, body_html=mail.html, calendar=calendar,
               calendar_method=method)


def on_registration_changed(registration: MeetingRegistration, change: str) -> None:
    """Receiver of `registration_changed`: the confirmation (registered, promoted) or the CANCEL (cancelled)."""
    if not registration.email or change not in TEMPLATES:
        return
    meeting = registration.meeting
    method = CANCEL if change == "cancelled" else REQUEST
    queue_calendar_mail(
        meeting, email=registration.email, name=registration.name or registration.email,
        language=registrant_language(registration), method=method, template=TEMPLATES[change],
        key=f"meeting-{meeting.id}-{change}-{registration.id}-{int(utcnow().timestamp())}",
    )
