"""The coordinators' delivery page: the relay's state, what is waiting, failed messages and their retry."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import func, select
from sqlalchemy.orm import defer

from ..extensions import db
from ..pagination import paginate
from ..permissions import coordinator_required
from ..text import is_ascii_digits
from .delivery import relay_status, retry_failed
from .forms import RetryForm
from .inbound import retry_inbound
from .models import FAILED, FailureStage, InboundMessage, InboundStatus, OutboxMessage, OutboxStatus

bp = Blueprint("mail", __name__)

STAGE_LABELS = {
    FailureStage.COMPOSE: _l("The message could not be built"),
    FailureStage.ADDRESS: _l("The address cannot receive our mail"),
    FailureStage.RELAY: _l("Our mail server refused"),
    FailureStage.RECIPIENT: _l("The recipient's server refused the address"),
    FailureStage.MESSAGE: _l("The recipient's server refused the message"),
}


INBOUND_STATUS_LABELS = {
    InboundStatus.RECEIVED: _l("Received"),
    InboundStatus.HANDLED: _l("Handled"),
    InboundStatus.IGNORED: _l("Nothing to change"),
    InboundStatus.REFUSED: _l("Refused"),
    InboundStatus.FAILED: _l("Failed"),
}
INBOUND_KIND_LABELS = {
    "bounce": _l("Bounce report"),
    "calendar-reply": _l("Calendar reply"),
    "unsubscribe": _l("Unsubscribe request"),
}


def _retry_ids() -> list[int] | None:
    """The one message id a retry form names, or None for all of them; 400 for a bad form."""
    form = RetryForm()
    if not form.validate_on_submit():
        abort(400)
    if not form.message_id.data:
        return None
    if not is_ascii_digits(form.message_id.data) or len(form.message_id.data) > 18:
        abort(400)
    return [int(form.message_id.data)]


@bp.get("/admin/mail")
@coordinator_required
def delivery():
    counts = dict(db.session.execute(
        select(OutboxMessage.status, func.count(OutboxMessage.id)).group_by(OutboxMessage.status)).all())
    failed = paginate(select(OutboxMessage).where(OutboxMessage.status == FAILED).order_by(OutboxMessage.id.desc()),
                      per_page=50)
    return render_template(
        "mail/delivery.html", relay=relay_status(), counts={status: counts.get(status, 0) for status in OutboxStatus},
        failed=failed, form=RetryForm(), stage_labels=STAGE_LABELS,
    )


@bp.post("/admin/mail/retry")
@coordinator_required
def retry():
    count = retry_failed(_retry_ids())
    db.session.commit()
    flash(ngettext("%(num)d message will be sent again.", "%(num)d messages will be sent again.", count)
          if count else _("There was nothing to send again."), "success" if count else "info")
    return redirect(url_for("mail.delivery"))


@bp.get("/admin/mail/inbound")
@coordinator_required
def inbound():
    counts = dict(db.session.execute(
        select(InboundMessage.status, func.count(InboundMessage.id)).group_by(InboundMessage.status)).all())
    messages = paginate(select(InboundMessage).options(defer(InboundMessage.raw)).order_by(InboundMessage.id.desc()),
                        per_page=50)
    return render_template(
        "mail/inbound.html", messages=messages, form=RetryForm(),
        counts={status: counts.get(status, 0) for status in InboundStatus},
        status_labels=INBOUND_STATUS_LABELS, kind_labels=INBOUND_KIND_LABELS,
    )


@bp.post("/admin/mail/inbound/retry")
@coordinator_required
def inbound_retry():
    count = retry_inbound(_retry_ids())
    flash(ngettext("%(num)d message was handled again.", "%(num)d messages were handled again.", count)
          if count else _("There was nothing to handle again."), "success" if count else "info")
    return redirect(url_for("mail.inbound"))
