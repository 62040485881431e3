"""Issue 14, the planner: only what the year lacks, never a duplicate (in the database too), one rule function
for proposed and typed dates, every error at once in a summary linked to the fields, exceptions with a reason."""

from __future__ import annotations

import re
from datetime import date, time

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from network.audit.models import AuditEntry
from network.meetings.models import Meeting
from network.meetings.planner import (
    PlanItem,
    create_plan,
    finnish_holidays,
    lacking_slots,
    plan_problems,
    propose_year,
)
from network.rules import RuleError
from network.timeutil import utc_to_helsinki

from ..factories import make_meeting
from .conftest import fi, helsinki
from .test_planner import ALL_HOSTS
from .test_views import plan_form


def meeting_count(db) -> int:
    return db.session.scalar(select(func.count(Meeting.id)))


def winter_2027(orgs) -> Meeting:
    """The demo's situation: 2027 already has its winter meeting on 18.2.2027 in Seinäjoki."""
    return make_meeting(kind="network", title_fi="Kuntademokratiaverkoston talvitapaaminen 2027",
                        starts_at=helsinki(2027, 2, 18, 12), ends_at=helsinki(2027, 2, 18, 16),
                        region="pohjanmaa", host_organisation_id=orgs["vaasa"].id, venue="Seinäjoki")


