"""Meetings: public list and page, members' registrations, the coordinator's year view, planner and editing."""

from __future__ import annotations

from datetime import datetime

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_date, format_datetime, format_time
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import extract, or_, select
from sqlalchemy.orm import contains_eager
from werkzeug.exceptions import RequestEntityTooLarge

from ..extensions import db
from ..i18n import current_language
from ..markup import render_markdown
from ..orgs.models import Organisation
from ..orgs.regions import region_choices, region_name
from ..pagination import paginate
from ..permissions import coordinator_required
from ..rules import RuleError
from ..timeutil import helsinki_to_utc, utc_to_helsinki, utcnow
from ..uploads import MAX_UPLOAD_BYTES
from . import home, privacy, scheduling  # noqa: F401  (register the front-page section and the personal-data hooks)
from . import materials as material_rules
from . import participants as participant_rules
from . import registration as registration_rules
from .errors import MeetingError
from .forms import (
    AttendanceForm,
    CancelForm,
    CancelRegistrationForm,
    DeleteForm,
    MaterialForm,
    MeetingForm,
    MinutesForm,
    PlanForm,
    RegistrationForm,
)
from .models import (
    ACTIVE_STATUSES,
    DEMOCRACY_DAY,
    NETWORK,
    REGISTERED,
    SCHEDULED,
    WAITLISTED,
    WORKING_GROUP,
    Meeting,
    MeetingMaterial,
    MeetingRegistration,
)
from .planner import proposal_for_year

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


def _meeting_or_404(meeting_id: int) -> Meeting:
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        abort(404)
    return meeting


def _my_registration(meeting: Meeting) -> MeetingRegistration | None:
    if not current_user.is_authenticated:
        return None
    return db.session.scalar(
        select(MeetingRegistration).where(
            MeetingRegistration.meeting_id == meeting.id,
            or_(MeetingRegistration.user_id == current_user.id, MeetingRegistration.email == current_user.email),
        )
    )


# --- public ----------------------------------------------------------------------------------------------


@bp.get("/meetings")
def index():
    now = utcnow()
    upcoming = db.session.scalars(
        select(Meeting).where(Meeting.ends_at >= now).order_by(Meeting.starts_at)
    ).all()
    past_years = sorted(
        {utc_to_helsinki(s).year for s in db.session.scalars(select(Meeting.starts_at).where(Meeting.ends_at < now))},
        reverse=True,
    )
    year = request.args.get("year", type=int)
    if year not in past_years:
        year = past_years[0] if past_years else None
    past = []
    if year is not None:
        past = [
            m
            for m in db.session.scalars(
                select(Meeting)
                .where(Meeting.ends_at < now, extract("year", Meeting.starts_at).between(year - 1, year + 1))
                .order_by(Meeting.starts_at.desc())
            )
            if utc_to_helsinki(m.starts_at).year == year
        ]
    return render_template("meetings/index.html", upcoming=upcoming, past=past, year=year, past_years=past_years)


