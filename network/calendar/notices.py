"""Mails with a meeting's calendar entry to people holding a place: the registration confirmation (METHOD:REQUEST,
the person as ATTENDEE with PARTSTAT=ACCEPTED, a link to cancel) and, when someone gives up their place, a
METHOD:CANCEL. Queued in the caller's transaction from the meetings domain's `registration_changed` signal.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..extensions import db
from ..i18n import localized
from ..links import absolute_url
from ..mail.outbox import queue_mail
from ..mail.templates import render_mail
from ..meetings.models import REGISTERED, WAITLISTED, Meeting, MeetingRegistration
from ..meetings.registration import registrant_language
from ..timeutil import utcnow
from .ics import ACCEPTED, CANCEL, REQUEST, invite_calendar

TEMPLATES = {
    "registered": "meetings/emails/registered",
    "promoted": "meetings/emails/promoted",
    "cancelled": "meetings/emails/registration_cancelled",
}


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
        url=absolute_url("meetings.detail", meeting_id=meeting.id, lang=language), **context,
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


# --- Everyone holding a place is told of every change (issue 12) -------------------------------------------------

CHANGE_LABELS = {
    "starts_at": _l("time"),
    "ends_at": _l("time"),
    "mode": _l("place"),
    "venue": _l("place"),
    "address": _l("place"),
    "online_url": _l("online link"),
    "title_fi": _l("title"),
    "title_sv": _l("title"),
    "description_fi": _l("description"),
    "description_sv": _l("description"),
}


@dataclass
class Holder:
    """Someone holding a place in a meeting. `notify(change_labels)`, when given, sends that domain's own update
    (e.g. an invite with answer links) instead of the calendar domain's; a no-op `notify` claims the address
    without a mail.
    """

    email: str
    name: str
    language: str
    notify: Callable[[list], None] | None = None


HolderSource = Callable[[Meeting, str], Iterable[Holder]]
_SOURCES: list[tuple[int, HolderSource]] = []


def place_holders(order: int) -> Callable[[HolderSource], HolderSource]:
    """Register `source(meeting, change) -> Iterable[Holder]`: people who hold a place in the meeting.

    Lower `order` first; an address is told once, by the first source that names it. Registered in a domain's
    hooks.py: the calendar domain adds registrations (registered and waiting list, order 50), mailing its invitees
    (order 10, their update carries the answer links); the groups domain adds a group's members for the group's
    meetings the same way (`place_holders(30)(group_members)`). Returns the source unchanged.
    """
    def register(source: HolderSource) -> HolderSource:
        _SOURCES.append((order, source))
        _SOURCES.sort(key=lambda item: item[0])
        return source
    return register


def registered_holders(meeting: Meeting, change: str) -> list[Holder]:
    """Registrations holding a place: registered and on the waiting list."""
    registrations = db.session.scalars(
        select(MeetingRegistration)
        .where(MeetingRegistration.meeting_id == meeting.id,
               MeetingRegistration.status.in_((REGISTERED, WAITLISTED)),
               MeetingRegistration.email.is_not(None))
        .order_by(MeetingRegistration.id)
    )
    return [Holder(r.email, r.name or r.email, registrant_language(r)) for r in registrations]


def change_labels(fields: Iterable[str]) -> list:
    """What changed, as labels for the mail's first line ("time, place"), each once, in field order."""
    labels: list = []
    for name in fields:
        label = CHANGE_LABELS.get(name)
        if label is not None and all(str(label) != str(seen) for seen in labels):
            labels.append(label)
    return labels


def notify_holders(meeting: Meeting, change: str = "updated", fields: Iterable[str] = (), **_: object) -> int:
    """The one notification rule: everyone holding a place gets METHOD:REQUEST (the meeting's raised SEQUENCE, a
    new DTSTAMP) on a change, METHOD:CANCEL on cancellation; each address once, in the person's language, the
    change stated in the mail's first line. Receiver of meetings' `meeting_changed`.

    Takes the meeting, "updated" or "cancelled" and the changed fields; returns how many people were told (by this
    domain's mail or a source's own). Raises nothing of its own. Standard: RFC 5546 (SEQUENCE, DTSTAMP), RFC 6047.
    """
    method = CANCEL if change == "cancelled" else REQUEST
    labels = change_labels(fields)
    seen: set[str] = set()
    told = 0
    for _order, source in list(_SOURCES):
        for holder in source(meeting, change):
            address = holder.email.strip().lower()
            if not address or address in seen:
                continue
            seen.add(address)
            told += 1
            if holder.notify is not None:
                holder.notify(labels)
                continue
            queue_calendar_mail(
                meeting, email=address, name=holder.name, language=holder.language, method=method,
                template="meetings/emails/meeting_changed", key=f"meeting-change:{meeting.id}:{meeting.sequence}:{method}",
                cancelled=change == "cancelled", changes=labels,
            )
    return told


place_holders(50)(registered_holders)
