"""Registration rules: register, change, cancel, the waiting list, answers from invites (plain functions).

Usable without login: `respond_by_email` is what an accept/decline link in an invite calls. The caller commits.
"""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from ..auth.models import User
from ..emails import InvalidAddress, normalize_email
from ..extensions import db
from ..i18n import localized
from ..links import absolute_url
from ..mail.templates import queue_template_mail
from ..text import single_line
from ..timeutil import utcnow
from .errors import RegistrationError
from .models import (
    DECLINED,
    IN_PERSON,
    ONLINE,
    REGISTERED,
    REGISTRATION_CANCELLED,
    REMOTE,
    SCHEDULED,
    WAITLISTED,
    Meeting,
    MeetingRegistration,
)
from .signals import registration_changed

ANSWERS = {"yes": IN_PERSON, "remote": REMOTE, "no": None}


def modes_offered(meeting_mode: str) -> tuple[str, ...]:
    """How one can take part in a meeting held `meeting_mode`: in person, remotely, or either (hybrid)."""
    if meeting_mode == IN_PERSON:
        return (IN_PERSON,)
    if meeting_mode == ONLINE:
        return (REMOTE,)
    return (IN_PERSON, REMOTE)


def allowed_modes(meeting: Meeting) -> tuple[str, ...]:
    """How one can take part in `meeting` (see modes_offered)."""
    return modes_offered(meeting.mode)


def _registrations(meeting: Meeting, status: str, *order: object) -> list[MeetingRegistration]:
    """The meeting's registrations in `status`, in `order`, then by id."""
    return list(db.session.scalars(
        select(MeetingRegistration)
        .where(MeetingRegistration.meeting_id == meeting.id, MeetingRegistration.status == status)
        .order_by(*order, MeetingRegistration.id)
    ))


def counts_against_capacity(meeting: Meeting, mode: str) -> bool:
    """The capacity limits seats at the venue; for an online-only meeting it limits participants."""
    return meeting.mode == ONLINE or mode == IN_PERSON


def lock(meeting: Meeting) -> None:
    """Serialise changes to one meeting's registrations (a row lock on PostgreSQL; SQLite locks the database),
    so that two people cannot take the last place at the same time.
    """
    if meeting.id is not None:
        if db.engine.dialect.name == "sqlite":
            # SQLite has no row locks: a no-op write takes the database's write lock now (waiting for another
            # writer), so the checks that follow see what a concurrent request committed.
            db.session.execute(update(Meeting).where(Meeting.id == meeting.id).values(id=Meeting.id))
        else:
            db.session.execute(select(Meeting.id).where(Meeting.id == meeting.id).with_for_update())


def places_taken(meeting: Meeting, exclude_id: int | None = None) -> int:
    """Places in use at `meeting` (registered, counted against the capacity), leaving out registration `exclude_id`.

    Counted in SQL (one COUNT, whatever the number of registrations).
    """
    statement = select(func.count(MeetingRegistration.id)).where(
        MeetingRegistration.meeting_id == meeting.id, MeetingRegistration.status == REGISTERED
    )
    if meeting.mode != ONLINE:
        statement = statement.where(MeetingRegistration.mode == IN_PERSON)
    if exclude_id is not None:
        statement = statement.where(MeetingRegistration.id != exclude_id)
    return db.session.scalar(statement) or 0


def places_left(meeting: Meeting) -> int | None:
    """Free places at `meeting`, or None when it has no capacity limit."""
    if meeting.capacity is None:
        return None
    return max(meeting.capacity - places_taken(meeting), 0)


def has_room(meeting: Meeting, mode: str, exclude_id: int | None = None) -> bool:
    """True when one more participant taking part by `mode` fits (registration `exclude_id` not counted)."""
    if meeting.capacity is None or not counts_against_capacity(meeting, mode):
        return True
    return places_taken(meeting, exclude_id) < meeting.capacity


