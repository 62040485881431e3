"""The coordinator's meeting pages: the year view, creating and editing, cancelling, minutes, materials,
participants and their export, attendance."""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from werkzeug.exceptions import RequestEntityTooLarge

from ...extensions import db
from ...i18n import current_language, format_file_size
from ...markup import render_markdown
from ...orgs.regions import region_choices
from ...permissions import coordinator_required, may_manage
from ...spreadsheets import spreadsheet_response
from ...text import ascii_int, is_ascii_digits
from ...timeutil import EARLIEST_YEAR, LATEST_YEAR, as_utc, utc_to_helsinki, utcnow
from ...uploads import MAX_UPLOAD_BYTES
from ...web import apply_rule_error, attempt, attempt_once
from .. import materials as material_rules
from .. import messages as message_rules
from .. import participants as participant_rules
from .. import queries, scheduling
from .. import registration as registration_rules
from ..errors import MeetingError
from ..forms import (
    AttendanceForm,
    CancelForm,
    DeleteForm,
    DeleteMeetingForm,
    MaterialForm,
    MeetingForm,
    MinutesForm,
    ParticipantMessageForm,
    PublishForm,
)
from ..models import Meeting, MeetingMaterial
from .common import NO_HOST, bp, host_choices, meeting_or_404


def _prepare(form: MeetingForm) -> None:
    form.host_organisation_id.choices = host_choices()
    form.region.choices = [("", _("Choose a region")), *region_choices(current_language())]


def _data_from(form: MeetingForm, meeting: Meeting | None = None) -> tuple[scheduling.MeetingData, dict]:
    """The form's meeting in UTC, and the problems of its Finnish wall-clock times: a time that does not exist,
    one that occurs twice (asked about) and, once confirmed with the box, a start in the past."""
    times, problems = scheduling.local_times_to_utc(
        {"starts_at": form.starts_at.data, "ends_at": form.ends_at.data,
         "registration_deadline": form.registration_deadline.data},
        form.repeat.data,
    )
    starts = times["starts_at"]
    moved = meeting is None or starts is None or as_utc(meeting.starts_at) != starts
    if starts is not None and starts < utcnow() and moved and not form.confirm_past.data:
        problems["confirm_past"] = _("The start is in the past. Tick the box if that is what you mean.")
    data = scheduling.MeetingData(
        kind=form.kind.data,
        title_fi=form.title_fi.data or "",
        title_sv=form.title_sv.data,
        description_fi=form.description_fi.data,
        description_sv=form.description_sv.data,
        starts_at=starts,
        ends_at=times["ends_at"],
        mode=form.mode.data,
        venue=form.venue.data,
        address=form.address.data,
        online_url=form.online_url.data,
        host_organisation_id=form.host_organisation_id.data or None,
        region=form.region.data or None,
        agenda=form.agenda.data,
        capacity=form.capacity.data,
        registration_deadline=times["registration_deadline"],
    )
    return data, problems


def _asks(form: MeetingForm) -> dict[str, bool]:
    """Which questions the form shows: the repeated hour (an ambiguous time was entered) and the past start."""
    times = (form.starts_at.data, form.ends_at.data, form.registration_deadline.data)
    return {
        "ask_repeat": scheduling.asks_repeat(list(times), form.repeat.data),
        "ask_past": bool(form.confirm_past.data or form.confirm_past.errors),
        "ask_waitlist": bool(form.confirm_waitlist.data or form.confirm_waitlist.errors),
    }


def _text_previews(form: MeetingForm) -> list[tuple[str, object]] | None:
    """The description and agenda as they will show (sanitised Markdown, line breaks kept), when the
    coordinator asked for a preview; None otherwise."""
    if not form.preview_text.data:
        return None
    return [(str(f.label.text), render_markdown(f.data, breaks=True))
            for f in (form.description_fi, form.description_sv, form.agenda) if (f.data or "").strip()]


def _save(form: MeetingForm, meeting: Meeting | None, action: Callable[[scheduling.MeetingData], object],
          success: str | Callable[[object], str]) -> tuple[bool, object]:
    """Check the whole form at once (the form's own checks, the times, the meeting rules), put every message at
    its field, and run `action` only when nothing is wrong; a new meeting's form is run once (`attempt_once`)."""
    valid = form.validate_on_submit()
    data, problems = _data_from(form, meeting)
    if meeting is not None:
        problems.update(scheduling.waitlist_problem(meeting, data, bool(form.confirm_waitlist.data)))
    if not valid or problems:
        problems.update(scheduling.meeting_problems(data, meeting.id if meeting else None))
        apply_rule_error(form, MeetingError(errors=problems))
        return False, None
    if meeting is not None:
        data.group_id = meeting.group_id
    if meeting is None:
        return attempt_once(lambda: action(data), form=form, success=success,
                            load=lambda meeting_id: db.session.get(Meeting, meeting_id))
    return attempt(lambda: action(data), form=form, success=success)


@bp.get("/admin/meetings")
@coordinator_required
def admin_year():
    year = request.args.get("year", type=ascii_int) or utc_to_helsinki(utcnow()).year
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        abort(404)
    meetings = queries.meetings_in_year(year, queries.WITH_DRAFTS)
    return render_template(
        "meetings/admin_year.html", year=year, meetings=meetings, warnings=scheduling.year_warnings(meetings)
    )


@bp.route("/admin/meetings/new", methods=["GET", "POST"])
@coordinator_required
def new():
    form = MeetingForm()
    _prepare(form)
    previews = _text_previews(form) if request.method == "POST" else None
    if request.method == "POST" and previews is None:
        done, meeting = _save(form, None, lambda data: scheduling.create_meeting(data, current_user, draft=True),
                              _("The meeting was saved as a draft. Publish it when it is ready."))
        if done:
            return redirect(url_for("meetings.detail", meeting_id=meeting.id))
    status = 200 if request.method == "GET" or previews is not None else 422
    return render_template("meetings/edit.html", form=form, meeting=None, previews=previews, **_asks(form)), status


