"""iCalendar output for meetings, built with the icalendar package (never by string formatting).

- `meeting_event(meeting)`: one VEVENT (stable UID, SEQUENCE, STATUS, times with TZID Europe/Helsinki).
- `feed_calendar(meetings, name)`: a subscribable feed (METHOD:PUBLISH, X-WR-CALNAME, REFRESH-INTERVAL, VTIMEZONE).
- `invite_calendar(meeting, method, attendee_email, attendee_name)`: an iMIP invite (RFC 5546 REQUEST or CANCEL).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from email.utils import parseaddr

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from icalendar import Calendar, Event, Timezone, vCalAddress, vDuration, vText

from ..i18n import BILINGUAL_NETWORK_NAME, format_span, localized
from ..links import absolute_url
from ..meetings.models import CANCELLED, Meeting
from ..text import single_line, strip_controls
from ..timeutil import HELSINKI, as_utc, utc_to_helsinki, utcnow

TZID = "Europe/Helsinki"
PRODID = "-//Kuntademokratiaverkosto//Meetings//FI"
REFRESH = timedelta(hours=6)
ACCEPTED = "ACCEPTED"
PUBLISH = "PUBLISH"
REQUEST = "REQUEST"
CANCEL = "CANCEL"


def meeting_url(meeting: Meeting) -> str:
    """The meeting's public page as an absolute link."""
    return absolute_url("meetings.detail", meeting_id=meeting.id)


def organizer_address() -> tuple[str, str]:
    """(name, address) of the organizer: the network's name in Finnish and Swedish (one calendar entry serves
    every reader) and the address of MAIL_DEFAULT_SENDER.
    """
    _name, address = parseaddr(current_app.config["MAIL_DEFAULT_SENDER"])
    return BILINGUAL_NETWORK_NAME, address


def _organizer() -> vCalAddress:
    name, address = organizer_address()
    organizer = vCalAddress(f"mailto:{address}")
    if name:
        organizer.params["CN"] = vText(name)
    return organizer


def _description(meeting: Meeting, language: str | None = None) -> str:
    if language is None:
        when = (f"{format_span(meeting.starts_at, meeting.ends_at, 'fi')} / "
                f"{format_span(meeting.starts_at, meeting.ends_at, 'sv')}")
        cancelled = "PERUTTU / INSTÄLLT"
        texts = [meeting.description_fi, meeting.description_sv]
    else:
        when = format_span(meeting.starts_at, meeting.ends_at, language)
        cancelled = _("Cancelled").upper()
        texts = [localized(meeting.description_fi, meeting.description_sv, language=language)]
    parts = [when]
    if meeting.status == CANCELLED:
        parts.append(f"{cancelled}: {meeting.cancel_reason or ''}".strip())
    parts.extend(text.strip() for text in texts if text)
    if meeting.is_online and meeting.online_url:
        parts.append(meeting.online_url)
    parts.append(meeting_url(meeting))
    return "\n\n".join(parts)


def _summary(meeting: Meeting, language: str | None = None) -> str:
    if language is not None:
        return localized(meeting.title_fi, meeting.title_sv, language=language)
    if meeting.title_sv and meeting.title_sv != meeting.title_fi:
        return f"{meeting.title_fi} / {meeting.title_sv}"
    return meeting.title_fi


def meeting_event(meeting: Meeting, dtstamp: datetime | None = None, *, language: str | None = None,
                  waitlisted: bool = False) -> Event:
    """The meeting as a VEVENT. DTSTAMP is the last change (feeds) unless given (iMIP: the time of sending).

    `language` (fi, sv, en) writes the title and description for one reader (a personal feed); None writes them
    in Finnish and Swedish for every reader. `waitlisted` marks a meeting the reader is on the waiting list of:
    STATUS:TENTATIVE and TRANSP:TRANSPARENT (RFC 5545 3.8.1.11, 3.8.2.7: not a confirmed place, not busy time),
    and the title and description say so (needs `language`). Must run in an application context.
    """
    event = Event()
    modified = as_utc(meeting.updated_at or meeting.created_at or utcnow()).replace(microsecond=0)
    summary, description = _summary(meeting, language), _description(meeting, language)
    status, transparency = ("CANCELLED" if meeting.status == CANCELLED else "CONFIRMED"), "OPAQUE"
    if waitlisted and language is not None:
        summary = f"{_('On the waiting list')}: {summary}"
        description = "\n\n".join([_("The meeting is full: you are on the waiting list. We will tell you by e-mail "
                                      "if a place becomes free."), description])
        if meeting.status != CANCELLED:
            status, transparency = "TENTATIVE", "TRANSPARENT"
    event.add("UID", meeting.uid)
    event.add("DTSTAMP", as_utc(dtstamp).replace(microsecond=0) if dtstamp else modified)
    event.add("DTSTART", utc_to_helsinki(meeting.starts_at))
    event.add("DTEND", utc_to_helsinki(meeting.ends_at))
    event.add("SEQUENCE", meeting.sequence or 0)
    event.add("STATUS", status)
    # TEXT values may not hold control characters but tab and line breaks (RFC 5545 3.3.11); rows saved before
    # the forms cleaned them may still have some.
    event.add("SUMMARY", strip_controls(summary))
    event.add("DESCRIPTION", strip_controls(description))
    location = strip_controls(meeting.location_text)
    if location:
        event.add("LOCATION", location)
    event.add("URL", meeting_url(meeting))
    event.add("ORGANIZER", _organizer())
    event.add("TRANSP", transparency)
    event.add("CLASS", "PUBLIC")
    if meeting.created_at:
        event.add("CREATED", as_utc(meeting.created_at).replace(microsecond=0))
    event.add("LAST-MODIFIED", modified)
    return event


