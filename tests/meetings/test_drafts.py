"""Issue 14: a meeting is a draft until published; drafts are seen by coordinators only and can be deleted (after
a confirmation); publishing puts the meeting in the list, the calendar feed and the front page."""

from __future__ import annotations

from sqlalchemy import func, select

from network.audit.models import AuditEntry
from network.meetings.models import Meeting

from ..factories import make_meeting
from .conftest import fi
from .test_views import meeting_form


def meeting_count(db) -> int:
    return db.session.scalar(select(func.count(Meeting.id)))


def public_places(client) -> str:
    return "".join(client.get(path).get_data(as_text=True) for path in ("/meetings", "/calendar.ics", "/"))


def test_a_new_meeting_is_a_draft_until_published(coordinator_client, client, db):
    response = coordinator_client.post("/admin/meetings/new", data=meeting_form(
        title_fi="Luonnostapaaminen", starts_at="2027-05-20T12:00", ends_at="2027-05-20T16:00",
        registration_deadline=""))
    assert response.status_code == 302
    meeting = db.session.scalar(select(Meeting))
    assert meeting.is_draft
    assert "Luonnostapaaminen" not in public_places(client)
    assert client.get(f"/meetings/{meeting.id}").status_code == 404
    # Its calendar file too: the title, description and online link stay unpublished.
    assert client.get(f"/meetings/{meeting.id}.ics").status_code == 404
    assert coordinator_client.get(f"/meetings/{meeting.id}.ics").status_code == 200
    page = coordinator_client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert fi("Draft") in page and f"/admin/meetings/{meeting.id}/publish" in page
    assert "Luonnostapaaminen" in coordinator_client.get("/admin/meetings?year=2027").get_data(as_text=True)
    assert coordinator_client.post(f"/admin/meetings/{meeting.id}/publish").status_code == 302
    db.session.refresh(meeting)
    assert not meeting.is_draft and meeting.sequence == 0
    assert public_places(client).count("Luonnostapaaminen") >= 3  # list, feed and front page
    assert client.get(f"/meetings/{meeting.id}").status_code == 200
    assert client.get(f"/meetings/{meeting.id}.ics").status_code == 200
    assert db.session.scalar(select(AuditEntry.action).where(AuditEntry.action == "meeting.publish"))


def test_a_draft_made_by_mistake_is_deleted_after_a_confirmation(coordinator_client, client, db):
    coordinator_client.post("/admin/meetings/new", data=meeting_form(
        title_fi="Vahingossa tehty", starts_at="2027-05-20T12:00", ends_at="2027-05-20T16:00",
        registration_deadline=""))
    meeting = db.session.scalar(select(Meeting))
    confirm = coordinator_client.get(f"/admin/meetings/{meeting.id}/delete").get_data(as_text=True)
    assert "Vahingossa tehty" in confirm and fi("Keep the draft") in confirm
    assert meeting_count(db) == 1  # asking deletes nothing
    assert coordinator_client.post(f"/admin/meetings/{meeting.id}/delete").status_code == 302
    assert meeting_count(db) == 0
    assert fi("Cancelled") not in public_places(client)


def test_a_published_meeting_is_cancelled_not_deleted(coordinator_client, db):
    meeting = make_meeting(title_fi="Julkaistu")
    assert coordinator_client.post(f"/admin/meetings/{meeting.id}/delete").status_code == 302
    assert meeting_count(db) == 1
    draft = make_meeting(title_fi="Luonnos", published_at=None)
    response = coordinator_client.post(f"/admin/meetings/{draft.id}/cancel", data={"reason": "Virhe"})
    assert response.status_code == 422
    assert fi("A draft is not cancelled: delete it instead.") in response.get_data(as_text=True)
    db.session.refresh(draft)
    assert draft.status == "scheduled"


def test_editing_a_draft_raises_no_sequence(coordinator_client, db):
    draft = make_meeting(title_fi="Luonnos", published_at=None)
    response = coordinator_client.post(f"/admin/meetings/{draft.id}/edit", data=meeting_form(
        starts_at="2027-05-21T12:00", ends_at="2027-05-21T16:00", registration_deadline=""))
    assert response.status_code == 302
    db.session.refresh(draft)
    assert draft.sequence == 0
