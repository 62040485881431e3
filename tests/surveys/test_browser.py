"""End to end in Chromium: a member answers the open survey with a draft, comes back, submits once; the
coordinator sees the answer counted; the answer form, results and report pass axe-core; once in Swedish."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from network.extensions import db
from network.surveys.models import SurveyDraft, SurveyReceipt, SurveyResponse
from tests.conftest import PASSWORD
from tests.support.browser import serious_axe_violations

from ..factories import make_org, make_user
from .conftest import add_response, open_survey

pytestmark = pytest.mark.browser


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def log_in_with_form(page, email: str) -> None:
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.locator("main form button[type=submit], main form input[type=submit]").last.click()
    page.wait_for_load_state()
    assert "/login" not in page.url


def answer_everything(page, survey) -> None:
    for question in survey.questions:
        name = question.field_name
        if question.kind == "text":
            page.fill(f"textarea[name={name}]", "Enemmän tapaamisia Pohjois-Suomessa.")
        else:
            page.locator(f"input[name={name}]").nth(2 if question.kind != "multiple" else 0).check()


def seeded_survey():
    survey = open_survey()
    for i in range(6):
        add_response(survey, "municipality", "uusimaa", benefit_faster=1 + i % 5, recommend=5 + i,
                     channels_used=["web_page"])
    db.session.commit()
    return survey


def test_member_answers_with_a_draft_and_the_coordinator_sees_it_counted(page, browser, live_server):
    survey = seeded_survey()
    espoo = make_org("Espoo", kind="municipality", region="uusimaa")
    make_user("vastaaja@espoo.fi", "Veera Vastaaja", organisation=espoo)
    make_user("koordinaattori@example.fi", "Kaisa Koordinaattori", role="coordinator")
    first, second = survey.questions[0], survey.questions[1]

    log_in_with_form(page, "vastaaja@espoo.fi")
    page.goto("/")
    page.locator(f"main a[href='/surveys/{survey.year}']").first.click()
    page.wait_for_url(f"**/surveys/{survey.year}")
    page.locator(f"input[name={first.field_name}][value='5']").check()
    page.get_by_role("button", name="Tallenna luonnos").click()
    page.wait_for_load_state()
    assert "tallennettu luonnokseksi" in page.locator(".flashes").inner_text()
    assert count(SurveyDraft) == 1 and count(SurveyResponse) == 6

    page.goto("/meetings")
    page.goto(f"/surveys/{survey.year}")
    assert page.locator(f"input[name={first.field_name}][value='5']").is_checked()
    # A missing required answer comes back next to its question, nothing is recorded.
    page.get_by_role("button", name="Lähetä vastaukset").click()
    page.wait_for_load_state()
    assert page.locator(f"#{second.field_name}-error").inner_text() == "Tähän kysymykseen on vastattava."
    assert serious_axe_violations(page) == []
    assert count(SurveyResponse) == 6

    answer_everything(page, survey)
    page.locator(f"input[name={first.field_name}][value='5']").check()
    page.get_by_role("button", name="Lähetä vastaukset").click()
    page.wait_for_load_state()
    assert "Kiitos! Vastauksesi on tallennettu." in page.locator(".flashes").inner_text()
    assert page.get_by_role("button", name="Lähetä vastaukset").count() == 0
    assert count(SurveyResponse) == 7 and count(SurveyReceipt) == 1 and count(SurveyDraft) == 0
    # Sending the same form again (a resent request from the same session) is refused.
    token = page.evaluate("document.querySelector('input[name=csrf_token]').value")
    again = page.request.post(f"/surveys/{survey.year}", form={
        "csrf_token": token, "action": "submit", first.field_name: "5", second.field_name: "4"})
    assert again.status == 422 and "Olet jo vastannut tähän kyselyyn." in again.text()
    assert count(SurveyResponse) == 7

    staff = browser.new_context(base_url=live_server.url, locale="fi-FI")
    coordinator = staff.new_page()
    coordinator.set_default_timeout(15000)
    try:
        log_in_with_form(coordinator, "koordinaattori@example.fi")
        coordinator.goto(f"/admin/surveys/{survey.year}/results")
        assert "Vastauksia: 7." in coordinator.locator("main").inner_text()
        assert coordinator.locator("main figure svg").count() >= 2
        assert serious_axe_violations(coordinator) == []
        coordinator.goto(f"/admin/reports/{survey.year}")
        assert coordinator.locator("#activity-heading").count() == 1
        assert serious_axe_violations(coordinator) == []
        # The builder pages too: the list with the new-survey form, and the survey with its frozen questions.
        coordinator.goto("/admin/surveys")
        assert serious_axe_violations(coordinator) == []
        coordinator.goto(f"/admin/surveys/{survey.year}")
        assert "Kyselyyn on vastattu: sen kysymykset on lukittu." in coordinator.locator("main").inner_text()
        assert serious_axe_violations(coordinator) == []
    finally:
        staff.close()


def test_in_swedish(page):
    survey = seeded_survey()
    vasa = make_org("Vasa", kind="municipality", region="pohjanmaa")
    make_user("svarare@vasa.fi", "Sven Svarare", organisation=vasa, language="sv")
    make_user("samordnare@example.fi", "Sara Samordnare", role="coordinator", language="sv")
    log_in_with_form(page, "svarare@vasa.fi")
    page.goto(f"/surveys/{survey.year}")
    assert page.locator("h1").inner_text().startswith("Medlemsenkät för Nätverket för kommunal demokrati")
    page.get_by_role("button", name="Skicka svaren").click()
    page.wait_for_load_state()
    assert "Den här frågan måste besvaras." in page.locator("main").inner_text()
    assert serious_axe_violations(page) == []
    answer_everything(page, survey)
    page.get_by_role("button", name="Skicka svaren").click()
    page.wait_for_load_state()
    assert "Tack! Dina svar har sparats." in page.locator(".flashes").inner_text()

    page.context.clear_cookies()
    log_in_with_form(page, "samordnare@example.fi")
    page.goto(f"/admin/surveys/{survey.year}/results")
    assert "Svar: 7." in page.locator("main").inner_text()
    assert serious_axe_violations(page) == []
    page.goto(f"/admin/reports/{survey.year}")
    assert page.locator("h1").inner_text() == f"Självvärderingsrapport {survey.year}"
    assert serious_axe_violations(page) == []