def test_planner_proposes_only_what_the_year_lacks_and_never_duplicates(coordinator_client, db, orgs):
    winter_2027(orgs)
    page = coordinator_client.get("/admin/meetings/plan/2027").get_data(as_text=True)
    data = plan_form(page)
    days = [v for k, v in data.items() if k.endswith("-day")]
    assert len(days) == 3 and "2027-02-18" not in days
    assert page.count("<fieldset") == 3
    assert [data[f"meetings-{i}-slot"] for i in range(3)] == ["spring", "summer", "autumn"]
    response = coordinator_client.post("/admin/meetings/plan/2027", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    assert meeting_count(db) == 4
    titles = db.session.scalars(select(Meeting.title_fi)).all()
    assert titles.count("Kuntademokratiaverkoston talvitapaaminen 2027") == 1
    # The same form sent again (a double click, a second tab) creates nothing.
    again = coordinator_client.post("/admin/meetings/plan/2027", data=data)
    assert again.status_code == 422
    assert meeting_count(db) == 4
    # And the year now lacks nothing.
    assert "<fieldset" not in coordinator_client.get("/admin/meetings/plan/2027").get_data(as_text=True)
    assert lacking_slots(2027) == []


def test_titles_are_proposed_in_finnish_and_swedish(coordinator_client, db, orgs):
    data = plan_form(coordinator_client.get("/admin/meetings/plan/2028").get_data(as_text=True))
    assert data["meetings-3-title_sv"] == "Demokratidagen 2028"
    assert data["meetings-0-title_sv"] == "Nätverket för kommunal demokrati: vintermöte 2028"
    assert coordinator_client.post("/admin/meetings/plan/2028", data=data).status_code == 302
    day = db.session.scalar(select(Meeting).where(Meeting.kind == "democracy_day"))
    assert (day.title_fi, day.title_sv) == ("Demokratiapäivä 2028", "Demokratidagen 2028")
    assert (day.plan_year, day.plan_slot) == (2028, "autumn")


def test_the_database_refuses_a_second_meeting_in_a_slot(db):
    make_meeting(plan_year=2027, plan_slot="winter")
    db.session.add(Meeting(kind="network", title_fi="Toinen", starts_at=helsinki(2027, 2, 19, 12),
                           ends_at=helsinki(2027, 2, 19, 16), plan_year=2027, plan_slot="winter"))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_typed_dates_are_checked_like_proposed_ones(coordinator_client, db, orgs):
    page = coordinator_client.get("/admin/meetings/plan/2029").get_data(as_text=True)
    data = plan_form(page)
    data["meetings-0-day"] = "2029-02-17"  # a Saturday
    data["meetings-1-day"] = "2029-05-10"  # Ascension Day
    data["meetings-2-day"] = "2029-07-12"  # July
    response = coordinator_client.post("/admin/meetings/plan/2029", data=data)
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert fi("Meetings are held on weekdays; this date is at a weekend.") in text
    assert "Helatorstai" in text
    assert fi("No meetings are held in July.") in text
    assert meeting_count(db) == 0


def test_a_soft_rule_may_be_waived_with_a_reason_but_never_week_42(coordinator_client, db, orgs):
    data = plan_form(coordinator_client.get("/admin/meetings/plan/2029").get_data(as_text=True))
    data["meetings-1-day"] = "2029-05-09"  # the eve of Ascension Day is fine; Ascension Day itself is not
    data["meetings-1-day"] = "2029-05-10"
    data["meetings-1-exception"] = "y"
    without_reason = coordinator_client.post("/admin/meetings/plan/2029", data=data)
    assert without_reason.status_code == 422
    assert fi("Give the reason for the exception.") in without_reason.get_data(as_text=True)
    data["meetings-3-day"] = "2029-10-25"
    data["meetings-3-exception"] = "y"
    data["meetings-3-reason"] = "Seminaari"
    data["meetings-1-reason"] = "Juhlapyhän seminaari"
    week_44 = coordinator_client.post("/admin/meetings/plan/2029", data=data)
    assert week_44.status_code == 422
    assert fi("Democracy Day must be held in week 42 of the year.") in week_44.get_data(as_text=True)
    assert meeting_count(db) == 0
    data["meetings-3-day"] = plan_form(coordinator_client.get("/admin/meetings/plan/2029").get_data(
        as_text=True))["meetings-3-day"]
    assert coordinator_client.post("/admin/meetings/plan/2029", data=data).status_code == 302
    spring = db.session.scalar(select(Meeting).where(Meeting.plan_slot == "spring"))
    assert utc_to_helsinki(spring.starts_at).date() == date(2029, 5, 10)
    assert db.session.scalar(select(AuditEntry.summary).where(AuditEntry.action == "meeting.plan_exception")) == (
        "Juhlapyhän seminaari")


def test_every_error_is_in_the_summary_at_the_top_linked_to_its_field(coordinator_client, db, orgs):
    data = plan_form(coordinator_client.get("/admin/meetings/plan/2027").get_data(as_text=True))
    data["meetings-3-day"] = "2027-10-28"  # Democracy Day in week 43
    data["meetings-0-day"] = "2027-02-20"  # a Saturday
    data["meetings-1-ends"] = "08:00"
    text = coordinator_client.post("/admin/meetings/plan/2027", data=data).get_data(as_text=True)
    summary = text[text.index('class="error-summary"'):text.index("</div>", text.index('class="error-summary"'))]
    assert text.index('class="error-summary"') < text.index("<fieldset")
    links = dict(re.findall(r'<a href="#([^"]+)">([^<]*)</a>', summary))
    assert fi("Democracy Day must be held in week 42 of the year.") in links["meetings-3-day"]
    assert fi("Meetings are held on weekdays; this date is at a weekend.") in links["meetings-0-day"]
    assert fi("The meeting must end after it starts.") in links["meetings-1-ends"]
    for field_id in links:
        assert f'id="{field_id}"' in text and f'id="{field_id}-error"' in text
    assert meeting_count(db) == 0


def test_one_rule_function_for_proposals_and_typed_dates():
    holidays = finnish_holidays([2029])
    for item in propose_year(2029, {}, ALL_HOSTS):
        assert plan_problems(item.kind, item.day, holidays, year=2029) == []
    assert [p.soft for p in plan_problems("network", date(2029, 2, 17), holidays, year=2029)] == [True]
    assert [p.soft for p in plan_problems("democracy_day", date(2029, 10, 25), holidays, year=2029)] == [False]
    recent = plan_problems("network", date(2029, 2, 15), holidays, year=2029, region="lappi",
                           recent_regions={"lappi"})
    assert [(p.field, p.soft) for p in recent] == [("host_organisation_id", True)]


def test_create_plan_reports_every_item_at_once(app, db, orgs):
    items = [PlanItem("winter", date(2027, 2, 20), time(12), time(16), "Talvi"),
             PlanItem("autumn", date(2027, 10, 28), time(9), time(8), "Demokratiapäivä")]
    with pytest.raises(RuleError) as refused:
        create_plan(2027, items)
    assert set(refused.value.errors) == {"meetings-0-day", "meetings-1-day", "meetings-1-ends"}
    assert meeting_count(db) == 0


def test_a_date_the_form_cannot_read_does_not_hide_the_plans_other_errors(coordinator_client, db, orgs):
    data = plan_form(coordinator_client.get("/admin/meetings/plan/2027").get_data(as_text=True))
    data["meetings-1-day"] = "31.2.2027"
    data["meetings-3-day"] = "2027-10-28"
    text = coordinator_client.post("/admin/meetings/plan/2027", data=data).get_data(as_text=True)
    links = dict(re.findall(r'<a href="#([^"]+)">([^<]*)</a>', text[text.index('class="error-summary"'):]))
    assert fi("Enter a date, for example 2026-10-15.") in links["meetings-1-day"]
    assert fi("Democracy Day must be held in week 42 of the year.") in links["meetings-3-day"]
    assert meeting_count(db) == 0


def test_the_planners_list_of_the_years_meetings_marks_drafts_and_cancelled_ones(coordinator_client, db, orgs):
    winter_2027(orgs)
    make_meeting(kind="network", title_fi="Peruttu kevättapaaminen", status="cancelled",
                 starts_at=helsinki(2027, 5, 12, 12), ends_at=helsinki(2027, 5, 12, 16))
    make_meeting(kind="network", title_fi="Kesätapaamisen luonnos", published_at=None,
                 starts_at=helsinki(2027, 6, 9, 12), ends_at=helsinki(2027, 6, 9, 16))
    page = coordinator_client.get("/admin/meetings/plan/2027").get_data(as_text=True)
    listed = page.split("on jo tapaamisia")[1].split("</ul>")[0]
    assert re.search(r"Peruttu kevättapaaminen</a>[^<]*<span class=\"badge\">Peruttu</span>", listed)
    assert re.search(r"Kesätapaamisen luonnos</a>[^<]*<span class=\"badge\">Luonnos</span>", listed)
    assert "tälle vuodelle on 2 (luonnokset mukaan lukien, perutut ei)" in page
