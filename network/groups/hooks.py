"""What the working groups contribute elsewhere: who manages a group, the front page, the member's own page, an
organisation's page, menu entries, the yearly figures, audit labels, and the person's data export and deletion.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from ..auth.people import person_name
from ..calendar.notices import place_holders
from ..calendar.personal import personal_feed_source
from ..extensions import db
from ..meetings.models import Meeting
from ..permissions import management_policy
from ..privacy import personal_data_anonymiser, personal_data_description, personal_data_exporter
from ..registries import (
    Figure,
    admin_entry,
    audit_labels,
    home_section,
    organisation_section,
    personal_entry,
    personal_section,
    yearly_figures,
)
from ..timeutil import helsinki_today
from . import notify, privacy, queries
from .lifecycle import GroupState, group_state, is_chair
from .models import Decision, WorkingGroup


@management_policy(WorkingGroup)
def chair_manages_group(user: Any, group: WorkingGroup) -> bool:
    """Besides coordinators, a group is managed by its chair (and no other group by that chair)."""
    return is_chair(user, group)


@management_policy(Meeting)
def chair_manages_group_meetings(user: Any, meeting: Meeting) -> bool:
    """A group's chair manages the group's meetings (while the group is not closed); no other meetings."""
    if meeting.group_id is None:
        return False
    group = db.session.get(WorkingGroup, meeting.group_id)
    return group is not None and is_chair(user, group) and group_state(group) != GroupState.CLOSED


@home_section(15, "groups/_home.html")
def home_groups() -> dict[str, Any]:
    """Groups open for sign-up, for the front page."""
    return {"groups": queries.groups_in_state(GroupState.OPEN, limit=6)}


@personal_section(20, "groups/_personal.html")
def my_groups(user: Any) -> dict[str, Any]:
    """The person's groups, for their own page (with "my meetings")."""
    today = helsinki_today()
    return {"groups": [(g, group_state(g, today)) for g in queries.groups_of_user(user)]}


@organisation_section(30, "groups/_organisation.html")
def organisation_groups(organisation: Any) -> dict[str, Any]:
    """The groups this organisation's people are in."""
    today = helsinki_today()
    return {"groups": [(g, group_state(g, today), count) for g, count in queries.groups_of_organisation(organisation)]}


personal_entry(20, "groups.mine", _l("My groups"))
admin_entry(25, "groups.admin", _l("Working groups"), _l("Decide on proposals, appoint chairs, see every group and "
                                                          "export the overview."))


@yearly_figures(30)
def group_figures(year: int) -> list[Figure]:
    """Working groups active in the year and their members (computed in SQL)."""
    groups, people = queries.figures_for_year(year)
    return [
        Figure("groups.active", _l("Working groups active"), groups, _l("groups")),
        Figure("groups.members", _l("Members of working groups"), people, _l("people")),
    ]


audit_labels(
    entities={"working_group": _l("Working group")},
    actions={
        "group.propose": _l("Working group proposed"),
        "group.approve": _l("Working group approved"),
        "group.decline": _l("Working group declined"),
        "group.update": _l("Working group changed"),
        "group.chair_appoint": _l("Chair appointed"),
        "group.chair_handover": _l("Chair handed over"),
        "group.final_report": _l("Final report written"),
        "group.report_file": _l("Final report attachment added"),
        "group.report_file_remove": _l("Final report attachment removed"),
        "group.close": _l("Working group closed"),
        "group.invite": _l("Working group meeting invitation sent"),
    },
    fields={
        "name_fi": _l("Name in Finnish"),
        "name_sv": _l("Name in Swedish"),
        "theme_fi": _l("Theme in Finnish"),
        "theme_sv": _l("Theme in Swedish"),
        "mandate_fi": _l("Mandate in Finnish"),
        "mandate_sv": _l("Mandate in Swedish"),
        "steering": _l("Who steers the group"),
        "approving_meeting": _l("The meeting that will approve the result"),
        "signup_deadline": _l("Sign-up deadline"),
        "term_end": _l("Term ends"),
        "max_size": _l("Maximum number of members"),
        "decision": _l("Decision"),
        "decline_reason": _l("Reason for declining"),
        "chair_id": _l("Chair"),
        "final_report_fi": _l("Final report in Finnish"),
        "final_report_sv": _l("Final report in Swedish"),
        "file": _l("Attachment"),
    },
    values={"working_group": {
        "decision": {
            Decision.PENDING.value: _l("Waiting for a decision"),
            Decision.APPROVED.value: _l("Approved"),
            Decision.DECLINED.value: _l("Declined"),
        },
        "chair_id": person_name,
    }},
)


# Members hold a place in their group's meetings: updates and cancellations reach them (after invitees, order 10,
# whose update carries answer links; before registrations, order 50), and their personal feed lists the meetings.
place_holders(30)(notify.member_holders)
personal_feed_source(20)(queries.meetings_of_user_groups)

personal_data_exporter("groups")(privacy.export_groups)
personal_data_anonymiser("groups")(privacy.anonymise_groups)
personal_data_description(
    "groups", order=50, title=_l("Working groups"),
    fields={
        "memberships": _l("Groups you belong to or chair, and since when"),
        "join_requests": _l("Your requests to join a group, with your message"),
        "proposed_groups": _l("Groups you proposed"),
    },
    purpose=_l("Running the network's working groups: members, chairs, proposals and requests to join."),
    legal_basis=_l("Taking part in the network's activities as a member (GDPR art. 6(1)(b))."),
    retention=_l("Until you delete your account; a closed group's final report stays public without members' "
                 "personal data."),
)
