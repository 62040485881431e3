"""Account rules as plain functions: registration, confirmation, passwords, roles."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from ..audit.trail import record_change
from ..emails import InvalidAddress
from ..emails import normalize_email as shared_normalize_email
from ..extensions import db
from ..links import absolute_url
from ..mail.addresses import receivable_email
from ..mail.models import OutboxMessage
from ..mail.outbox import queue_mail, repeat_key
from ..mail.templates import render_mail
from ..permissions import COORDINATOR, MEMBER, ROLES
from ..rules import RuleError
from ..timeutil import utcnow
from ..tokens import TokenError, make_token, read_token
from .models import User, UserSession
from .sessions import end_sessions
from .signals import email_changed

MIN_PASSWORD_LENGTH = 12


def hash_password(password: str) -> str:
    """The password's hash with the configured method (PASSWORD_HASH_METHOD, scrypt by default)."""
    return generate_password_hash(password, method=current_app.config.get("PASSWORD_HASH_METHOD", "scrypt"))

CONFIRM_PURPOSE = "confirm-email"
RESET_PURPOSE = "reset-password"
EMAIL_CHANGE_PURPOSE = "change-email"


class AccountError(RuleError):
    """An account rule refused the change."""


def normalize_email(value: str) -> str:
    """Validated and lower-cased (network.emails.normalize_email); raises AccountError with a readable message."""
    try:
        return shared_normalize_email(value, "email")
    except InvalidAddress as exc:
        raise AccountError(str(exc.message), "email") from exc


def find_user_by_email(email: str) -> User | None:
    """The account with this address (compared case-insensitively), or None."""
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def check_password_rules(password: str) -> None:
    """Raises AccountError (field "password") when the password is shorter than MIN_PASSWORD_LENGTH."""
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise AccountError(
            _("The password must be at least %(count)d characters long.", count=MIN_PASSWORD_LENGTH), "password"
        )


@dataclass
class Registration:
    """What a person typed to register: name, address, password, language and organisation choice."""

    name: str
    email: str
    password: str
    language: str = "fi"
    organisation_id: int | None = None
    organisation_requested_name: str | None = None


def register_user(data: Registration, role: str = MEMBER) -> User | None:
    """Create an unconfirmed account and queue its confirmation mail (caller commits); returns the account.

    When the address already has an account, nothing is created: that account's address gets a notice (how to log
    in or reset the password) and None is returned. Both ways cost the same work (the password is hashed either
    way) and queue one mail, so neither the answer nor its time tells whether the address has an account.
    No text the registrant chose (the name) goes into either mail: the address is not confirmed yet.

    Raises AccountError for an invalid address (field "email") or a too short password ("password").
    """
    email = normalize_email(data.email)
    try:
        receivable_email(email)
    except InvalidAddress as exc:
        raise AccountError(str(exc.message), "email") from exc
    check_password_rules(data.password)
    password_hash = hash_password(data.password)
    existing = find_user_by_email(email)
    if existing is not None:
        queue_account_exists_mail(existing)
        return None
    user = User(
        name=data.name.strip(),
        email=email,
        password_hash=password_hash,
        role=role,
        language=data.language if data.language in current_app.config["LANGUAGES"] else "fi",
        organisation_id=data.organisation_id,
        organisation_link_pending=bool(data.organisation_id or data.organisation_requested_name),
        organisation_requested_name=(data.organisation_requested_name or None),
    )
    db.session.add(user)
    db.session.flush()
    queue_confirmation_mail(user)
    return user


def queue_account_exists_mail(user: User) -> None:
    """Tell the holder of an existing account that someone tried to register their address again, with the links
    to log in and to reset the password (caller commits). Carries nothing the registrant typed.
    """
    _queue_once(user, "auth/emails/account_exists", repeat_key("exists", user.id),
                login=absolute_url("auth.login", lang=user.language),
                reset=absolute_url("auth.request_reset", lang=user.language))


