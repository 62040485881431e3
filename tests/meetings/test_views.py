"""Meetings through HTTP: public pages, member registration, coordinator editing, bad input changes nothing."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from network.audit.models import AuditEntry
from network.meetings.models import Meeting, MeetingMaterial, MeetingRegistration
from network.timeutil import utc_to_helsinki, utcnow
from tests.conftest import create_user, log_in

from ..factories import make_meeting
from .conftest import fi, helsinki

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def count(db, model) -> int:
    return db.session.scalar(select(func.count(model.id)))


def meeting_form(**fields) -> dict:
    values = {
        "kind": "network",
        "title_fi": "Kevään verkostotapaaminen",
        "title_sv": "Vårens nätverksmöte",
        "description_fi": "Osallisuuden *hyvät käytännöt*.",
        "starts_at": "2026-05-20T12:00",
        "ends_at": "2026-05-20T16:00",
        "mode": "hybrid",
        "venue": "Tampere-talo",
        "address": "Yliopistonkatu 55, Tampere",
        "online_url": "https://meet.example/kevat",
        "host_organisation_id": "0",
        "region": "pirkanmaa",
        "capacity": "40",
        "registration_deadline": "2026-05-13T16:00",
        "confirm_past": "y",  # 20.5.2026 is in the past today: the form asks to confirm it
    }
    values.update(fields)
    return values


# --- public pages --------------------------------------------------------------------------------------


def test_index_lists_upcoming_and_past_by_year(client, db):
    make_meeting(title_fi="Tuleva tapaaminen")
    make_meeting(title_fi="Vanha 2025", starts_at=helsinki(2025, 5, 20, 12))
    make_meeting(title_fi="Vanha 2024", starts_at=helsinki(2024, 5, 20, 12))
    page = client.get("/meetings").get_data(as_text=True)
    assert "Tuleva tapaaminen" in page and "Vanha 2025" in page and "Vanha 2024" not in page
    assert "webcal://localhost/calendar.ics" in page
    page = client.get("/meetings?year=2024").get_data(as_text=True)
    assert "Vanha 2024" in page and "Vanha 2025" not in page


def test_index_empty_state(client, db):
    page = client.get("/meetings").get_data(as_text=True)
    assert "class=\"empty\"" in page


def test_detail_shows_everything_public(client, db, orgs):
    meeting = make_meeting(title_fi="Demokratiapäivä 2026", kind="democracy_day",
                           starts_at=helsinki(2026, 10, 15, 9), host_organisation_id=orgs["tampere"].id,
                           region="pirkanmaa", agenda="Avaus ja esittäytyminen", description_fi="Tervetuloa")
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    for text in ("Demokratiapäivä 2026", "Tampereen kaupunki", "Pirkanmaa", "Avaus ja esittäytyminen", "Tervetuloa",
                 f"/meetings/{meeting.id}.ics", "webcal://localhost/calendar.ics", "Kuntatalo"):
        assert text in page, text
    assert client.get("/meetings/99999").status_code == 404


def test_swedish_interface_shows_swedish_title(client, db):
    meeting = make_meeting(title_fi="Suomeksi", title_sv="På svenska")
    with client.session_transaction() as session:
        session["lang"] = "sv"
    assert "På svenska" in client.get(f"/meetings/{meeting.id}").get_data(as_text=True)


# --- members ---------------------------------------------------------------------------------------------


def test_member_registers_changes_and_cancels(member_client, member, db):
    meeting = make_meeting()
    response = member_client.post(f"/meetings/{meeting.id}/register", data={"mode": "in_person"})
    assert response.status_code == 302
    registration = db.session.scalar(select(MeetingRegistration))
    assert (registration.user_id, registration.email, registration.status) == (member.id, member.email,
                                                                               "registered")
    member_client.post(f"/meetings/{meeting.id}/registration", data={"mode": "remote"})
    db.session.refresh(registration)
    assert registration.mode == "remote"
    page = member_client.get("/my/meetings").get_data(as_text=True)
    assert meeting.title_fi in page
    member_client.post(f"/meetings/{meeting.id}/registration/cancel")
    db.session.refresh(registration)
    assert registration.status == "cancelled"
    assert meeting.title_fi not in member_client.get("/my/meetings").get_data(as_text=True)


def test_registering_twice_is_refused_with_a_message(member_client, db):
    meeting = make_meeting()
    member_client.post(f"/meetings/{meeting.id}/register", data={"mode": "in_person"})
    response = member_client.post(f"/meetings/{meeting.id}/register", data={"mode": "remote"},
                                  follow_redirects=True)
    assert fi("You are already registered for this meeting.") in response.get_data(as_text=True)
    assert count(db, MeetingRegistration) == 1
    assert db.session.scalar(select(MeetingRegistration.mode)) == "in_person"


def test_registering_after_the_deadline_is_refused_in_finnish(member_client, db):
    from tests.conftest import PASSWORD  # noqa: F401  (the member logs in by session here)

    meeting = make_meeting(registration_deadline=utcnow() - timedelta(hours=1))
    with member_client.session_transaction() as session:
        session["lang"] = "fi"
    response = member_client.post(f"/meetings/{meeting.id}/register", data={"mode": "in_person"},
                                  follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Ilmoittautuminen tähän tapaamiseen on päättynyt." in page
    assert count(db, MeetingRegistration) == 0


def test_visitor_posting_to_register_is_sent_to_log_in(client, db):
    meeting = make_meeting()
    response = client.post(f"/meetings/{meeting.id}/register", data={"mode": "in_person"})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert count(db, MeetingRegistration) == 0


def test_registration_needs_csrf_token(csrf_app, member, db):
    client = csrf_app.test_client()
    log_in(client, member)
    meeting = make_meeting()
    assert client.post(f"/meetings/{meeting.id}/register", data={"mode": "in_person"}).status_code == 400
    assert count(db, MeetingRegistration) == 0


def test_full_meeting_puts_member_on_waiting_list_and_cancel_promotes(app, db):
    meeting = make_meeting(capacity=1)
    assert "1 paikka, 1 vapaana" in app.test_client().get(f"/meetings/{meeting.id}").get_data(as_text=True)
    first, second = create_user("eka@example.fi", "Eka"), create_user("toka@example.fi", "Toka")
    clients = []
    for user in (first, second):
        c = app.test_client()
        log_in(c, user)
        c.post(f"/meetings/{meeting.id}/register", data={"mode": "in_person"})
        clients.append(c)
    statuses = dict(db.session.execute(select(MeetingRegistration.email, MeetingRegistration.status)).all())
    assert statuses == {"eka@example.fi": "registered", "toka@example.fi": "waitlisted"}
    clients[0].post(f"/meetings/{meeting.id}/registration/cancel")
    statuses = dict(db.session.execute(select(MeetingRegistration.email, MeetingRegistration.status)).all())
    assert statuses == {"eka@example.fi": "cancelled", "toka@example.fi": "registered"}
    from network.mail.models import OutboxMessage

    # (Since issue 12 eka also has a confirmation and a CANCEL: the promotion goes to toka alone.)
    promoted = select(OutboxMessage.recipient).where(OutboxMessage.message_key.contains("-promoted-"))
    assert db.session.scalars(promoted).all() == ["toka@example.fi"]


# --- coordinator: create, edit, cancel, minutes -----------------------------------------------------------


def test_coordinator_creates_a_meeting_in_helsinki_time(coordinator_client, db, orgs):
    response = coordinator_client.post("/admin/meetings/new",
                                       data=meeting_form(host_organisation_id=str(orgs["tampere"].id), region=""))
    assert response.status_code == 302, response.get_data(as_text=True)
    meeting = db.session.scalar(select(Meeting))
    assert utc_to_helsinki(meeting.starts_at).hour == 12
    assert meeting.starts_at.replace(tzinfo=None).hour == 9  # stored in UTC (EEST is UTC+3)
    assert meeting.region == "pirkanmaa" and meeting.capacity == 40 and meeting.sequence == 0
    assert db.session.scalar(select(AuditEntry.action)) == "meeting.create"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"kind": "democracy_day", "starts_at": "2026-10-08T09:00", "ends_at": "2026-10-08T16:00",
          "registration_deadline": ""}, "Democracy Day must be held in week 42 of the year."),
        ({"ends_at": "2026-05-20T11:00"}, "The meeting must end after it starts."),
        ({"starts_at": "20.5.2026 klo 12"}, "Enter a date and time, for example 2026-10-15 13:00."),
        ({"starts_at": "2026-02-30T12:00"}, "Enter a date and time, for example 2026-10-15 13:00."),
        ({"registration_deadline": "2026-05-21T12:00"}, "The registration deadline must be before the meeting starts."),
        ({"capacity": "-5"}, "The capacity cannot be negative."),
        ({"starts_at": "0001-01-01T00:30", "ends_at": "0001-01-01T05:00", "registration_deadline": ""},
         "Enter a date between 2000 and 2100."),
        ({"registration_deadline": "0001-01-01T00:30"}, "Enter a date between 2000 and 2100."),
        ({"capacity": "99999999999999999999"}, "The capacity can be at most 100,000."),
        ({"online_url": "javascript:alert(1)"}, "Enter a web address starting with https://."),
        ({"online_url": "javascript://example.com/%0Aalert(1)"}, "Enter a web address starting with https://."),
    ],
)
def test_bad_meeting_input_changes_nothing(coordinator_client, db, fields, message):
    response = coordinator_client.post("/admin/meetings/new", data=meeting_form(**fields))
    assert response.status_code == 422
    assert fi(message) in response.get_data(as_text=True)
    assert count(db, Meeting) == 0


def test_bad_input_message_in_swedish(coordinator_client, db):
    with coordinator_client.session_transaction() as session:
        session["lang"] = "sv"
    response = coordinator_client.post("/admin/meetings/new", data=meeting_form(
        kind="democracy_day", starts_at="2026-10-08T09:00", ends_at="2026-10-08T16:00", registration_deadline=""))
    assert "Demokratidagen måste hållas vecka 42." in response.get_data(as_text=True)
    assert count(db, Meeting) == 0


def test_edit_keeps_uid_and_raises_sequence(coordinator_client, db):
    meeting = make_meeting(starts_at=helsinki(2026, 5, 20, 12), ends_at=helsinki(2026, 5, 20, 16))
    uid = meeting.uid
    page = coordinator_client.get(f"/admin/meetings/{meeting.id}/edit").get_data(as_text=True)
    assert 'value="2026-05-20T12:00"' in page
    response = coordinator_client.post(f"/admin/meetings/{meeting.id}/edit",
                                       data=meeting_form(starts_at="2026-05-20T13:00", registration_deadline=""))
    assert response.status_code == 302
    db.session.refresh(meeting)
    assert meeting.uid == uid and meeting.sequence == 1 and utc_to_helsinki(meeting.starts_at).hour == 13


def test_cancel_asks_for_confirmation_and_keeps_the_meeting_visible(coordinator_client, db):
    meeting = make_meeting()
    page = coordinator_client.get(f"/admin/meetings/{meeting.id}/cancel").get_data(as_text=True)
    assert fi("Keep the meeting") in page
    assert coordinator_client.post(f"/admin/meetings/{meeting.id}/cancel", data={"reason": ""}).status_code == 422
    db.session.refresh(meeting)
    assert meeting.status == "scheduled"
    coordinator_client.post(f"/admin/meetings/{meeting.id}/cancel", data={"reason": "Sali ei ole käytettävissä"})
    db.session.refresh(meeting)
    assert meeting.status == "cancelled" and meeting.sequence == 1
    page = coordinator_client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Sali ei ole käytettävissä" in page


def test_publish_minutes(coordinator_client, db):
    meeting = make_meeting(starts_at=helsinki(2025, 5, 20, 12))
    coordinator_client.post(f"/admin/meetings/{meeting.id}/minutes", data={"minutes": "## Päätökset\n\nSovittiin."})
    page = coordinator_client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "<h2>Päätökset</h2>" in page


def test_year_view_warns(coordinator_client, db):
    make_meeting(starts_at=helsinki(2026, 5, 20, 12))
    page = coordinator_client.get("/admin/meetings?year=2026").get_data(as_text=True)
    assert "role=\"alert\"" in page
    assert coordinator_client.get("/admin/meetings?year=99999").status_code == 404


# --- materials ---------------------------------------------------------------------------------------------


def upload(client, meeting, name, content):
    return client.post(f"/admin/meetings/{meeting.id}/materials",
                       data={"title_fi": "Esityslista", "file": (io.BytesIO(content), name)},
                       content_type="multipart/form-data")


@pytest.mark.parametrize(("name", "content", "content_type", "disposition"), [
    ("Esitys.pdf", PDF, "application/pdf", "attachment"),
    ("kuva.png", PNG, "image/png", "inline"),
    ("muistio.docx", docx_bytes(),
     "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "attachment"),
])
def test_upload_and_serve(coordinator_client, client, db, upload_folder, name, content, content_type, disposition):
    meeting = make_meeting()
    assert upload(coordinator_client, meeting, name, content).status_code == 302
    material = db.session.scalar(select(MeetingMaterial))
    assert material.original_name == name and material.stored_name != name
    assert (upload_folder / "meetings" / material.stored_name).read_bytes() == content
    response = client.get(f"/meetings/{meeting.id}/materials/{material.id}")
    assert response.status_code == 200 and response.data == content
    assert response.headers["Content-Type"].startswith(content_type)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Disposition"].startswith(disposition)
    coordinator_client.post(f"/admin/meetings/{meeting.id}/materials/{material.id}/delete")
    assert count(db, MeetingMaterial) == 0 and not list((upload_folder / "meetings").iterdir())


@pytest.mark.parametrize(("name", "content", "message"), [
    ("ohjelma.exe", b"MZ\x90\x00" + b"\x00" * 60, "Tämäntyyppistä tiedostoa ei voi liittää."),
    ("esitys.pdf", b"MZ\x90\x00" + b"\x00" * 60, "Tiedoston sisältö ei vastaa sen tyyppiä (.pdf)."),
    ("kuva.png", PDF, "Tiedoston sisältö ei vastaa sen tyyppiä (.png)."),
    ("taulukko.xlsx", docx_bytes(), "Tiedoston sisältö ei vastaa sen tyyppiä (.xlsx)."),
    ("sivu.html", b"<script>alert(1)</script>", "Tämäntyyppistä tiedostoa ei voi liittää."),
    ("tyhja.pdf", b"", "Tiedosto on tyhjä."),
])
def test_bad_uploads_are_refused(coordinator_client, db, upload_folder, name, content, message):
    meeting = make_meeting()
    response = upload(coordinator_client, meeting, name, content)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert count(db, MeetingMaterial) == 0
    assert not (upload_folder / "meetings").exists() or not list((upload_folder / "meetings").iterdir())


def test_a_200_mb_upload_is_refused_before_reading(coordinator_client, db, upload_folder):
    meeting = make_meeting()
    body = b"--x\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.pdf\"\r\n\r\n%PDF-1.4\r\n--x--\r\n"
    response = coordinator_client.post(
        f"/admin/meetings/{meeting.id}/materials",
        input_stream=io.BytesIO(body),
        content_type="multipart/form-data; boundary=x",
        environ_overrides={"CONTENT_LENGTH": str(200 * 1024 * 1024)},
    )
    assert response.status_code == 303, response.headers.get("Location")
    page = coordinator_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Tiedosto on liian suuri: enintään 20 Mt." in page
    assert count(db, MeetingMaterial) == 0


def test_a_21_mb_upload_is_refused(coordinator_client, db):
    meeting = make_meeting()
    response = upload(coordinator_client, meeting, "iso.pdf", PDF + b"0" * (21 * 1024 * 1024))
    assert response.status_code in (303, 422)
    assert count(db, MeetingMaterial) == 0


# --- participants, export, attendance ------------------------------------------------------------------


def test_participants_export_neutralises_formulas(coordinator_client, db, orgs):
    meeting = make_meeting()
    person = create_user("hacker@example.fi", "=HYPERLINK(\"http://evil\")", organisation_id=orgs["soste"].id)
    db.session.add(MeetingRegistration(meeting_id=meeting.id, user_id=person.id, email=person.email,
                                       name=person.name, mode="in_person", status="registered"))
    db.session.add(MeetingRegistration(meeting_id=meeting.id, email="guest@example.fi", name="+358 40 123",
                                       mode="remote", status="registered"))
    db.session.commit()
    page = coordinator_client.get(f"/admin/meetings/{meeting.id}/participants").get_data(as_text=True)
    assert "SOSTE ry" in page
    csv_response = coordinator_client.get(f"/admin/meetings/{meeting.id}/participants.csv")
    text = csv_response.data.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "'+358 40 123" in text
    assert "\n=" not in text and ";=" not in text
    xlsx = coordinator_client.get(f"/admin/meetings/{meeting.id}/participants.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    values = [cell.value for row in sheet.iter_rows() for cell in row if cell.value]
    assert "'=HYPERLINK(\"http://evil\")" in values
    assert not any(isinstance(v, str) and v.startswith(("=", "+", "-", "@")) for v in values)
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_attendance_after_the_meeting(coordinator_client, db):
    meeting = make_meeting(starts_at=utcnow() - timedelta(days=1))
    present = MeetingRegistration(meeting_id=meeting.id, email="a@example.fi", name="A", status="registered")
    absent = MeetingRegistration(meeting_id=meeting.id, email="b@example.fi", name="B", status="registered")
    db.session.add_all([present, absent])
    db.session.commit()
    coordinator_client.post(f"/admin/meetings/{meeting.id}/attendance", data={"attended": [str(present.id)]})
    db.session.refresh(present)
    db.session.refresh(absent)
    assert present.attended is True and absent.attended is False


def test_attendance_before_the_meeting_is_refused(coordinator_client, db):
    meeting = make_meeting()
    registration = MeetingRegistration(meeting_id=meeting.id, email="a@example.fi", name="A", status="registered")
    db.session.add(registration)
    db.session.commit()
    coordinator_client.post(f"/admin/meetings/{meeting.id}/attendance", data={"attended": [str(registration.id)]})
    db.session.refresh(registration)
    assert registration.attended is None


# --- the year planner -------------------------------------------------------------------------------------


def plan_form(page_html: str) -> dict:
    """The planner's prefilled values, read back from the page."""
    import re

    data = {}
    for tag in re.findall(r'<input[^>]*>', page_html):
        if 'type="checkbox"' in tag and " checked" not in tag:
            continue  # a browser does not send an unticked box
        found = re.search(r'name="(meetings-\d+-[a-z_]+)"[^>]*value="([^"]*)"', tag)
        if found:
            data[found.group(1)] = found.group(2)
    for name, value in re.findall(r'id="(meetings-\d+-[a-z_]+)"[^>]*value="([^"]*)"', page_html):
        data.setdefault(name, value)
    for select_name, body in re.findall(r'<select[^>]*name="(meetings-\d+-host_organisation_id)"[^>]*>(.*?)</select>',
                                        page_html, re.S):
        chosen = re.search(r'<option selected value="([^"]*)"', body) or re.search(
            r'<option value="([^"]*)" selected', body)
        data[select_name] = chosen.group(1) if chosen else "0"
    return data


