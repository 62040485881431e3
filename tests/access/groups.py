"""Who may do what in working groups (see tests/access/__init__.py).

The chair column is the chair of `group`; `other_group` has another chair, so the chair of one group managing
another gets 403 like any member.
"""

from datetime import timedelta

from network.extensions import db
from network.groups.models import APPROVED, PENDING, GroupJoinRequest, GroupMembership, GroupReportFile, WorkingGroup
from network.meetings.models import WORKING_GROUP, Meeting
from network.timeutil import helsinki_today, utcnow

from ..conftest import create_user
from . import FORBIDDEN, LOGIN, NOT_FOUND, OK, REDIRECT, Access, World


def _group(**fields) -> WorkingGroup:
    today = helsinki_today()
    values = {"name_fi": "Pääsytestin työryhmä", "theme_fi": "Teema", "mandate_fi": "Toimeksianto",
              "signup_deadline": today + timedelta(days=10), "term_end": today + timedelta(days=90),
              "decision": APPROVED, "decided_at": utcnow(), "member_count": 0}
    values.update(fields)
    group = WorkingGroup(**values)
    db.session.add(group)
    db.session.flush()
    return group


def setup(world: World) -> None:
    today = helsinki_today()
    group = _group()
    other = _group(name_fi="Toinen työryhmä")
    active = _group(name_fi="Aktiivinen työryhmä", signup_deadline=today - timedelta(days=2))
    proposed = _group(name_fi="Ehdotettu työryhmä", decision=PENDING, decided_at=None)
    other_chair = create_user("access-other-chair@example.fi", "Toisen ryhmän puheenjohtaja")
    asker = create_user("access-asker@example.fi", "Pyytäjä")
    db.session.add_all([GroupMembership(group_id=other.id, user_id=other_chair.id)])
    other.member_count = 1
    other.chair_id = other_chair.id
    join_request = GroupJoinRequest(group_id=group.id, user_id=asker.id, message="Mukaan?")
    report_file = GroupReportFile(group_id=group.id, original_name="puuttuu.pdf", stored_name="access-missing.pdf",
                                  content_type="application/pdf", size=10)
    start = utcnow() + timedelta(days=20)
    meeting = Meeting(kind=WORKING_GROUP, group_id=group.id, title_fi="Ryhmän tapaaminen", starts_at=start,
                      ends_at=start + timedelta(hours=2), mode="online", online_url="https://meet.example/g")
    other_meeting = Meeting(kind=WORKING_GROUP, group_id=other.id, title_fi="Toisen ryhmän tapaaminen",
                            starts_at=start, ends_at=start + timedelta(hours=2), mode="online",
                            online_url="https://meet.example/h")
    db.session.add_all([join_request, report_file, meeting, other_meeting])
    db.session.commit()
    world.ids.update(group=group.id, other_group=other.id, active_group=active.id, proposed_group=proposed.id,
                     join_request=join_request.id, report_file=report_file.id, group_meeting=meeting.id,
                     other_group_meeting=other_meeting.id)


def chair(world: World, user) -> None:
    """Make `user` a member and the chair of world's `group`."""
    group = db.session.get(WorkingGroup, world.ids["group"])
    db.session.add(GroupMembership(group_id=group.id, user_id=user.id))
    group.member_count += 1
    group.chair_id = user.id
    db.session.commit()


def _g(path: str):
    return lambda w: path.format(**w.ids)


CHAIR = {"chair": OK}

