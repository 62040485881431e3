"""Surveys through HTTP: answering with a draft, refusals in the user's language, the builder, invitations and
reminders through the outbox, results, the report and its exports."""

from __future__ import annotations

import importlib
import io
import re
from datetime import date, timedelta

from openpyxl import load_workbook
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from network.audit.models import AuditEntry
from network.extensions import db
from network.mail.models import OutboxMessage
from network.surveys import answering, builder
from network.surveys.models import Question, SurveyDraft, SurveyReceipt, SurveyResponse
from network.timeutil import helsinki_today

from ..conftest import choose_language, csrf_token_in, log_in, missing_component
from .conftest import add_response, full_answers


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def post_answers(client, survey, values, action="submit", **extra):
    data = MultiDict([(k, v) for k, vs in values.items() for v in vs] + [("action", action)] + list(extra.items()))
    return client.post(f"/surveys/{survey.year}", data=data)


def test_member_saves_a_draft_comes_back_submits_once(app, survey, people):
    client = app.test_client()
    log_in(client, people["aino"])
    page = client.get(f"/surveys/{survey.year}")
    assert page.status_code == 200
    first = survey.questions[0]
    assert f'name="{first.field_name}" value="4"' in page.text

    assert post_answers(client, survey, {first.field_name: ["4"]}, action="draft").status_code == 302
    again = client.get(f"/surveys/{survey.year}")
    assert f'name="{first.field_name}" value="4" checked' in again.text
    assert count(SurveyResponse) == 0

    done = post_answers(client, survey, full_answers(survey))
    assert done.status_code == 302
    assert count(SurveyResponse) == 1 and count(SurveyDraft) == 0
    after = client.get(f"/surveys/{survey.year}")
    assert "Olet vastannut tähän kyselyyn" in after.text
    assert "Lähetä vastaukset" not in after.text

    twice = post_answers(client, survey, full_answers(survey))
    assert twice.status_code == 422
    assert "Olet jo vastannut tähän kyselyyn." in twice.text
    assert count(SurveyResponse) == 1 and count(SurveyReceipt) == 1


def test_bad_answers_come_back_in_swedish_next_to_the_question(app, survey, people):
    client = app.test_client()
    log_in(client, people["bertil"])
    choose_language(client, "sv")
    faster = next(q for q in survey.questions if q.key == "benefit_faster")
    response = post_answers(client, survey, full_answers(survey, benefit_faster="9", meetings_attended="nope"))
    assert response.status_code == 422
    assert "Välj ett värde från 1 till 5." in response.text
    assert "Välj ett av de givna alternativen." in response.text
    assert f'id="{faster.field_name}-error"' in response.text
    assert 'aria-invalid="true"' in response.text or 'aria-describedby="' + faster.field_name in response.text
    assert count(SurveyResponse) == 0 and count(SurveyReceipt) == 0


def test_missing_required_answer_and_closed_survey(app, survey, people):
    client = app.test_client()
    log_in(client, people["aino"])
    values = full_answers(survey)
    values.pop(survey.questions[0].field_name)
    response = post_answers(client, survey, values)
    assert response.status_code == 422 and "Tähän kysymykseen on vastattava." in response.text
    survey.closes_on = helsinki_today() - timedelta(days=1)
    db.session.commit()
    closed = post_answers(client, survey, full_answers(survey))
    assert closed.status_code == 422 and "Kysely on sulkeutunut." in closed.text
    assert count(SurveyResponse) == 0


def test_a_visitor_cannot_post_and_a_form_needs_its_token(app, survey, people):
    visitor = app.test_client()
    response = post_answers(visitor, survey, full_answers(survey))
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert count(SurveyResponse) == 0 and count(SurveyReceipt) == 0
    app.config["WTF_CSRF_ENABLED"] = True
    member = app.test_client()
    log_in(member, people["aino"])
    assert post_answers(member, survey, full_answers(survey)).status_code == 400
    token = csrf_token_in(member.get(f"/surveys/{survey.year}").text)
    assert post_answers(member, survey, full_answers(survey), csrf_token=token).status_code == 302
    assert count(SurveyResponse) == 1


