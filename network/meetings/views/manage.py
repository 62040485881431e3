"""The coordinator's meeting pages: the year view, creating and editing, cancelling, minutes, materials,
participants and their export, attendance."""

from __future__ import annotations

from datetime import datetime

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from ...extensions import db
from ...i18n import current_language
from ...orgs.regions import region_choices
from ...permissions import coordinator_required
from ...spreadsheets import spreadsheet_response
from ...timeutil import helsinki_to_utc, utc_to_helsinki, utcnow
from ...uploads import MAX_UPLOAD_BYTES
from ...web import attempt
from .. import materials as material_rules
from .. import participants as participant_rules
from .. import queries, scheduling
from .. import registration as registration_rules
from ..forms import AttendanceForm, CancelForm, DeleteForm, MaterialForm, MeetingForm, MinutesForm
from ..models import MeetingMaterial
from .common import NO_HOST, bp, host_choices, meeting_or_404


def _prepare(form: MeetingForm) -> None:
    form.host_organisation_id.choices = host_choices()
    form.region.choices = [("", _("Choose a region")), *region_choices(current_language())]


def _local(value: datetime | None) -> datetime | None:
    return helsinki_to_utc(value) if value else None


def _data_from(form: MeetingForm) -> scheduling.MeetingData:
    return scheduling.MeetingData(
        kind=form.kind.data,
        title_fi=form.title_fi.data or "",
        title_sv=form.title_sv.data,
        description_fi=form.description_fi.data,
        description_sv=form.description_sv.data,
        starts_at=_local(form.starts_at.data),
        ends_at=_local(form.ends_at.data),
        mode=form.mode.data,
        venue=form.venue.data,
        address=form.address.data,
        online_url=form.online_url.data,
        host_organisation_id=form.host_organisation_id.data or None,
        region=form.region.data or None,
        agenda=form.agenda.data,
        capacity=form.capacity.data,
        registration_deadline=_local(form.registration_deadline.data),
    )


@bp.get("/admin/meetings")
@coordinator_required
def admin_year():
    year = request.args.get("year", type=int) or utc_to_helsinki(utcnow()).year
    if not 2000 <= year <= 2100:
        abort(404)
    meetings = queries.meetings_in_year(year)
    return render_template(
        "meetings/admin_year.html", year=year, meetings=meetings, warnings=scheduling.year_warnings(meetings)
    )


@bp.route("/admin/meetings/new", methods=["GET", "POST"])
@coordinator_required
def new():
    form = MeetingForm()
    _prepare(form)
    if form.validate_on_submit():
        done, meeting = attempt(lambda: scheduling.create_meeting(_data_from(form), current_user), form=form,
                                success=_("The meeting was created."))
        if done:
            return redirect(url_for("meetings.detail", meeting_id=meeting.id))
    status = 200 if request.method == "GET" else 422
    return render_template("meetings/edit.html", form=form, meeting=None), status


