"""Bounce reports (RFC 3464 DSNs and the common non-standard ones) read with flufl.bounce, Mailman's detectors.

A report is tied to the outbox row it is about by its VERP return path (`network/mail/verp.py`); without one, the
failed addresses the report names count only when we have mailed them. Permanent failures count toward the
address's bounce limit (`delivery.count_bounce`); temporary ones (delayed, 4.x.x) are recorded and not counted.
"""

from __future__ import annotations

from email import message_from_bytes

from flufl.bounce import all_failures
from sqlalchemy import select

from ..extensions import db
from .delivery import REPORTED_BOUNCE, count_bounce
from .inbound import HandlerResult, Inbound
from .models import FAILED, SENT, FailureStage, InboundStatus, OutboxMessage
from .outbox import canonical_recipient
from .verp import is_bounce_address, outbox_id_of

BOUNCE_SENDERS = ("mailer-daemon", "postmaster")


def _decoded(addresses) -> set[str]:
    result = set()
    for address in addresses:
        text = address.decode("utf-8", "replace") if isinstance(address, bytes) else str(address)
        text = text.strip().strip("<>").strip()
        if "@" in text:
            result.add(canonical_recipient(text))
    return result


def looks_like_bounce(inbound: Inbound) -> bool:
    """A delivery report: sent to our bounce address, a multipart/report, or from the null sender / a mailer daemon."""
    if any(is_bounce_address(address) for address in inbound.recipients):
        return True
    message = inbound.message
    if message.get_content_type() == "multipart/report":
        return True
    if inbound.envelope_from in ("", "<>") and inbound.envelope_to:
        return True
    local = inbound.sender.partition("@")[0]
    return local in BOUNCE_SENDERS


def failures(inbound: Inbound) -> tuple[set[str], set[str]]:
    """(temporary, permanent) failed addresses that the report names, by flufl.bounce's detectors."""
    message = message_from_bytes(inbound.raw) if inbound.raw else inbound.message
    temporary, permanent = all_failures(message)
    return _decoded(temporary), _decoded(permanent)


def handle_bounce(inbound: Inbound) -> HandlerResult | None:
    """The mail layer's own inbound handler: count permanent failures of a bounce report (flushes).

    Returns None when the message is not a bounce report; otherwise a HandlerResult saying which addresses were
    counted, or why nothing was (temporary only, an address we never mailed, nothing recognisable).
    """
    if not looks_like_bounce(inbound):
        return None
    temporary, permanent = failures(inbound)
    row = None
    for address in inbound.recipients:
        outbox_id = outbox_id_of(address)
        if outbox_id is not None:
            row = db.session.get(OutboxMessage, outbox_id)
            break
    if row is not None:
        if permanent and (row.recipient in permanent or not temporary - permanent):
            reason = f"{REPORTED_BOUNCE}permanent failure ({', '.join(sorted(permanent))})"
            health = count_bounce(row.recipient, reason)
            row.status = FAILED
            row.failure_stage = FailureStage.RECIPIENT
            row.last_error = reason[:1000]
            db.session.flush()
            return HandlerResult(InboundStatus.HANDLED,
                                 f"permanent failure of {row.recipient} (outbox {row.id}); bounces counted: "
                                 f"{health.bounce_count}")
        if temporary:
            return HandlerResult(InboundStatus.IGNORED,
                                 f"temporary failure of {row.recipient} (outbox {row.id}); not counted")
        return HandlerResult(InboundStatus.IGNORED, f"a report about outbox {row.id} naming no failure")
    if not permanent:
        if temporary:
            return HandlerResult(InboundStatus.IGNORED,
                                 f"temporary failure of {', '.join(sorted(temporary))}; not counted")
        return HandlerResult(InboundStatus.IGNORED, "a bounce report naming no failed address we can read")
    mailed = set(db.session.scalars(
        select(OutboxMessage.recipient).where(OutboxMessage.recipient.in_(permanent),
                                              OutboxMessage.status.in_((SENT, FAILED))).distinct()))
    if not mailed:
        return HandlerResult(InboundStatus.IGNORED,
                             f"permanent failure of an address we never mailed: {', '.join(sorted(permanent))}")
    counted = []
    for address in sorted(mailed):
        health = count_bounce(address, f"{REPORTED_BOUNCE}permanent failure")
        counted.append(f"{address} ({health.bounce_count})")
    db.session.flush()
    return HandlerResult(InboundStatus.HANDLED, f"permanent failure counted: {', '.join(counted)}")
