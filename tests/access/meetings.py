"""Who may do what in meetings (see tests/access/__init__.py)."""

from datetime import timedelta

from network.extensions import db
from network.meetings.models import Meeting, MeetingMaterial
from network.timeutil import utcnow

from . import FORBIDDEN, LOGIN, NOT_FOUND, OK, REDIRECT, Access, World


def setup(world: World) -> None:
    start = utcnow() + timedelta(days=30)
    meeting = Meeting(kind="working_group", title_fi="Pääsytestin tapaaminen", starts_at=start,
                      ends_at=start + timedelta(hours=2), mode="hybrid", venue="Kuntatalo",
                      online_url="https://meet.example/x")
    past = Meeting(kind="working_group", title_fi="Mennyt tapaaminen", starts_at=start - timedelta(days=90),
                   ends_at=start - timedelta(days=90) + timedelta(hours=2), mode="online",
                   online_url="https://meet.example/y")
    draft = Meeting(kind="network", title_fi="Luonnos", starts_at=start, ends_at=start + timedelta(hours=2),
                    mode="in_person", venue="Kuntatalo", published_at=None)
    db.session.add_all([meeting, past, draft])
    db.session.flush()
    material = MeetingMaterial(meeting=meeting, original_name="missing.pdf", stored_name="access-missing.pdf",
                               content_type="application/pdf", size=10)
    db.session.add(material)
    db.session.commit()
    world.ids["meeting"] = meeting.id
    world.ids["past_meeting"] = past.id
    world.ids["draft"] = draft.id
    world.ids["material"] = material.id


def _m(path: str):
    return lambda w: path.format(**w.ids)


RULES = [
    Access("meetings.index", "GET", "/meetings", OK, OK, OK),
    Access("meetings.detail", "GET", _m("/meetings/{meeting}"), OK, OK, OK),
    # The stored file of the access-test material does not exist: 404 for everyone, but no login needed.
    Access("meetings.material", "GET", _m("/meetings/{meeting}/materials/{material}"), NOT_FOUND, NOT_FOUND,
           NOT_FOUND),
    Access("meetings.register", "POST", _m("/meetings/{meeting}/register"), LOGIN, REDIRECT, REDIRECT,
           {"mode": "in_person"}),
    Access("meetings.change_registration", "POST", _m("/meetings/{meeting}/registration"), LOGIN, REDIRECT,
           REDIRECT, {"mode": "remote"}),
    # Not registered: back to the meeting with a message (the confirmation page needs a registration).
    Access("meetings.cancel_registration", "GET", _m("/meetings/{meeting}/registration/cancel"), LOGIN, REDIRECT,
           REDIRECT),
    Access("meetings.cancel_registration", "POST", _m("/meetings/{meeting}/registration/cancel"), LOGIN, REDIRECT,
           REDIRECT),
    Access("meetings.my_meetings", "GET", "/my/meetings", LOGIN, OK, OK),
    Access("meetings.admin_year", "GET", "/admin/meetings", LOGIN, FORBIDDEN, OK),
    Access("meetings.new", "GET", "/admin/meetings/new", LOGIN, FORBIDDEN, OK),
    Access("meetings.new", "POST", "/admin/meetings/new", LOGIN, FORBIDDEN, 422),
    Access("meetings.edit", "GET", _m("/admin/meetings/{meeting}/edit"), LOGIN, FORBIDDEN, OK),
    Access("meetings.edit", "POST", _m("/admin/meetings/{meeting}/edit"), LOGIN, FORBIDDEN, 422),
    Access("meetings.message", "GET", _m("/meetings/{meeting}/message"), LOGIN, FORBIDDEN, OK),
    Access("meetings.message", "POST", _m("/meetings/{meeting}/message"), LOGIN, FORBIDDEN, 422),
    # A draft is seen by coordinators only.
    Access("meetings.detail", "GET", _m("/meetings/{draft}"), NOT_FOUND, NOT_FOUND, OK),
    Access("meetings.publish", "POST", _m("/admin/meetings/{draft}/publish"), LOGIN, FORBIDDEN, REDIRECT),
    Access("meetings.delete", "GET", _m("/admin/meetings/{draft}/delete"), LOGIN, FORBIDDEN, OK),
    Access("meetings.delete", "POST", _m("/admin/meetings/{draft}/delete"), LOGIN, FORBIDDEN, REDIRECT),
    Access("meetings.cancel", "GET", _m("/admin/meetings/{meeting}/cancel"), LOGIN, FORBIDDEN, OK),
    Access("meetings.cancel", "POST", _m("/admin/meetings/{meeting}/cancel"), LOGIN, FORBIDDEN, 422),
    Access("meetings.minutes", "GET", _m("/admin/meetings/{meeting}/minutes"), LOGIN, FORBIDDEN, OK),
    Access("meetings.minutes", "POST", _m("/admin/meetings/{meeting}/minutes"), LOGIN, FORBIDDEN, 422),
    Access("meetings.materials", "GET", _m("/admin/meetings/{meeting}/materials"), LOGIN, FORBIDDEN, OK),
    Access("meetings.materials", "POST", _m("/admin/meetings/{meeting}/materials"), LOGIN, FORBIDDEN, 422),
    Access("meetings.delete_material", "GET", _m("/admin/meetings/{meeting}/materials/{material}/delete"), LOGIN,
           FORBIDDEN, OK),
    Access("meetings.delete_material", "POST", _m("/admin/meetings/{meeting}/materials/{material}/delete"), LOGIN,
           FORBIDDEN, REDIRECT),
    Access("meetings.participants", "GET", _m("/admin/meetings/{meeting}/participants"), LOGIN, FORBIDDEN, OK),
    Access("meetings.attendance", "POST", _m("/admin/meetings/{past_meeting}/attendance"), LOGIN, FORBIDDEN,
           REDIRECT),
    Access("meetings.export_participants", "GET", _m("/admin/meetings/{meeting}/participants.csv"), LOGIN,
           FORBIDDEN, OK),
    Access("meetings.plan", "GET", "/admin/meetings/plan/2031", LOGIN, FORBIDDEN, OK),
    Access("meetings.plan", "POST", "/admin/meetings/plan/2031", LOGIN, FORBIDDEN, 422),
]
