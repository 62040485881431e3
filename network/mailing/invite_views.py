"""Routes for sending meeting invitations to a list, their progress, and RSVP links from the invites.

They live on the mailing blueprint (endpoints "mailing.invite", "mailing.invite_status", "mailing.invite_progress",
"mailing.rsvp"): views.py calls `attach(bp)` where it creates the blueprint.
"""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..audit.trail import record_change
from ..extensions import db
from ..i18n import format_day, localized
from ..permissions import coordinator_required
from ..rules import RuleError
from ..text import ascii_int
from ..tokens import TokenError
from ..web import apply_rule_error, attempt
from . import invites
from .forms import ConfirmForm, InviteForm
from .lists import main_list
from .models import MailingList
from .pages import token_error


@coordinator_required
def invite():
    main_list()
    form = InviteForm()
    meetings = invites.invitable_meetings()
    lists = list(db.session.scalars(select(MailingList).where(MailingList.archived.is_(False)).order_by(
        MailingList.kind.desc(), MailingList.id)))
    # The date as people know it: in Finnish time (a meeting at 00:30 is on the next day than in UTC).
    form.meeting.choices = [(m.id, f"{format_day(m.starts_at)} {localized(m.title_fi, m.title_sv)}")
                            for m in meetings]
    form.mailing_list.choices = [(m.id, m.name_fi) for m in lists]
    if request.method == "GET":
        form.meeting.data = request.args.get("meeting", type=ascii_int)
    if form.validate_on_submit():
        meeting = invites.get_meeting(form.meeting.data)
        mailing_list = db.session.get(MailingList, form.mailing_list.data)
        if not form.confirm.data:
            try:
                preview = invites.invite_preview(meeting, mailing_list)
            except invites.InviteError as error:
                apply_rule_error(form, error)
                return render_template("mailing/invite.html", form=form, meetings=meetings), 422
            return render_template("mailing/invite.html", form=form, meetings=meetings, preview=preview,
                                   meeting=meeting, mailing_list=mailing_list)

        def send() -> int:
            count = invites.send_invites(meeting, mailing_list)
            record_change(current_user, "meeting.invite", "meeting", meeting.id,
                          summary=f"{mailing_list.slug}: {count}")
            return count

        def sent(count: int) -> str:
            if count or not invites.invited_count(meeting.id):
                return _("The invitation is on its way to %(count)d recipients.", count=count)
            # Sent twice (a double click, two clicks at once): nobody is invited twice, same page as before.
            return _("The invitation was already sent to everyone on the list.")

        done, _count = attempt(send, form=form, success=sent)
        if done:
            return redirect(url_for("mailing.invite_status", meeting_id=meeting.id))
    status = 200 if request.method == "GET" else 422
    return render_template("mailing/invite.html", form=form, meetings=meetings), status


@coordinator_required
def invite_status(meeting_id: int):
    meeting = invites.get_meeting(meeting_id) or abort(404)
    return render_template(
        "mailing/invite_status.html", meeting=meeting, progress=invites.invite_progress(meeting_id),
        invited=invites.invited_count(meeting_id), answers=invites.answer_counts(meeting_id),
    )


@coordinator_required
def invite_progress(meeting_id: int):
    invites.get_meeting(meeting_id) or abort(404)
    return jsonify(**invites.invite_progress(meeting_id).as_dict())


def rsvp(token: str, answer: str):
    """GET asks for confirmation (mail scanners fetch links); the POST records the answer."""
    if answer not in invites.ANSWERS:
        abort(404)
    try:
        meeting, email, _name = invites.read_rsvp_token(token)
    except TokenError as error:
        return token_error(error, "rsvp")
    form = ConfirmForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        try:
            registration = invites.respond(token, answer)
        except RuleError as error:
            # The refusal is the page itself (409), not a flash on another page.
            db.session.rollback()
            return render_template("mailing/rsvp.html", meeting=meeting, answer=answer, email=email, form=form,
                                   error=str(error.message)), 409
        db.session.commit()
        return render_template("mailing/rsvp_done.html", meeting=meeting, answer=answer, registration=registration)
    return render_template("mailing/rsvp.html", meeting=meeting, answer=answer, email=email, form=form, error=None)


def attach(bp: Blueprint) -> None:
    """Add the invitation and RSVP routes to the mailing blueprint `bp`."""
    bp.add_url_rule("/mailing/invite", view_func=invite, methods=["GET", "POST"])
    bp.add_url_rule("/mailing/invites/<int:meeting_id>", view_func=invite_status, methods=["GET"])
    bp.add_url_rule("/mailing/invites/<int:meeting_id>/progress.json", view_func=invite_progress, methods=["GET"])
    bp.add_url_rule("/rsvp/<token>/<answer>", view_func=rsvp, methods=["GET", "POST"])
