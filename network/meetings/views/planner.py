"""The year planner: four network meetings proposed for a year (regions in turn, Democracy Day in week 42),
adjusted by the coordinator and created together."""

from __future__ import annotations

from datetime import datetime

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...extensions import db
from ...i18n import current_language
from ...orgs.models import Organisation
from ...orgs.regions import region_name
from ...permissions import coordinator_required
from ...timeutil import helsinki_to_utc
from .. import queries, scheduling
from ..errors import MeetingError
from ..forms import PlanForm
from ..models import SCHEDULED, Meeting
from ..planner import proposal_for_year
from .common import NO_HOST, bp, host_choices


def _plan_host_choices(proposal) -> list[list[tuple[int, str]]]:
    everyone = host_choices()
    result = []
    for item in proposal:
        offered = [(h.id, f"{h.name} ({region_name(h.region, current_language())})") for h in item.hosts]
        offered_ids = {h.id for h in item.hosts}
        result.append([*offered, *(c for c in everyone if c[0] not in offered_ids)])
    return result


@bp.route("/admin/meetings/plan/<int:year>", methods=["GET", "POST"])
@coordinator_required
def plan(year: int):
    if not 2000 <= year <= 2100:
        abort(404)
    proposal = proposal_for_year(year)
    form = PlanForm()
    if request.method == "GET":
        for entry, item in zip(form.meetings.entries, proposal, strict=True):
            entry.form.kind.data = item.kind
            entry.form.day.data = item.day
            entry.form.starts.data = item.starts
            entry.form.ends.data = item.ends
            entry.form.title_fi.data = item.title_fi
            entry.form.host_organisation_id.data = item.host_id or NO_HOST
    for entry, choices in zip(form.meetings.entries, _plan_host_choices(proposal), strict=True):
        entry.form.host_organisation_id.choices = choices
    existing = queries.meetings_in_year(year)
    if form.validate_on_submit():
        created = _create_plan(year, form, proposal)
        if created:
            db.session.commit()
            flash(_("The four meetings of %(year)d were created.", year=year), "success")
            return redirect(url_for("meetings.admin_year", year=year))
    status = 200 if request.method == "GET" else 422
    return render_template("meetings/plan.html", year=year, form=form, proposal=proposal, existing=existing,
                           warnings=scheduling.year_warnings(existing)), status


def _create_plan(year: int, form: PlanForm, proposal) -> list[Meeting]:
    """Create the four meetings together: all or none."""
    created: list[Meeting] = []
    failed = False
    existing = [m for m in queries.meetings_in_year(year) if m.is_network_meeting and m.status == SCHEDULED]
    if len(existing) >= scheduling.MEETINGS_PER_YEAR:
        form.form_errors.append(_("%(year)d already has its four network meetings: edit them in the year view.",
                                  year=year))
        return []
    for entry, item in zip(form.meetings.entries, proposal, strict=True):
        sub = entry.form
        if sub.day.data.year != year:
            sub.day.errors = [*sub.day.errors, _("The date must be in %(year)d.", year=year)]
            failed = True
            continue
        host = db.session.get(Organisation, sub.host_organisation_id.data) if sub.host_organisation_id.data else None
        starts = helsinki_to_utc(datetime.combine(sub.day.data, sub.starts.data))
        ends = helsinki_to_utc(datetime.combine(sub.day.data, sub.ends.data))
        title_sv = item.title_sv if sub.title_fi.data.strip() == item.title_fi else None
        data = scheduling.MeetingData(
            kind=item.kind, title_fi=sub.title_fi.data, title_sv=title_sv, starts_at=starts, ends_at=ends,
            venue=sub.venue.data or (host.name if host else None) or _("To be announced"), address=sub.address.data,
            host_organisation_id=host.id if host else None, region=host.region if host else item.region,
            registration_deadline=None,
        )
        try:
            created.append(scheduling.create_meeting(data, current_user))
        except MeetingError as error:
            failed = True
            target = {"starts_at": "day", "ends_at": "ends", "kind": "day", "venue": "venue"}.get(error.field or "",
                                                                                                "day")
            sub[target].errors = [*sub[target].errors, str(error.message)]
    if failed:
        db.session.rollback()
        return []
    return created
