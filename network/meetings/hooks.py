"""What the meetings domain contributes to pages and reports it does not own (loaded by network.domains)."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..auth.signals import email_changed
from ..extensions import db
from ..i18n import current_language
from ..orgs.directory import Listed
from ..orgs.models import Organisation
from ..orgs.regions import region_name
from ..orgs.register import organisation_name
from ..privacy import personal_data_anonymiser, personal_data_description, personal_data_exporter
from ..registries import (
    admin_entry,
    audit_labels,
    home_section,
    organisation_section,
    personal_entry,
    personal_section,
    yearly_figures,
)
from ..timeutil import utcnow
from . import figures, home, privacy, queries
from .models import CANCELLED, Meeting, MeetingKind, MeetingMode, MeetingStatus
from .registration import follow_account_address

# A person's registrations keep the account's current address.
email_changed.connect(follow_account_address)

home_section(10, "meetings/_home.html")(home.next_meetings)

personal_data_exporter("meetings")(privacy.export_registrations)
personal_data_anonymiser("meetings")(privacy.anonymise_registrations)
personal_data_description(
    "meetings", order=30, title=_l("Meeting registrations"),
    fields={"registrations": _l("Each registration: the meeting, your name and e-mail, in person or remote, place "
                                "or waiting list, attendance and when you registered")},
    purpose=_l("Organising the network's meetings: places, the waiting list, the participant list and yearly "
               "attendance figures (which are counted without names)."),
    legal_basis=_l("Taking part in the network's activities as a member (GDPR art. 6(1)(b))."),
    retention=_l("Until you delete your account; the meeting's attendance figures stay without your name."),
)

yearly_figures(10)(figures.meeting_figures)


def hosted_meetings(org: Organisation) -> dict[str, Any]:
    """The organisation page's meetings: those the organisation hosted, newest first."""
    found = db.session.scalars(
        select(Meeting).where(Meeting.host_organisation_id == org.id).order_by(Meeting.starts_at.desc())
    )
    return {"meetings": [
        Listed(title=m.title, when=m.starts_at, url=url_for("meetings.detail", meeting_id=m.id),
               cancelled=m.status == CANCELLED)
        for m in found
    ]}


organisation_section(20, "orgs/_hosted_meetings_section.html")(hosted_meetings)
def my_upcoming_meetings(user: Any) -> dict[str, Any]:
    """The member's own page: their places in meetings to come (registered or on the waiting list), soonest first."""
    statement = queries.my_registrations(user).where(Meeting.ends_at >= utcnow()).order_by(Meeting.starts_at)
    return {"registrations": list(db.session.scalars(statement))}


personal_section(10, "meetings/_personal.html")(my_upcoming_meetings)
personal_entry(10, "meetings.my_meetings", _l("My meetings"))
admin_entry(10, "meetings.admin_year", _l("Meetings and the year plan"),
            _l("Plan the year's four meetings, edit meetings, participants."))
audit_labels(
    entities={"meeting": _l("Meeting")},
    actions={
        "meeting.create": _l("Meeting added"),
        "meeting.update": _l("Meeting changed"),
        "meeting.cancel": _l("Meeting cancelled"),
        "meeting.minutes": _l("Minutes published"),
        "meeting.material.add": _l("Material added"),
        "meeting.material.remove": _l("Material removed"),
        "meeting.attendance": _l("Attendance recorded"),
        "meeting.publish": _l("Meeting published"),
        "meeting.delete": _l("Draft meeting deleted"),
        "meeting.message": _l("Message sent to participants"),
        "meeting.plan_exception": _l("Exception to a planning rule confirmed"),
    },
    # The meeting form's own labels.
    fields={
        "kind": _l("Kind"),
        "title": _l("Title of the material"),
        "title_fi": _l("Title in Finnish"),
        "title_sv": _l("Title in Swedish"),
        "description_fi": _l("Description in Finnish"),
        "description_sv": _l("Description in Swedish"),
        "starts_at": _l("Starts"),
        "ends_at": _l("Ends"),
        "mode": _l("How the meeting is held"),
        "venue": _l("Venue"),
        "address": _l("Address"),
        "online_url": _l("Link for joining online"),
        "host_organisation_id": _l("Host organisation"),
        "region": _l("Region"),
        "agenda": _l("Agenda"),
        "capacity": _l("Capacity"),
        "registration_deadline": _l("Registration deadline"),
        "status": _l("Status"),
        "cancel_reason": _l("Reason for the cancellation"),
        "sequence": _l("Version of the calendar entry"),
        "group_id": _l("Working group"),
        "minutes": _l("Minutes"),
        "material": _l("Material"),
        "attended": _l("Participants who attended"),
    },
    values={"meeting": {
        "kind": {
            MeetingKind.NETWORK.value: _l("Network meeting"),
            MeetingKind.DEMOCRACY_DAY.value: _l("Democracy Day"),
            MeetingKind.WORKING_GROUP.value: _l("Working-group meeting"),
        },
        "mode": {
            MeetingMode.IN_PERSON.value: _l("In person"),
            MeetingMode.ONLINE.value: _l("Online"),
            MeetingMode.HYBRID.value: _l("Hybrid"),
        },
        "status": {MeetingStatus.SCHEDULED.value: _l("Scheduled"), MeetingStatus.CANCELLED.value: _l("Cancelled")},
        "region": lambda code: region_name(code, current_language()),
        "host_organisation_id": organisation_name,
    }},
)