def places_after_change(meeting: Meeting, mode: str, capacity: int | None
                        ) -> list[tuple[MeetingRegistration, str, bool]]:
    """What a change of the meeting's mode or capacity would do to the people holding a place.

    Takes the meeting (as it is now) and the new mode and capacity. Returns, for every registration that has a
    place now (oldest first), (registration, its mode after the change, keeps the place): a remote participant of
    a meeting no longer followed remotely takes part in person, and the places counted against the new capacity go
    to the earliest registrations; the rest would go to the waiting list. Reads only; changes nothing.
    """
    offered = modes_offered(mode)
    registered = _registrations(meeting, REGISTERED, MeetingRegistration.created_at)
    outcome = []
    counted = 0
    for registration in registered:
        new_mode = registration.mode if registration.mode in offered else offered[0]
        counts = mode == ONLINE or new_mode == IN_PERSON
        keeps = capacity is None or not counts or counted < capacity
        counted += 1 if counts and keeps else 0
        outcome.append((registration, new_mode, keeps))
    return outcome


def would_be_waitlisted(meeting: Meeting, mode: str, capacity: int | None) -> int:
    """How many people holding a place would go to the waiting list if the meeting's mode and capacity became
    `mode` and `capacity` (see places_after_change). Returns the count; changes nothing.
    """
    return sum(1 for _registration, _mode, keeps in places_after_change(meeting, mode, capacity) if not keeps)


def apply_place_changes(meeting: Meeting, mode: str, capacity: int | None) -> list[MeetingRegistration]:
    """Bring the registrations in line with the meeting's new `mode` and `capacity` (before the meeting
    itself changes): remote participants of a meeting no longer followed remotely take part in person, and
    those beyond the new capacity (the latest registered) go to the waiting list, each told by e-mail in their
    language (queued in the caller's transaction). Locks the meeting; flushes.

    Returns the registrations moved to the waiting list.
    """
    lock(meeting)
    moved = []
    now = utcnow()
    for registration, new_mode, keeps in places_after_change(meeting, mode, capacity):
        if new_mode != registration.mode:
            registration.mode = new_mode
            registration.updated_at = now
        if not keeps:
            registration.status = WAITLISTED
            registration.waitlisted_at = now
            registration.updated_at = now
            moved.append(registration)
    db.session.flush()
    for registration in moved:
        if registration.email:
            language = registrant_language(registration)
            queue_template_mail(
                registration.email, "meetings/emails/waitlisted", language,
                key=f"meeting-{meeting.id}-waitlisted-{registration.id}-{int(now.timestamp())}",
                meeting=meeting, name=registration.name or registration.email,
                title=localized(meeting.title_fi, meeting.title_sv, language=language),
                url=absolute_url("meetings.detail", meeting_id=meeting.id, lang=language),
            )
    return moved


def registrant_language(registration: MeetingRegistration) -> str:
    """The language to write to a registrant in: their account's, else the network's default."""
    language = getattr(registration.user, "language", None)
    return language if language in current_app.config["LANGUAGES"] else current_app.config["BABEL_DEFAULT_LOCALE"]


def find_registration(meeting: Meeting, email: str) -> MeetingRegistration | None:
    """The meeting's registration row for this address (in any status), or None (also for a non-address)."""
    try:
        address = normalize_email(email)
    except InvalidAddress:
        return None
    return db.session.scalar(
        select(MeetingRegistration).where(
            MeetingRegistration.meeting_id == meeting.id, MeetingRegistration.email == address
        )
    )


def registrant_address(email: str | None) -> str:
    """The canonical address of someone registering or answering.

    Raises RegistrationError (field "email") when it is empty and InvalidAddress when it is not an address.
    """
    if not single_line(email):
        raise RegistrationError(_l("This field is required."), "email")
    return normalize_email(email)


