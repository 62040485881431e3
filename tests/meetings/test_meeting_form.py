"""Issue 14: the meeting form shows every error at once (summary and field), refuses a time that does not exist
in Finland, asks about one that occurs twice and about a start in the past."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from network.meetings.models import Meeting
from network.meetings.scheduling import local_time_kind

from ..factories import make_meeting
from .conftest import fi, helsinki
from .test_views import meeting_form


def meeting_count(db) -> int:
    return db.session.scalar(select(func.count(Meeting.id)))


def summary_links(page: str) -> dict[str, str]:
    start = page.index('class="error-summary"')
    return dict(re.findall(r'<a href="#([^"]*)">([^<]*)</a>', page[start:page.index("</div>", start)]))


def test_every_error_at_once(coordinator_client, db):
    response = coordinator_client.post("/admin/meetings/new", data=meeting_form(
        kind="democracy_day", mode="in_person", online_url="ei osoite", capacity="-5",
        starts_at="2027-11-04T12:00", ends_at="2027-11-04T10:00", registration_deadline="2027-11-05T12:00",
        venue="", address="", confirm_past=""))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    links = summary_links(page)
    expected = {
        "online_url": "Enter a web address starting with https://.",
        "capacity": "The capacity cannot be negative.",
        "ends_at": "The meeting must end after it starts.",
        "registration_deadline": "The registration deadline must be before the meeting starts.",
        "starts_at": "Democracy Day must be held in week 42 of the year.",
        "venue": "Give the venue or the address.",
    }
    for field_id, message in expected.items():
        assert fi(message) in links[field_id], field_id
        error = re.search(rf'<p class="error-message" id="{field_id}-error">([^<]*)</p>', page)
        assert error and fi(message) in error.group(1), field_id
    assert page.count(fi("The capacity cannot be negative.")) == 2  # summary and field, not twice each
    assert meeting_count(db) == 0


def test_a_time_that_does_not_exist_is_refused(coordinator_client, db):
    assert local_time_kind(helsinki(2027, 3, 28, 2).replace(tzinfo=None)) == "ok"
    response = coordinator_client.post("/admin/meetings/new", data=meeting_form(
        starts_at="2027-03-28T03:30", ends_at="2027-03-28T06:00", registration_deadline=""))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert fi("%(time)s does not exist in Finland: the clocks go forward an hour that night. Choose another "
              "time.", time="03:30") in summary_links(page)["starts_at"]
    assert meeting_count(db) == 0


def test_a_time_that_occurs_twice_is_asked_about(coordinator_client, db):
    data = meeting_form(starts_at="2027-10-31T03:30", ends_at="2027-10-31T06:00", registration_deadline="")
    response = coordinator_client.post("/admin/meetings/new", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert fi("%(time)s occurs twice that night in Finland, as the clocks go back an hour. Choose which one is "
              "meant.", time="03:30") in page
    assert 'name="repeat"' in page and meeting_count(db) == 0
    assert coordinator_client.post("/admin/meetings/new", data={**data, "repeat": "later"}).status_code == 302
    meeting = db.session.scalar(select(Meeting))
    assert meeting.starts_at.replace(tzinfo=None).isoformat() == "2027-10-31T01:30:00"  # 03:30 EET = 01:30 UTC


def test_the_earlier_of_the_repeated_hour(coordinator_client, db):
    data = meeting_form(starts_at="2027-10-31T03:30", ends_at="2027-10-31T06:00", registration_deadline="",
                        repeat="earlier")
    assert coordinator_client.post("/admin/meetings/new", data=data).status_code == 302
    assert db.session.scalar(select(Meeting)).starts_at.replace(tzinfo=None).isoformat() == "2027-10-31T00:30:00"


def test_a_start_in_the_past_asks_for_confirmation(coordinator_client, db):
    data = meeting_form(starts_at="2020-05-20T12:00", ends_at="2020-05-20T16:00", registration_deadline="",
                        confirm_past="")
    response = coordinator_client.post("/admin/meetings/new", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert fi("The start is in the past. Tick the box if that is what you mean.") in summary_links(page)[
        "confirm_past"]
    assert 'id="confirm_past"' in page and meeting_count(db) == 0
    assert coordinator_client.post("/admin/meetings/new", data={**data, "confirm_past": "y"}).status_code == 302
    assert meeting_count(db) == 1


def test_editing_a_past_meeting_without_moving_it_asks_nothing(coordinator_client, db):
    meeting = make_meeting(starts_at=helsinki(2025, 5, 20, 12), ends_at=helsinki(2025, 5, 20, 16))
    response = coordinator_client.post(f"/admin/meetings/{meeting.id}/edit", data=meeting_form(
        starts_at="2025-05-20T12:00", ends_at="2025-05-20T16:00", registration_deadline="", confirm_past="",
        title_fi="Korjattu otsikko"))
    assert response.status_code == 302
