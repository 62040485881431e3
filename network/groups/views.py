"""Working-group pages: the public list and group page with its feed, proposing, joining and leaving; the chair's
pages (texts, members and their export, meetings and invites, the chair, the final report); the coordinator's
decisions and overview. Every managing route checks `may_manage(current_user, group)` on the server."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from ..auth.models import User
from ..calendar.views import scope_feed
from ..extensions import db
from ..i18n import current_language
from ..links import absolute_url
from ..mailing import invites
from ..mailing.models import MailingList
from ..markup import render_markdown
from ..meetings import scheduling
from ..meetings.errors import MeetingError
from ..meetings.forms import CancelForm, DeleteForm
from ..meetings.models import WORKING_GROUP, Meeting
from ..meetings.queries import GroupScope
from ..orgs.regions import kind_label, region_choices, region_name
from ..pagecache import cached_page
from ..permissions import coordinator_required, is_coordinator, may_manage
from ..spreadsheets import Sheet, spreadsheet_response
from ..text import ascii_int
from ..timeutil import helsinki_today, utc_to_helsinki
from ..uploads import UploadError, send_upload, store_upload
from ..web import apply_rule_error, attempt, attempt_once
from . import group_meetings, membership, proposals, queries
from .forms import (
    ActionForm,
    AskForm,
    ChairForm,
    DecisionForm,
    GroupForm,
    GroupMeetingForm,
    ReportForm,
    RequestDecisionForm,
)
from .lifecycle import GroupError, GroupState, group_state, is_chair, state_label
from .models import GroupJoinRequest, GroupReportFile, WorkingGroup

bp = Blueprint("groups", __name__)



@bp.app_context_processor
def _labels() -> dict[str, Any]:
    return {"group_state_label": state_label, "org_kind_label": kind_label,
            "group_region_label": lambda code: region_name(code, current_language())}


def _group_or_404(group_id: int) -> WorkingGroup:
    group = db.session.get(WorkingGroup, group_id)
    if group is None:
        abort(404)
    return group


def _visible_or_404(group: WorkingGroup) -> None:
    """Proposals and declined proposals are seen by coordinators and their proposer only."""
    if group_state(group) in (GroupState.PROPOSED, GroupState.DECLINED):
        mine = current_user.is_authenticated and group.proposer_id == current_user.id
        if not (mine or is_coordinator(current_user)):
            abort(404)


def _managed_group_or_abort(group_id: int) -> WorkingGroup:
    """The group, when the current user may manage it (its chair or a coordinator); else 403 (404 if missing)."""
    group = _group_or_404(group_id)
    if not may_manage(current_user, group):
        abort(403)
    return group


def _group_item_or_404(model: type, item_id: int, group: WorkingGroup) -> Any:
    """The row `item_id` of `model` (anything with a group_id) when it belongs to `group`; else 404."""
    item = db.session.get(model, item_id)
    if item is None or item.group_id != group.id:
        abort(404)
    return item


def _feed_url(group: WorkingGroup) -> str:
    return absolute_url("groups.calendar", group_id=group.id)


# --- public ------------------------------------------------------------------------------------------------------


@bp.get("/groups")
def index():
    today = helsinki_today()
    years = queries.closed_years(today)
    year = request.args.get("year", type=ascii_int)
    if year not in years:
        year = years[0] if years else None
    return render_template(
        "groups/index.html",
        open_groups=queries.groups_in_state(GroupState.OPEN, today),
        active_groups=queries.groups_in_state(GroupState.ACTIVE, today),
        closed_groups=queries.closed_in_year(year, today) if year else [],
        years=years, year=year,
        proposals=queries.groups_in_state(GroupState.PROPOSED, today) if is_coordinator(current_user) else [],
        can_oversee=is_coordinator(current_user),
    )


@bp.get("/groups/<int:group_id>")
@cached_page(per="minute")
def detail(group_id: int):
    group = _group_or_404(group_id)
    _visible_or_404(group)
    state = group_state(group)
    mine = membership.find_membership(group, current_user) if current_user.is_authenticated else None
    join_request = membership.pending_request(group, current_user) if current_user.is_authenticated else None
    can_manage = may_manage(current_user, group)
    mailing_list = _existing_list(group)
    feed_url = _feed_url(group)
    return render_template(
        "groups/detail.html", group=group, state=state, member=mine, join_request=join_request,
        can_manage=can_manage, can_join=membership.join_refusal(group, current_user) is None,
        full=membership.is_full(group), participation=queries.participation([group.id])[group.id],
        meetings=queries.group_meetings(group), mailing_list=mailing_list, feed_url=feed_url,
        action_form=ActionForm(), ask_form=AskForm(),
        mandate_html=render_markdown(group.mandate), report_html=render_markdown(group.final_report)
        if group.final_report_fi else None,
        requests=membership.pending_requests(group) if can_manage else [],
        request_form=RequestDecisionForm(), you_chair=is_chair(current_user, group),
        can_read_posts=bool(mailing_list and (mine or can_manage)),
    )


def _existing_list(group: WorkingGroup) -> MailingList | None:
    return db.session.scalar(
        select(MailingList).where(MailingList.owner_type == "group", MailingList.owner_id == group.id)
    )


@bp.get("/groups/<int:group_id>/calendar.ics")
@cached_page(per="minute")  # whether the group is still shown depends on its dates
def calendar(group_id: int):
    group = _group_or_404(group_id)
    if group_state(group) in (GroupState.PROPOSED, GroupState.DECLINED):
        abort(404)
    name = f"{group.name_fi} / {group.name_sv}" if group.name_sv else group.name_fi
    return scope_feed(GroupScope(group.id), name, f"working-group-{group.id}.ics", group.theme_fi)


@bp.get("/groups/<int:group_id>/report/files/<int:file_id>")
def report_file(group_id: int, file_id: int):
    group = _group_or_404(group_id)
    _visible_or_404(group)
    item = _group_item_or_404(GroupReportFile, file_id, group)
    response = send_upload(proposals.UPLOAD_SUBDIR, item.stored_name, item.original_name, item.content_type)
    if response is None:
        abort(404)
    return response


@bp.route("/groups/<int:group_id>/report/files/<int:file_id>/delete", methods=["GET", "POST"])
@login_required
def delete_report_file(group_id: int, file_id: int):
    """Confirm, then remove an attachment of the final report (the chair or a coordinator)."""
    group = _managed_group_or_abort(group_id)
    item = _group_item_or_404(GroupReportFile, file_id, group)
    form = DeleteForm()
    if request.method == "GET":
        return render_template("groups/delete_report_file.html", form=form, group=group, item=item)
    if not form.validate_on_submit():
        abort(400)
    attempt(lambda: proposals.remove_report_file(item, current_user), success=_("The file was removed."))
    return redirect(url_for("groups.report", group_id=group.id))


# --- members -----------------------------------------------------------------------------------------------------


@bp.route("/groups/propose", methods=["GET", "POST"])
@login_required
def propose():
    form = GroupForm()
    if form.validate_on_submit():
        done, group = attempt_once(
            lambda: proposals.propose(current_user, form.data_object(), current_language()),
            form=form, success=_("Thank you. The coordinators will decide on your proposal and tell you by e-mail."),
            load=lambda group_id: db.session.get(WorkingGroup, group_id),
        )
        if done:
            return redirect(url_for("groups.detail", group_id=group.id))
    status = 200 if request.method == "GET" else 422
    return render_template("groups/form.html", form=form, group=None, heading=_("Propose a working group")), status


@bp.post("/groups/<int:group_id>/join")
@login_required
def join(group_id: int):
    group = _group_or_404(group_id)
    _visible_or_404(group)
    if not ActionForm().validate_on_submit():
        abort(400)
    attempt(lambda: membership.join(group, current_user),
            success=_("You joined the group. You will receive its mail and its meetings are in your calendar."))
    return redirect(url_for("groups.detail", group_id=group.id))


@bp.route("/groups/<int:group_id>/leave", methods=["GET", "POST"])
@login_required
def leave(group_id: int):
    group = _group_or_404(group_id)
    _visible_or_404(group)
    form = ActionForm()
    chair = is_chair(current_user, group)
    if request.method == "GET":
        # The confirmation step: what leaving means, and for the chair what happens to the chair role.
        if membership.find_membership(group, current_user) is None:
            flash(_("You are not a member of this group."), "error")
            return redirect(url_for("groups.detail", group_id=group.id))
        return render_template("groups/leave.html", group=group, form=form, you_chair=chair,
                               state=group_state(group))
    if not form.validate_on_submit():
        abort(400)
    attempt(lambda: membership.leave(group, current_user),
            success=_("You left the group. It has no chair until a coordinator appoints a new one.") if chair
            else _("You left the group."))
    return redirect(url_for("groups.detail", group_id=group.id))


@bp.post("/groups/<int:group_id>/ask")
@login_required
def ask(group_id: int):
    group = _group_or_404(group_id)
    _visible_or_404(group)
    form = AskForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for message in errors:
                flash(str(message), "error")
        return redirect(url_for("groups.detail", group_id=group.id))
    attempt(lambda: membership.ask_to_join(group, current_user, form.message.data),
            success=_("Your request was sent to the chair. You will be told by e-mail."))
    return redirect(url_for("groups.detail", group_id=group.id))


@bp.get("/my/groups")
@login_required
def mine():
    groups = queries.groups_of_user(current_user)
    today = helsinki_today()
    return render_template("groups/mine.html", groups=[(g, group_state(g, today)) for g in groups])


# --- the chair (and coordinators) ---------------------------------------------------------------------------------


@bp.route("/groups/<int:group_id>/edit", methods=["GET", "POST"])
@login_required
def edit(group_id: int):
    group = _managed_group_or_abort(group_id)
    form = GroupForm(obj=group if request.method == "GET" else None)
    if form.validate_on_submit():
        done, _result = attempt(lambda: proposals.update_group(group, current_user, form.data_object()), form=form,
                                success=_("The group was updated."))
        if done:
            return redirect(url_for("groups.detail", group_id=group.id))
    status = 200 if request.method == "GET" else 422
    return render_template("groups/form.html", form=form, group=group, heading=_("Edit the group")), status


@bp.get("/groups/<int:group_id>/members")
@login_required
def members(group_id: int):
    group = _managed_group_or_abort(group_id)
    return render_template("groups/members.html", group=group, members=queries.members(group),
                           requests=membership.pending_requests(group), request_form=RequestDecisionForm(),
                           mailing_list=_existing_list(group))


@bp.get("/groups/<int:group_id>/members.<any(csv, xlsx):fmt>")
@login_required
def export_members(group_id: int, fmt: str):
    group = _managed_group_or_abort(group_id)
    header = [_("Name"), _("E-mail"), _("Organisation"), _("Kind of organisation"), _("Region"), _("Joined"),
              _("Chair")]
    rows = [
        [user.name, user.email, user.organisation.name if user.organisation else "",
         kind_label(user.organisation.kind) if user.organisation else "",
         region_name(user.organisation.region, current_language()) if user.organisation else "",
         m.joined_at, _("yes") if group.chair_id == user.id else ""]
        for m, user in queries.members(group)
    ]
    return spreadsheet_response([Sheet(_("Members"), header, rows)], fmt, f"working-group-{group.id}-members")


@bp.post("/groups/<int:group_id>/requests/<int:request_id>")
@login_required
def answer_request(group_id: int, request_id: int):
    group = _managed_group_or_abort(group_id)
    join_request = _group_item_or_404(GroupJoinRequest, request_id, group)
    form = RequestDecisionForm()
    if not form.validate_on_submit():
        flash(_("Choose whether to accept or decline."), "error")
        return redirect(url_for("groups.members", group_id=group.id))
    accept = form.answer.data == "accept"
    attempt(lambda: membership.decide_request(join_request, current_user, accept),
            success=_("The request was accepted.") if accept else _("The request was declined."))
    return redirect(url_for("groups.members", group_id=group.id))


@bp.route("/groups/<int:group_id>/chair", methods=["GET", "POST"])
@login_required
def chair(group_id: int):
    group = _managed_group_or_abort(group_id)
    form = ChairForm()
    form.chair.choices = [(user.id, f"{user.name} ({user.organisation.name})" if user.organisation else user.name)
                          for _m, user in queries.members(group)]
    if request.method == "GET" and group.chair_id:
        form.chair.data = group.chair_id
    if form.validate_on_submit():
        new_chair = db.session.get(User, form.chair.data)
        done, _result = attempt(lambda: proposals.appoint_chair(group, current_user, new_chair), form=form,
                                success=_("The chair was changed."))
        if done:
            return redirect(url_for("groups.detail", group_id=group.id))
    status = 200 if request.method == "GET" else 422
    return render_template("groups/chair.html", group=group, form=form), status


def _meeting_form() -> GroupMeetingForm:
    form = GroupMeetingForm()
    _prepare_meeting_form(form)
    return form


def _prepare_meeting_form(form: GroupMeetingForm) -> None:
    form.kind.choices = [(WORKING_GROUP, _("Working-group meeting"))]
    form.kind.data = WORKING_GROUP
    form.host_organisation_id.choices = [(0, _("No host organisation"))]
    form.host_organisation_id.data = 0
    form.region.choices = [("", _("Choose a region")), *region_choices(current_language())]


def _fill_meeting_form(form: GroupMeetingForm, meeting: Meeting) -> None:
    """The form showing the meeting as it is, times in Finnish time."""
    form.process(formdata=None, obj=meeting)
    _prepare_meeting_form(form)
    form.starts_at.data = utc_to_helsinki(meeting.starts_at).replace(tzinfo=None)
    form.ends_at.data = utc_to_helsinki(meeting.ends_at).replace(tzinfo=None)
    form.registration_deadline.data = (utc_to_helsinki(meeting.registration_deadline).replace(tzinfo=None)
                                       if meeting.registration_deadline else None)
    form.region.data = meeting.region or ""
    starts = utc_to_helsinki(meeting.starts_at)
    if scheduling.local_time_kind(form.starts_at.data) == "ambiguous":
        # A start in the repeated autumn hour: keep the one stored, so that saving unchanged asks nothing.
        form.repeat.data = scheduling.LATER if starts.fold else scheduling.EARLIER


def _meeting_data(form: GroupMeetingForm, group: WorkingGroup) -> tuple[scheduling.MeetingData, dict[str, object]]:
    """The form's meeting with its times in UTC, and the problems of its Finnish wall-clock times (a time that does
    not exist, one that occurs twice and is not answered), by the meetings domain's `local_times_to_utc`."""
    times, problems = scheduling.local_times_to_utc(
        {"starts_at": form.starts_at.data, "ends_at": form.ends_at.data,
         "registration_deadline": form.registration_deadline.data},
        form.repeat.data,
    )
    data = scheduling.MeetingData(
        kind=WORKING_GROUP, group_id=group.id, title_fi=form.title_fi.data or "", title_sv=form.title_sv.data,
        description_fi=form.description_fi.data, description_sv=form.description_sv.data,
        starts_at=times["starts_at"], ends_at=times["ends_at"], mode=form.mode.data,
        venue=form.venue.data, address=form.address.data, online_url=form.online_url.data,
        region=form.region.data or None, agenda=form.agenda.data, capacity=form.capacity.data,
        registration_deadline=times["registration_deadline"],
    )
    return data, problems


