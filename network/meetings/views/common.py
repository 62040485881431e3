"""The meetings blueprint and what its pages share: labels for templates, time formatting, look-ups."""

from __future__ import annotations

from flask import Blueprint, abort
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ...extensions import db
from ...i18n import current_language, format_span
from ...links import absolute_url
from ...markup import render_markdown
from ...orgs.models import Organisation
from ...orgs.regions import region_name
from ...permissions import is_coordinator
from ...timeutil import utcnow
from .. import participants as participant_rules
from ..models import DEMOCRACY_DAY, NETWORK, WORKING_GROUP, Meeting

bp = Blueprint("meetings", __name__)

NO_HOST = 0


def kind_label(kind: str) -> str:
    return {
        NETWORK: _("Network meeting"),
        DEMOCRACY_DAY: _("Democracy Day"),
        WORKING_GROUP: _("Working-group meeting"),
    }.get(kind, kind)


def mode_label(mode: str) -> str:
    return {"in_person": _("In person"), "online": _("Online"), "hybrid": _("Hybrid"), "remote": _("Remotely")}.get(
        mode, mode
    )


def meeting_time(meeting: Meeting, style: str = "full") -> str:
    """When a meeting is, in Finnish time and the interface language: "to 18.2.2027 klo 12.00–16.00" (both dates
    when it spans days). `style` is kept for the templates that pass one; every style shows the same text."""
    return format_span(meeting.starts_at, meeting.ends_at)


def network_feed_url() -> str:
    """The network's calendar feed as an absolute address (https in production) to copy into a calendar app."""
    return absolute_url("calendar.feed")


def webcal_url() -> str:
    """The feed address with the webcal:// scheme, which calendar apps open as a subscription."""
    return "webcal://" + network_feed_url().split("://", 1)[-1]


@bp.app_context_processor
def _labels() -> dict:
    return {
        "meeting_kind_label": kind_label,
        "meeting_mode_label": mode_label,
        "registration_status_label": participant_rules.status_label,
        "region_label": lambda code: region_name(code, current_language()),
        "render_markdown": render_markdown,
        "webcal_url": webcal_url,
        "network_feed_url": network_feed_url,
        "meeting_time": meeting_time,
        "now": utcnow,
    }


def meeting_or_404(meeting_id: int) -> Meeting:
    """The meeting, or 404; a draft is 404 for everyone but coordinators."""
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or (meeting.is_draft and not is_coordinator(current_user)):
        abort(404)
    return meeting


def host_choices() -> list[tuple[int, str]]:
    """Member organisations (not left) as host choices, "no host" first."""
    organisations = db.session.scalars(
        select(Organisation).where(Organisation.left_on.is_(None)).order_by(Organisation.sort_column(), Organisation.id)
    )
    return [(NO_HOST, _("No host organisation")),
            *((o.id, f"{o.name} ({o.region_name})" if o.region_name else o.name) for o in organisations)]
