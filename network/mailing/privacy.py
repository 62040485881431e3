"""Personal data of the mailing domain: a person's subscriptions, invitations and mail sent to them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, or_, select

from ..extensions import db
from ..mail.models import PENDING, AddressHealth, OutboxMessage
from .models import MeetingInvitation, Subscriber


def _subscribers(user: Any) -> list[Subscriber]:
    return list(
        db.session.scalars(
            select(Subscriber).where(or_(Subscriber.user_id == user.id, Subscriber.email == user.email.lower()))
        )
    )


def export_mailing(user: Any) -> dict[str, Any]:
    """The person's subscriptions for their GDPR data export (art. 15): {'subscriptions': [...]}."""
    subscribers = _subscribers(user)
    return {
        "subscriptions": [
            {
                "email": s.email,
                "name": s.name,
                "language": s.language,
                "confirmed_at": s.confirmed_at.isoformat() if s.confirmed_at else None,
                "lists": [
                    {
                        "list": sub.mailing_list.slug,
                        "receives_mail": sub.active,
                        "member": sub.is_member,
                        "unsubscribed_at": sub.unsubscribed_at.isoformat() if sub.unsubscribed_at else None,
                    }
                    for sub in s.subscriptions
                ],
            }
            for s in subscribers
        ],
        "meeting_invitations": [
            {"meeting_id": i.meeting_id, "sequence": i.last_sequence, "method": i.last_method}
            for i in db.session.scalars(select(MeetingInvitation).where(MeetingInvitation.email == user.email.lower()))
        ],
        "messages": [
            {"subject": m.subject, "status": m.status, "sent_at": m.sent_at.isoformat() if m.sent_at else None}
            for m in db.session.scalars(
                select(OutboxMessage).where(OutboxMessage.recipient == user.email.lower()).order_by(OutboxMessage.id)
            )
        ],
    }


def anonymise_mailing(user: Any) -> None:
    """Remove the person's subscriptions and invitations; mail rows keep their counts but lose the address.

    The subscriber record is found by the account link too, because the account's own anonymiser may already have
    replaced the e-mail address on the account.
    """
    subscribers = _subscribers(user)
    emails = {user.email.lower(), *(s.email for s in subscribers)}
    for subscriber in subscribers:
        db.session.delete(subscriber)
    db.session.execute(delete(MeetingInvitation).where(MeetingInvitation.email.in_(emails)))
    db.session.execute(delete(AddressHealth).where(AddressHealth.email.in_(emails)))
    db.session.execute(
        delete(OutboxMessage).where(OutboxMessage.recipient.in_(emails), OutboxMessage.status == PENDING)
    )
    for message in db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient.in_(emails))):
        message.recipient = f"removed-{message.id}@invalid"
        message.body_text = ""
        message.body_html = None
        message.calendar = None
        message.headers = None
    db.session.flush()
