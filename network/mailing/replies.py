"""Mail that comes back to the network: calendar replies to invites (iMIP REPLY) and mailto unsubscribe requests.

Both are inbound handlers (registered in hooks.py into network/mail/inbound.py); each returns None when a message
is not for it, else a HandlerResult. They flush and never commit (handle_inbound commits or rolls back).

- A calendar REPLY (RFC 5546 3.2.3, RFC 6047) is matched by its UID to a meeting and by its ATTENDEE to an invitee
  or registrant; its PARTSTAT answers through `respond_by_email`, the same rule as the RSVP links (capacity,
  deadline, waiting list). A reply whose sender is not the ATTENDEE, to an older SEQUENCE, or for a cancelled
  meeting changes nothing.
- A message to the unsubscribe mailbox carrying the subscriber's signed token (in the address as
  `unsubscribe+<token>@...` or in the subject as `unsubscribe <token>`) ends that subscription; nothing is sent to
  the claimed sender.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import parseaddr

from icalendar import Calendar
from sqlalchemy import select

from ..emails import InvalidAddress, normalize_email
from ..extensions import db
from ..i18n import localized
from ..links import absolute_url
from ..mail.inbound import HandlerResult, Inbound
from ..mail.models import InboundStatus
from ..mail.templates import queue_template_mail
from ..meetings.models import REMOTE, Meeting, MeetingRegistration
from ..meetings.registration import find_registration, respond_by_email
from ..rules import RuleError
from ..timeutil import utcnow
from ..tokens import TokenError
from .invites import CALENDAR, record_answer
from .links import unsubscribe_mailbox
from .models import MeetingInvitation
from .subscriptions import read_unsubscribe_token, unsubscribe

CALENDAR_TYPES = ("text/calendar", "application/ics")
# iCalendar PARTSTAT -> the answer recorded on the invitation (and the RSVP answer it stands for).
PARTSTATS = {"ACCEPTED": "yes", "DECLINED": "no", "TENTATIVE": "maybe"}


# --- calendar replies -------------------------------------------------------------------------------------------


def _calendar_parts(message: EmailMessage) -> list[EmailMessage]:
    parts = []
    for part in message.walk():
        filename = (part.get_filename() or "").lower()
        if part.get_content_type() in CALENDAR_TYPES or filename.endswith(".ics"):
            parts.append(part)
    return parts


def _text(part: EmailMessage) -> str:
    payload = part.get_payload(decode=True) or b""
    charset = part.get_content_charset() or "utf-8"
    try:
        return payload.decode(charset, "replace")
    except LookupError:
        return payload.decode("utf-8", "replace")


def _reply_calendar(message: EmailMessage) -> tuple[Calendar | None, str | None]:
    """The REPLY among the message's calendar parts: (calendar, None), or (None, why not)."""
    problems = []
    for part in _calendar_parts(message):
        try:
            calendar = Calendar.from_ical(_text(part))
        except Exception as exc:
            problems.append(f"the calendar does not parse ({exc.__class__.__name__})")
            continue
        method = str(calendar.get("METHOD") or part.get_param("method") or "").upper()
        if method == "REPLY":
            return calendar, None
        problems.append(f"a calendar with METHOD:{method or 'none'}, not a REPLY")
    return None, "; ".join(problems) or "no calendar"


def _address(value: object) -> str:
    text = str(value or "").strip()
    if text.lower().startswith("mailto:"):
        text = text[7:]
    try:
        return normalize_email(text)
    except InvalidAddress:
        return ""


@dataclass
class _Reply:
    meeting: Meeting
    email: str
    partstat: str
    name: str
    sequence: int
    invitation: MeetingInvitation | None


def _find_reply(message: EmailMessage) -> _Reply | HandlerResult:
    """The meeting, attendee and answer of a REPLY, or the outcome saying why it cannot be used."""
    calendar, problem = _reply_calendar(message)
    if calendar is None:
        status = InboundStatus.REFUSED if "does not parse" in (problem or "") else InboundStatus.IGNORED
        return HandlerResult(status, f"calendar reply: {problem}")
    event = next((c for c in calendar.walk("VEVENT")), None)
    if event is None or not event.get("UID"):
        return HandlerResult(InboundStatus.REFUSED, "calendar reply: no event with a UID")
    uid = str(event.get("UID"))
    meeting = db.session.scalar(select(Meeting).where(Meeting.uid == uid))
    if meeting is None:
        return HandlerResult(InboundStatus.IGNORED, f"calendar reply for an unknown UID {uid[:200]}")
    attendees = event.get("ATTENDEE")
    attendees = attendees if isinstance(attendees, list) else [attendees] if attendees is not None else []
    sender = _address(parseaddr(str(message.get("From", "")))[1])
    attendee = next((a for a in attendees if sender and _address(a) == sender), None)
    if attendee is None:
        named = ", ".join(_address(a) or "?" for a in attendees) or "none"
        return HandlerResult(InboundStatus.REFUSED,
                             f"calendar reply from {sender or 'no address'} for attendee {named}: the sender is not "
                             "the attendee; nothing changed")
    invitation = db.session.scalar(
        select(MeetingInvitation).where(MeetingInvitation.meeting_id == meeting.id, MeetingInvitation.email == sender))
    if invitation is None and find_registration(meeting, sender) is None:
        return HandlerResult(InboundStatus.REFUSED,
                             f"calendar reply from {sender}, who was neither invited to nor registered for meeting "
                             f"{meeting.id}; nothing changed")
    name = str(attendee.params.get("CN", "") or "") or (invitation.name if invitation else "") or ""
    return _Reply(meeting, sender, str(attendee.params.get("PARTSTAT", "")).upper(), name,
                  int(event.get("SEQUENCE", 0) or 0), invitation)


