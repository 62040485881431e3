"""Summaries of closed surveys: each question's n, mean and 0-100 score stored once the survey has closed, so the
trends over ten years read ten small sets of rows instead of every answer ever given.

A closed survey takes no answers (answering checks the dates), so its aggregates cannot change unless its dates
or questions do; the builder forgets the summaries then, and they are recomputed on the next read. Plain
functions: they flush and never commit.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Float, and_, case, cast, delete, exists, func, insert, select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..timeutil import helsinki_today
from .models import AGREE5, Question, QuestionSummary, Survey, SurveyAnswer


def normalised():
    """An answer on a 0-100 scale: 1-5 agreement as (x-1)*25, 0-10 as x*10, so goals can average both kinds."""
    return case((Question.kind == AGREE5, (SurveyAnswer.number - 1) * 25.0), else_=SurveyAnswer.number * 10.0)


def per_question(survey_ids=None, exclude_ids=None):
    """SELECT of (survey id, question id, n, texts, mean, score) grouped per question, from the surveys to their
    questions to the answers (an outer join keeps that order on SQLite, which would otherwise start from every
    answer); the (question, number) index covers it, texts are the answers without a number.
    """
    statement = (
        select(Question.survey_id, Question.id, func.count(SurveyAnswer.number),
               func.count(SurveyAnswer.response_id) - func.count(SurveyAnswer.number),
               cast(func.avg(cast(SurveyAnswer.number, Float)), Float), cast(func.avg(normalised()), Float))
        .select_from(Question)
        .outerjoin(SurveyAnswer, SurveyAnswer.question_id == Question.id)
        .group_by(Question.survey_id, Question.id)
    )
    if survey_ids is not None:
        statement = statement.where(Question.survey_id.in_(survey_ids))
    if exclude_ids is not None:
        statement = statement.where(Question.survey_id.not_in(exclude_ids))
    return statement


def forget(survey_id: int | None) -> None:
    """Delete the survey's summaries (its dates, questions or answers changed)."""
    if survey_id is not None:
        db.session.execute(delete(QuestionSummary).where(QuestionSummary.question_id.in_(
            select(Question.id).where(Question.survey_id == survey_id))))


def summarised_surveys(until_year: int | None = None, today: date | None = None) -> list[int]:
    """Ids of the closed surveys up to `until_year`, after summarising those not summarised yet (at most one
    grouped INSERT ... SELECT for all of them). Two queries when a summary is missing, one otherwise.
    """
    today = today or helsinki_today()
    closed = [Survey.closes_on.is_not(None), Survey.closes_on < today]
    if until_year is not None:
        closed.append(Survey.year <= until_year)
    has_summary = exists().where(and_(QuestionSummary.question_id == Question.id, Question.survey_id == Survey.id))
    rows = db.session.execute(select(Survey.id, has_summary.label("done")).where(*closed)).all()
    missing = [survey_id for survey_id, done in rows if not done]
    if missing:
        savepoint = db.session.begin_nested()
        try:
            db.session.execute(insert(QuestionSummary).from_select(
                ["question_id", "n", "texts", "mean", "score"],
                per_question(missing).with_only_columns(*list(per_question(missing).selected_columns)[1:])))
            savepoint.commit()
        except IntegrityError:
            # Another request summarised the same survey at the same moment: its rows are as good as ours.
            savepoint.rollback()
    return [survey_id for survey_id, _done in rows]