def _save_meeting(form: GroupMeetingForm, group: WorkingGroup, meeting: Meeting | None,
                  action: Callable[[scheduling.MeetingData], Any], success: str) -> tuple[bool, Any]:
    """Check the whole form at once (the form's checks, the wall-clock times, the meeting and group rules), put
    every message at its field, and run `action` only when nothing is wrong (a new meeting's form once)."""
    valid = form.validate_on_submit()
    data, problems = _meeting_data(form, group)
    if not valid or problems:
        rule_problems = group_meetings.group_meeting_problems(group, data, meeting)
        apply_rule_error(form, MeetingError(errors={**rule_problems, **problems}))
        return False, None
    if meeting is None:
        return attempt_once(lambda: action(data), form=form, success=success,
                            load=lambda meeting_id: db.session.get(Meeting, meeting_id))
    return attempt(lambda: action(data), form=form, success=success)


def _asks_repeat(form: GroupMeetingForm) -> bool:
    return scheduling.asks_repeat([form.starts_at.data, form.ends_at.data, form.registration_deadline.data],
                                  form.repeat.data)


@bp.route("/groups/<int:group_id>/meetings/new", methods=["GET", "POST"])
@login_required
def new_meeting(group_id: int):
    group = _managed_group_or_abort(group_id)
    form = _meeting_form()
    if request.method == "POST":
        done, meeting = _save_meeting(
            form, group, None,
            lambda data: group_meetings.create_group_meeting(group, current_user, data,
                                                             network_calendar=form.network_calendar.data),
            _("The meeting was created."))
        if done:
            return redirect(url_for("groups.invite", group_id=group.id, meeting_id=meeting.id))
    status = 200 if request.method == "GET" else 422
    return render_template("groups/meeting_form.html", group=group, form=form, meeting=None,
                           cancel_form=None, ask_repeat=_asks_repeat(form)), status


