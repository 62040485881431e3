"""Faults a new user found: a mode or capacity change that pushes people to the waiting list is confirmed first
and those moved are told in their language; minutes only for a meeting that has taken place."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from flask_babel import force_locale, gettext, ngettext
from sqlalchemy import select

from network.groups.models import GroupReportFile
from network.mail.delivery import deliver_all
from network.meetings import materials, scheduling
from network.meetings.errors import MeetingError
from network.meetings.models import MeetingRegistration
from network.meetings.registration import register
from network.timeutil import utc_to_helsinki, utcnow
from tests.conftest import choose_language, create_user
from tests.support.mail import text_body

from ..factories import make_meeting
from ..groups.conftest import make_group
from .conftest import fi


def edit_data(meeting, **fields) -> scheduling.MeetingData:
    values = dict(title_fi=meeting.title_fi, starts_at=meeting.starts_at, ends_at=meeting.ends_at, mode=meeting.mode,
                  venue="Kuntatalo", online_url="https://meet.example/verkosto", capacity=meeting.capacity)
    values.update(fields)
    return scheduling.MeetingData(**values)


def remote_meeting_with_three(db):
    """An online meeting (capacity 3) with three registered: an English, a Swedish and a Finnish account."""
    meeting = make_meeting(mode="online", venue=None, address=None, capacity=3, title_fi="Etätapaaminen",
                           title_sv="Distansmöte")
    for email, language in (("first@example.fi", "en"), ("second@example.fi", "sv"), ("third@example.fi", "fi")):
        user = create_user(email, email.split("@")[0].title(), language=language)
        register(meeting, email=email, name=user.name, mode="remote", user=user)
    db.session.commit()
    return meeting


def statuses(db, meeting):
    rows = db.session.scalars(select(MeetingRegistration).where(MeetingRegistration.meeting_id == meeting.id)
                              .order_by(MeetingRegistration.id))
    return [(r.email, r.status, r.mode) for r in rows]


def test_switching_to_in_person_at_a_full_venue_needs_confirmation_and_mails_those_moved(db, smtp_server):
    meeting = remote_meeting_with_three(db)
    deliver_all()
    smtp_server.received.clear()
    change = edit_data(meeting, mode="in_person", capacity=1, online_url=None)
    with force_locale("en"), pytest.raises(MeetingError) as refused:
        scheduling.update_meeting(meeting, change)
    assert str(refused.value.errors["confirm_waitlist"]).startswith("2 people holding a place")
    db.session.rollback()
    assert all(status == "registered" for _e, status, _m in statuses(db, meeting))
    scheduling.update_meeting(meeting, change, confirm_waitlist=True)
    db.session.commit()
    assert statuses(db, meeting) == [("first@example.fi", "registered", "in_person"),
                                     ("second@example.fi", "waitlisted", "in_person"),
                                     ("third@example.fi", "waitlisted", "in_person")]
    assert not deliver_all().errors
    swedish = [m for m in smtp_server.messages_to("second@example.fi") if "Distansmöte" in m["Subject"]]
    finnish = smtp_server.messages_to("third@example.fi")
    with force_locale("sv"):
        waitlisted_sv = gettext("You are now on the waiting list for %(title)s", title="Distansmöte")
    assert waitlisted_sv != "You are now on the waiting list for Distansmöte"
    assert any(m["Subject"] == waitlisted_sv for m in swedish)
    waitlisted_fi = fi("You are now on the waiting list for %(title)s", title="Etätapaaminen")
    assert any(m["Subject"] == waitlisted_fi for m in finnish)
    assert "?lang=fi" in text_body([m for m in finnish if m["Subject"] == waitlisted_fi][0])
    assert not any(m["Subject"].startswith("You are now on the waiting list")
                   for m in smtp_server.messages_to("first@example.fi"))


def test_edit_page_shows_how_many_would_be_waitlisted(coordinator_client, db):
    meeting = remote_meeting_with_three(db)
    local = utc_to_helsinki(meeting.starts_at)
    form = {"kind": "network", "title_fi": meeting.title_fi, "mode": "in_person", "venue": "Kuntatalo",
            "starts_at": local.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (local + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"), "capacity": "2",
            "host_organisation_id": "0", "region": ""}
    answer = coordinator_client.post(f"/admin/meetings/{meeting.id}/edit", data=form)
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    with force_locale("fi"):
        expected = ngettext(
            "%(num)d person holding a place would move to the waiting list (the latest registered) and would be "
            "told by e-mail. Tick the box to confirm, or change the capacity.",
            "%(num)d people holding a place would move to the waiting list (the latest registered) and would be "
            "told by e-mail. Tick the box to confirm, or change the capacity.", 1)
    assert expected.startswith("1 ") and expected in page
    assert 'name="confirm_waitlist"' in page
    assert [s for _e, s, _m in statuses(db, meeting)] == ["registered"] * 3
    done = coordinator_client.post(f"/admin/meetings/{meeting.id}/edit", data={**form, "confirm_waitlist": "y"})
    assert done.status_code == 302
    assert [s for _e, s, _m in statuses(db, meeting)] == ["registered", "registered", "waitlisted"]


def test_capacity_below_the_registered_needs_confirmation(db):
    meeting = make_meeting(mode="in_person", online_url=None, capacity=10)
    for n in range(3):
        register(meeting, email=f"p{n}@example.fi", name=f"P{n}", mode="in_person")
    db.session.commit()
    scheduling.update_meeting(meeting, edit_data(meeting, capacity=3, online_url=None))  # still fits: no question
    with pytest.raises(MeetingError) as refused:
        scheduling.update_meeting(meeting, edit_data(meeting, capacity=1, online_url=None))
    assert "confirm_waitlist" in refused.value.errors


def test_minutes_are_refused_before_the_meeting_has_taken_place(db, coordinator, coordinator_client):
    meeting = make_meeting(starts_at=(utcnow() + timedelta(days=2)).replace(microsecond=0))
    with pytest.raises(MeetingError) as refused:
        scheduling.publish_minutes(meeting, "# Muistio", coordinator)
    assert refused.value.field == "minutes"
    db.session.rollback()
    answer = coordinator_client.post(f"/admin/meetings/{meeting.id}/minutes", data={"minutes": "# Muistio"})
    assert answer.status_code == 422
    assert fi("The meeting has not taken place yet: minutes can be published once it has ended.") in \
        answer.get_data(as_text=True).replace("&#39;", "'")
    db.session.refresh(meeting)
    assert meeting.minutes is None


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _plain(page) -> str:
    return page.get_data(as_text=True).replace("\u00a0", " ")


def test_a_small_material_and_a_report_file_show_their_size_in_the_language(client, db, coordinator_client):
    meeting = make_meeting()
    materials.attach(meeting, "ohjelma.pdf", io.BytesIO(PDF + b" " * (850 - len(PDF))), title_fi="Ohjelma")
    group = make_group()
    db.session.add(GroupReportFile(group_id=group.id, original_name="raportti.pdf", stored_name="r.pdf",
                                   content_type="application/pdf", size=1258291))
    db.session.commit()
    page = _plain(client.get(f"/meetings/{meeting.id}"))
    assert "(850 t)" in page and "kB)" not in page
    assert "(1,2 Mt)" in _plain(client.get(f"/groups/{group.id}"))
    choose_language(client, "sv")
    assert "(850 B)" in _plain(client.get(f"/meetings/{meeting.id}"))
    assert "(1,2 MB)" in _plain(client.get(f"/groups/{group.id}"))
    # The upload limit under the file field: the same helper, in the page's language.
    assert "enintään 20 Mt." in _plain(coordinator_client.get(f"/admin/meetings/{meeting.id}/materials"))
    choose_language(coordinator_client, "sv")
    assert "högst 20 MB." in _plain(coordinator_client.get(f"/admin/meetings/{meeting.id}/materials"))
