"""The times of a working group's meetings: no start in the past, nothing after the group's term, and Finnish
wall-clock times that do not exist (spring gap) or occur twice (autumn repeat) handled as the network's meeting
form does (the meetings domain's `local_times_to_utc`)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from network.extensions import db
from network.groups import membership, proposals
from network.i18n import format_day
from network.meetings.models import Meeting
from network.timeutil import helsinki_today, utcnow

from ..conftest import choose_language, log_in
from ..factories import make_meeting
from .conftest import make_group

PAST_FI = "Ryhmän tapaaminen ei voi alkaa menneisyydessä."
PAST_SV = "Gruppens möte kan inte börja i det förflutna."
GAP_FI = "Kellonaikaa 03:30 ei ole Suomessa: kelloja siirretään sinä yönä tunnilla eteenpäin. Valitse toinen aika."
REPEAT_FI = ("Kellonaika 03:30 on Suomessa sinä yönä kahdesti, koska kelloja siirretään tunnilla taaksepäin. "
             "Valitse, kumpaa tarkoitat.")
# Daylight-saving nights in Finland ahead of "today": 03:00-04:00 is skipped on 2027-03-28 and repeated on 2027-10-31.
GAP_DAY, REPEAT_DAY = "2027-03-28", "2027-10-31"


def _client(app, user, lang: str = "fi"):
    client = app.test_client()
    log_in(client, user)
    choose_language(client, lang)
    return client


def _form(starts_at: str, ends_at: str, **fields) -> dict:
    values = {"kind": "working_group", "title_fi": "Ryhmän kokous", "starts_at": starts_at, "ends_at": ends_at,
              "mode": "online", "online_url": "https://meet.example/ryhma", "host_organisation_id": "0", "region": ""}
    values.update(fields)
    return values


def _meetings() -> int:
    return db.session.scalar(select(func.count(Meeting.id)))


@pytest.fixture
def group(app, people, coordinator):
    """An open group running past both daylight-saving nights above, chaired by Aino."""
    group = make_group(term_end=max(helsinki_today() + timedelta(days=120), date(2027, 12, 31)))
    membership.join(group, people["aino"])
    proposals.appoint_chair(group, coordinator, people["aino"])
    db.session.commit()
    return group


def test_chair_cannot_date_a_meeting_in_the_past(app, people, group):
    day = (helsinki_today() - timedelta(days=350)).isoformat()
    response = _client(app, people["aino"]).post(f"/groups/{group.id}/meetings/new",
                                                 data=_form(f"{day}T10:00", f"{day}T12:00"))
    assert response.status_code == 422
    assert PAST_FI in response.get_data(as_text=True)
    assert _meetings() == 0
    feed = app.test_client().get(f"/groups/{group.id}/calendar.ics").get_data(as_text=True)
    assert "Ryhmän kokous" not in feed


def test_past_start_refused_in_swedish(app, people, group):
    day = (helsinki_today() - timedelta(days=1)).isoformat()
    response = _client(app, people["aino"], "sv").post(
        f"/groups/{group.id}/meetings/new", data=_form(f"{day}T10:00", f"{day}T12:00"))
    assert response.status_code == 422
    assert PAST_SV in response.get_data(as_text=True)
    assert _meetings() == 0


def test_meeting_after_the_term_end_is_refused(app, people, group):
    after = (group.term_end + timedelta(days=1)).isoformat()
    response = _client(app, people["aino"]).post(f"/groups/{group.id}/meetings/new",
                                                 data=_form(f"{after}T10:00", f"{after}T12:00"))
    assert response.status_code == 422
    expected = f"Ryhmän toimikausi päättyy {format_day(group.term_end, language='fi')}: tapaaminen on pidettävä"
    assert expected in response.get_data(as_text=True)
    assert _meetings() == 0
    # The last day of the term is still within it.
    last = group.term_end.isoformat()
    response = _client(app, people["aino"]).post(f"/groups/{group.id}/meetings/new",
                                                 data=_form(f"{last}T10:00", f"{last}T12:00"))
    assert response.status_code == 302, response.get_data(as_text=True)
    assert _meetings() == 1


def test_meeting_after_the_term_end_refused_in_swedish(app, people, group):
    after = (group.term_end + timedelta(days=3)).isoformat()
    response = _client(app, people["aino"], "sv").post(f"/groups/{group.id}/meetings/new",
                                                       data=_form(f"{after}T10:00", f"{after}T12:00"))
    assert response.status_code == 422
    assert f"Gruppens mandatperiod slutar {format_day(group.term_end, language='sv')}" in response.get_data(
        as_text=True)
    assert _meetings() == 0


def test_start_in_the_spring_gap_does_not_exist(app, people, group):
    response = _client(app, people["aino"]).post(f"/groups/{group.id}/meetings/new",
                                                 data=_form(f"{GAP_DAY}T03:30", f"{GAP_DAY}T06:00"))
    assert response.status_code == 422
    assert GAP_FI in response.get_data(as_text=True)
    assert _meetings() == 0


def test_start_in_the_repeated_hour_is_asked_about(app, people, group):
    aino = _client(app, people["aino"])
    response = aino.post(f"/groups/{group.id}/meetings/new", data=_form(f"{REPEAT_DAY}T03:30", f"{REPEAT_DAY}T06:00"))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert REPEAT_FI in html and 'name="repeat"' in html
    assert _meetings() == 0
    response = aino.post(f"/groups/{group.id}/meetings/new",
                         data=_form(f"{REPEAT_DAY}T03:30", f"{REPEAT_DAY}T06:00", repeat="later"))
    assert response.status_code == 302, response.get_data(as_text=True)
    meeting = db.session.scalar(select(Meeting))
    # The second 03:30, in winter time (UTC+2).
    assert meeting.starts_at.replace(tzinfo=UTC) == datetime(2027, 10, 31, 1, 30, tzinfo=UTC)


def test_edit_keeps_the_rules(app, people, group):
    meeting = make_meeting(kind="working_group", group_id=group.id, title_fi="Ryhmän kokous")
    aino = _client(app, people["aino"])
    past = (helsinki_today() - timedelta(days=2)).isoformat()
    response = aino.post(f"/groups/{group.id}/meetings/{meeting.id}/edit", data=_form(f"{past}T10:00", f"{past}T12:00"))
    assert response.status_code == 422
    assert PAST_FI in response.get_data(as_text=True)
    response = aino.post(f"/groups/{group.id}/meetings/{meeting.id}/edit",
                         data=_form(f"{GAP_DAY}T03:30", f"{GAP_DAY}T06:00"))
    assert response.status_code == 422
    assert GAP_FI in response.get_data(as_text=True)
    db.session.expire_all()
    assert abs(meeting.starts_at.replace(tzinfo=UTC) - (utcnow() + timedelta(days=30))) < timedelta(hours=1)


def test_coordinator_is_held_to_the_same_rules(app, coordinator, group):
    day = (helsinki_today() - timedelta(days=5)).isoformat()
    response = _client(app, coordinator).post(f"/groups/{group.id}/meetings/new",
                                              data=_form(f"{day}T10:00", f"{day}T12:00"))
    assert response.status_code == 422
    assert PAST_FI in response.get_data(as_text=True)
    assert _meetings() == 0


def test_rule_refuses_without_the_form(app, people, coordinator, group):
    """The rule itself refuses, whatever page calls it (the form is only the first check)."""
    from network.groups.group_meetings import create_group_meeting
    from network.meetings.errors import MeetingError
    from network.meetings.scheduling import MeetingData

    start = utcnow() - timedelta(days=1)
    data = MeetingData(title_fi="X", starts_at=start, ends_at=start + timedelta(hours=1), mode="online",
                       online_url="https://meet.example/x")
    with pytest.raises(MeetingError) as error:
        create_group_meeting(group, coordinator, data)
    assert "starts_at" in error.value.errors
    db.session.rollback()
    assert _meetings() == 0


def test_the_network_edit_page_sends_a_group_meeting_to_its_group_page(app, coordinator, group):
    # The coordinators' network form knew nothing of the group's term: a group meeting could be moved past it there.
    meeting = make_meeting(kind="working_group", group_id=group.id, title_fi="Ryhmän kokous")
    before = meeting.starts_at
    boss = _client(app, coordinator)
    group_page = f"/groups/{group.id}/meetings/{meeting.id}/edit"
    response = boss.get(f"/admin/meetings/{meeting.id}/edit")
    assert response.status_code == 302 and response.headers["Location"].endswith(group_page)
    after_term = (group.term_end + timedelta(days=30)).isoformat()
    response = boss.post(f"/admin/meetings/{meeting.id}/edit", data={
        **_form(f"{after_term}T10:00", f"{after_term}T12:00"), "title_fi": "Siirretty"})
    assert response.status_code == 302 and response.headers["Location"].endswith(group_page)
    db.session.expire_all()
    assert meeting.starts_at == before and meeting.title_fi == "Ryhmän kokous"
    response = boss.post(group_page, data=_form(f"{after_term}T10:00", f"{after_term}T12:00"))
    assert response.status_code == 422
    expected = f"Ryhmän toimikausi päättyy {format_day(group.term_end, language='fi')}: tapaaminen on pidettävä"
    assert expected in response.get_data(as_text=True)
