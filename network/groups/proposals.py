"""Proposing a working group, the coordinator's decision, the chair, the texts and the final report.

Plain functions: they check, change, flush and write audit entries and mails in the caller's transaction; the caller
commits. Refusals raise `GroupError` naming the field.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from typing import Any
from uuid import uuid4

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..audit.trail import record_change, snapshot
from ..auth.models import User
from ..extensions import db
from ..links import absolute_url
from ..mailing.lists import ensure_group_list
from ..mailing.models import MailingList
from ..permissions import COORDINATOR, is_coordinator
from ..text import has_line_break, single_line
from ..timeutil import helsinki_today, utcnow
from ..uploads import delete_with_upload, safe_display_name
from . import notify
from .lifecycle import GroupError, GroupState, check_changeable, group_state
from .models import APPROVED, DECLINED, PENDING, GroupMembership, GroupReportFile, WorkingGroup

UPLOAD_SUBDIR = "groups"  # where the final reports' attachments are stored (network.uploads)

MAX_NAME = 200
MAX_THEME = 300
MAX_LINE = 300
MAX_TEXT = 50_000
MAX_SIZE_LIMIT = 10_000
# The longest term a group may have: short-lived by the charter.
MAX_TERM_DAYS = 3 * 366

TEXT_FIELDS = ("name_fi", "name_sv", "theme_fi", "theme_sv", "mandate_fi", "mandate_sv", "steering",
               "approving_meeting")
AUDIT_FIELDS = (*TEXT_FIELDS, "signup_deadline", "term_end", "max_size", "decision", "decline_reason", "chair_id")


@dataclass
class GroupData:
    """What a proposer (or the coordinator editing a proposal) enters."""

    name_fi: str
    theme_fi: str
    mandate_fi: str
    signup_deadline: date | None
    term_end: date | None
    name_sv: str | None = None
    theme_sv: str | None = None
    mandate_sv: str | None = None
    steering: str | None = None
    approving_meeting: str | None = None
    max_size: int | None = None


def _line(value: str | None, field: str, maximum: int, required: bool = False) -> None:
    if has_line_break(value):
        raise GroupError(_l("This must be on one line."), field)
    if required and not single_line(value):
        raise GroupError(_l("This field is required."), field)
    if len(single_line(value)) > maximum:
        raise GroupError(_l("This is too long (at most %(max)d characters).", max=maximum), field)


def check_group_data(data: GroupData, group: WorkingGroup | None = None, today: date | None = None) -> None:
    """Raise GroupError (with the field) for missing or overlong texts and impossible dates or sizes.

    The term end may not be in the past and the sign-up deadline may not be after the term end. A new deadline in
    the past is refused; an existing group keeps its past deadline when it is not changed. A maximum size below the
    present number of members is refused.
    """
    today = today or helsinki_today()
    _check_texts(data)
    _check_dates(data, group, today)
    _check_size(data, group)


def _check_texts(data: GroupData) -> None:
    _line(data.name_fi, "name_fi", MAX_NAME, required=True)
    _line(data.name_sv, "name_sv", MAX_NAME)
    _line(data.theme_fi, "theme_fi", MAX_THEME, required=True)
    _line(data.theme_sv, "theme_sv", MAX_THEME)
    _line(data.steering, "steering", MAX_LINE)
    _line(data.approving_meeting, "approving_meeting", MAX_LINE)
    if not (data.mandate_fi or "").strip():
        raise GroupError(_l("This field is required."), "mandate_fi")
    for name in ("mandate_fi", "mandate_sv"):
        if len(getattr(data, name) or "") > MAX_TEXT:
            raise GroupError(_l("This is too long (at most %(max)d characters).", max=MAX_TEXT), name)


def _check_dates(data: GroupData, group: WorkingGroup | None, today: date) -> None:
    if data.signup_deadline is None:
        raise GroupError(_l("This field is required."), "signup_deadline")
    if data.term_end is None:
        raise GroupError(_l("This field is required."), "term_end")
    if data.term_end < today:
        raise GroupError(_l("The term end cannot be in the past."), "term_end")
    if data.signup_deadline > data.term_end:
        raise GroupError(_l("The sign-up deadline must be on or before the term end."), "signup_deadline")
    deadline_changed = group is None or group.signup_deadline != data.signup_deadline
    if deadline_changed and data.signup_deadline < today:
        raise GroupError(_l("The sign-up deadline cannot be in the past."), "signup_deadline")
    if (data.term_end - today).days > MAX_TERM_DAYS:
        raise GroupError(_l("A working group is short-lived: the term can be at most three years."), "term_end")


def _check_size(data: GroupData, group: WorkingGroup | None) -> None:
    if data.max_size is not None:
        if data.max_size < 1 or data.max_size > MAX_SIZE_LIMIT:
            raise GroupError(_l("Give a number from 1 to %(max)d, or leave it empty.", max=MAX_SIZE_LIMIT),
                             "max_size")
        if group is not None and data.max_size < group.member_count:
            raise GroupError(
                _l("The group already has %(count)d members: the maximum cannot be smaller.",
                   count=group.member_count), "max_size")


def _apply(group: WorkingGroup, data: GroupData) -> None:
    for f in fields(GroupData):
        value = getattr(data, f.name)
        if isinstance(value, str):
            value = (single_line(value) if f.name not in ("mandate_fi", "mandate_sv") else
                     value.replace("\r\n", "\n").strip()) or None
        setattr(group, f.name, value)


def propose(proposer: Any, data: GroupData, language: str = "fi") -> WorkingGroup:
    """A member proposes a group; it waits for a coordinator's decision. Returns the new group (flushed).

    Raises GroupError for bad input. `language` is the proposer's interface language: the decision is sent in it.
    """
    check_group_data(data)
    group = WorkingGroup(decision=PENDING, proposer_id=getattr(proposer, "id", None),
                         proposer_language=language if language in notify.LANGUAGES else "fi", member_count=0)
    _apply(group, data)
    db.session.add(group)
    db.session.flush()
    record_change(proposer, "group.propose", "working_group", group.id, after=snapshot(group, AUDIT_FIELDS),
                  summary=group.name_fi)
    for coordinator in db.session.scalars(select(User).where(User.role == COORDINATOR).order_by(User.id)):
        notify.send(coordinator.email, "proposal_received", notify.language_of(coordinator),
                    key=f"group-{group.id}-proposed", group=group, person=coordinator.name,
                    proposer=getattr(proposer, "name", ""), decide_url=absolute_url("groups.decide", group_id=group.id,
                                                           lang=notify.language_of(coordinator)))
    return group


def update_group(group: WorkingGroup, actor: Any, data: GroupData) -> None:
    """The coordinator or the chair edits the group's texts, dates and size (not of a closed or declined group)."""
    check_changeable(group)
    check_group_data(data, group)
    before = snapshot(group, AUDIT_FIELDS)
    _apply(group, data)
    group.updated_at = utcnow()
    db.session.flush()
    _sync_list(group)
    record_change(actor, "group.update", "working_group", group.id, before=before,
                  after=snapshot(group, AUDIT_FIELDS), summary=group.name_fi)


