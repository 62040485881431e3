"""End to end in Chromium: the coordinator plans the year; a member registers for a meeting."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from network.meetings.models import Meeting, MeetingRegistration
from network.timeutil import utc_to_helsinki
from tests.conftest import PASSWORD, create_user
from tests.support.browser import serious_axe_violations

from ..factories import make_meeting

pytestmark = pytest.mark.browser


def log_in_with_form(page, email: str) -> None:
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.locator("main form button[type=submit], main form input[type=submit]").last.click()
    page.wait_for_load_state()
    assert "/login" not in page.url


def test_coordinator_plans_the_year(page, db, orgs):
    create_user("koordinaattori@example.fi", "Kaisa Koordinaattori", role="coordinator")
    log_in_with_form(page, "koordinaattori@example.fi")
    page.goto("/admin/meetings/plan/2027")
    assert page.locator("fieldset").count() == 4
    first_day = page.locator("#meetings-0-day")
    first_day.fill("2027-02-18")
    page.fill("#meetings-3-venue", "Tampere-talo")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/admin/meetings\?year=2027"))
    rows = page.locator("main table tbody tr")
    assert rows.count() == 4
    assert page.locator("[role=alert]").count() == 0
    meetings = db.session.scalars(select(Meeting).order_by(Meeting.starts_at)).all()
    assert len(meetings) == 4
    assert utc_to_helsinki(meetings[0].starts_at).date().isoformat() == "2027-02-18"
    assert meetings[3].kind == "democracy_day" and meetings[3].venue == "Tampere-talo"
    # The planner makes drafts (issue 14): each is published from its page, and the public list then shows them.
    for meeting in meetings:
        page.goto(f"/meetings/{meeting.id}")
        page.locator(f"form[action$='/admin/meetings/{meeting.id}/publish'] button[type=submit]").click()
        page.wait_for_load_state()
    page.goto("/meetings")
    assert page.locator("main .card").count() >= 4


def test_planning_journey_error_summary_then_draft_then_publish(page, db, orgs):
    create_user("koordinaattori@example.fi", "Kaisa Koordinaattori", role="coordinator")
    log_in_with_form(page, "koordinaattori@example.fi")
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto("/admin/meetings/plan/2027")
    cards = page.locator(".plan-grid fieldset")
    assert cards.count() == 4
    # Four cards side by side on a wide screen: the same top edge.
    tops = {round(cards.nth(i).bounding_box()["y"]) for i in range(4)}
    assert len(tops) == 1
    page.fill("#meetings-3-day", "2027-10-28")  # week 43
    page.fill("#meetings-0-day", "2027-02-20")  # a Saturday
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    summary = page.locator(".error-summary")
    assert summary.is_visible()
    assert summary.bounding_box()["y"] < cards.first.bounding_box()["y"]
    assert summary.locator("a[href='#meetings-3-day']").count() == 1
    assert summary.locator("a[href='#meetings-0-day']").count() == 1
    assert not serious_axe_violations(page)
    summary.locator("a[href='#meetings-3-day']").click()
    page.wait_for_function("document.activeElement && document.activeElement.id === 'meetings-3-day'"
                           " || location.hash === '#meetings-3-day'")
    assert db.session.scalar(select(func.count(Meeting.id))) == 0
    page.fill("#meetings-3-day", "2027-10-21")
    page.fill("#meetings-0-day", "2027-02-18")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/admin/meetings\?year=2027"))
    db.session.expire_all()
    meetings = db.session.scalars(select(Meeting).order_by(Meeting.starts_at)).all()
    assert len(meetings) == 4 and all(m.is_draft for m in meetings)
    page.goto("/meetings")
    assert page.get_by_text("Demokratiapäivä 2027").count() == 0
    page.goto(f"/meetings/{meetings[3].id}")
    page.locator("form[action$='/publish'] button[type=submit]").click()
    page.wait_for_load_state()
    page.goto("/meetings")
    assert page.get_by_role("link", name="Demokratiapäivä 2027").count() == 1


def test_member_registers_for_a_meeting(page, db):
    meeting = make_meeting(title_fi="Kevään verkostotapaaminen", capacity=10)
    create_user("jasen@example.fi", "Jaana Jäsen")
    log_in_with_form(page, "jasen@example.fi")
    page.goto("/meetings")
    page.get_by_role("link", name="Kevään verkostotapaaminen").click()
    page.locator("input[type=radio][value=remote]").check()
    page.locator("form[action$='/register'] button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("form[action$='/registration/cancel']").count() == 1
    registration = db.session.scalar(select(MeetingRegistration))
    assert registration.meeting_id == meeting.id and registration.mode == "remote"
    page.goto("/my/meetings")
    assert page.get_by_role("link", name="Kevään verkostotapaaminen").count() == 1




def test_switching_to_a_full_venue_asks_before_the_place_is_given_up(page, db):
    meeting = make_meeting(title_fi="Täysi tapaaminen", capacity=1)
    holder = create_user("paikka@example.fi", "Paula Paikka")
    db.session.add(MeetingRegistration(meeting_id=meeting.id, email=holder.email, name=holder.name,
                                       mode="in_person", status="registered", user_id=holder.id))
    member = create_user("jasen@example.fi", "Jaana Jäsen")
    db.session.add(MeetingRegistration(meeting_id=meeting.id, email=member.email, name=member.name, mode="remote",
                                       status="registered", user_id=member.id))
    db.session.commit()
    log_in_with_form(page, "jasen@example.fi")

    def ask_for_the_venue():
        page.goto(f"/meetings/{meeting.id}")
        page.locator("form[action$='/registration'] input[type=radio][value=in_person]").check()
        page.locator("form[action$='/registration'] button[type=submit]").click()
        page.wait_for_load_state()

    ask_for_the_venue()
    assert page.get_by_role("button", name="Luovu paikastani ja siirry varasijalle").is_visible()
    assert not serious_axe_violations(page)
    page.get_by_role("link", name="Säilytä paikkani").click()
    page.wait_for_load_state()
    mine = db.session.scalar(select(MeetingRegistration).where(MeetingRegistration.email == member.email))
    db.session.refresh(mine)
    assert (mine.mode, mine.status) == ("remote", "registered")

    ask_for_the_venue()
    page.get_by_role("button", name="Luovu paikastani ja siirry varasijalle").click()
    page.wait_for_load_state()
    db.session.refresh(mine)
    assert (mine.mode, mine.status) == ("in_person", "waitlisted")


def test_meeting_pages_pass_axe(page, db, orgs):
    meeting = make_meeting(title_fi="Demokratiapäivä", kind="democracy_day", host_organisation_id=orgs["tampere"].id,
                           region="pirkanmaa", capacity=5)
    create_user("koordinaattori@example.fi", "Kaisa Koordinaattori", role="coordinator")
    problems = {}
    for path in ("/meetings", f"/meetings/{meeting.id}"):
        page.goto(path)
        problems[path] = serious_axe_violations(page)
    log_in_with_form(page, "koordinaattori@example.fi")
    for path in (f"/meetings/{meeting.id}", "/admin/meetings/plan/2027", "/admin/meetings?year=2027",
                 "/admin/meetings/new", f"/admin/meetings/{meeting.id}/materials",
                 f"/admin/meetings/{meeting.id}/participants", f"/admin/meetings/{meeting.id}/cancel", "/my/meetings"):
        page.goto(path)
        problems[path] = serious_axe_violations(page)
    # A form with errors, as the coordinator sees it after a bad submit.
    page.goto("/admin/meetings/new")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".error-summary").is_visible()
    problems["/admin/meetings/new (errors)"] = serious_axe_violations(page)
    assert not {path: found for path, found in problems.items() if found}