def test_a_survey_not_yet_open_is_not_shown_to_members(app, people, coordinator):
    builder.create_survey(2040, opens_on=date(2040, 1, 1), closes_on=date(2040, 1, 31))
    db.session.commit()
    member = app.test_client()
    log_in(member, people["aino"])
    assert member.get("/surveys/2040").status_code == 404
    staff = app.test_client()
    log_in(staff, coordinator)
    assert staff.get("/surveys/2040").status_code == 200


def test_coordinator_builds_from_the_template_then_copies_it(coordinator_client):
    response = coordinator_client.post("/admin/surveys", data={"year": "2025", "source": "template"})
    assert response.status_code == 302
    first = builder.survey_for_year(2025)
    keys = [q.key for q in first.questions]
    assert {"benefit_faster", "role_peer_service", "role_advocacy", "democracy_day", "working_groups",
            "mailing_list", "web_page", "ideas_development"} <= set(keys)
    assert {q.goal for q in first.questions} >= {"faster", "innovative", "efficient", "flexible", "peer_service",
                                                  "learning", "advocacy", "creating_new"}
    assert all(q.text_sv for q in first.questions)

    coordinator_client.post(f"/admin/surveys/2025/questions/{first.questions[1].id}/move", data={"direction": "up"})
    db.session.expire_all()
    assert [q.key for q in builder.survey_for_year(2025).questions][:2] == [keys[1], keys[0]]

    faster = next(q for q in builder.survey_for_year(2025).questions if q.key == "benefit_faster")
    bad = coordinator_client.post(f"/admin/surveys/2025/questions/{faster.id}", data={
        "key": "benefit_faster", "kind": "single", "text_fi": "Nopeammin?", "options": "Kyllä"})
    assert bad.status_code == 422 and "Rivi 1: arvon on alettava kirjaimella" in bad.text
    edit = coordinator_client.post(f"/admin/surveys/2025/questions/{faster.id}", data={
        "key": "benefit_faster", "kind": "single", "text_fi": "Nopeammin?", "goal": "faster",
        "options": "yes | Kyllä | Ja\nno | Ei | Nej"})
    assert edit.status_code == 302
    db.session.expire_all()
    changed = db.session.get(Question, faster.id)
    assert [(o.value, o.label_sv) for o in changed.options] == [("yes", "Ja"), ("no", "Nej")]

    duplicate = coordinator_client.post("/admin/surveys", data={"year": "2025", "source": "template"})
    assert duplicate.status_code == 422 and "Tälle vuodelle on jo kysely." in duplicate.text

    assert coordinator_client.post("/admin/surveys", data={"year": "2026", "source": "copy"}).status_code == 302
    copy = builder.survey_for_year(2026)
    assert [q.key for q in copy.questions] == [q.key for q in builder.survey_for_year(2025).questions]
    # The coordinator's changes are in the audit trail (answers never are).
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["survey.create", "survey.question.move", "survey.question.update", "survey.create"]


def test_questions_with_answers_are_frozen(app, survey, people, coordinator_client):
    answering.submit(survey, people["aino"], full_answers(survey))
    db.session.commit()
    question = survey.questions[0]
    response = coordinator_client.post(f"/admin/surveys/{survey.year}/questions/{question.id}", data={
        "key": question.key, "kind": question.kind, "text_fi": "Muutettu", "goal": ""})
    assert response.status_code == 422
    assert "Kysymyksiä ei voi muuttaa: kyselyyn on jo vastattu." in response.text
    db.session.expire_all()
    assert db.session.get(Question, question.id).text_fi != "Muutettu"
    coordinator_client.post(f"/admin/surveys/{survey.year}/questions/{question.id}/delete")
    db.session.expire_all()
    assert db.session.get(Question, question.id) is not None


