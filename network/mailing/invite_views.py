"""Routes for sending meeting invitations to a list, their progress, and RSVP links from the invites."""

from __future__ import annotations

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..extensions import db
from ..i18n import localized
from ..permissions import coordinator_required
from ..timeutil import utc_to_helsinki
from ..tokens import TokenError
from . import invites
from .forms import ConfirmForm, InviteForm
from .models import MailingList
from .subscriptions import main_list
from .views import _token_error, bp


def _require_invites() -> None:
    if not invites.available():
        abort(404)


@bp.route("/mailing/invite", methods=["GET", "POST"])
@coordinator_required
def invite():
    _require_invites()
    main_list()
    form = InviteForm()
    meetings = invites.invitable_meetings()
    lists = list(db.session.scalars(select(MailingList).where(MailingList.archived.is_(False)).order_by(
        MailingList.kind.desc(), MailingList.id)))
    # The date as people know it: in Finnish time (a meeting at 00:30 is on the next day than in UTC).
    form.meeting.choices = [(m.id, f"{utc_to_helsinki(m.starts_at):%Y-%m-%d} {localized(m.title_fi, m.title_sv)}")
                            for m in meetings]
    form.mailing_list.choices = [(m.id, m.name_fi) for m in lists]
    if request.method == "GET":
        form.meeting.data = request.args.get("meeting", type=int)
    if form.validate_on_submit():
        meeting = invites.get_meeting(form.meeting.data)
        mailing_list = db.session.get(MailingList, form.mailing_list.data)
        try:
            count = invites.send_invites(meeting, mailing_list)
        except invites.InviteError as error:
            db.session.rollback()
            form.meeting.errors.append(error.message)
        else:
            from ..audit.trail import record_change

            record_change(current_user, "meeting.invite", "meeting", meeting.id,
                          summary=f"{mailing_list.slug}: {count}")
            db.session.commit()
            if count or not invites.invited_count(meeting.id):
                flash(_("The invitation is on its way to %(count)d recipients.", count=count), "success")
            else:
                # Sent twice (a double click, two clicks at once): nobody is invited twice, same page as before.
                flash(_("The invitation was already sent to everyone on the list."), "info")
            return redirect(url_for("mailing.invite_status", meeting_id=meeting.id))
    status = 200 if request.method == "GET" else 422
    return render_template("mailing/invite.html", form=form, meetings=meetings), status


@bp.get("/mailing/invites/<int:meeting_id>")
@coordinator_required
def invite_status(meeting_id: int):
    _require_invites()
    meeting = invites.get_meeting(meeting_id) or abort(404)
    return render_template(
        "mailing/invite_status.html", meeting=meeting, progress=invites.invite_progress(meeting_id),
        invited=invites.invited_count(meeting_id),
    )


@bp.get("/mailing/invites/<int:meeting_id>/progress.json")
@coordinator_required
def invite_progress(meeting_id: int):
    _require_invites()
    invites.get_meeting(meeting_id) or abort(404)
    return jsonify(**invites.invite_progress(meeting_id).as_dict())


@bp.route("/rsvp/<token>/<answer>", methods=["GET", "POST"])
def rsvp(token: str, answer: str):
    """GET asks for confirmation (mail scanners fetch links); the POST records the answer."""
    _require_invites()
    if answer not in invites.ANSWERS:
        abort(404)
    try:
        meeting, email, _name = invites.read_rsvp_token(token)
    except TokenError as error:
        return _token_error(error, "rsvp")
    form = ConfirmForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        from ..meetings.errors import MeetingError

        try:
            registration = invites.respond(token, answer)
        except MeetingError as error:
            db.session.rollback()
            return render_template("mailing/rsvp.html", meeting=meeting, answer=answer, email=email, form=form,
                                   error=str(error.message)), 409
        db.session.commit()
        return render_template("mailing/rsvp_done.html", meeting=meeting, answer=answer, registration=registration)
    return render_template("mailing/rsvp.html", meeting=meeting, answer=answer, email=email, form=form, error=None)
