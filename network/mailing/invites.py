"""Meeting invitations to a list as iMIP messages (RFC 6047), their updates and cancellations, and RSVP links.

Calendar text comes from network/calendar/ics.py (the icalendar package); this module decides who gets what.
Updates: meetings send `meeting_changed` inside their transaction after raising SEQUENCE; the calendar domain's
one notification rule (calendar.notices.notify_holders) asks `invited_holders` (registered in hooks.py) who was
invited and queues an outbox row per invited address in that same transaction (same UID, the new SEQUENCE;
METHOD:CANCEL when the meeting was cancelled).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import partial
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..calendar.ics import invite_calendar
from ..calendar.notices import Holder
from ..extensions import db
from ..i18n import localized
from ..links import absolute_url
from ..mail.models import OutboxMessage
from ..mail.outbox import queue_mail
from ..mail.templates import render_mail
from ..meetings import queries
from ..meetings.models import ONLINE, Meeting, MeetingRegistration
from ..meetings.registration import find_registration, respond_by_email
from ..rules import RuleError
from ..timeutil import utcnow
from ..tokens import TokenError, make_token, read_token
from .lists import list_name
from .models import MailingList, MeetingInvitation, Subscriber
from .posts import PLACEHOLDER_MANAGE, PLACEHOLDER_UNSUBSCRIBE, Progress, lock_list, progress, queue_list_message
from .subscriptions import (
    find_subscriber,
    is_active_subscriber,
    is_failing,
    recipients_by_language,
    recipients_statement,
)

log = logging.getLogger(__name__)

RSVP_PURPOSE = "mailing-rsvp"
RSVP_MAX_AGE = 400 * 24 * 3600
ANSWERS = ("yes", "remote", "no")
REQUEST = "REQUEST"
CANCEL = "CANCEL"
# Through which channel an invitee answered: the RSVP links in the invite, or the calendar client (iMIP REPLY).
LINK = "link"
CALENDAR = "calendar"


class InviteError(RuleError):
    """A refusal by a mailing rule."""


def get_meeting(meeting_id: int | None) -> Meeting | None:
    """The meeting with this id, or None."""
    return queries.get_meeting(meeting_id)


def invitable_meetings() -> list[Meeting]:
    """Meetings one can still invite a list to: scheduled and not over, soonest first."""
    return queries.invitable(queries.NETWORK)


def invite_key(meeting: Meeting, method: str) -> str:
    """The outbox key of one version (SEQUENCE) and method of a meeting's invite."""
    return f"invite:{meeting.id}:{meeting.sequence or 0}:{method}"


def answers_for(meeting: Meeting) -> tuple[str, ...]:
    """Yes / Remote / No as far as the meeting allows: 'remote' only when it can be followed online."""
    if meeting.mode == ONLINE:
        return ("remote", "no")
    if getattr(meeting, "is_online", False):
        return ANSWERS
    return ("yes", "no")


def rsvp_token(meeting: Meeting, email: str, name: str | None) -> str:
    """The signed token of the answer links in an invite to `email`."""
    return make_token(RSVP_PURPOSE, {"m": meeting.id, "e": email, "n": name or ""})


def read_rsvp_token(token: str) -> tuple[Meeting, str, str]:
    """The meeting, address and name of an answer link's token; raises TokenError (expired or invalid)."""
    payload = read_token(RSVP_PURPOSE, token, RSVP_MAX_AGE)
    if not isinstance(payload, dict):
        raise TokenError("invalid")
    meeting = get_meeting(payload.get("m"))
    if meeting is None or not payload.get("e"):
        raise TokenError("invalid")
    return meeting, payload["e"], payload.get("n") or ""


@dataclass
class _Content:
    subject: str
    text: str
    html: str
    calendar: str


def _content(meeting: Meeting, method: str, change: str, email: str, name: str, language: str,
             mailing_list: MailingList | None, changes: list | None = None) -> _Content:
    calendar = invite_calendar(meeting, method, email, name or None).decode("utf-8")
    token = rsvp_token(meeting, email, name)
    cancelled = change == "cancelled"
    links = [] if cancelled else [
        (answer, absolute_url("mailing.rsvp", token=token, answer=answer, lang=language)) for answer in answers_for(meeting)
    ]
    mail = render_mail(
        "mailing/emails/invite", language, meeting=meeting, cancelled=cancelled, updated=change == "updated",
        title=localized(meeting.title_fi, meeting.title_sv, language=language), place=meeting.location_text,
        links=links, meeting_url=absolute_url("meetings.detail", meeting_id=meeting.id, lang=language),
        list_name=list_name(mailing_list, language) if mailing_list is not None else None,
        manage_url=PLACEHOLDER_MANAGE, unsubscribe_url=PLACEHOLDER_UNSUBSCRIBE, changes=changes or [],
    )
    return _Content(mail.subject, mail.text, mail.html or "", calendar)