def _check_open(meeting: Meeting) -> None:
    if meeting.status != SCHEDULED:
        raise RegistrationError(_l("The meeting has been cancelled."))
    if utcnow() >= meeting.deadline_utc:
        raise RegistrationError(_l("Registration for this meeting has closed."))


def _check_mode(meeting: Meeting, mode: str) -> None:
    if mode not in allowed_modes(meeting):
        if mode == REMOTE:
            raise RegistrationError(_l("This meeting cannot be followed remotely."), "mode")
        raise RegistrationError(_l("This meeting is held online only."), "mode")


def _place(registration: MeetingRegistration, meeting: Meeting, mode: str) -> None:
    """Registered when there is room, otherwise on the waiting list (keeping one's place in the queue)."""
    registration.mode = mode
    if has_room(meeting, mode, exclude_id=registration.id):
        registration.status = REGISTERED
        registration.waitlisted_at = None
    else:
        if registration.status != WAITLISTED:
            registration.waitlisted_at = utcnow()
        registration.status = WAITLISTED
    registration.updated_at = utcnow()


def register(meeting: Meeting, *, email: str, name: str, mode: str, user: object = None) -> MeetingRegistration:
    """Register someone (a member or an invited address): a place when there is room, else the waiting list.

    Takes the meeting, the address, the name, the mode (in_person / remote) and optionally the account; flushes and
    returns the registration. Raises RegistrationError when the meeting is cancelled or closed, the mode is not
    offered or the person is already registered with another mode (the same registration sent twice, at once or
    one after the other, returns the existing one); InvalidAddress for an address that is not one.
    """
    email = registrant_address(email)
    _check_open(meeting)
    _check_mode(meeting, mode)
    lock(meeting)
    registration = find_registration(meeting, email)
    if registration is not None and registration.is_active:
        if registration.mode == mode:
            # The same form sent twice (a double click, two tabs): one registration, the same answer.
            return registration
        raise RegistrationError(_l("You are already registered for this meeting."))
    if registration is None:
        registration = MeetingRegistration(meeting=meeting, email=email)
        db.session.add(registration)
    registration.name = single_line(name)[:120] or registration.name or email
    registration.user_id = getattr(user, "id", None) or registration.user_id
    registration.status = REGISTRATION_CANCELLED  # placed below
    registration.waitlisted_at = None
    db.session.flush()
    _place(registration, meeting, mode)
    db.session.flush()
    if registration.status == REGISTERED:
        registration_changed.send(registration, change="registered")
    return registration


def would_lose_place(registration: MeetingRegistration, mode: str) -> bool:
    """True when switching `registration` to `mode` would cost the place it holds: it has a place now and `mode`
    has no room (e.g. from remote to a full venue). Reads only; changes nothing.
    """
    return (registration.status == REGISTERED and mode != registration.mode
            and not has_room(registration.meeting, mode, exclude_id=registration.id))


def change_mode(registration: MeetingRegistration, mode: str, *, give_up_place: bool = False) -> MeetingRegistration:
    """Switch between in person and remote. Moving to a full venue puts one on the waiting list, but only with
    `give_up_place`: without it a registration that holds a place keeps it and the change is refused.

    Returns the registration; raises RegistrationError when it is not active, registration has closed, the mode
    is not offered, or the change would cost a held place and `give_up_place` is not set.
    """
    meeting = registration.meeting
    if not registration.is_active:
        raise RegistrationError(_l("You are not registered for this meeting."))
    _check_open(meeting)
    _check_mode(meeting, mode)
    lock(meeting)
    if mode == registration.mode:
        return registration
    if would_lose_place(registration, mode) and not give_up_place:
        # One click must not lose a guaranteed place: the member confirms first (the view asks).
        raise RegistrationError(_l("There is no room at the venue. Your registration was not changed: you keep "
                                   "your place."), "mode")
    _place(registration, meeting, mode)
    db.session.flush()
    fill_from_waiting_list(meeting)
    return registration