def test_planner_creates_four_meetings_together(coordinator_client, db, orgs):
    page = coordinator_client.get("/admin/meetings/plan/2027").get_data(as_text=True)
    data = plan_form(page)
    assert len([k for k in data if k.endswith("-day")]) == 4
    assert data["meetings-3-kind"] == "democracy_day"
    data["meetings-0-day"] = "2027-02-17"
    data["meetings-2-venue"] = "Oulun kaupungintalo"
    response = coordinator_client.post("/admin/meetings/plan/2027", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    meetings = db.session.scalars(select(Meeting).order_by(Meeting.starts_at)).all()
    assert len(meetings) == 4
    assert utc_to_helsinki(meetings[0].starts_at).date().isoformat() == "2027-02-17"
    assert [m.kind for m in meetings].count("democracy_day") == 1
    assert len({m.region for m in meetings}) == 4
    assert all(m.host_organisation_id for m in meetings)
    assert db.session.scalar(select(func.count(AuditEntry.id))) == 4
    page = coordinator_client.get("/admin/meetings?year=2027").get_data(as_text=True)
    assert "role=\"alert\"" not in page


@pytest.mark.parametrize(("field", "value", "message"), [
    ("meetings-3-day", "2027-10-14", "Democracy Day must be held in week 42 of the year."),
    ("meetings-1-day", "31.2.2027", "Enter a date, for example 2026-10-15."),
    ("meetings-1-ends", "08:00", "The meeting must end after it starts."),
    ("meetings-0-day", "2028-02-17", "The date must be in %(year)d."),
])
def test_planner_bad_input_creates_nothing(coordinator_client, db, orgs, field, value, message):
    data = plan_form(coordinator_client.get("/admin/meetings/plan/2027").get_data(as_text=True))
    data[field] = value
    response = coordinator_client.post("/admin/meetings/plan/2027", data=data)
    assert response.status_code == 422
    assert fi(message, year=2027) in response.get_data(as_text=True)
    assert count(db, Meeting) == 0


def test_planner_refuses_a_second_democracy_day(coordinator_client, db, orgs):
    make_meeting(kind="democracy_day", starts_at=helsinki(2027, 10, 19, 9))
    data = plan_form(coordinator_client.get("/admin/meetings/plan/2027").get_data(as_text=True))
    # The planner proposes only what the year lacks; a form loaded before the Democracy Day was made has it.
    assert len([k for k in data if k.endswith("-day")]) == 3 and "democracy_day" not in data.values()
    data.update({"meetings-3-kind": "democracy_day", "meetings-3-slot": "autumn", "meetings-3-day": "2027-10-21",
                 "meetings-3-starts": "09:00", "meetings-3-ends": "16:00", "meetings-3-title_fi": "Demokratiapäivä",
                 "meetings-3-host_organisation_id": "0"})
    response = coordinator_client.post("/admin/meetings/plan/2027", data=data)
    assert response.status_code == 422
    assert fi("This year already has its Democracy Day.") in response.get_data(as_text=True)
    assert count(db, Meeting) == 1


def test_my_meetings_empty_state_and_pagination(member_client, member, db):
    assert 'class="empty"' in member_client.get("/my/meetings").get_data(as_text=True)
    for number in range(25):
        meeting = make_meeting(title_fi=f"Mennyt tapaaminen {number:02d}",
                               starts_at=helsinki(2025, 1, 6, 12) + timedelta(days=7 * number))
        db.session.add(MeetingRegistration(meeting_id=meeting.id, user_id=member.id, email=member.email,
                                           name=member.name, status="registered"))
    db.session.commit()
    first = member_client.get("/my/meetings").get_data(as_text=True)
    second = member_client.get("/my/meetings?page=2").get_data(as_text=True)
    assert "Mennyt tapaaminen 24" in first and "Mennyt tapaaminen 00" not in first
    assert "Mennyt tapaaminen 00" in second and 'rel="next"' in first


def test_my_meetings_loads_the_meetings_with_the_registrations(member_client, member, db):
    from sqlalchemy import event

    for number in range(12):
        meeting = make_meeting(title_fi=f"Tapaaminen {number:02d}",
                               starts_at=utcnow() + timedelta(days=7 * (number - 6)))
        db.session.add(MeetingRegistration(meeting_id=meeting.id, user_id=member.id, email=member.email,
                                           name=member.name, status="registered"))
    db.session.commit()
    db.session.expunge_all()  # nothing cached: every meeting the page shows must be loaded by the request
    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        page = member_client.get("/my/meetings").get_data(as_text=True)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert "Tapaaminen 00" in page and "Tapaaminen 11" in page
    meeting_loads = [s for s in statements if "FROM meetings" in s and "meeting_registrations" not in s]
    assert len(statements) <= 6 and not meeting_loads, statements


def test_participant_list_shows_organisation_and_kind(coordinator_client, db, orgs):
    meeting = make_meeting()
    person = create_user("osallistuja@example.fi", "Olli Osallistuja", organisation_id=orgs["soste"].id)
    db.session.add(MeetingRegistration(meeting_id=meeting.id, user_id=person.id, email=person.email,
                                       name=person.name, status="registered"))
    db.session.commit()
    page = coordinator_client.get(f"/admin/meetings/{meeting.id}/participants").get_data(as_text=True)
    assert "Olli Osallistuja" in page and "SOSTE ry" in page and fi("Civil-society organisation") in page


def test_planner_refuses_when_the_year_already_has_four(coordinator_client, db, orgs):
    for month in (2, 5, 8):
        make_meeting(starts_at=helsinki(2027, month, 11, 12))
    make_meeting(starts_at=helsinki(2027, 11, 11, 12))
    data = plan_form(coordinator_client.get("/admin/meetings/plan/2027").get_data(as_text=True))
    response = coordinator_client.post("/admin/meetings/plan/2027", data=data)
    assert response.status_code == 422
    assert fi("%(year)d already has its four network meetings: edit them in the year view.", year=2027) in (
        response.get_data(as_text=True))
    assert count(db, Meeting) == 4


def test_a_200_mb_upload_is_refused_with_csrf_on(csrf_app, coordinator, db):
    client = csrf_app.test_client()
    log_in(client, coordinator)
    meeting = make_meeting()
    body = b"--x\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.pdf\"\r\n\r\n%PDF-1.4\r\n--x--\r\n"
    response = client.post(f"/admin/meetings/{meeting.id}/materials", input_stream=io.BytesIO(body),
                           content_type="multipart/form-data; boundary=x",
                           environ_overrides={"CONTENT_LENGTH": str(200 * 1024 * 1024)})
    assert response.status_code == 303
    assert "Tiedosto on liian suuri: enintään 20 Mt." in client.get(response.headers["Location"]).get_data(
        as_text=True)
    assert count(db, MeetingMaterial) == 0
