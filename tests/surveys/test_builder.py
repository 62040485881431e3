"""The survey builder as plain functions: template, copy, dates, question validation, frozen questions."""

from __future__ import annotations

from datetime import date

import pytest

from network.extensions import db
from network.surveys import answering, builder
from network.surveys.errors import SurveyError
from network.surveys.template import QUESTIONS

from .conftest import full_answers


def question_input(**fields) -> builder.QuestionInput:
    values = {"key": "new_question", "kind": "agree5", "text_fi": "Uusi kysymys"}
    values.update(fields)
    return builder.QuestionInput(**values)


def test_the_template_follows_the_charter(app):
    survey = builder.create_survey(2027)
    assert [q.key for q in survey.questions] == [t.key for t in QUESTIONS]
    assert [q.position for q in survey.questions] == list(range(1, len(QUESTIONS) + 1))
    kinds = {q.kind for q in survey.questions}
    assert kinds == {"agree5", "scale10", "single", "multiple", "text"}
    assert survey.state() == "draft"
    # Benefits (section 6), the four roles, the meetings and Democracy Day, working groups, the list, the web page.
    goals = {q.goal for q in survey.questions}
    assert {"faster", "innovative", "efficient", "flexible", "peer_service", "learning", "advocacy",
            "creating_new", "meetings", "working_groups", "communication"} <= goals


def test_copy_takes_the_latest_earlier_year_with_options(app):
    with pytest.raises(SurveyError) as nothing:
        builder.create_survey(2027, source="copy")
    assert nothing.value.field == "source"
    db.session.rollback()
    first = builder.create_survey(2025)
    first.questions[0].text_fi = "Muokattu"
    builder.create_survey(2024)
    copy = builder.create_survey(2027, source="copy")
    assert copy.questions[0].text_fi == "Muokattu", "the latest earlier year (2025), not 2024"
    channels = next(q for q in copy.questions if q.key == "channels_used")
    assert [o.value for o in channels.options] == ["mailing_list", "web_page", "meetings", "working_groups",
                                                   "social_media"]


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"year": 1999}, "year"),
    ({"year": 2101}, "year"),
    ({"year": 2027, "opens_on": date(2027, 11, 1)}, "closes_on"),
    ({"year": 2027, "closes_on": date(2027, 11, 1)}, "opens_on"),
    ({"year": 2027, "opens_on": date(2027, 11, 10), "closes_on": date(2027, 11, 1)}, "closes_on"),
    ({"year": 2027, "source": "elsewhere"}, "source"),
])
def test_bad_survey_input_is_refused(app, kwargs, field):
    year = kwargs.pop("year")
    with pytest.raises(SurveyError) as refused:
        builder.create_survey(year, **kwargs)
    assert refused.value.field == field
    db.session.rollback()
    assert builder.survey_for_year(year) is None


@pytest.mark.parametrize(("fields", "field"), [
    ({"key": "Bad Key"}, "key"),
    ({"key": "benefit_faster"}, "key"),
    ({"kind": "essay"}, "kind"),
    ({"text_fi": "  "}, "text_fi"),
    ({"goal": "world_peace"}, "goal"),
    ({"kind": "single", "options": (builder.OptionInput("only", "Ainoa"),)}, "options"),
])
def test_bad_questions_are_refused(app, fields, field):
    survey = builder.create_survey(2027)
    db.session.commit()
    with pytest.raises(SurveyError) as refused:
        builder.add_question(survey, question_input(**fields))
    assert refused.value.field == field
    db.session.rollback()
    assert len(builder.survey_for_year(2027).questions) == len(QUESTIONS)


@pytest.mark.parametrize(("text", "message"), [
    ("Yes | Kyllä", "Rivi 1"),
    ("yes | Kyllä\nyes | Joo", "Rivi 2: arvo on käytössä kahdesti"),
    ("yes |  | Ja", "suomenkielinen nimi puuttuu"),
])
def test_option_lines_are_checked(app, text, message):
    with pytest.raises(SurveyError, match=message):
        builder.parse_options(text)


def test_options_round_trip(app):
    options = builder.parse_options("yes | Kyllä | Ja | Yes\n\nno | Ei")
    assert options == (builder.OptionInput("yes", "Kyllä", "Ja", "Yes"), builder.OptionInput("no", "Ei"))


def test_add_edit_move_and_delete_until_answers_exist(app, people):
    survey = builder.create_survey(2027, opens_on=date(2000, 1, 1), closes_on=date(2100, 1, 1))
    question = builder.add_question(survey, question_input(kind="single", options=(
        builder.OptionInput("a", "A"), builder.OptionInput("b", "B"))))
    assert question.position == len(QUESTIONS) + 1
    builder.move_question(question, -1)
    assert [q.key for q in survey.questions][-2] == "new_question"
    builder.edit_question(question, question_input(text_fi="Muutettu", kind="single", options=(
        builder.OptionInput("b", "Bee"), builder.OptionInput("c", "C"))))
    assert [(o.value, o.label_fi) for o in question.options] == [("b", "Bee"), ("c", "C")]
    builder.delete_question(question)
    assert [q.position for q in survey.questions] == list(range(1, len(QUESTIONS) + 1))
    db.session.commit()

    answering.submit(survey, people["aino"], full_answers(survey))
    db.session.commit()
    first = survey.questions[0]
    for action in (lambda: builder.edit_question(first, question_input(key=first.key, text_fi="X")),
                   lambda: builder.move_question(first, 1),
                   lambda: builder.delete_question(first),
                   lambda: builder.add_question(survey, question_input())):
        with pytest.raises(SurveyError, match="kyselyyn on jo vastattu"):
            action()
        db.session.rollback()
    db.session.expire_all()
    assert [q.key for q in builder.survey_for_year(2027).questions] == [t.key for t in QUESTIONS]
    assert builder.survey_for_year(2027).questions[0].text_fi == QUESTIONS[0].fi
