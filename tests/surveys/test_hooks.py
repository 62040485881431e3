"""What surveys contribute elsewhere: front page, own page, personal data, yearly figures, open-due command."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from network.extensions import db
from network.mail.models import OutboxMessage
from network.privacy import anonymise_personal_data, export_personal_data
from network.registries import figures_for_year, personal_sections
from network.surveys import answering, builder
from network.surveys.models import SurveyDraft, SurveyReceipt, SurveyResponse
from network.timeutil import helsinki_today

from .conftest import full_answers


def test_front_page_shows_the_open_survey(app, survey, client):
    page = client.get("/")
    assert f"/surveys/{survey.year}" in page.text
    survey.closes_on = helsinki_today() - timedelta(days=1)
    db.session.commit()
    assert f"/surveys/{survey.year}" not in client.get("/").text


def test_own_page_section_tells_answered_or_draft(app, survey, people):
    aino, bertil = people["aino"], people["bertil"]
    answering.save_draft(survey, bertil, {})
    answering.submit(survey, aino, full_answers(survey))
    db.session.commit()
    mine = dict(personal_sections(aino))["surveys/_personal.html"]["surveys"]
    theirs = dict(personal_sections(bertil))["surveys/_personal.html"]["surveys"]
    assert mine == [(survey, True, False)] and theirs == [(survey, False, True)]


def test_personal_data_export_and_deletion(app, survey, people):
    aino = people["aino"]
    answering.submit(survey, aino, full_answers(survey))
    answering.save_draft(survey, people["bertil"], {survey.questions[0].field_name: ["3"]})
    db.session.commit()
    exported = export_personal_data(aino)["surveys"]
    assert exported == {"answered_years": [survey.year], "drafts": []}
    assert export_personal_data(people["bertil"])["surveys"]["drafts"][0]["year"] == survey.year
    anonymise_personal_data(people["bertil"])
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(SurveyDraft)) == 0
    assert db.session.scalar(select(func.count()).select_from(SurveyReceipt)) == 1
    assert db.session.scalar(select(func.count()).select_from(SurveyResponse)) == 1


def test_yearly_figures_include_the_survey(app, people, coordinator_client):
    builder.create_survey(helsinki_today().year)
    db.session.commit()
    coordinator_client.post(f"/admin/surveys/{helsinki_today().year}/open")
    survey = builder.survey_for_year(helsinki_today().year)
    answering.submit(survey, people["aino"], full_answers(survey))
    db.session.commit()
    figures = {f.key: f.value for f in figures_for_year(survey.year)}
    assert figures["surveys.responses"] == 1
    assert figures["surveys.invited"] == 3
    assert figures["surveys.response_rate"] == 33.3


def test_open_due_sends_the_invitations_of_surveys_whose_day_came(app, people):
    today = helsinki_today()
    builder.create_survey(2030, opens_on=today, closes_on=today + timedelta(days=10))
    builder.create_survey(2031, opens_on=date(2099, 1, 1), closes_on=date(2099, 2, 1))
    db.session.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["surveys", "open-due"])
    assert "2030: invitations queued: 3" in result.output
    assert runner.invoke(args=["surveys", "open-due"]).output.strip() == "Nothing to open."
    keys = set(db.session.scalars(select(OutboxMessage.message_key)))
    assert keys == {"survey-invitation:2030"}


def test_the_admin_page_leads_to_the_surveys(coordinator_client):
    page = coordinator_client.get("/admin")
    assert 'href="/admin/surveys"' in page.text
    assert "Jäsenkysely ja itsearviointi" in page.text