@bp.route("/admin/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
@coordinator_required
def edit(meeting_id: int):
    meeting = meeting_or_404(meeting_id)
    form = MeetingForm(obj=meeting if request.method == "GET" else None)
    _prepare(form)
    if request.method == "GET":
        form.starts_at.data = utc_to_helsinki(meeting.starts_at).replace(tzinfo=None)
        form.ends_at.data = utc_to_helsinki(meeting.ends_at).replace(tzinfo=None)
        form.registration_deadline.data = (
            utc_to_helsinki(meeting.registration_deadline).replace(tzinfo=None)
            if meeting.registration_deadline else None
        )
        form.host_organisation_id.data = meeting.host_organisation_id or NO_HOST
        form.region.data = meeting.region or ""
    if form.validate_on_submit():
        data = _data_from(form)
        data.group_id = meeting.group_id
        done, _significant = attempt(
            lambda: scheduling.update_meeting(meeting, data, current_user), form=form,
            success=lambda significant: _("The meeting was updated. Calendars will show the new time or place.")
            if significant else _("The meeting was updated."),
        )
        if done:
            return redirect(url_for("meetings.detail", meeting_id=meeting.id))
    status = 200 if request.method == "GET" else 422
    return render_template("meetings/edit.html", form=form, meeting=meeting), status


@bp.route("/admin/meetings/<int:meeting_id>/cancel", methods=["GET", "POST"])
@coordinator_required
def cancel(meeting_id: int):
    meeting = meeting_or_404(meeting_id)
    form = CancelForm()
    if form.validate_on_submit():
        done, _result = attempt(lambda: scheduling.cancel_meeting(meeting, form.reason.data, current_user),
                                form=form, success=_("The meeting was cancelled. It stays visible, marked as cancelled."))
        if done:
            return redirect(url_for("meetings.detail", meeting_id=meeting.id))
    status = 200 if request.method == "GET" else 422
    return render_template("meetings/cancel.html", form=form, meeting=meeting), status


@bp.route("/admin/meetings/<int:meeting_id>/minutes", methods=["GET", "POST"])
@coordinator_required
def minutes(meeting_id: int):
    meeting = meeting_or_404(meeting_id)
    form = MinutesForm(obj=meeting if request.method == "GET" else None)
    if form.validate_on_submit():
        done, _result = attempt(lambda: scheduling.publish_minutes(meeting, form.minutes.data, current_user),
                                form=form, success=_("The minutes were published."))
        if done:
            return redirect(url_for("meetings.detail", meeting_id=meeting.id))
    status = 200 if request.method == "GET" else 422
    return render_template("meetings/minutes.html", form=form, meeting=meeting), status


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(error):
    flash(_("The file is too large: at most 20 MB."), "error")
    meeting_id = (request.view_args or {}).get("meeting_id")
    if meeting_id is not None and request.endpoint == "meetings.materials":
        return redirect(url_for("meetings.materials", meeting_id=meeting_id), code=303)
    return render_template("errors/error.html", status=413, title=_("File too large"),
                           message=_("The file is too large: at most 20 MB.")), 413


@bp.route("/admin/meetings/<int:meeting_id>/materials", methods=["GET", "POST"])
@coordinator_required
def materials(meeting_id: int):
    meeting = meeting_or_404(meeting_id)
    # Refuse a too-large upload before reading it (a little room for the multipart envelope).
    request.max_content_length = MAX_UPLOAD_BYTES + 64 * 1024
    form = MaterialForm()
    if form.validate_on_submit():
        upload = form.file.data
        done, _result = attempt(lambda: material_rules.attach(meeting, upload.filename or "", upload.stream,
                                                              current_user),
                                form=form, success=_("The file was attached."))
        if done:
            return redirect(url_for("meetings.materials", meeting_id=meeting.id))
    status = 200 if request.method == "GET" else 422
    return render_template("meetings/materials.html", form=form, meeting=meeting,
                           delete_form=DeleteForm()), status


@bp.post("/admin/meetings/<int:meeting_id>/materials/<int:material_id>/delete")
@coordinator_required
def delete_material(meeting_id: int, material_id: int):
    item = db.session.get(MeetingMaterial, material_id)
    if item is None or item.meeting_id != meeting_id:
        abort(404)
    if not DeleteForm().validate_on_submit():
        abort(400)
    attempt(lambda: material_rules.remove(item, current_user), success=_("The file was removed."))
    return redirect(url_for("meetings.materials", meeting_id=meeting_id))


@bp.get("/admin/meetings/<int:meeting_id>/participants")
@coordinator_required
def participants(meeting_id: int):
    meeting = meeting_or_404(meeting_id)
    rows = participant_rules.participants(meeting)
    counts = {
        "registered": sum(1 for p in rows if p.registration.is_registered),
        "waitlisted": sum(1 for p in rows if p.registration.is_waitlisted),
    }
    return render_template("meetings/participants.html", meeting=meeting, rows=rows, counts=counts,
                           form=AttendanceForm(), places_left=registration_rules.places_left(meeting))


@bp.post("/admin/meetings/<int:meeting_id>/attendance")
@coordinator_required
def attendance(meeting_id: int):
    meeting = meeting_or_404(meeting_id)
    form = AttendanceForm()
    if not form.validate_on_submit():
        abort(400)
    if utcnow() < meeting.starts_utc:
        flash(_("Attendance can be marked once the meeting has started."), "error")
        return redirect(url_for("meetings.participants", meeting_id=meeting.id))
    ids = {int(v) for v in request.form.getlist("attended") if v.isdigit()}
    attempt(lambda: participant_rules.mark_attendance(meeting, ids, current_user),
            success=lambda count: _("Attendance saved: %(count)d present.", count=count))
    return redirect(url_for("meetings.participants", meeting_id=meeting.id))


@bp.get("/admin/meetings/<int:meeting_id>/participants.<any(csv, xlsx):fmt>")
@coordinator_required
def export_participants(meeting_id: int, fmt: str):
    meeting = meeting_or_404(meeting_id)
    sheet = participant_rules.participant_sheet(meeting)
    response = spreadsheet_response(sheet, fmt, f"participants-{meeting.id}")
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    return response