def _queue(meeting: Meeting, method: str, change: str, invitation: MeetingInvitation,
           mailing_list: MailingList | None, subscriber: Subscriber | None,
           changes: list | None = None) -> OutboxMessage:
    content = _content(meeting, method, change, invitation.email, invitation.name, invitation.language, mailing_list,
                       changes)
    key = invite_key(meeting, method)
    if mailing_list is not None and subscriber is not None:
        message = queue_list_message(
            mailing_list, subscriber, key, content.subject, content.text, content.html,
            calendar=content.calendar, calendar_method=method,
        )
    else:
        strip = {PLACEHOLDER_MANAGE: "", PLACEHOLDER_UNSUBSCRIBE: ""}
        text, html = content.text, content.html
        for placeholder, value in strip.items():
            text, html = text.replace(placeholder, value), html.replace(placeholder, value)
        message = queue_mail(invitation.email, content.subject, text, key=key, body_html=html,
                             calendar=content.calendar, calendar_method=method)
    invitation.last_sequence = meeting.sequence or 0
    invitation.last_method = method
    return message


def _check_invitable(meeting: Meeting) -> None:
    if meeting.is_cancelled:
        raise InviteError(str(_l("A cancelled meeting cannot be sent as an invitation.")), "meeting")
    if meeting.is_past:
        raise InviteError(str(_l("The meeting is already over.")), "meeting")


@dataclass
class InvitePreview:
    """What sending an invitation would do: the list's recipients (all, by language), how many of them already
    have this version of the invitation (not sent again), and the mail as each language's readers get it.
    """

    recipients: int
    by_language: list[tuple[str, int]]
    already: int
    # (language, subject, text) for each language that has readers on the list (Finnish when nobody does)
    mails: list[tuple[str, str, str]]


PREVIEW_ADDRESS = "vastaanottaja@example.invalid"


def invite_preview(meeting: Meeting, mailing_list: MailingList) -> InvitePreview:
    """The confirmation step before `send_invites`: who would get the invitation and what it says; changes nothing.

    Takes the meeting and the list; returns an InvitePreview. Raises InviteError as `send_invites` does (a cancelled
    or past meeting). The answer links in the shown text carry no working token.
    """
    _check_invitable(meeting)
    counts = recipients_by_language(mailing_list)
    recipients = recipients_statement(mailing_list).order_by(None).with_only_columns(Subscriber.email).subquery()
    already = db.session.scalar(
        select(func.count(OutboxMessage.id)).where(OutboxMessage.message_key == invite_key(meeting, REQUEST),
                                                   OutboxMessage.recipient.in_(select(recipients.c.email)))) or 0
    token = rsvp_token(meeting, PREVIEW_ADDRESS, "")
    mails = []
    for language in [code for code in ("fi", "sv", "en") if counts.get(code)] or ["fi"]:
        content = _content(meeting, REQUEST, "invited", PREVIEW_ADDRESS, "", language, mailing_list)
        text = content.text.replace(token, "…").replace(PLACEHOLDER_MANAGE, "…").replace(PLACEHOLDER_UNSUBSCRIBE, "…")
        mails.append((language, content.subject, text))
    return InvitePreview(sum(counts.values()), [(code, counts.get(code, 0)) for code in ("fi", "sv", "en")],
                         already, mails)


def send_invites(meeting: Meeting, mailing_list: MailingList) -> int:
    """Queue the meeting's invite (METHOD:REQUEST) to every recipient of the list (caller commits).

    Addresses already invited to this version of the meeting are not invited twice. Returns how many were queued.
    """
    _check_invitable(meeting)
    # Two sends at the same instant run one after the other; the second finds everyone already invited.
    lock_list(mailing_list)
    existing = {
        i.email: i
        for i in db.session.scalars(select(MeetingInvitation).where(MeetingInvitation.meeting_id == meeting.id))
    }
    already = set(
        db.session.scalars(
            select(OutboxMessage.recipient).where(OutboxMessage.message_key == invite_key(meeting, REQUEST))
        )
    )
    count = 0
    for subscriber in db.session.scalars(recipients_statement(mailing_list)):
        if subscriber.email in already:
            continue
        invitation = existing.get(subscriber.email)
        if invitation is None:
            invitation = MeetingInvitation(meeting_id=meeting.id, email=subscriber.email)
            db.session.add(invitation)
        invitation.list_id = mailing_list.id
        invitation.name = subscriber.name or ""
        invitation.language = subscriber.language or "fi"
        _queue(meeting, REQUEST, "invited", invitation, mailing_list, subscriber)
        count += 1
    return count