def test_opening_invites_in_each_language_and_reminders_skip_those_who_answered(app, people, coordinator_client):
    builder.create_survey(2026)
    db.session.commit()
    assert coordinator_client.post("/admin/surveys/2026/open").status_code == 302
    invitations = db.session.scalars(select(OutboxMessage).where(OutboxMessage.message_key == "survey-invitation:2026")
                                     ).all()
    by_recipient = {m.recipient: m for m in invitations}
    assert set(by_recipient) == {"aino@espoo.fi", "bertil@vantaa.fi", "celia@seura.fi"}
    assert by_recipient["bertil@vantaa.fi"].subject == "Medlemsenkät 2026: din syn på nätverket"
    assert by_recipient["aino@espoo.fi"].subject == "Jäsenkysely 2026: näkemyksesi verkostosta"
    assert "/surveys/2026" in by_recipient["aino@espoo.fi"].body_text
    # Opening again sends nothing twice.
    coordinator_client.post("/admin/surveys/2026/open")
    assert count(OutboxMessage) == 3

    survey = builder.survey_for_year(2026)
    answering.submit(survey, people["aino"], full_answers(survey))
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["surveys", "remind", "2026"])
    assert result.exit_code == 0, result.output
    assert "Reminders queued: 2" in result.output
    reminders = db.session.scalars(select(OutboxMessage.recipient)
                                   .where(OutboxMessage.message_key.like("survey-reminder:2026:%"))).all()
    assert sorted(reminders) == ["bertil@vantaa.fi", "celia@seura.fi"]
    # The button does the same, and the same day's reminder is not sent twice.
    coordinator_client.post("/admin/surveys/2026/remind")
    assert count(OutboxMessage) == 5


def _fill(survey, n=6):
    for i in range(n):
        add_response(survey, "municipality" if i % 2 else "state", "uusimaa", benefit_faster=1 + i % 5,
                     recommend=i, channels_used=["web_page"], ideas_development=f"Idea number {i}")
    db.session.commit()


def test_results_page_shows_aggregates_and_charts(survey, coordinator_client):
    _fill(survey)
    page = coordinator_client.get(f"/admin/surveys/{survey.year}/results")
    assert page.status_code == 200
    assert "Vastauksia: 6." in page.text
    assert page.text.count("<svg") >= 3
    assert "Idea number 3" in page.text
    assert "Alle 5 vastausta: ei näytetä." in page.text  # questions nobody answered


def test_choice_questions_are_charted_across_years_with_their_numbers_in_a_table(survey, coordinator_client):
    last_year = builder.create_survey(survey.year - 1, source="template", opens_on=date(survey.year - 1, 11, 1),
                                      closes_on=date(survey.year - 1, 11, 30))
    for chosen in (["web_page"], ["web_page"], ["mailing_list"], ["mailing_list"], ["web_page", "mailing_list"]):
        add_response(last_year, channels_used=chosen)
    db.session.commit()
    _fill(survey)
    page = coordinator_client.get(f"/admin/surveys/{survey.year}/results")
    section = page.text.split('id="choice-trends-heading"')[1].split("</section>")[0]
    figure = section.split('id="choice-trend-channels_used-caption"')[1].split("</figure>")[0]
    assert figure.count("<polyline") >= 2, "one line per option"
    legend = figure.split('class="chart__legend"')[1].split("</ul>")[0]
    assert "Verkoston verkkosivu" in legend and "Sähköpostilista" in legend
    header = re.findall(r'<th scope="col">([^<]*)</th>', figure)
    assert header[:4] == ["Vuosi", "n", "Sähköpostilista", "Verkoston verkkosivu"]
    # Year, n, then each option's share in the header's order (mailing list, web page, meetings, ...).
    assert f'<th scope="row">{survey.year - 1}</th><td>5</td><td>60</td><td>60</td><td>0</td>' in figure
    assert f'<th scope="row">{survey.year}</th><td>6</td><td>0</td><td>100</td><td>0</td>' in figure
    csv = coordinator_client.get(f"/admin/reports/{survey.year}/export.csv?part=choice-trends")
    assert csv.status_code == 200
    assert f"channels_used;web_page;Verkoston verkkosivu;{survey.year - 1};5;60.0" in csv.data.decode("utf-8-sig")


def test_public_summary_only_once_published_and_without_free_text(survey, coordinator_client, client):
    _fill(survey)
    assert client.get(f"/surveys/{survey.year}/results").status_code == 404
    coordinator_client.post(f"/admin/surveys/{survey.year}/publish", data={"publish": "1"})
    public = client.get(f"/surveys/{survey.year}/results")
    assert public.status_code == 200 and "Idea number" not in public.text
    assert "Vastauksia: 6." in public.text


