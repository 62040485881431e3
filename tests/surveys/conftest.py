"""Fixtures of the survey tests: an open survey built from the charter template and member people."""

from __future__ import annotations

from datetime import timedelta
from secrets import token_hex

import pytest

from network.extensions import db
from network.surveys import builder
from network.surveys.models import SurveyAnswer, SurveyAnswerChoice, SurveyResponse
from network.timeutil import helsinki_today

from ..factories import make_org, make_user


def open_survey(year: int | None = None, source: str = "template"):
    """A committed survey of `year` (default this year) open from yesterday to a week ahead."""
    today = helsinki_today()
    survey = builder.create_survey(year or today.year, source=source, opens_on=today - timedelta(days=1),
                                   closes_on=today + timedelta(days=7))
    db.session.commit()
    return survey


def full_answers(survey, **overrides) -> dict[str, list[str]]:
    """Form values answering every question of `survey` validly (agreement 4, scale 8, first option, text)."""
    values: dict[str, list[str]] = {}
    for q in survey.questions:
        if q.key in overrides:
            value = overrides[q.key]
            values[q.field_name] = value if isinstance(value, list) else [str(value)]
        elif q.kind == "agree5":
            values[q.field_name] = ["4"]
        elif q.kind == "scale10":
            values[q.field_name] = ["8"]
        elif q.kind in ("single", "multiple"):
            values[q.field_name] = [q.options[0].value]
        else:
            values[q.field_name] = ["Lisää alueellisia tapaamisia."]
    return values


@pytest.fixture
def survey(app):
    return open_survey()


@pytest.fixture
def people(app):
    """Member people: two municipalities in Uusimaa, one civil-society organisation in Lapland; one Swedish."""
    espoo = make_org("Espoo", kind="municipality", region="uusimaa")
    vantaa = make_org("Vantaa", kind="municipality", region="uusimaa")
    society = make_org("Demokratiaseura", kind="civil_society", region="lappi")
    return {
        "aino": make_user("aino@espoo.fi", "Aino Espoo", organisation=espoo),
        "bertil": make_user("bertil@vantaa.fi", "Bertil Vanda", organisation=vantaa, language="sv"),
        "celia": make_user("celia@seura.fi", "Celia Seura", organisation=society),
    }


def add_response(survey, kind: str | None = "municipality", region: str | None = "uusimaa", **answers) -> None:
    """Store one anonymous response directly (for result tests): key=number, key=text, key=[option values]."""
    response = SurveyResponse(id=token_hex(16), survey_id=survey.id, org_kind=kind, region=region)
    db.session.add(response)
    db.session.flush()
    questions = {q.key: q for q in survey.questions}
    for key, value in answers.items():
        q = questions[key]
        if q.kind in ("single", "multiple"):
            for v in value if isinstance(value, list) else [value]:
                option = next(o for o in q.options if o.value == v)
                db.session.add(SurveyAnswerChoice(response_id=response.id, question_id=q.id, option_id=option.id))
        elif q.kind == "text":
            db.session.add(SurveyAnswer(response_id=response.id, question_id=q.id, text=value))
        else:
            db.session.add(SurveyAnswer(response_id=response.id, question_id=q.id, number=value))
    db.session.flush()