def handle_calendar_reply(inbound: Inbound) -> HandlerResult | None:
    """Inbound handler for iMIP REPLYs: register, decline or note "maybe" for the replying attendee.

    Returns None when the message has no calendar part; otherwise a HandlerResult. Raises nothing for bad input
    (each case is an outcome); flushes.
    """
    if not _calendar_parts(inbound.message):
        return None
    reply = _find_reply(inbound.message)
    if isinstance(reply, HandlerResult):
        return reply
    meeting, email = reply.meeting, reply.email
    if reply.sequence < (meeting.sequence or 0):
        return HandlerResult(InboundStatus.IGNORED,
                             f"calendar reply from {email} to an older version (SEQUENCE {reply.sequence}, the "
                             f"meeting is at {meeting.sequence}); nothing changed")
    if meeting.is_cancelled:
        return HandlerResult(InboundStatus.IGNORED,
                             f"calendar reply from {email} for the cancelled meeting {meeting.id}; nothing changed")
    answer = PARTSTATS.get(reply.partstat)
    if answer is None:
        return HandlerResult(InboundStatus.IGNORED,
                             f"calendar reply from {email} with PARTSTAT {reply.partstat or 'none'}")
    if answer == "maybe":
        record_answer(meeting, email, answer, CALENDAR)
        return HandlerResult(InboundStatus.HANDLED, f"{email} answered maybe (tentative) to meeting {meeting.id}")
    held = find_registration(meeting, email)
    if answer == "yes" and held is not None and held.is_active and held.mode == REMOTE:
        # ACCEPTED names no mode, and clients send it again for each update: it keeps a remote place remote
        # (switching to the venue could cost the place).
        answer = "remote"
    try:
        with db.session.begin_nested():  # a refusal undoes whatever the rule had begun
            registration = respond_by_email(meeting, email, reply.name, answer)
    except RuleError as error:
        return HandlerResult(InboundStatus.REFUSED,
                             f"calendar reply from {email} ({reply.partstat}) to meeting {meeting.id}: "
                             f"{error.message}")
    record_answer(meeting, email, answer, CALENDAR)
    if registration.is_waitlisted:
        _tell_waitlisted(registration, reply.invitation)
    return HandlerResult(InboundStatus.HANDLED,
                         f"{email} answered {reply.partstat} to meeting {meeting.id}: {registration.status}")


def _tell_waitlisted(registration: MeetingRegistration, invitation: MeetingInvitation | None) -> None:
    """Mail someone whose Accept put them on the waiting list (their calendar shows the meeting as accepted)."""
    meeting = registration.meeting
    language = (invitation.language if invitation else None) or getattr(registration.user, "language", None) or "fi"
    title = localized(meeting.title_fi, meeting.title_sv, language=language)
    queue_template_mail(
        registration.email, "mailing/emails/waitlisted", language,
        key=f"meeting-{meeting.id}-waitlisted-{registration.id}-{int(utcnow().timestamp())}",
        meeting=meeting, title=title, name=registration.name or registration.email,
        url=absolute_url("meetings.detail", meeting_id=meeting.id),
    )


# --- mailto unsubscribe -----------------------------------------------------------------------------------------


def _unsubscribe_token(inbound: Inbound) -> tuple[bool, str | None]:
    """(addressed to the unsubscribe mailbox, the token found in the address or the subject)."""
    local, _at, domain = unsubscribe_mailbox().lower().rpartition("@")
    addressed = False
    for address in inbound.recipients:
        a_local, _at, a_domain = address.rpartition("@")
        if a_domain.lower() != domain:
            continue
        if a_local.lower() == local:
            addressed = True
        elif a_local.lower().startswith(local + "+"):
            # The local part keeps its case: the token is case-sensitive.
            return True, a_local[len(local) + 1:]
    if not addressed:
        return False, None
    subject = " ".join(str(inbound.message.get("Subject", "")).split())
    words = subject.split(" ")
    for index, word in enumerate(words):
        if word.lower() == "unsubscribe" and index + 1 < len(words):
            return True, words[index + 1]
    return True, (words[-1] if words and words[-1] else None)


def handle_unsubscribe(inbound: Inbound) -> HandlerResult | None:
    """Inbound handler for the mailto: of List-Unsubscribe: end the subscription the signed token names.

    Returns None when the message is not addressed to the unsubscribe mailbox; otherwise a HandlerResult. Nothing is
    sent to the sender (the From address may be forged; the token alone decides). Flushes.
    """
    addressed, token = _unsubscribe_token(inbound)
    if not addressed:
        return None
    if not token:
        return HandlerResult(InboundStatus.REFUSED, "unsubscribe request without a token; nothing changed")
    try:
        subscriber, mailing_list = read_unsubscribe_token(token)
    except TokenError as error:
        return HandlerResult(InboundStatus.REFUSED, f"unsubscribe request with an {error.reason} token; nothing changed")
    changed = unsubscribe(subscriber, mailing_list)
    db.session.flush()
    if not changed:
        return HandlerResult(InboundStatus.IGNORED,
                             f"{subscriber.email} was not subscribed to {mailing_list.slug} any more")
    return HandlerResult(InboundStatus.HANDLED, f"{subscriber.email} unsubscribed from {mailing_list.slug}")