RULES = [
    Access("groups.index", "GET", "/groups", OK, OK, OK),
    Access("groups.detail", "GET", _g("/groups/{group}"), OK, OK, OK),
    Access("groups.detail", "GET", _g("/groups/{proposed_group}"), NOT_FOUND, NOT_FOUND, OK),
    Access("groups.calendar", "GET", _g("/groups/{group}/calendar.ics"), OK, OK, OK),
    Access("groups.calendar", "GET", _g("/groups/{proposed_group}/calendar.ics"), NOT_FOUND, NOT_FOUND, NOT_FOUND),
    # The stored file of the access-test attachment does not exist: 404 for everyone, but no login needed.
    Access("groups.report_file", "GET", _g("/groups/{group}/report/files/{report_file}"), NOT_FOUND, NOT_FOUND,
           NOT_FOUND),
    Access("groups.propose", "GET", "/groups/propose", LOGIN, OK, OK),
    Access("groups.propose", "POST", "/groups/propose", LOGIN, 422, 422),
    Access("groups.join", "POST", _g("/groups/{group}/join"), LOGIN, REDIRECT, REDIRECT),
    Access("groups.leave", "POST", _g("/groups/{group}/leave"), LOGIN, REDIRECT, REDIRECT),
    Access("groups.leave", "GET", _g("/groups/{group}/leave"), LOGIN, REDIRECT, REDIRECT, chair=OK),
    Access("groups.ask", "POST", _g("/groups/{active_group}/ask"), LOGIN, REDIRECT, REDIRECT),
    Access("groups.mine", "GET", "/my/groups", LOGIN, OK, OK),
    Access("groups.edit", "GET", _g("/groups/{group}/edit"), LOGIN, FORBIDDEN, OK, chair=OK),
    Access("groups.edit", "POST", _g("/groups/{group}/edit"), LOGIN, FORBIDDEN, 422, chair=422),
    Access("groups.edit", "GET", _g("/groups/{other_group}/edit"), LOGIN, FORBIDDEN, OK, chair=FORBIDDEN),
    Access("groups.edit", "POST", _g("/groups/{other_group}/edit"), LOGIN, FORBIDDEN, 422, chair=FORBIDDEN),
    Access("groups.members", "GET", _g("/groups/{group}/members"), LOGIN, FORBIDDEN, OK, chair=OK),
    Access("groups.members", "GET", _g("/groups/{other_group}/members"), LOGIN, FORBIDDEN, OK, chair=FORBIDDEN),
    Access("groups.export_members", "GET", _g("/groups/{group}/members.csv"), LOGIN, FORBIDDEN, OK, chair=OK),
    Access("groups.export_members", "GET", _g("/groups/{other_group}/members.xlsx"), LOGIN, FORBIDDEN, OK,
           chair=FORBIDDEN),
    Access("groups.answer_request", "POST", _g("/groups/{group}/requests/{join_request}"), LOGIN, FORBIDDEN,
           REDIRECT, chair=REDIRECT),
    Access("groups.answer_request", "POST", _g("/groups/{other_group}/requests/{join_request}"), LOGIN, FORBIDDEN,
           NOT_FOUND, chair=FORBIDDEN),
    Access("groups.chair", "GET", _g("/groups/{group}/chair"), LOGIN, FORBIDDEN, OK, chair=OK),
    Access("groups.chair", "POST", _g("/groups/{group}/chair"), LOGIN, FORBIDDEN, 422, chair=422),
    Access("groups.chair", "POST", _g("/groups/{other_group}/chair"), LOGIN, FORBIDDEN, 422, chair=FORBIDDEN),
    Access("groups.new_meeting", "GET", _g("/groups/{group}/meetings/new"), LOGIN, FORBIDDEN, OK, chair=OK),
    Access("groups.new_meeting", "POST", _g("/groups/{group}/meetings/new"), LOGIN, FORBIDDEN, 422, chair=422),
    Access("groups.new_meeting", "POST", _g("/groups/{other_group}/meetings/new"), LOGIN, FORBIDDEN, 422,
           chair=FORBIDDEN),
    Access("groups.edit_meeting", "GET", _g("/groups/{group}/meetings/{group_meeting}/edit"), LOGIN, FORBIDDEN, OK,
           chair=OK),
    Access("groups.edit_meeting", "POST", _g("/groups/{group}/meetings/{group_meeting}/edit"), LOGIN, FORBIDDEN,
           422, chair=422),
    Access("groups.edit_meeting", "POST", _g("/groups/{other_group}/meetings/{other_group_meeting}/edit"), LOGIN,
           FORBIDDEN, 422, chair=FORBIDDEN),
    Access("groups.cancel_meeting", "POST", _g("/groups/{group}/meetings/{group_meeting}/cancel"), LOGIN, FORBIDDEN,
           422, chair=422),
    Access("groups.cancel_meeting", "POST", _g("/groups/{other_group}/meetings/{other_group_meeting}/cancel"), LOGIN,
           FORBIDDEN, 422, chair=FORBIDDEN),
    Access("groups.invite", "GET", _g("/groups/{group}/meetings/{group_meeting}/invite"), LOGIN, FORBIDDEN, OK,
           chair=OK),
    Access("groups.invite", "POST", _g("/groups/{group}/meetings/{group_meeting}/invite"), LOGIN, FORBIDDEN,
           REDIRECT, chair=REDIRECT),
    Access("groups.invite", "POST", _g("/groups/{other_group}/meetings/{other_group_meeting}/invite"), LOGIN,
           FORBIDDEN, REDIRECT, chair=FORBIDDEN),
    # A meeting of another group through this group's address: not found.
    Access("groups.invite", "GET", _g("/groups/{group}/meetings/{other_group_meeting}/invite"), LOGIN, FORBIDDEN,
           NOT_FOUND, chair=NOT_FOUND),
    Access("groups.report", "GET", _g("/groups/{group}/report"), LOGIN, FORBIDDEN, OK, chair=OK),
    Access("groups.report", "POST", _g("/groups/{group}/report"), LOGIN, FORBIDDEN, 422, chair=422),
    Access("groups.report", "POST", _g("/groups/{other_group}/report"), LOGIN, FORBIDDEN, 422, chair=FORBIDDEN),
    Access("groups.delete_report_file", "GET", _g("/groups/{group}/report/files/{report_file}/delete"), LOGIN,
           FORBIDDEN, OK, chair=OK),
    # Another group's path: nothing is deleted while the table is walked.
    Access("groups.delete_report_file", "POST", _g("/groups/{other_group}/report/files/{report_file}/delete"), LOGIN,
           FORBIDDEN, NOT_FOUND, chair=FORBIDDEN),
    Access("groups.admin", "GET", "/admin/groups", LOGIN, FORBIDDEN, OK),
    Access("groups.admin_export", "GET", "/admin/groups.csv", LOGIN, FORBIDDEN, OK),
    Access("groups.admin_export", "GET", "/admin/groups.xlsx", LOGIN, FORBIDDEN, OK),
    Access("groups.decide", "GET", _g("/admin/groups/{proposed_group}/decide"), LOGIN, FORBIDDEN, OK),
    Access("groups.decide", "POST", _g("/admin/groups/{proposed_group}/decide"), LOGIN, FORBIDDEN, 422),
]
