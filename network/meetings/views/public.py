"""Meetings for everyone: the list, a meeting's page and materials; members register and see their meetings."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ...extensions import db
from ...pagecache import cached_page
from ...pagination import paginate
from ...permissions import may_manage
from ...text import ascii_int
from ...timeutil import utcnow
from ...web import attempt
from .. import materials as material_rules
from .. import queries
from .. import registration as registration_rules
from ..forms import CancelRegistrationForm, ChangeRegistrationForm, RegistrationForm
from ..models import Meeting, MeetingMaterial
from .common import bp, meeting_or_404


@bp.get("/meetings")
@cached_page(per="minute")
def index():
    scope = queries.NETWORK
    past_years = queries.past_years(scope)
    year = request.args.get("year", type=ascii_int)
    if year not in past_years:
        year = past_years[0] if past_years else None
    past = queries.past_in_year(year, scope) if year is not None else []
    return render_template("meetings/index.html", upcoming=queries.upcoming(scope), past=past, year=year,
                           past_years=past_years, can_manage=may_manage(current_user, scope))


def _registration_form(meeting: Meeting, form_class: type[RegistrationForm] = RegistrationForm) -> RegistrationForm:
    form = form_class()
    form.mode.choices = [c for c in form.mode.choices if c[0] in registration_rules.allowed_modes(meeting)]
    return form


@bp.get("/meetings/<int:meeting_id>")
@cached_page(per="minute")
def detail(meeting_id: int):
    meeting = meeting_or_404(meeting_id)
    registration = queries.registration_of(meeting, current_user)
    form = _registration_form(meeting)
    form.mode.data = registration.mode if registration and registration.is_active else form.mode.choices[0][0]
    return render_template(
        "meetings/detail.html",
        meeting=meeting,
        registration=registration,
        form=form,
        cancel_form=CancelRegistrationForm(),
        places_left=registration_rules.places_left(meeting),
        can_manage=may_manage(current_user, meeting),
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


def _back(meeting: Meeting):
    return redirect(url_for("meetings.detail", meeting_id=meeting.id))


@bp.post("/meetings/<int:meeting_id>/register")
@login_required
def register(meeting_id: int):
    meeting = meeting_or_404(meeting_id)
    form = _registration_form(meeting)
    if not form.validate_on_submit():
        flash(_("Choose how you will take part."), "error")
        return _back(meeting)
    done, registration = attempt(lambda: registration_rules.register(
        meeting, email=current_user.email, name=current_user.name, mode=form.mode.data, user=current_user
    ))
    if done and registration.is_waitlisted:
        flash(_("The meeting is full: you are on the waiting list. We will tell you by e-mail if a place "
                "becomes free."), "info")
    elif done:
        flash(_("You are registered."), "success")
    return _back(meeting)


@bp.post("/meetings/<int:meeting_id>/registration")
@login_required
def change_registration(meeting_id: int):
    meeting = meeting_or_404(meeting_id)
    registration = queries.registration_of(meeting, current_user)
    form = _registration_form(meeting, ChangeRegistrationForm)
    if registration is None or not registration.is_active:
        flash(_("You are not registered for this meeting."), "error")
        return _back(meeting)
    if not form.validate_on_submit():
        flash(_("Choose how you will take part."), "error")
        return _back(meeting)
    give_up_place = form.give_up_place.data == "yes"
    if not give_up_place and registration_rules.would_lose_place(registration, form.mode.data):
        # Asked first: the change would cost a place the member holds (a full venue means the waiting list).
        form.give_up_place.data = "yes"
        return render_template("meetings/change_registration.html", meeting=meeting, registration=registration,
                               form=form)
    done, _result = attempt(lambda: registration_rules.change_mode(registration, form.mode.data,
                                                                   give_up_place=give_up_place))
    if done and registration.is_waitlisted:
        flash(_("Your registration was changed. There is no room at the venue: you are on the waiting list."),
              "info")
    elif done:
        flash(_("Your registration was changed."), "success")
    return _back(meeting)


@bp.route("/meetings/<int:meeting_id>/registration/cancel", methods=["GET", "POST"])
@login_required
def cancel_registration(meeting_id: int):
    meeting = meeting_or_404(meeting_id)
    registration = queries.registration_of(meeting, current_user)
    form = CancelRegistrationForm()
    if registration is None or not registration.is_active:
        flash(_("You are not registered for this meeting."), "error")
        return _back(meeting)
    if request.method == "GET":
        # The confirmation step: cancelling gives the place to the next in the queue.
        return render_template("meetings/cancel_registration.html", meeting=meeting, registration=registration,
                               form=form)
    if not form.validate_on_submit():
        abort(400)
    attempt(lambda: registration_rules.cancel_registration(registration),
            success=_("Your registration was cancelled."))
    return _back(meeting)


@bp.get("/my/meetings")
@login_required
def my_meetings():
    now = utcnow()
    # The meeting of each row comes with the row (the page shows it): one query, not one per registration.
    mine = queries.my_registrations(current_user)
    upcoming = db.session.scalars(mine.where(Meeting.ends_at >= now).order_by(Meeting.starts_at)).all()
    past = paginate(mine.where(Meeting.ends_at < now).order_by(Meeting.starts_at.desc()))
    return render_template("meetings/my_meetings.html", upcoming=upcoming, past=past)