def test_report_exports_xlsx_csv_and_pdf(survey, coordinator_client):
    _fill(survey)
    page = coordinator_client.get(f"/admin/reports/{survey.year}")
    assert page.status_code == 200 and "surveys.css" in page.text
    xlsx = coordinator_client.get(f"/admin/reports/{survey.year}/export.xlsx")
    assert xlsx.status_code == 200
    workbook = load_workbook(io.BytesIO(xlsx.data))
    assert workbook.sheetnames == ["Yhteenveto", "Toiminta", "Kysymykset", "Jakauma", "Kehitys",
                                   "Valintojen kehitys", "Tavoitteet", "Tyypeittäin", "Maakunnittain", "Vastausprosentti", "Vastaukset", "Koodikirja"]
    answers = workbook["Vastaukset"]
    header = [c.value for c in answers[1]]
    assert header[:3] == ["n", "org_kind", "region"] and "benefit_faster" in header
    assert answers.max_row == 7
    codebook = workbook["Koodikirja"]
    assert any(row[0].value == "channels_used" and "web_page=" in row[6].value for row in codebook.iter_rows())
    csv = coordinator_client.get(f"/admin/reports/{survey.year}/export.csv?part=answers")
    assert csv.status_code == 200 and csv.headers["Content-Type"].startswith("text/csv")
    assert "benefit_faster" in csv.data.decode("utf-8-sig")
    assert coordinator_client.get(f"/admin/reports/{survey.year}/export.csv?part=nope").status_code == 404


def test_report_as_pdf(survey, coordinator_client):
    try:
        importlib.import_module("weasyprint")
    except OSError as error:  # Pango missing: apt-get install libpango-1.0-0 libpangoft2-1.0-0
        missing_component(f"WeasyPrint cannot load Pango: {error}")
    _fill(survey)
    pdf = coordinator_client.get(f"/admin/reports/{survey.year}/export.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert pdf.headers["Content-Type"] == "application/pdf"
    assert f"self-assessment-{survey.year}-" in pdf.headers["Content-Disposition"]
    assert len(pdf.data) > 20_000, "the charts and tables are in it"


def test_report_of_a_year_without_a_survey_has_the_activity_figures(coordinator_client, member_client):
    page = coordinator_client.get("/admin/reports/2019")
    assert page.status_code == 200
    assert "Tälle vuodelle ei ole jäsenkyselyä." in page.text
    assert "Pidetyt verkostotapaamiset" in page.text
    workbook = load_workbook(io.BytesIO(coordinator_client.get("/admin/reports/2019/export.xlsx").data))
    assert workbook.sheetnames == ["Toiminta"]
    assert coordinator_client.get("/admin/reports/2019/export.csv").status_code == 200
    assert coordinator_client.get("/admin/reports/2019/export.doc").status_code == 404
    # Only coordinators find the way to the survey administration from the survey page.
    assert 'href="/admin/surveys"' in coordinator_client.get("/surveys").text
    assert 'href="/admin/surveys"' not in member_client.get("/surveys").text


def test_swedish_and_english_exports_use_the_question_texts_of_that_language(survey, coordinator_client):
    """A new user found the Swedish report export keeping the Finnish question texts."""
    _fill(survey)
    question = next(q for q in survey.questions if q.key == "benefit_faster")
    channels = next(q for q in survey.questions if q.key == "channels_used")
    assert question.text_sv and question.text_sv != question.text_fi
    choose_language(coordinator_client, "sv")
    csv = coordinator_client.get(f"/admin/reports/{survey.year}/export.csv?part=questions").data.decode("utf-8-sig")
    assert question.text_sv in csv and question.text_fi not in csv
    workbook = load_workbook(io.BytesIO(coordinator_client.get(f"/admin/reports/{survey.year}/export.xlsx").data))
    texts = [row[1].value for row in workbook.worksheets[2].iter_rows(min_row=2)]
    assert question.text_sv in texts and question.text_fi not in texts
    coding = next(row[6].value for row in workbook.worksheets[-1].iter_rows() if row[0].value == "channels_used")
    web_page = next(o for o in channels.options if o.value == "web_page")
    assert f"web_page={web_page.label_sv}" in coding
    # The PDF is printed from the report page (the same template, printing=True).
    page = coordinator_client.get(f"/admin/reports/{survey.year}").text
    assert question.text_sv in page and question.text_fi not in page
    question.text_en = "Did the network make your work faster?"
    db.session.commit()
    choose_language(coordinator_client, "en")
    csv = coordinator_client.get(f"/admin/reports/{survey.year}/export.csv?part=questions").data.decode("utf-8-sig")
    assert "Did the network make your work faster?" in csv and question.text_fi not in csv
