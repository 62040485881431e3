"""Rules for creating, editing and cancelling meetings (plain functions; the caller commits)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import UTC, date, datetime
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import select

from ..audit.trail import record_change, snapshot
from ..extensions import db
from ..orgs.models import Organisation
from ..timeutil import HELSINKI, as_utc, utc_to_helsinki, utcnow
from .errors import MeetingError
from .models import (
    CANCELLED,
    DEMOCRACY_DAY,
    HYBRID,
    IN_PERSON,
    KINDS,
    MODES,
    NETWORK_KINDS,
    ONLINE,
    SCHEDULED,
    Meeting,
)
from .queries import in_year_condition
from .registration import apply_place_changes, fill_from_waiting_list, would_be_waitlisted
from .signals import meeting_changed

DEMOCRACY_DAY_WEEK = 42
MEETINGS_PER_YEAR = 4

# Changing any of these raises SEQUENCE and tells everyone holding a place (RFC 5546: a significant change; issue
# 12: the title and description too, so that calendars do not keep the old title and agenda).
SIGNIFICANT_FIELDS = ("starts_at", "ends_at", "mode", "venue", "address", "online_url", "status", "title_fi",
                      "title_sv", "description_fi", "description_sv")
AUDIT_FIELDS = (
    "kind", "title_fi", "title_sv", "description_fi", "description_sv", "starts_at", "ends_at", "mode", "venue",
    "address", "online_url", "host_organisation_id", "region", "agenda", "capacity", "registration_deadline",
    "status", "cancel_reason", "sequence", "group_id",
)


def is_democracy_day_week(day: date | datetime) -> bool:
    """True when `day` is in ISO week 42 of its year (a datetime is taken in Helsinki time)."""
    if isinstance(day, datetime):
        day = utc_to_helsinki(day).date() if day.tzinfo else day.date()
    return day.isocalendar().week == DEMOCRACY_DAY_WEEK


def helsinki_year(value: datetime) -> int:
    """The year of a UTC datetime in Finland."""
    return utc_to_helsinki(value).year


@dataclass
class MeetingData:
    """What a coordinator enters for a meeting; times are aware UTC datetimes."""

    title_fi: str
    starts_at: datetime
    ends_at: datetime
    kind: str = "network"
    title_sv: str | None = None
    description_fi: str | None = None
    description_sv: str | None = None
    mode: str = IN_PERSON
    venue: str | None = None
    address: str | None = None
    online_url: str | None = None
    host_organisation_id: int | None = None
    region: str | None = None
    agenda: str | None = None
    capacity: int | None = None
    registration_deadline: datetime | None = None
    group_id: int | None = None


def time_problems(starts_at: datetime | None, ends_at: datetime | None,
                  deadline: datetime | None = None) -> dict[str, object]:
    """{field: message} for times in the wrong order: the meeting ends after it starts ("ends_at") and
    registration closes before it starts ("registration_deadline"); a missing time is not checked.
    """
    problems: dict[str, object] = {}
    if starts_at is not None and ends_at is not None and as_utc(ends_at) <= as_utc(starts_at):
        problems["ends_at"] = _l("The meeting must end after it starts.")
    if starts_at is not None and deadline is not None and as_utc(deadline) > as_utc(starts_at):
        problems["registration_deadline"] = _l("The registration deadline must be before the meeting starts.")
    return problems


def check_times(starts_at: datetime, ends_at: datetime, deadline: datetime | None = None) -> None:
    """Raises MeetingError ("ends_at" and/or "registration_deadline", all at once) unless the meeting ends after
    it starts and registration closes before it starts.
    """
    problems = time_problems(starts_at, ends_at, deadline)
    if problems:
        raise MeetingError(field=next(iter(problems)), errors=problems)


def check_capacity(capacity: int | None) -> None:
    """Raises MeetingError ("capacity") for a negative capacity; None means no limit."""
    if capacity is not None and capacity < 0:
        raise MeetingError(_l("The capacity cannot be negative."), "capacity")


def other_democracy_days(year: int, exclude_id: int | None = None) -> list[Meeting]:
    """Scheduled Democracy Days whose date (in Helsinki) falls in `year`, other than `exclude_id`."""
    statement = select(Meeting).where(
        Meeting.kind == DEMOCRACY_DAY, Meeting.status == SCHEDULED, in_year_condition(year)
    )
    return [m for m in db.session.scalars(statement) if m.id != exclude_id]


def check_democracy_day(kind: str, starts_at: datetime, meeting_id: int | None = None, planned: int = 0) -> None:
    """A Democracy Day is in ISO week 42, and there is one per year (`planned` counts others being created now)."""
    if kind != DEMOCRACY_DAY:
        return
    if not is_democracy_day_week(starts_at):
        raise MeetingError(_l("Democracy Day must be held in week 42 of the year."), "starts_at")
    if other_democracy_days(helsinki_year(starts_at), exclude_id=meeting_id) or planned:
        raise MeetingError(_l("This year already has its Democracy Day."), "kind")


def meeting_problems(data: MeetingData, meeting_id: int | None = None) -> dict[str, object]:
    """Every problem of what a coordinator entered at once, {field: message}: title, kind, mode, times,
    capacity, place, online link, Democracy Day. A time left None (not understood by the form) is not checked.

    `meeting_id` is the meeting being edited (None when creating).
    """
    problems: dict[str, object] = {}
    if not (data.title_fi or "").strip():
        problems["title_fi"] = _l("This field is required.")
    if data.kind not in KINDS:
        problems["kind"] = _l("Not a valid choice.")
    if data.mode not in MODES:
        problems["mode"] = _l("Not a valid choice.")
    problems.update(time_problems(data.starts_at, data.ends_at, data.registration_deadline))
    if data.capacity is not None and data.capacity < 0:
        problems["capacity"] = _l("The capacity cannot be negative.")
    if data.mode in (ONLINE, HYBRID) and not data.online_url:
        problems["online_url"] = _l("Give the link for joining online.")
    if data.online_url and urlsplit(data.online_url.strip()).scheme.lower() not in ("https", "http"):
        problems["online_url"] = _l("Enter a web address starting with https://.")
    if data.mode in (IN_PERSON, HYBRID) and not ((data.venue or "").strip() or (data.address or "").strip()):
        problems["venue"] = _l("Give the venue or the address.")
    if data.starts_at is not None:
        try:
            check_democracy_day(data.kind, data.starts_at, meeting_id)
        except MeetingError as error:
            problems.update({k or "starts_at": v for k, v in error.errors.items()})
    return problems


def validate(data: MeetingData, meeting_id: int | None = None) -> None:
    """Check what a coordinator entered (see `meeting_problems`); `meeting_id` is the meeting being edited.

    Returns nothing; raises MeetingError with every problem at once ({field: message}).
    """
    problems = meeting_problems(data, meeting_id)
    if data.starts_at is None or data.ends_at is None:
        problems.setdefault("starts_at" if data.starts_at is None else "ends_at", _l("This field is required."))
    if problems:
        raise MeetingError(field=next(iter(problems)), errors=problems)


# --- wall-clock times in Finland ----------------------------------------------------------------------------

EARLIER, LATER = "earlier", "later"


def local_time_kind(local: datetime) -> str:
    """"missing" for a Helsinki wall-clock time that does not exist (the spring gap), "ambiguous" for one that
    occurs twice (the autumn repeat), else "ok".
    """
    first, second = local.replace(tzinfo=HELSINKI, fold=0), local.replace(tzinfo=HELSINKI, fold=1)
    if first.utcoffset() == second.utcoffset():
        return "ok"
    back = first.astimezone(UTC).astimezone(HELSINKI).replace(tzinfo=None)
    return "missing" if back != local else "ambiguous"


def asks_repeat(times: list[datetime | None], answer: str | None = None) -> bool:
    """Whether a form asks which of a repeated hour's two times is meant: one of the Helsinki wall-clock `times`
    (naive; None skipped) occurs twice, or the question was answered already (`answer`). Raises nothing.
    """
    return bool(answer) or any(t is not None and local_time_kind(t) == "ambiguous" for t in times)


def local_times_to_utc(values: dict[str, datetime | None], repeat: str | None = None
                       ) -> tuple[dict[str, datetime | None], dict[str, object]]:
    """Helsinki wall-clock times (naive) to UTC, refusing the ones that do not exist in Finland and asking
    about the ones that occur twice.

    Takes {field: local time or None} and the answer for a repeated hour (EARLIER: summer time, LATER: winter
    time, None: not answered). Returns ({field: UTC or None}, {field: message}); a refused or unanswered time
    is None in the first.
    """
    converted: dict[str, datetime | None] = {}
    problems: dict[str, object] = {}
    for name, local in values.items():
        converted[name] = None
        if local is None:
            continue
        kind = local_time_kind(local)
        if kind == "missing":
            problems[name] = _l("%(time)s does not exist in Finland: the clocks go forward an hour that night. "
                                "Choose another time.", time=local.strftime("%H:%M"))
            continue
        if kind == "ambiguous" and repeat not in (EARLIER, LATER):
            problems[name] = _l("%(time)s occurs twice that night in Finland, as the clocks go back an hour. "
                                "Choose which one is meant.", time=local.strftime("%H:%M"))
            continue
        fold = 1 if kind == "ambiguous" and repeat == LATER else 0
        converted[name] = local.replace(tzinfo=HELSINKI, fold=fold).astimezone(UTC)
    return converted, problems


def _apply(meeting: Meeting, data: MeetingData) -> None:
    for f in fields(MeetingData):
        value = getattr(data, f.name)
        if isinstance(value, str):
            value = value.strip() or None
        if f.name == "title_fi":
            value = value or ""
        setattr(meeting, f.name, value)
    if meeting.host_organisation_id and not meeting.region:
        host = db.session.get(Organisation, meeting.host_organisation_id)
        meeting.region = host.region if host else None


def create_meeting(data: MeetingData, actor: object = None, *, draft: bool = False) -> Meeting:
    """Create a meeting (SEQUENCE 0, scheduled) from `data` and record it in the audit trail; flushes.

    With `draft` the meeting is seen by coordinators only until `publish_meeting`; otherwise it is public at
    once. Returns the meeting; raises MeetingError (every field at once) when `data` is not valid.
    """
    validate(data)
    meeting = Meeting(sequence=0, status=SCHEDULED, published_at=None if draft else utcnow())
    _apply(meeting, data)
    db.session.add(meeting)
    db.session.flush()
    record_change(actor, "meeting.create", "meeting", meeting.id, after=snapshot(meeting, AUDIT_FIELDS),
                  summary=meeting.title_fi)
    return meeting


def _significant(meeting: Meeting) -> dict:
    values = snapshot(meeting, SIGNIFICANT_FIELDS)
    for key in ("starts_at", "ends_at"):
        values[key] = as_utc(getattr(meeting, key)).isoformat()
    return values


def waitlist_problem(meeting: Meeting, data: MeetingData, confirmed: bool) -> dict[str, object]:
    """{"confirm_waitlist": message} when the edit would move people holding a place to the waiting list (a
    smaller capacity, or a remote meeting becoming one held in person at a venue that is full) and the coordinator
    has not confirmed it; the message says how many. Empty otherwise.
    """
    if meeting.id is None or confirmed or data.mode not in MODES:
        return {}
    count = would_be_waitlisted(meeting, data.mode, data.capacity)
    if not count:
        return {}
    return {"confirm_waitlist": ngettext(
        "%(num)d person holding a place would move to the waiting list (the latest registered) and would be told "
        "by e-mail. Tick the box to confirm, or change the capacity.",
        "%(num)d people holding a place would move to the waiting list (the latest registered) and would be told "
        "by e-mail. Tick the box to confirm, or change the capacity.", count)}


def update_meeting(meeting: Meeting, data: MeetingData, actor: object = None, *,
                   confirm_waitlist: bool = False) -> bool:
    """Edit a meeting from `data` (audited); a larger capacity lets people off the waiting list.

    A change that leaves fewer places than people registered (a smaller capacity, or a remote meeting held in
    person from now on) needs `confirm_waitlist`: the latest registered then move to the waiting list and are told
    by e-mail. Returns True when the change was significant: SEQUENCE raised and `meeting_changed` sent (invitees
    are told). Raises MeetingError (with the field) when `data` is not valid, or ("confirm_waitlist", saying how
    many would move) when such a change is not confirmed.
    """
    validate(data, meeting_id=meeting.id)
    problem = waitlist_problem(meeting, data, confirm_waitlist)
    if problem:
        raise MeetingError(field="confirm_waitlist", errors=problem)
    if meeting.status == SCHEDULED and not meeting.is_past:
        apply_place_changes(meeting, data.mode, data.capacity)
    before = snapshot(meeting, AUDIT_FIELDS)
    significant_before = _significant(meeting)
    _apply(meeting, data)
    significant_after = _significant(meeting)
    changed = tuple(k for k in SIGNIFICANT_FIELDS if significant_after.get(k) != significant_before.get(k))
    # A draft has not reached any calendar: nothing to tell, no SEQUENCE to raise.
    significant = bool(changed) and not meeting.is_draft
    if significant:
        meeting.sequence = (meeting.sequence or 0) + 1
    meeting.updated_at = utcnow()
    db.session.flush()
    record_change(actor, "meeting.update", "meeting", meeting.id, before=before,
                  after=snapshot(meeting, AUDIT_FIELDS), summary=meeting.title_fi)
    if significant:
        meeting_changed.send(meeting, change="updated", fields=changed)
    # A larger capacity lets people off the waiting list.
    fill_from_waiting_list(meeting)
    return significant


def cancel_meeting(meeting: Meeting, reason: str, actor: object = None) -> None:
    """Cancel with a reason: the meeting stays visible (and in feeds with STATUS:CANCELLED); SEQUENCE is raised,
    `meeting_changed` sent and the change audited.

    Raises MeetingError ("reason") without a reason or when the meeting is already cancelled.
    """
    reason = (reason or "").strip()
    if not reason:
        raise MeetingError(_l("Give a reason for the cancellation."), "reason")
    if meeting.status == CANCELLED:
        raise MeetingError(_l("The meeting is already cancelled."), "reason")
    if meeting.is_draft:
        raise MeetingError(_l("A draft is not cancelled: delete it instead."), "reason")
    before = snapshot(meeting, AUDIT_FIELDS)
    meeting.status = CANCELLED
    meeting.cancel_reason = reason
    meeting.sequence = (meeting.sequence or 0) + 1
    meeting.updated_at = utcnow()
    db.session.flush()
    record_change(actor, "meeting.cancel", "meeting", meeting.id, before=before,
                  after=snapshot(meeting, AUDIT_FIELDS), summary=reason)
    meeting_changed.send(meeting, change="cancelled", fields=("status",))


def publish_meeting(meeting: Meeting, actor: object = None) -> None:
    """Publish a draft: from now on it is in the list, the calendar feeds and the front page, and invites may
    be sent. Raises MeetingError when the meeting is already published; audited; flushes.
    """
    if not meeting.is_draft:
        raise MeetingError(_l("The meeting is already published."))
    meeting.published_at = utcnow()
    meeting.updated_at = utcnow()
    db.session.flush()
    record_change(actor, "meeting.publish", "meeting", meeting.id, summary=meeting.title_fi)


def delete_draft(meeting: Meeting, actor: object = None) -> None:
    """Delete a draft made by mistake (a published meeting is cancelled instead, and stays visible).

    Raises MeetingError when the meeting is published; audited; flushes.
    """
    if not meeting.is_draft:
        raise MeetingError(_l("A published meeting cannot be deleted: cancel it instead."))
    record_change(actor, "meeting.delete", "meeting", meeting.id, before=snapshot(meeting, AUDIT_FIELDS),
                  summary=meeting.title_fi)
    db.session.delete(meeting)
    db.session.flush()


def publish_minutes(meeting: Meeting, minutes: str, actor: object = None) -> None:
    """Publish (or correct) the meeting's minutes (Markdown); the first publication time is kept.

    Raises MeetingError ("minutes") when the text is empty or the meeting has not ended yet (minutes record a
    meeting that took place); the change is audited.
    """
    minutes = (minutes or "").strip()
    if not minutes:
        raise MeetingError(_l("This field is required."), "minutes")
    if not meeting.is_past:
        raise MeetingError(_l("The meeting has not taken place yet: minutes can be published once it has ended."),
                           "minutes")
    before = {"minutes": meeting.minutes}
    meeting.minutes = minutes
    meeting.minutes_published_at = meeting.minutes_published_at or utcnow()
    meeting.updated_at = utcnow()
    record_change(actor, "meeting.minutes", "meeting", meeting.id, before=before, after={"minutes": minutes},
                  summary=meeting.title_fi)


def year_warnings(meetings: list[Meeting]) -> list[str]:
    """Warnings for a year's meetings: not exactly four network meetings, no Democracy Day, more than one."""
    active = [m for m in meetings if m.kind in NETWORK_KINDS and m.status == SCHEDULED]
    warnings: list[str] = []
    if len(active) != MEETINGS_PER_YEAR:
        warnings.append(str(_l(
            "The network holds four meetings a year; this year has %(count)d (drafts included, cancelled ones not).",
            count=len(active)
        )))
    days = [m for m in active if m.kind == DEMOCRACY_DAY]
    if not days:
        warnings.append(str(_l("This year has no Democracy Day (week 42) yet.")))
    elif len(days) > 1:
        warnings.append(str(_l("This year has more than one Democracy Day.")))
    for day in days:
        if not is_democracy_day_week(day.starts_at):
            warnings.append(str(_l("Democracy Day is not in week 42.")))
    return warnings