def _group_meeting_or_404(group: WorkingGroup, meeting_id: int) -> Meeting:
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or meeting.group_id != group.id:
        abort(404)
    return meeting


@bp.route("/groups/<int:group_id>/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
@login_required
def edit_meeting(group_id: int, meeting_id: int):
    group = _managed_group_or_abort(group_id)
    meeting = _group_meeting_or_404(group, meeting_id)
    form = _meeting_form()
    if request.method == "GET":
        _fill_meeting_form(form, meeting)
    if request.method == "POST":
        done, _result = _save_meeting(
            form, group, meeting,
            lambda data: group_meetings.update_group_meeting(group, current_user, meeting, data,
                                                             network_calendar=form.network_calendar.data,
                                                             confirm_waitlist=bool(form.confirm_waitlist.data)),
            _("The meeting was updated."))
        if done:
            return redirect(url_for("groups.detail", group_id=group.id))
    status = 200 if request.method == "GET" else 422
    return render_template("groups/meeting_form.html", group=group, form=form, meeting=meeting,
                           cancel_form=CancelForm(prefix="cancel"), ask_repeat=_asks_repeat(form)), status


@bp.post("/groups/<int:group_id>/meetings/<int:meeting_id>/cancel")
@login_required
def cancel_meeting(group_id: int, meeting_id: int):
    group = _managed_group_or_abort(group_id)
    meeting = _group_meeting_or_404(group, meeting_id)
    form = CancelForm(prefix="cancel")
    if form.validate_on_submit():
        done, _result = attempt(
            lambda: group_meetings.cancel_group_meeting(group, current_user, meeting, form.reason.data),
            form=form, success=_("The meeting was cancelled. The invited members are told."))
        if done:
            return redirect(url_for("groups.detail", group_id=group.id))
    edit_form = _meeting_form()
    _fill_meeting_form(edit_form, meeting)
    return render_template("groups/meeting_form.html", group=group, form=edit_form, meeting=meeting,
                           cancel_form=form), 422


@bp.route("/groups/<int:group_id>/meetings/<int:meeting_id>/invite", methods=["GET", "POST"])
@login_required
def invite(group_id: int, meeting_id: int):
    group = _managed_group_or_abort(group_id)
    meeting = _group_meeting_or_404(group, meeting_id)
    form = ActionForm()
    if form.validate_on_submit():
        done, count = attempt(lambda: group_meetings.send_group_invites(group, current_user, meeting),
                              success=lambda count: _("The invitation is on its way to %(count)d recipients.",
                                                      count=count))
        if done:
            return redirect(url_for("groups.detail", group_id=group.id))
    return render_template("groups/invite.html", group=group, meeting=meeting, form=form,
                           invited=invites.invited_count(meeting.id),
                           progress=invites.invite_progress(meeting.id))


@bp.route("/groups/<int:group_id>/report", methods=["GET", "POST"])
@login_required
def report(group_id: int):
    group = _managed_group_or_abort(group_id)
    form = ReportForm(obj=group if request.method == "GET" else None)
    if form.validate_on_submit():
        upload = form.file.data
        done, _result = attempt(
            lambda: _save_report(group, form.final_report_fi.data, form.final_report_sv.data, upload),
            form=form, success=_("The final report was saved."),
        )
        if done:
            return redirect(url_for("groups.detail", group_id=group.id))
    status = 200 if request.method == "GET" else 422
    return render_template("groups/report.html", group=group, form=form), status


def _save_report(group: WorkingGroup, report_fi: str, report_sv: str | None, upload: Any) -> None:
    proposals.save_final_report(group, current_user, report_fi, report_sv)
    if upload is not None and upload.filename:
        try:
            stored_name, checked = store_upload(proposals.UPLOAD_SUBDIR, upload.filename, upload.stream)
        except UploadError as error:
            raise GroupError(error.message, "file") from error
        proposals.add_report_file(group, current_user, upload.filename, stored_name, checked)


# --- coordinators ----------------------------------------------------------------------------------------------------


@bp.get("/admin/groups")
@coordinator_required
def admin():
    groups = queries.all_groups()
    today = helsinki_today()
    return render_template("groups/admin.html", groups=[(g, group_state(g, today)) for g in groups],
                           participation=queries.participation([g.id for g in groups]))


@bp.get("/admin/groups.<any(csv, xlsx):fmt>")
@coordinator_required
def admin_export(fmt: str):
    groups = queries.all_groups()
    today = helsinki_today()
    participation = queries.participation([g.id for g in groups])
    header = [_("Name"), _("State"), _("Sign-up deadline"), _("Term ends"), _("Members"), _("Maximum"),
              _("Chair"), _("Organisations"), _("By kind of organisation"), _("By region")]
    rows = [
        [g.name_fi, state_label(group_state(g, today)), g.signup_deadline, g.term_end, g.member_count, g.max_size,
         g.chair.name if g.chair else "", participation[g.id].organisations,
         ", ".join(f"{kind_label(k)}: {n}" for k, n in participation[g.id].by_kind),
         ", ".join(f"{region_name(r, current_language())}: {n}" for r, n in participation[g.id].by_region)]
        for g in groups
    ]
    return spreadsheet_response([Sheet(_("Working groups"), header, rows)], fmt, "working-groups")


@bp.route("/admin/groups/<int:group_id>/decide", methods=["GET", "POST"])
@coordinator_required
def decide(group_id: int):
    group = _group_or_404(group_id)
    if group_state(group) != GroupState.PROPOSED:
        flash(_("This proposal has already been decided."), "error")
        return redirect(url_for("groups.detail", group_id=group.id))
    form = DecisionForm(obj=group if request.method == "GET" else None)
    if form.validate_on_submit():
        if form.decision.data == "approve":
            action = lambda: proposals.approve(group, current_user, form.data_object())  # noqa: E731
            message = _("The group was approved and is open for sign-up. The proposer was told by e-mail.")
        else:
            action = lambda: proposals.decline(group, current_user, form.reason.data or "")  # noqa: E731
            message = _("The proposal was declined. The proposer was told by e-mail.")
        done, _result = attempt(action, form=form, success=message)
        if done:
            return redirect(url_for("groups.detail", group_id=group.id))
    status = 200 if request.method == "GET" else 422
    return render_template("groups/decide.html", group=group, form=form), status