def invited_holders(meeting: Meeting, change: str = "updated") -> list[Holder]:
    """Place-holder source for the calendar domain's one notification rule (registered in hooks.py, order 10):
    every address invited to the meeting, told by mailing's own update (same UID, the new SEQUENCE, answer links,
    the list's footer) or METHOD:CANCEL.

    An address already told of this version, cancelled once or failing is claimed without a mail (so no other
    source mails it); one no longer on the list and not registered is left to the other sources. Takes the meeting
    and "updated" / "cancelled"; returns the holders. Raises nothing.
    """
    method = CANCEL if change == "cancelled" else REQUEST
    invitations = list(
        db.session.scalars(select(MeetingInvitation).where(MeetingInvitation.meeting_id == meeting.id))
    )
    if not invitations:
        return []
    key = invite_key(meeting, method)
    already = set(db.session.scalars(select(OutboxMessage.recipient).where(OutboxMessage.message_key == key)))
    holders = []
    for invitation in invitations:
        claim = Holder(invitation.email, invitation.name or invitation.email, invitation.language, notify=_told)
        if invitation.email in already:
            holders.append(claim)
            continue
        if (invitation.last_sequence, invitation.last_method) == (meeting.sequence or 0, method):
            log.warning("meeting %s changed without a higher SEQUENCE; no update sent", meeting.id)
            holders.append(claim)
            continue
        if invitation.last_method == CANCEL or is_failing(invitation.email):
            holders.append(claim)  # cancelled once: nothing more to tell; a failing address gets nothing
            continue
        if not _still_wants_updates(meeting, invitation):
            continue
        mailing_list = db.session.get(MailingList, invitation.list_id) if invitation.list_id else None
        subscriber = find_subscriber(invitation.email)
        holders.append(Holder(
            invitation.email, invitation.name or invitation.email, invitation.language,
            notify=partial(_queue_update, meeting, method, change, invitation, mailing_list, subscriber),
        ))
    return holders


def _told(changes: list) -> None:
    """A holder claimed without a mail."""


def _queue_update(meeting: Meeting, method: str, change: str, invitation: MeetingInvitation,
                  mailing_list: MailingList | None, subscriber: Subscriber | None, changes: list) -> None:
    _queue(meeting, method, change, invitation, mailing_list, subscriber, changes=changes)


def on_meeting_changed(meeting: Meeting, change: str = "updated", **_: Any) -> None:
    """Tell only the invitees (the update or CANCEL of `invited_holders`); the app itself goes through
    calendar.notices.notify_holders, which also reaches registrations without an invitation.
    """
    for holder in invited_holders(meeting, change):
        if holder.notify is not None:
            holder.notify([])


def _still_wants_updates(meeting: Meeting, invitation: MeetingInvitation) -> bool:
    """Still subscribed to the list the invite came through, or registered for the meeting (then the calendar
    entry must follow the meeting even after unsubscribing from the list).
    """
    if invitation.list_id and is_active_subscriber(invitation.email, invitation.list_id):
        return True
    registration = find_registration(meeting, invitation.email)
    return bool(registration is not None and registration.is_active)


def invite_progress(meeting_id: int) -> Progress:
    """Delivery counts of every invite, update and cancellation of the meeting."""
    return progress(OutboxMessage.message_key.like(f"invite:{meeting_id}:%"))


def invited_count(meeting_id: int) -> int:
    """How many addresses were sent this meeting's invite."""
    return db.session.scalar(
        select(func.count(MeetingInvitation.id)).where(MeetingInvitation.meeting_id == meeting_id)
    ) or 0


def respond(token: str, answer: str) -> MeetingRegistration:
    """Register the answer from an invite link; raises TokenError, InviteError or the meetings' RegistrationError."""
    if answer not in ANSWERS:
        raise InviteError(str(_l("Not a valid choice.")))
    meeting, email, name = read_rsvp_token(token)
    registration = respond_by_email(meeting, email, name, answer)
    record_answer(meeting, email, "yes" if answer in ("yes", "remote") else "no", LINK)
    return registration


def record_answer(meeting: Meeting, email: str, answer: str, channel: str) -> MeetingInvitation | None:
    """Note an invitee's answer ("yes", "no", "maybe") and its channel (LINK or CALENDAR); flushes.

    Returns the invitation, or None when the address was not invited (a registrant answering from elsewhere).
    """
    invitation = db.session.scalar(
        select(MeetingInvitation).where(MeetingInvitation.meeting_id == meeting.id, MeetingInvitation.email == email))
    if invitation is not None:
        invitation.answer = answer
        invitation.answer_channel = channel
        invitation.answered_at = utcnow()
        db.session.flush()
    return invitation


def answer_counts(meeting_id: int) -> dict[tuple[str, str], int]:
    """{(answer, channel): count} of the invitees' answers: answer "yes", "no" or "maybe", channel "link" or
    "calendar".
    """
    rows = db.session.execute(
        select(MeetingInvitation.answer, MeetingInvitation.answer_channel, func.count(MeetingInvitation.id))
        .where(MeetingInvitation.meeting_id == meeting_id, MeetingInvitation.answer.is_not(None))
        .group_by(MeetingInvitation.answer, MeetingInvitation.answer_channel)
    )
    return {(answer, channel or LINK): count for answer, channel, count in rows}
