"""Issue 14: the agenda keeps its line breaks (sanitised Markdown, a formatting hint, a preview); materials have
a title; removing a material and cancelling one's place ask for confirmation first."""

from __future__ import annotations

import io

from sqlalchemy import func, select

from network.meetings.models import Meeting, MeetingMaterial, MeetingRegistration
from tests.conftest import create_user, log_in

from ..factories import make_meeting
from .conftest import fi
from .test_views import PDF, meeting_form


def test_agenda_line_breaks_are_kept_and_sanitised(client, db):
    meeting = make_meeting(agenda="Avaus\nEsittelyt\nKeskustelu <script>alert(1)</script>",
                           description_fi="**Tervetuloa**\nsaliin B")
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Avaus<br />\nEsittelyt<br />\nKeskustelu" in page or "Avaus<br>\nEsittelyt<br>\nKeskustelu" in page
    assert "<script>alert(1)" not in page
    assert "<strong>Tervetuloa</strong><br" in page


def test_the_form_hints_at_formatting_and_previews_without_saving(coordinator_client, db):
    page = coordinator_client.get("/admin/meetings/new").get_data(as_text=True)
    hint = fi("Formatting: **bold**, *italic*, a line starting with - for a list, [text](https://...) for a link; "
              "every line break is kept.")
    assert page.count("**") >= 3 and hint.split("**")[0] in page  # the hint under description_fi/sv and agenda
    response = coordinator_client.post("/admin/meetings/new", data=meeting_form(
        agenda="Avaus\n- Esittelyt\n- Keskustelu", description_fi="[linkki](javascript:alert(1))",
        preview_text="1"))
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "<li>Esittelyt</li>" in text and 'href="javascript:' not in text
    assert fi("Nothing was saved yet.") in text
    assert db.session.scalar(select(func.count(Meeting.id))) == 0


def test_materials_have_a_title_and_are_listed_by_it(coordinator_client, client, db, upload_folder):
    meeting = make_meeting()
    missing = coordinator_client.post(f"/admin/meetings/{meeting.id}/materials",
                                      data={"file": (io.BytesIO(PDF), "x123.pdf")},
                                      content_type="multipart/form-data")
    assert missing.status_code == 422
    assert db.session.scalar(select(func.count(MeetingMaterial.id))) == 0
    response = coordinator_client.post(f"/admin/meetings/{meeting.id}/materials", data={
        "title_fi": "Esityslista", "title_sv": "Föredragningslista", "file": (io.BytesIO(PDF), "x123.pdf")},
        content_type="multipart/form-data")
    assert response.status_code == 302
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert ">Esityslista</a>" in page and ">x123.pdf</a>" not in page
    with client.session_transaction() as session:
        session["lang"] = "sv"
    assert ">Föredragningslista</a>" in client.get(f"/meetings/{meeting.id}").get_data(as_text=True)


def test_removing_a_material_asks_first(coordinator_client, db, upload_folder):
    meeting = make_meeting()
    coordinator_client.post(f"/admin/meetings/{meeting.id}/materials", data={
        "title_fi": "Esityslista", "file": (io.BytesIO(PDF), "x.pdf")}, content_type="multipart/form-data")
    material = db.session.scalar(select(MeetingMaterial))
    listing = coordinator_client.get(f"/admin/meetings/{meeting.id}/materials").get_data(as_text=True)
    assert f'<form method="post" action="/admin/meetings/{meeting.id}/materials/{material.id}/delete"' not in listing
    confirm = coordinator_client.get(f"/admin/meetings/{meeting.id}/materials/{material.id}/delete")
    assert confirm.status_code == 200 and "Esityslista" in confirm.get_data(as_text=True)
    assert db.session.scalar(select(func.count(MeetingMaterial.id))) == 1
    coordinator_client.post(f"/admin/meetings/{meeting.id}/materials/{material.id}/delete")
    assert db.session.scalar(select(func.count(MeetingMaterial.id))) == 0


def test_cancelling_a_place_asks_first(client, db):
    member = create_user("jasen@example.fi", "Jaana Jäsen")
    meeting = make_meeting(title_fi="Syystapaaminen")
    db.session.add(MeetingRegistration(meeting_id=meeting.id, user_id=member.id, email=member.email,
                                       name=member.name, status="registered"))
    db.session.commit()
    log_in(client, member)
    detail = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert f'<form method="get" action="/meetings/{meeting.id}/registration/cancel"' in detail
    confirm = client.get(f"/meetings/{meeting.id}/registration/cancel")
    assert confirm.status_code == 200 and fi("Keep my place") in confirm.get_data(as_text=True)
    assert db.session.scalar(select(MeetingRegistration.status)) == "registered"
    client.post(f"/meetings/{meeting.id}/registration/cancel")
    db.session.expire_all()
    assert db.session.scalar(select(MeetingRegistration.status)) == "cancelled"