def cancel_registration(registration: MeetingRegistration, status: str = REGISTRATION_CANCELLED) -> list:
    """Cancel (or, with `status` declined, decline); the waiting list moves up and those promoted are told.

    Returns the registrations promoted from the waiting list; raises RegistrationError when the meeting is over.
    """
    meeting = registration.meeting
    if meeting.is_past:
        raise RegistrationError(_l("The meeting is already over."))
    lock(meeting)
    had_place = registration.status == REGISTERED
    registration.status = status
    registration.waitlisted_at = None
    registration.updated_at = utcnow()
    db.session.flush()
    if had_place and status == REGISTRATION_CANCELLED:
        registration_changed.send(registration, change="cancelled")
    return fill_from_waiting_list(meeting)


def fill_from_waiting_list(meeting: Meeting) -> list[MeetingRegistration]:
    """Move people from the waiting list, oldest first, while there is room; tell each of them by e-mail."""
    if meeting.status != SCHEDULED or meeting.is_past:
        return []
    waiting = _registrations(meeting, WAITLISTED, MeetingRegistration.waitlisted_at)
    promoted = []
    for registration in waiting:
        if not has_room(meeting, registration.mode, exclude_id=registration.id):
            continue
        registration.status = REGISTERED
        registration.waitlisted_at = None
        registration.updated_at = utcnow()
        db.session.flush()
        promoted.append(registration)
        _tell_promoted(registration)
    return promoted


def _tell_promoted(registration: MeetingRegistration) -> None:
    """The promoted person gets the confirmation with the calendar entry (queued by the calendar domain's hook)."""
    if registration.email:
        registration_changed.send(registration, change="promoted")


def respond_by_email(meeting: Meeting, email: str, name: str | None, answer: str) -> MeetingRegistration:
    """An answer from an invite, without login: "yes" (in person), "remote", or "no" (decline).

    "yes" to an online-only meeting means taking part remotely. Capacity (waiting list) and the deadline apply to
    registering; a "no" is always recorded and frees the place. Answering again changes the earlier answer.
    Returns the registration (flushed); raises RegistrationError (see register) or InvalidAddress.
    """
    if answer not in ANSWERS:
        raise RegistrationError(_l("Not a valid choice."), "answer")
    email = registrant_address(email)
    lock(meeting)
    registration = find_registration(meeting, email)
    if answer == "no":
        if registration is None:
            registration = MeetingRegistration(meeting=meeting, email=email, name=single_line(name)[:120] or email,
                                               mode=IN_PERSON, status=DECLINED)
            db.session.add(registration)
            db.session.flush()
            return registration
        if registration.is_active and not meeting.is_past:
            cancel_registration(registration, status=DECLINED)
        else:
            registration.status = DECLINED
            registration.waitlisted_at = None
        db.session.flush()
        return registration
    mode = ANSWERS[answer]
    if mode not in allowed_modes(meeting):
        mode = allowed_modes(meeting)[0]
    user = db.session.scalar(select(User).where(User.email == email))
    if registration is not None and registration.is_active:
        return change_mode(registration, mode)
    return register(meeting, email=email, name=name or getattr(user, "name", "") or email, mode=mode, user=user)


def follow_account_address(user: User, old: str, new: str, **_extra: object) -> None:
    """An account's address changed (auth's `email_changed` signal): the person's registrations follow, so
    confirmations, updates and messages to participants reach the new address. A meeting the new address already
    holds a registration for keeps both rows as they are (one address, one registration per meeting).
    Flushes; the caller commits.
    """
    taken = select(MeetingRegistration.meeting_id).where(MeetingRegistration.email == new).scalar_subquery()
    db.session.execute(
        update(MeetingRegistration)
        .where(MeetingRegistration.user_id == user.id, MeetingRegistration.meeting_id.not_in(taken))
        .values(email=new)
        .execution_options(synchronize_session="fetch")
    )
