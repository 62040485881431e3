"""Answering: drafts, the single anonymous submission, and every refusal of bad input (plain functions).

Messages are checked in Finnish, the default language outside a request."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, inspect, select

from network.audit.models import AuditEntry
from network.extensions import db
from network.surveys import answering
from network.surveys.errors import SurveyError
from network.surveys.models import (
    SurveyAnswer,
    SurveyAnswerChoice,
    SurveyDraft,
    SurveyReceipt,
    SurveyResponse,
)
from network.timeutil import helsinki_today

from .conftest import full_answers


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_submission_keeps_answers_apart_from_the_person(survey, people):
    aino = people["aino"]
    answering.save_draft(survey, aino, {survey.questions[0].field_name: ["2"]})
    db.session.commit()
    audit_before = count(AuditEntry)

    answering.submit(survey, aino, full_answers(survey))
    db.session.commit()

    assert db.session.scalars(select(SurveyReceipt.user_id)).all() == [aino.id]
    response = db.session.scalars(select(SurveyResponse)).one()
    assert (response.org_kind, response.region) == ("municipality", "uusimaa")
    assert len(response.id) == 32 and not response.id.isdigit()
    # Nothing on the response side can lead back to a person: no user column, no time, no serial number.
    for table in ("survey_responses", "survey_answers", "survey_answer_choices"):
        columns = {c["name"] for c in inspect(db.engine).get_columns(table)}
        assert not columns & {"user_id", "created_at", "submitted_at", "updated_at", "email"}, table
    receipt_columns = {c["name"] for c in inspect(db.engine).get_columns("survey_receipts")}
    assert receipt_columns == {"survey_id", "user_id"}
    assert count(SurveyDraft) == 0, "the draft is deleted on submission"
    assert count(AuditEntry) == audit_before, "no audit entry for an answer"
    numeric = [q for q in survey.questions if q.kind in ("agree5", "scale10")]
    assert count(SurveyAnswer) == len(numeric) + 2  # plus the two free texts
    assert count(SurveyAnswerChoice) == 2


def test_draft_is_kept_and_comes_back(survey, people):
    aino = people["aino"]
    first, multi = survey.questions[0], next(q for q in survey.questions if q.kind == "multiple")
    answering.save_draft(survey, aino, {first.field_name: ["5"], multi.field_name: ["web_page", "mailing_list"]})
    db.session.commit()
    values = answering.draft_values(survey, aino)
    assert values[first.field_name] == ["5"]
    assert values[multi.field_name] == ["mailing_list", "web_page"]
    assert answering.has_draft(survey, aino)
    assert count(SurveyResponse) == 0 and count(SurveyReceipt) == 0


def test_a_person_answers_once(survey, people):
    answering.submit(survey, people["aino"], full_answers(survey))
    db.session.commit()
    with pytest.raises(SurveyError, match="jo vastannut"):
        answering.submit(survey, people["aino"], full_answers(survey))
    db.session.rollback()
    with pytest.raises(SurveyError):
        answering.save_draft(survey, people["aino"], full_answers(survey))
    db.session.rollback()
    assert count(SurveyResponse) == 1


@pytest.mark.parametrize("when", ["before", "after"])
def test_answering_outside_the_dates_is_refused(survey, people, when):
    today = helsinki_today()
    if when == "before":
        survey.opens_on, survey.closes_on = today + timedelta(days=1), today + timedelta(days=5)
        message = "ei ole vielä avoinna"
    else:
        survey.opens_on, survey.closes_on = today - timedelta(days=9), today - timedelta(days=1)
        message = "sulkeutunut"
    db.session.commit()
    for action in (answering.submit, answering.save_draft):
        with pytest.raises(SurveyError, match=message):
            action(survey, people["aino"], full_answers(survey))
        db.session.rollback()
    assert count(SurveyResponse) == count(SurveyReceipt) == count(SurveyDraft) == 0


@pytest.mark.parametrize(("key", "value", "message"), [
    ("benefit_faster", "6", "väliltä 1–5"),
    ("benefit_faster", "0", "väliltä 1–5"),
    ("benefit_faster", "x", "väliltä 1–5"),
    ("recommend", "11", "väliltä 0–10"),
    ("recommend", "-1", "väliltä 0–10"),
    ("meetings_attended", "9", "yksi annetuista"),
    ("meetings_attended", ["1", "2"], "yksi annetuista"),
    ("channels_used", ["web_page", "telegraph"], "vain annetuista"),
    ("benefit_faster", "", "on vastattava"),
    ("ideas_development", "x" * 5001, "enintään 5000"),
])
def test_bad_answers_are_refused_with_the_field(survey, people, key, value, message):
    question = next(q for q in survey.questions if q.key == key)
    with pytest.raises(SurveyError) as refused:
        answering.submit(survey, people["aino"], full_answers(survey, **{key: value}))
    db.session.rollback()
    assert message in str(refused.value.errors[question.field_name])
    assert list(refused.value.errors) == [question.field_name]
    assert count(SurveyResponse) == count(SurveyReceipt) == 0


def test_a_draft_may_leave_required_questions_empty_but_not_hold_bad_values(survey, people):
    answering.save_draft(survey, people["aino"], {})
    db.session.commit()
    with pytest.raises(SurveyError):
        answering.save_draft(survey, people["aino"], {survey.questions[0].field_name: ["7"]})
    db.session.rollback()
    assert answering.draft_values(survey, people["aino"]) == {}


def test_two_racing_submissions_give_one_response(app, survey, people):
    """Two submissions of the same person at the same moment (double click, two tabs): the receipt's primary key
    lets one through; on PostgreSQL the second waits for the first and is then refused."""
    survey_id, user_id = survey.id, people["aino"].id
    answers = full_answers(survey)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def run() -> None:
        with app.app_context():
            from_db = db.session.get(type(survey), survey_id)
            person = db.session.get(type(people["aino"]), user_id)
            _ = from_db.questions, person.organisation
            barrier.wait()
            try:
                answering.submit(from_db, person, answers)
                db.session.commit()
                outcomes.append("ok")
            except SurveyError:
                db.session.rollback()
                outcomes.append("refused")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    db.session.expire_all()
    assert sorted(outcomes) == ["ok", "refused"]
    assert count(SurveyResponse) == 1 and count(SurveyReceipt) == 1