@bp.route("/admin/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
@coordinator_required
def edit(meeting_id: int):
    meeting = meeting_or_404(meeting_id)
    if meeting.group_id is not None:
        # A working group's meeting is edited on its group's page, whose rules also hold it to the group's term
        # and keep its calendar choice; a POST here changes nothing.
        return redirect(url_for("groups.edit_meeting", group_id=meeting.group_id, meeting_id=meeting.id))
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
    previews = _text_previews(form) if request.method == "POST" else None
    if request.method == "POST" and previews is None:
        done, _significant = _save(
            form, meeting, lambda data: scheduling.update_meeting(meeting, data, current_user,
                                                       confirm_waitlist=bool(form.confirm_waitlist.data)),
            lambda significant: _("The meeting was updated. Calendars will show the new time or place.")
            if significant else _("The meeting was updated."),
        )
        if done:
            return redirect(url_for("meetings.detail", meeting_id=meeting.id))
    status = 200 if request.method == "GET" or previews is not None else 422
    return render_template("meetings/edit.html", form=form, meeting=meeting, previews=previews,
                           **_asks(form)), status


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


@bp.post("/admin/meetings/<int:meeting_id>/publish")
@coordinator_required
def publish(meeting_id: int):
    meeting = meeting_or_404(meeting_id)
    if not PublishForm().validate_on_submit():
        abort(400)
    attempt(lambda: scheduling.publish_meeting(meeting, current_user),
            success=_("The meeting was published: it is now in the list, the calendar feeds and the front page."))
    return redirect(url_for("meetings.detail", meeting_id=meeting.id))


@bp.route("/admin/meetings/<int:meeting_id>/delete", methods=["GET", "POST"])
@coordinator_required
def delete(meeting_id: int):
    meeting = meeting_or_404(meeting_id)
    if not meeting.is_draft:
        flash(_("A published meeting cannot be deleted: cancel it instead."), "error")
        return redirect(url_for("meetings.detail", meeting_id=meeting.id))
    form = DeleteMeetingForm()
    year = utc_to_helsinki(meeting.starts_at).year
    if form.validate_on_submit():
        done, _result = attempt(lambda: scheduling.delete_draft(meeting, current_user), form=form,
                                success=_("The draft was deleted."))
        if done:
            return redirect(url_for("meetings.admin_year", year=year))
    status = 200 if request.method == "GET" else 422
    return render_template("meetings/delete.html", form=form, meeting=meeting), status


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
    flash(_("The file is too large: at most %(size)s.", size=format_file_size(MAX_UPLOAD_BYTES)), "error")
    meeting_id = (request.view_args or {}).get("meeting_id")
    if meeting_id is not None and request.endpoint == "meetings.materials":
        return redirect(url_for("meetings.materials", meeting_id=meeting_id), code=303)
    return render_template("errors/error.html", status=413, title=_("File too large"),
                           message=_("The file is too large: at most %(size)s.", size=format_file_size(MAX_UPLOAD_BYTES))), 413


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
                                                              current_user, title_fi=form.title_fi.data,
                                                              title_sv=form.title_sv.data),
                                form=form, success=_("The file was attached."))
        if done:
            return redirect(url_for("meetings.materials", meeting_id=meeting.id))
    status = 200 if request.method == "GET" else 422
    return render_template("meetings/materials.html", form=form, meeting=meeting,
                           delete_form=DeleteForm()), status


@bp.route("/admin/meetings/<int:meeting_id>/materials/<int:material_id>/delete", methods=["GET", "POST"])
@coordinator_required
def delete_material(meeting_id: int, material_id: int):
    item = db.session.get(MeetingMaterial, material_id)
    if item is None or item.meeting_id != meeting_id:
        abort(404)
    form = DeleteForm()
    if request.method == "GET":
        return render_template("meetings/delete_material.html", form=form, meeting=item.meeting, material=item)
    if not form.validate_on_submit():
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
    ids = {int(v) for v in request.form.getlist("attended") if is_ascii_digits(v) and len(v) <= 18}
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


@bp.route("/meetings/<int:meeting_id>/message", methods=["GET", "POST"])
@login_required
def message(meeting_id: int):
    meeting = meeting_or_404(meeting_id)
    if not may_manage(current_user, meeting):
        abort(403)
    form = ParticipantMessageForm()
    preview = None
    include = bool(form.include_invitees.data)
    if form.validate_on_submit():
        if form.send.data:
            done, _sent = attempt(
                lambda: message_rules.send_message(meeting, form.subject.data, form.body.data, current_user,
                                                   include),
                form=form, success=lambda sent: ngettext("The message was sent to %(num)d person.",
                                                         "The message was sent to %(num)d people.",
                                                         sent.recipient_count))
            if done:
                return redirect(url_for("meetings.detail", meeting_id=meeting.id))
        else:
            try:
                preview = message_rules.check_message(meeting, form.subject.data, form.body.data, include)
            except MeetingError as error:
                apply_rule_error(form, error)
    elif form.is_submitted():
        # Every problem at once: the rule's (nobody to write to...) beside the form's own.
        try:
            message_rules.check_message(meeting, form.subject.data, form.body.data, include)
        except MeetingError as error:
            apply_rule_error(form, error)
    status = 200 if request.method == "GET" or preview is not None else 422
    return render_template("meetings/message.html", form=form, meeting=meeting, preview=preview), status