def group_list(group: WorkingGroup) -> MailingList:
    """The group's mailing list (created when missing; name and chair kept up to date)."""
    return ensure_group_list(group.id, group.name_fi, group.name_sv, owner_type="group", chair_id=group.chair_id)


def _sync_list(group: WorkingGroup) -> MailingList | None:
    if group.decision != APPROVED:
        return None
    return group_list(group)


def approve(group: WorkingGroup, actor: Any, data: GroupData | None = None) -> None:
    """A coordinator approves a proposal (with edits when `data` is given); the proposer is told in their language.

    Raises GroupError when the group was already decided or the edited data is bad.
    """
    if group.decision != PENDING:
        raise GroupError(_l("This proposal has already been decided."))
    before = snapshot(group, AUDIT_FIELDS)
    effective = data if data is not None else _data_of(group)
    check_group_data(effective, group)
    if effective.signup_deadline < helsinki_today():
        raise GroupError(_l("The sign-up deadline cannot be in the past."), "signup_deadline")
    _apply(group, effective)
    group.decision = APPROVED
    group.decided_at = utcnow()
    group.decided_by_id = getattr(actor, "id", None)
    db.session.flush()
    group_list(group)
    record_change(actor, "group.approve", "working_group", group.id, before=before,
                  after=snapshot(group, AUDIT_FIELDS), summary=group.name_fi)
    _tell_proposer(group, "approved")


def decline(group: WorkingGroup, actor: Any, reason: str) -> None:
    """A coordinator declines a proposal with a reason; the proposer is told in their language."""
    if group.decision != PENDING:
        raise GroupError(_l("This proposal has already been decided."))
    reason = (reason or "").strip()
    if not reason:
        raise GroupError(_l("Give a reason: the proposer will receive it."), "reason")
    if len(reason) > MAX_TEXT:
        raise GroupError(_l("This is too long (at most %(max)d characters).", max=MAX_TEXT), "reason")
    before = snapshot(group, AUDIT_FIELDS)
    group.decision = DECLINED
    group.decline_reason = reason.replace("\r\n", "\n")
    group.decided_at = utcnow()
    group.decided_by_id = getattr(actor, "id", None)
    db.session.flush()
    record_change(actor, "group.decline", "working_group", group.id, before=before,
                  after=snapshot(group, AUDIT_FIELDS), summary=reason[:200])
    _tell_proposer(group, "declined")


def _data_of(group: WorkingGroup) -> GroupData:
    return GroupData(**{f.name: getattr(group, f.name) for f in fields(GroupData)})