def _queue_once(user: User, template: str, key: str, recipient: str | None = None, **context: object) -> None:
    """Queue a link mail to `recipient` (the account's address by default) unless the very same one is already
    queued: two requests within the same second make the same token (itsdangerous stamps whole seconds), and the
    same mail twice helps nobody.
    """
    recipient = recipient or user.email
    exists = db.session.scalar(
        select(OutboxMessage.id).where(OutboxMessage.message_key == key, OutboxMessage.recipient == recipient)
    )
    if exists is None:
        # No name or other text the person typed: the address may be someone else's (not confirmed yet).
        mail = render_mail(template, user.language, **context)
        queue_mail(recipient, mail.subject, mail.text, key=key, body_html=mail.html)


def resend_confirmation(email: str) -> None:
    """A new confirmation link for an unconfirmed account with this address; nothing otherwise, in the same time
    (caller commits).
    """
    user = find_user_by_email(email)
    if user is None or user.email_confirmed:
        _equal_work("auth/emails/confirm_email", CONFIRM_PURPOSE, "auth.confirm_email", email,
                    current_app.config["TOKEN_MAX_AGE_CONFIRM"] // 3600)
        return
    queue_confirmation_mail(user)


def queue_confirmation_mail(user: User) -> None:
    """Queue the mail with the link that confirms `user`'s address, in `user`'s language (caller commits)."""
    token = make_token(CONFIRM_PURPOSE, {"uid": user.id, "email": user.email})
    _queue_once(user, "auth/emails/confirm_email", repeat_key("confirm", user.id, user.email),
                link=absolute_url("auth.confirm_email", token=token, lang=user.language),
                hours=current_app.config["TOKEN_MAX_AGE_CONFIRM"] // 3600)


def check_confirm_token(token: str) -> User:
    """The account a confirmation link is for, changing nothing; raises TokenError for a bad or expired token."""
    payload = read_token(CONFIRM_PURPOSE, token, current_app.config["TOKEN_MAX_AGE_CONFIRM"])
    if not isinstance(payload, dict):
        raise TokenError("invalid")
    user = db.session.get(User, payload.get("uid"))
    if user is None or user.email != payload.get("email"):
        raise TokenError("invalid")
    return user


def confirm_email(token: str) -> User:
    """Mark the address confirmed; raises TokenError for a bad or expired token."""
    user = check_confirm_token(token)
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
    return user


_DUMMY_HASH: str | None = None


def _dummy_hash() -> str:
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = hash_password("not a password of anyone")
    return _DUMMY_HASH


def authenticate(email: str, password: str) -> User | None:
    """The account when the password is right; None otherwise.

    An unknown address costs the same hashing work as a known one, so response times do not reveal accounts.
    """
    user = find_user_by_email(email or "")
    if user is None:
        check_password_hash(_dummy_hash(), password or "")
        return None
    if not check_password_hash(user.password_hash, password or ""):
        return None
    return user


def _equal_work(template: str, purpose: str, endpoint: str, email: str, hours: int) -> None:
    """The steps of queueing a link mail (a signed token, the look-up for the same mail already queued, the
    rendering), for an address that gets no mail: the answer comes after the same work, so its time does not tell
    whether the address has an account. Only the insert of the outbox row is left out.
    """
    token = make_token(purpose, {"uid": 0, "h": ""})
    db.session.scalar(
        select(OutboxMessage.id).where(OutboxMessage.message_key == repeat_key(purpose, email),
                                       OutboxMessage.recipient == email)
    )
    render_mail(template, current_app.config["BABEL_DEFAULT_LOCALE"],
                link=absolute_url(endpoint, token=token, lang=current_app.config["BABEL_DEFAULT_LOCALE"]), hours=hours)


def queue_password_reset(email: str) -> None:
    """Queue a reset link when the account exists; says nothing either way (no account probing), and takes the
    same time either way.
    """
    user = find_user_by_email(email)
    if user is None:
        _equal_work("auth/emails/reset_password", RESET_PURPOSE, "auth.reset_password", email,
                    current_app.config["TOKEN_MAX_AGE_RESET"] // 3600)
        return
    # The current hash is part of the token, so a link stops working once the password has been changed.
    token = make_token(RESET_PURPOSE, {"uid": user.id, "h": user.password_hash[-16:]})
    _queue_once(user, "auth/emails/reset_password", repeat_key("reset", user.id, user.password_hash),
                link=absolute_url("auth.reset_password", token=token, lang=user.language),
                hours=current_app.config["TOKEN_MAX_AGE_RESET"] // 3600)


def check_reset_token(token: str) -> User:
    """The account a reset link is for; raises TokenError when the link is forged, expired, for another purpose
    or already used (the password has changed since).
    """
    payload = read_token(RESET_PURPOSE, token, current_app.config["TOKEN_MAX_AGE_RESET"])
    if not isinstance(payload, dict):
        raise TokenError("invalid")
    user = db.session.get(User, payload.get("uid"))
    if user is None or user.password_hash[-16:] != payload.get("h"):
        raise TokenError("invalid")
    return user


def reset_password(token: str, new_password: str, keep: UserSession | None = None) -> User:
    """Set a new password from a reset link and end every session of the account but `keep` (the request's own,
    if the person is logged in there); returns the account.

    Raises TokenError for a bad, expired or used link and AccountError for a password that breaks the rules.
    """
    user = check_reset_token(token)
    check_password_rules(new_password)
    user.password_hash = hash_password(new_password)
    end_sessions(user, keep=keep if keep is not None and keep.user_id == user.id else None)
    # Receiving the link proves the address.
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
    return user


def set_password(user: User, password: str, keep: UserSession | None = None) -> None:
    """Replace the password of `user` and end every other session of the account (all but `keep`); flushes,
    caller commits. Raises AccountError for a password that breaks the rules.
    """
    check_password_rules(password)
    user.password_hash = hash_password(password)
    end_sessions(user, keep=keep)


def _check_current_password(user: User, password: str, field: str) -> None:
    if not check_password_hash(user.password_hash, password or ""):
        raise AccountError(str(_l("The password is not correct.")), field)


def change_password(user: User, current: str, new: str, keep: UserSession | None = None) -> None:
    """The person's own password change: checks the current password, sets the new one and ends every other
    session (all but `keep`, the one making the change). Flushes, never commits.

    Raises AccountError: field "current_password" when it is wrong, "password" when the new one breaks the rules.
    """
    _check_current_password(user, current, "current_password")
    try:
        set_password(user, new, keep=keep)
    except AccountError as exc:
        raise AccountError(exc.message, "password") from exc


def request_email_change(user: User, new_email: str, password: str) -> str:
    """Queue a link to the new address that makes it the account's address once opened (caller commits); the
    account keeps its old address until then. Returns the new address, normalised.

    When another account already uses the new address, nothing is sent to it but a notice to that account's holder
    (someone tried to take the address; how to log in or reset the password), and the address is returned all the
    same: the answer never tells whether an address has an account (issue 15). The notice carries nothing the
    requester typed.

    Raises AccountError for a wrong password (field "password"), or an invalid, unreceivable or unchanged address
    ("email").
    """
    _check_current_password(user, password, "password")
    email = normalize_email(new_email)
    try:
        receivable_email(email)
    except InvalidAddress as exc:
        raise AccountError(str(exc.message), "email") from exc
    if email == user.email:
        raise AccountError(str(_l("This is already the address of your account.")), "email")
    holder = find_user_by_email(email)
    if holder is not None:
        _queue_once(holder, "auth/emails/email_change_taken", repeat_key("change-email-taken", holder.id, user.id),
                    login=absolute_url("auth.login"), reset=absolute_url("auth.request_reset"))
        return email
    token = make_token(EMAIL_CHANGE_PURPOSE, {"uid": user.id, "old": user.email, "new": email})
    _queue_once(user, "auth/emails/change_email", repeat_key("change-email", user.id, email), recipient=email,
                link=absolute_url("auth.confirm_email_change", token=token, lang=user.language), address=email,
                hours=current_app.config["TOKEN_MAX_AGE_CONFIRM"] // 3600)
    return email


def check_email_change_token(token: str) -> tuple[User, str]:
    """The account and the new address a change link is for, changing nothing.

    Raises TokenError when the link is forged, expired, for another purpose, or used (the account's address is no
    longer the one it was made for).
    """
    payload = read_token(EMAIL_CHANGE_PURPOSE, token, current_app.config["TOKEN_MAX_AGE_CONFIRM"])
    if not isinstance(payload, dict) or not isinstance(payload.get("new"), str):
        raise TokenError("invalid")
    user = db.session.get(User, payload.get("uid"))
    if user is None or user.email != payload.get("old"):
        raise TokenError("invalid")
    return user, payload["new"]


def confirm_email_change(token: str) -> User:
    """Make the new address of a change link the account's address, confirmed, and tell the old address (caller
    commits). Returns the account.

    Raises TokenError for a bad, expired or used link, and AccountError ("email") when another account has taken
    the address since the link was sent.
    """
    user, new_email = check_email_change_token(token)
    if find_user_by_email(new_email):
        raise AccountError(str(_l("An account with this e-mail address already exists.")), "email")
    old_email = user.email
    user.email = new_email
    user.email_confirmed_at = utcnow()
    db.session.flush()
    mail = render_mail("auth/emails/email_changed", user.language, name=user.name, address=new_email,
                       contact=current_app.config["PRIVACY_CONTACT_EMAIL"])
    queue_mail(old_email, mail.subject, mail.text, key=repeat_key("email-changed", user.id, old_email, new_email),
               body_html=mail.html)
    email_changed.send(user, old=old_email, new=new_email)
    return user


def update_profile(user: User, *, name: str, title: str | None, language: str, public_profile: bool) -> None:
    """Save the person's own details (caller commits).

    Raises AccountError for a language the site does not offer (field "language") or an empty name ("name").
    """
    if language not in current_app.config["LANGUAGES"]:
        raise AccountError(str(_l("Unknown language.")), "language")
    name = (name or "").strip()
    if not name:
        raise AccountError(str(_l("This field is required.")), "name")
    user.name = name
    user.title = (title or "").strip() or None
    user.language = language
    user.public_profile = bool(public_profile)


def coordinator_count() -> int:
    """How many accounts have the coordinator role."""
    return db.session.scalar(select(func.count(User.id)).where(User.role == COORDINATOR)) or 0


def change_role(user: User, role: str, actor: User | None = None) -> bool:
    """Promote or demote (recorded in the audit trail); the last coordinator cannot be demoted.

    Returns False when the person already had the role (nothing changed).
    """
    if role not in ROLES:
        raise AccountError(str(_l("Unknown role.")), "role")
    if user.role == role:
        return False
    if user.role == COORDINATOR and coordinator_count() <= 1:
        raise AccountError(str(_l("The last coordinator cannot be demoted. Promote someone else first.")), "role")
    before = user.role
    user.role = role
    record_change(
        actor,
        "promote" if role == COORDINATOR else "demote",
        "user",
        user.id,
        before={"role": before},
        after={"role": role},
        summary=f"{user.email}: {before} -> {role}",
    )
    return True


def create_coordinator(email: str, name: str, password: str) -> User:
    """Used by the CLI: a confirmed coordinator account, or an existing account promoted."""
    email = normalize_email(email)
    check_password_rules(password)
    user = find_user_by_email(email)
    if user is None:
        user = User(email=email, name=name.strip(), password_hash=hash_password(password))
        db.session.add(user)
    else:
        user.password_hash = hash_password(password)
        user.name = name.strip() or user.name
    before = user.role
    user.role = COORDINATOR
    user.email_confirmed_at = user.email_confirmed_at or utcnow()
    db.session.flush()
    record_change(
        None,
        "create-coordinator",
        "user",
        user.id,
        before={"role": before} if before else None,
        after={"role": COORDINATOR},
        summary=f"{user.email}: coordinator (command line)",
    )
    return user