@bp.get("/meetings/<int:meeting_id>")
def detail(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    registration = _my_registration(meeting)
    form = RegistrationForm()
    form.mode.choices = [c for c in form.mode.choices if c[0] in registration_rules.allowed_modes(meeting)]
    form.mode.data = registration.mode if registration and registration.is_active else form.mode.choices[0][0]
    return render_template(
        "meetings/detail.html",
        meeting=meeting,
        registration=registration,
        form=form,
        cancel_form=CancelRegistrationForm(),
        places_left=registration_rules.places_left(meeting),
    )


@bp.get("/meetings/<int:meeting_id>/materials/<int:material_id>")
def material(meeting_id: int, material_id: int):
    item = db.session.get(MeetingMaterial, material_id)
    if item is None or item.meeting_id != meeting_id:
        abort(404)
    response = material_rules.send_material(item)
    if response is None:
        abort(404)
    return response


# --- members ---------------------------------------------------------------------------------------------


def _refuse(meeting: Meeting, error: MeetingError):
    db.session.rollback()
    flash(str(error.message), "error")
    return redirect(url_for("meetings.detail", meeting_id=meeting.id))


@bp.post("/meetings/<int:meeting_id>/register")
@login_required
def register(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    form = RegistrationForm()
    form.mode.choices = [c for c in form.mode.choices if c[0] in registration_rules.allowed_modes(meeting)]
    if not form.validate_on_submit():
        flash(_("Choose how you will take part."), "error")
        return redirect(url_for("meetings.detail", meeting_id=meeting.id))
    try:
        registration = registration_rules.register(
            meeting, email=current_user.email, name=current_user.name, mode=form.mode.data, user=current_user
        )
    except MeetingError as error:
        return _refuse(meeting, error)
    db.session.commit()
    if registration.status == WAITLISTED:
        flash(_("The meeting is full: you are on the waiting list. We will tell you by e-mail if a place "
                "becomes free."), "info")
    else:
        flash(_("You are registered."), "success")
    return redirect(url_for("meetings.detail", meeting_id=meeting.id))


@bp.post("/meetings/<int:meeting_id>/registration")
@login_required
def change_registration(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    registration = _my_registration(meeting)
    form = RegistrationForm()
    form.mode.choices = [c for c in form.mode.choices if c[0] in registration_rules.allowed_modes(meeting)]
    if registration is None or not registration.is_active:
        flash(_("You are not registered for this meeting."), "error")
        return redirect(url_for("meetings.detail", meeting_id=meeting.id))
    if not form.validate_on_submit():
        flash(_("Choose how you will take part."), "error")
        return redirect(url_for("meetings.detail", meeting_id=meeting.id))
    try:
        registration_rules.change_mode(registration, form.mode.data)
    except MeetingError as error:
        return _refuse(meeting, error)
    db.session.commit()
    if registration.status == WAITLISTED:
        flash(_("Your registration was changed. There is no room at the venue: you are on the waiting list."),
              "info")
    else:
        flash(_("Your registration was changed."), "success")
    return redirect(url_for("meetings.detail", meeting_id=meeting.id))


@bp.post("/meetings/<int:meeting_id>/registration/cancel")
@login_required
def cancel_registration(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    registration = _my_registration(meeting)
    form = CancelRegistrationForm()
    if registration is None or not registration.is_active:
        flash(_("You are not registered for this meeting."), "error")
        return redirect(url_for("meetings.detail", meeting_id=meeting.id))
    if not form.validate_on_submit():
        abort(400)
    try:
        registration_rules.cancel_registration(registration)
    except MeetingError as error:
        return _refuse(meeting, error)
    db.session.commit()
    flash(_("Your registration was cancelled."), "success")
    return redirect(url_for("meetings.detail", meeting_id=meeting.id))


@bp.get("/my/meetings")
@login_required
def my_meetings():
    now = utcnow()
    # The meeting of each row comes with the row (the page shows it): one query, not one per registration.
    mine = select(MeetingRegistration).join(Meeting).options(contains_eager(MeetingRegistration.meeting)).where(
        or_(MeetingRegistration.user_id == current_user.id, MeetingRegistration.email == current_user.email),
        MeetingRegistration.status.in_(ACTIVE_STATUSES),
    )
    upcoming = db.session.scalars(mine.where(Meeting.ends_at >= now).order_by(Meeting.starts_at)).all()
    past = paginate(mine.where(Meeting.ends_at < now).order_by(Meeting.starts_at.desc()))
    return render_template("meetings/my_meetings.html", upcoming=upcoming, past=past)


# --- coordinator -----------------------------------------------------------------------------------------


def _host_choices() -> list[tuple[int, str]]:
    organisations = db.session.scalars(
        select(Organisation).where(Organisation.left_on.is_(None)).order_by(Organisation.search_name)
    )
    return [(NO_HOST, _("No host organisation")),
            *((o.id, f"{o.name} ({o.region_name})" if o.region_name else o.name) for o in organisations)]


def _prepare(form: MeetingForm) -> None:
    form.host_organisation_id.choices = _host_choices()
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


def _field_error(form, error: MeetingError) -> None:
    name = error.field if error.field and error.field in form else None
    if name:
        form[name].errors = [*form[name].errors, str(error.message)]
    else:
        form.form_errors.append(str(error.message))


@bp.get("/admin/meetings")
@coordinator_required
def admin_year():
    year = request.args.get("year", type=int) or utc_to_helsinki(utcnow()).year
    if not 2000 <= year <= 2100:
        abort(404)
    meetings = scheduling.meetings_in_year(year)
    return render_template(
        "meetings/admin_year.html", year=year, meetings=meetings, warnings=scheduling.year_warnings(meetings)
    )


@bp.route("/admin/meetings/new", methods=["GET", "POST"])
@coordinator_required
def new():
    form = MeetingForm()
    _prepare(form)
    if form.validate_on_submit():
        try:
            meeting = scheduling.create_meeting(_data_from(form), current_user)
        except MeetingError as error:
            db.session.rollback()
            _field_error(form, error)
        else:
            db.session.commit()
            flash(_("The meeting was created."), "success")
            return redirect(url_for("meetings.detail", meeting_id=meeting.id))
    status = 200 if request.method == "GET" else 422
    return render_template("meetings/edit.html", form=form, meeting=None), status


@bp.route("/admin/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
@coordinator_required
def edit(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
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
        try:
            data = _data_from(form)
            data.group_id = meeting.group_id
            significant = scheduling.update_meeting(meeting, data, current_user)
        except MeetingError as error:
            db.session.rollback()
            _field_error(form, error)
        else:
            db.session.commit()
            if significant:
                flash(_("The meeting was updated. Calendars will show the new time or place."), "success")
            else:
                flash(_("The meeting was updated."), "success")
            return redirect(url_for("meetings.detail", meeting_id=meeting.id))
    status = 200 if request.method == "GET" else 422
    return render_template("meetings/edit.html", form=form, meeting=meeting), status


@bp.route("/admin/meetings/<int:meeting_id>/cancel", methods=["GET", "POST"])
@coordinator_required
def cancel(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    form = CancelForm()
    if form.validate_on_submit():
        try:
            scheduling.cancel_meeting(meeting, form.reason.data, current_user)
        except MeetingError as error:
            db.session.rollback()
            _field_error(form, error)
        else:
            db.session.commit()
            flash(_("The meeting was cancelled. It stays visible, marked as cancelled."), "success")
            return redirect(url_for("meetings.detail", meeting_id=meeting.id))
    status = 200 if request.method == "GET" else 422
    return render_template("meetings/cancel.html", form=form, meeting=meeting), status


@bp.route("/admin/meetings/<int:meeting_id>/minutes", methods=["GET", "POST"])
@coordinator_required
def minutes(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    form = MinutesForm(obj=meeting if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            scheduling.publish_minutes(meeting, form.minutes.data, current_user)
        except MeetingError as error:
            db.session.rollback()
            _field_error(form, error)
        else:
            db.session.commit()
            flash(_("The minutes were published."), "success")
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
    meeting = _meeting_or_404(meeting_id)
    # Refuse a too-large upload before reading it (a little room for the multipart envelope).
    request.max_content_length = MAX_UPLOAD_BYTES + 64 * 1024
    form = MaterialForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            material_rules.attach(meeting, upload.filename or "", upload.stream, current_user)
        except RuleError as error:
            db.session.rollback()
            _field_error(form, error)
        else:
            db.session.commit()
            flash(_("The file was attached."), "success")
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
    material_rules.remove(item, current_user)
    db.session.commit()
    flash(_("The file was removed."), "success")
    return redirect(url_for("meetings.materials", meeting_id=meeting_id))


@bp.get("/admin/meetings/<int:meeting_id>/participants")
@coordinator_required
def participants(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    rows = participant_rules.participants(meeting)
    counts = {
        "registered": sum(1 for p in rows if p.registration.status == REGISTERED),
        "waitlisted": sum(1 for p in rows if p.registration.status == WAITLISTED),
    }
    return render_template("meetings/participants.html", meeting=meeting, rows=rows, counts=counts,
                           form=AttendanceForm(), places_left=registration_rules.places_left(meeting))


@bp.post("/admin/meetings/<int:meeting_id>/attendance")
@coordinator_required
def attendance(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    form = AttendanceForm()
    if not form.validate_on_submit():
        abort(400)
    if utcnow() < meeting.starts_utc:
        flash(_("Attendance can be marked once the meeting has started."), "error")
        return redirect(url_for("meetings.participants", meeting_id=meeting.id))
    ids = {int(v) for v in request.form.getlist("attended") if v.isdigit()}
    count = participant_rules.mark_attendance(meeting, ids, current_user)
    db.session.commit()
    flash(_("Attendance saved: %(count)d present.", count=count), "success")
    return redirect(url_for("meetings.participants", meeting_id=meeting.id))


@bp.get("/admin/meetings/<int:meeting_id>/participants.<any(csv, xlsx):fmt>")
@coordinator_required
def export_participants(meeting_id: int, fmt: str):
    meeting = _meeting_or_404(meeting_id)
    day = utc_to_helsinki(meeting.starts_at).date().isoformat()
    if fmt == "csv":
        body, mimetype = participant_rules.export_csv(meeting), "text/csv; charset=utf-8"
    else:
        body = participant_rules.export_xlsx(meeting)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = current_app.response_class(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="participants-{meeting.id}-{day}.{fmt}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    return response


# --- the year planner ------------------------------------------------------------------------------------


def _plan_host_choices(proposal) -> list[list[tuple[int, str]]]:
    everyone = _host_choices()
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
    existing = scheduling.meetings_in_year(year)
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
    existing = [m for m in scheduling.meetings_in_year(year) if m.is_network_meeting and m.status == SCHEDULED]
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