def _tell_proposer(group: WorkingGroup, outcome: str) -> None:
    proposer = group.proposer
    if proposer is None or not proposer.email:
        return
    language = group.proposer_language or notify.language_of(proposer)
    notify.send(proposer.email, f"proposal_{outcome}", language, key=f"group-{group.id}-{outcome}", group=group,
                person=proposer.name, reason=group.decline_reason)


def is_member(group: WorkingGroup, user: Any) -> bool:
    """True when `user` (an account) is a member of `group`."""
    if getattr(user, "id", None) is None:
        return False
    return db.session.scalar(
        select(GroupMembership.id).where(GroupMembership.group_id == group.id, GroupMembership.user_id == user.id)
    ) is not None


def appoint_chair(group: WorkingGroup, actor: Any, chair: Any) -> None:
    """Make `chair` the group's chair: a coordinator appoints, or the present chair hands over.

    Raises GroupError when the group is not approved, is closed, or `chair` is not a member of the group.
    """
    if group.decision != APPROVED:
        raise GroupError(_l("A chair is appointed once the proposal is approved."), "chair")
    check_changeable(group)
    if chair is None or not is_member(group, chair):
        raise GroupError(_l("The chair must be a member of the group."), "chair")
    if not (is_coordinator(actor) or group.chair_id == getattr(actor, "id", None)):
        raise GroupError(_l("Only a coordinator or the group's chair can change the chair."), "chair")
    if group.chair_id == chair.id:
        raise GroupError(_l("This person is already the chair."), "chair")
    before = {"chair_id": group.chair_id}
    handover = group.chair_id is not None and not is_coordinator(actor)
    group.chair_id = chair.id
    group.chair = chair
    db.session.flush()
    group_list(group)
    action = "group.chair_handover" if handover else "group.chair_appoint"
    record_change(actor, action, "working_group", group.id, before=before, after={"chair_id": chair.id},
                  summary=chair.name)
    notify.send(chair.email, "chair_appointed", notify.language_of(chair),
                key=f"group-{group.id}-chair-{chair.id}-{uuid4().hex}", group=group, person=chair.name)


def save_final_report(group: WorkingGroup, actor: Any, report_fi: str, report_sv: str | None = None) -> None:
    """Write or correct the final report (Markdown), public on the group's page. Allowed also once closed."""
    if group.decision != APPROVED:
        raise GroupError(_l("Only an approved group has a final report."), "final_report_fi")
    if not (report_fi or "").strip():
        raise GroupError(_l("This field is required."), "final_report_fi")
    for name, value in (("final_report_fi", report_fi), ("final_report_sv", report_sv)):
        if len(value or "") > MAX_TEXT:
            raise GroupError(_l("This is too long (at most %(max)d characters).", max=MAX_TEXT), name)
    before = {"final_report_fi": group.final_report_fi, "final_report_sv": group.final_report_sv}
    group.final_report_fi = report_fi.replace("\r\n", "\n").strip()
    group.final_report_sv = (report_sv or "").replace("\r\n", "\n").strip() or None
    group.final_report_at = group.final_report_at or utcnow()
    group.updated_at = utcnow()
    db.session.flush()
    record_change(actor, "group.final_report", "working_group", group.id, before=before,
                  after={"final_report_fi": group.final_report_fi, "final_report_sv": group.final_report_sv},
                  summary=group.name_fi)


def add_report_file(group: WorkingGroup, actor: Any, filename: str, stored_name: str, checked: Any) -> GroupReportFile:
    """Attach a stored upload (see network.uploads.store_upload) to the group's final report."""
    if group.decision != APPROVED:
        raise GroupError(_l("Only an approved group has a final report."), "file")
    item = GroupReportFile(group_id=group.id, original_name=safe_display_name(filename, checked.extension),
                           stored_name=stored_name, content_type=checked.content_type, size=checked.size,
                           uploaded_by_id=getattr(actor, "id", None))
    db.session.add(item)
    db.session.flush()
    record_change(actor, "group.report_file", "working_group", group.id, after={"file": item.original_name},
                  summary=item.original_name)
    return item


def remove_report_file(item: GroupReportFile, actor: Any) -> None:
    """Delete an attachment of a group's final report and its stored file (audited); the caller commits.

    Takes the attachment and who removes it (the chair or a coordinator: the view checks). Raises nothing.
    Attachments are public from the moment they are saved, so a wrong file must be removable at once.
    """
    record_change(actor, "group.report_file_remove", "working_group", item.group_id,
                  before={"file": item.original_name}, summary=item.original_name)
    delete_with_upload(item, UPLOAD_SUBDIR)


def editable_states() -> tuple[GroupState, ...]:
    """States in which a group's texts and membership may change."""
    return (GroupState.PROPOSED, GroupState.OPEN, GroupState.ACTIVE)


def can_edit(group: WorkingGroup) -> bool:
    """True when the group's texts may be edited now."""
    return group_state(group) in editable_states()