# Europe/Helsinki as the EU rule has stood since 1996: summer time from the last Sunday of March 03:00 (EET) to the
# last Sunday of October 04:00 (EEST). The RRULE form is the one Outlook and Google emit and every client applies
# for any year; icalendar's default, one RDATE per transition, is dropped by ical.js (Thunderbird, Nextcloud) past
# a few years of dates. tests/calendar/test_interop.py checks this rule against the tz database for 2000-2040.
_VTIMEZONE = "\r\n".join([
    "BEGIN:VTIMEZONE",
    f"TZID:{TZID}",
    "X-LIC-LOCATION:Europe/Helsinki",
    "BEGIN:DAYLIGHT",
    "TZOFFSETFROM:+0200",
    "TZOFFSETTO:+0300",
    "TZNAME:EEST",
    "DTSTART:19960331T030000",
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
    "END:DAYLIGHT",
    "BEGIN:STANDARD",
    "TZOFFSETFROM:+0300",
    "TZOFFSETTO:+0200",
    "TZNAME:EET",
    "DTSTART:19961027T040000",
    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
    "END:STANDARD",
    "END:VTIMEZONE",
    "",
])


def helsinki_timezone() -> Timezone:
    """The VTIMEZONE of Europe/Helsinki (RFC 5545 3.6.5) in RRULE form, valid for any date since 1996."""
    return Timezone.from_ical(_VTIMEZONE)


def _calendar(method: str | None) -> Calendar:
    calendar = Calendar()
    calendar.add("PRODID", PRODID)
    calendar.add("VERSION", "2.0")
    calendar.add("CALSCALE", "GREGORIAN")
    if method:
        calendar.add("METHOD", method)
    calendar.add_component(helsinki_timezone())
    return calendar


def feed_calendar(meetings: Iterable[Meeting], name: str, description: str | None = None, *,
                  language: str | None = None, waitlisted: Iterable[int] = ()) -> bytes:
    """A feed to subscribe to (RFC 5545 METHOD:PUBLISH): every meeting given (cancelled ones stay, with
    STATUS:CANCELLED). Returns the iCalendar bytes.

    `language` writes the events for one reader (a personal feed; its texts in that language), None for everyone
    (Finnish and Swedish). `waitlisted` holds the ids of meetings the reader is on the waiting list of (see
    meeting_event); it needs `language`.
    """
    meetings = list(meetings)
    waiting = set(waitlisted)
    calendar = _calendar(PUBLISH)
    calendar.add("NAME", name)
    calendar.add("X-WR-CALNAME", name)
    if description:
        calendar.add("X-WR-CALDESC", description)
    calendar.add("X-WR-TIMEZONE", TZID)
    calendar.add("REFRESH-INTERVAL", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("X-PUBLISHED-TTL", vDuration(REFRESH))
    if language is None:
        for meeting in meetings:
            calendar.add_component(meeting_event(meeting))
        return calendar.to_ical()
    with force_locale(language):
        for meeting in meetings:
            calendar.add_component(meeting_event(meeting, language=language, waitlisted=meeting.id in waiting))
    return calendar.to_ical()


def event_calendar(meeting: Meeting) -> bytes:
    """One meeting as a file for "Add to calendar"."""
    calendar = _calendar(PUBLISH)
    calendar.add_component(meeting_event(meeting))
    return calendar.to_ical()


def invite_calendar(meeting: Meeting, method: str, attendee_email: str, attendee_name: str | None = None,
                    partstat: str = "NEEDS-ACTION") -> bytes:
    """An iMIP message body (RFC 6047 / RFC 5546): METHOD:REQUEST to invite or update, METHOD:CANCEL to cancel.

    `partstat` is the attendee's answer as far as the network knows: NEEDS-ACTION for an invitation (an answer is
    asked for, RSVP=TRUE), ACCEPTED for someone registered (a confirmation: nothing to answer, RSVP=FALSE).
    """
    method = method.upper()
    if method not in (REQUEST, CANCEL):
        raise ValueError(f"unsupported iTIP method {method}")
    calendar = _calendar(method)
    event = meeting_event(meeting, dtstamp=utcnow())
    attendee = vCalAddress(f"mailto:{attendee_email}")
    attendee.params["CUTYPE"] = vText("INDIVIDUAL")
    attendee.params["ROLE"] = vText("REQ-PARTICIPANT")
    attendee.params["PARTSTAT"] = vText(partstat)
    attendee.params["RSVP"] = vText("TRUE" if method == REQUEST and partstat == "NEEDS-ACTION" else "FALSE")
    attendee.params["CN"] = vText(single_line(attendee_name) or attendee_email)
    event.add("ATTENDEE", attendee)
    if method == CANCEL:
        event.pop("STATUS", None)
        event.add("STATUS", "CANCELLED")
    calendar.add_component(event)
    return calendar.to_ical()


def latest_change(meetings: Iterable[Meeting]) -> datetime | None:
    """When any of the meetings last changed (for Last-Modified), or None for none."""
    stamps = [as_utc(m.updated_at or m.created_at) for m in meetings if (m.updated_at or m.created_at)]
    return max(stamps) if stamps else None


__all__ = [
    "HELSINKI",
    "event_calendar",
    "feed_calendar",
    "invite_calendar",
    "latest_change",
    "meeting_event",
]
