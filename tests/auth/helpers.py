"""Shared by the account tests: organisations to choose, form data, reading what the SMTP server received."""

from __future__ import annotations

from sqlalchemy import func, select

from network.auth.accounts import hash_password
from network.auth.models import User
from network.extensions import db
from network.mail.delivery import deliver_all
from network.mail.models import OutboxMessage
from network.timeutil import utcnow

from ..support.mail import links_in, path_of

GOOD_PASSWORD = "kuntademokratia-2026"


def registration(**overrides) -> dict:
    data = {
        "name": "Aino Virtanen",
        "email": "aino.virtanen@example.fi",
        "password": GOOD_PASSWORD,
        "password_confirm": GOOD_PASSWORD,
        "organisation": "0",
        "organisation_name": "Osallisuusyhdistys ry",
        "language": "fi",
    }
    data.update(overrides)
    return data


def user_count() -> int:
    return db.session.scalar(select(func.count(User.id))) or 0


def outbox_count() -> int:
    return db.session.scalar(select(func.count(OutboxMessage.id))) or 0


def user_by_email(email: str) -> User | None:
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.email == email.lower()))


def deliver_and_read(smtp_server, address: str):
    """Run the delivery worker against the real SMTP server; the newest message received for `address`."""
    report = deliver_all()
    assert not report.errors, report.errors
    messages = smtp_server.messages_to(address)
    assert messages, f"no mail received for {address}"
    return messages[-1]


def link_path(message, fragment: str) -> str:
    """The path of the first link in the mail that contains `fragment`."""
    links = [link for link in links_in(message) if fragment in link]
    assert links, f"no link with {fragment!r} in the mail"
    return path_of(links[0])


def make_account(email: str, password: str = GOOD_PASSWORD, role: str = "member", confirmed: bool = True, **fields):
    """An account whose password is hashed with the testing cost (create_user's fixed hash is the slow default)."""
    user = User(
        email=email.lower(),
        name=fields.pop("name", "Testi Henkilö"),
        password_hash=hash_password(password),
        role=role,
        email_confirmed_at=utcnow() if confirmed else None,
        **fields,
    )
    db.session.add(user)
    db.session.commit()
    return user
