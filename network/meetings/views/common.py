"""The meetings blueprint and what its pages share: labels for templates, time formatting, look-ups."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, url_for
from flask_babel import format_date, format_datetime, format_time
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ...extensions import db
from ...i18n import current_language
from ...markup import render_markdown
from ...orgs.models import Organisation
from ...orgs.regions import region_name
from ...permissions import is_coordinator
from ...timeutil import utc_to_helsinki, utcnow
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
    """When a meeting is, in Finnish time: "Thursday 18 February 2027, 12:00–16:00" in the interface language."""
    starts, ends = utc_to_helsinki(meeting.starts_at), utc_to_helsinki(meeting.ends_at)
    if starts.date() == ends.date():
        return _("%(day)s, %(start)s–%(end)s", day=format_date(meeting.starts_utc, style),
                 start=format_time(meeting.starts_utc, "short"), end=format_time(meeting.ends_utc, "short"))
    return f"{format_datetime(meeting.starts_utc, 'short')} – {format_datetime(meeting.ends_utc, 'short')}"


def webcal_url() -> str:
    """The feed address with the webcal:// scheme, which calendar apps open as a subscription."""
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    return "webcal://" + base.split("://", 1)[-1] + url_for("calendar.feed")


@bp.app_context_processor
def _labels() -> dict:
    return {
        "meeting_kind_label": kind_label,
        "meeting_mode_label": mode_label,
        "registration_status_label": participant_rules.status_label,
        "region_label": lambda code: region_name(code, current_language()),
        "render_markdown": render_markdown,
        "webcal_url": webcal_url,
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
        select(Organisation).where(Organisation.left_on.is_(None)).order_by(Organisation.search_name)
    )
    return [(NO_HOST, _("No host organisation")),
            *((o.id, f"{o.name} ({o.region_name})" if o.region_name else o.name) for o in organisations)]
