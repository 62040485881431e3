"""The survey builder: create a year's survey from the charter template or last year's, edit and reorder questions.

Plain functions: they flush and never commit, and refuse with `SurveyError`. Questions are frozen once a response
exists (the answers would no longer mean what the question says).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, func, select

from ..audit.trail import record_change, snapshot
from ..extensions import db
from ..text import single_line
from ..timeutil import EARLIEST_YEAR, LATEST_YEAR, utcnow
from .errors import SurveyError
from .goals import GOALS
from .models import CHOICE_KINDS, KINDS, Question, QuestionOption, Survey, SurveyResponse
from .summaries import forget
from .template import DEFAULT_INTRO, DEFAULT_TITLE, QUESTIONS

KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,59}$")
TEMPLATE = "template"
COPY = "copy"


@dataclass(frozen=True)
class OptionInput:
    """An option as typed: its stable value and its labels."""

    value: str
    label_fi: str
    label_sv: str | None = None
    label_en: str | None = None


@dataclass(frozen=True)
class QuestionInput:
    """A question as typed in the builder (options only for choice questions)."""

    key: str
    kind: str
    text_fi: str
    text_sv: str | None = None
    text_en: str | None = None
    required: bool = False
    goal: str | None = None
    options: tuple[OptionInput, ...] = ()


def survey_for_year(year: int) -> Survey | None:
    """The survey of `year`, or None."""
    return db.session.scalar(select(Survey).where(Survey.year == year))


def has_responses(survey: Survey) -> bool:
    """True once anyone has submitted answers to the survey."""
    if survey.id is None:
        return False
    return bool(db.session.scalar(select(exists().where(SurveyResponse.survey_id == survey.id))))


def check_editable(survey: Survey) -> None:
    """Raises SurveyError when the questions are frozen because answers exist."""
    if has_responses(survey):
        raise SurveyError(_l("The questions cannot be changed: the survey already has answers."))


def check_dates(opens_on: date | None, closes_on: date | None, year: int) -> None:
    """Both dates or neither; closing not before opening. Raises SurveyError with the field."""
    if (opens_on is None) != (closes_on is None):
        field = "opens_on" if opens_on is None else "closes_on"
        raise SurveyError(_l("Give both the opening and the closing date, or neither."), field)
    if opens_on and closes_on and closes_on < opens_on:
        raise SurveyError(_l("The survey cannot close before it opens."), "closes_on")


SURVEY_FIELDS = ("title_fi", "title_sv", "title_en", "intro_fi", "intro_sv", "intro_en", "opens_on", "closes_on")
QUESTION_FIELDS = ("key", "kind", "text_fi", "text_sv", "text_en", "required", "goal")


def create_survey(year: int, *, source: str = TEMPLATE, opens_on: date | None = None,
                  closes_on: date | None = None, actor: Any = None) -> Survey:
    """Create the survey of `year` from the charter template (`source="template"`) or by copying the latest
    earlier year's questions (`source="copy"`). Returns the new survey (flushed).

    Raises SurveyError: year out of range or taken, bad dates, nothing to copy.
    """
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        raise SurveyError(_l("Give a year between 2000 and 2100."), "year")
    if survey_for_year(year) is not None:
        raise SurveyError(_l("There is already a survey for this year."), "year")
    check_dates(opens_on, closes_on, year)
    survey = Survey(year=year, opens_on=opens_on, closes_on=closes_on)
    if source == COPY:
        previous = db.session.scalar(select(Survey).where(Survey.year < year).order_by(Survey.year.desc()).limit(1))
        if previous is None:
            raise SurveyError(_l("There is no earlier survey to copy."), "source")
        survey.title_fi, survey.title_sv, survey.title_en = previous.title_fi, previous.title_sv, previous.title_en
        survey.intro_fi, survey.intro_sv, survey.intro_en = previous.intro_fi, previous.intro_sv, previous.intro_en
        for q in previous.questions:
            survey.questions.append(Question(
                position=q.position, key=q.key, kind=q.kind, text_fi=q.text_fi, text_sv=q.text_sv,
                text_en=q.text_en, required=q.required, goal=q.goal,
                options=[QuestionOption(position=o.position, value=o.value, label_fi=o.label_fi,
                                        label_sv=o.label_sv, label_en=o.label_en) for o in q.options]))
    elif source == TEMPLATE:
        survey.title_fi, survey.title_sv, survey.title_en = DEFAULT_TITLE
        survey.intro_fi, survey.intro_sv, survey.intro_en = DEFAULT_INTRO
        for position, t in enumerate(QUESTIONS, start=1):
            survey.questions.append(Question(
                position=position, key=t.key, kind=t.kind, text_fi=t.fi, text_sv=t.sv, text_en=t.en,
                required=t.required, goal=t.goal,
                options=[QuestionOption(position=i, value=v, label_fi=fi, label_sv=sv, label_en=en)
                         for i, (v, fi, sv, en) in enumerate(t.options, start=1)]))
    else:
        raise SurveyError(_l("Choose where the questions come from."), "source")
    db.session.add(survey)
    db.session.flush()
    record_change(actor, "survey.create", "survey", survey.id,
                  after={"year": year, "source": source, "opens_on": opens_on, "closes_on": closes_on})
    return survey


def update_survey(survey: Survey, *, title_fi: str, title_sv: str | None, title_en: str | None,
                  intro_fi: str | None, intro_sv: str | None, intro_en: str | None,
                  opens_on: date | None, closes_on: date | None, actor: Any = None) -> Survey:
    """Change the survey's titles, introduction and dates. Dates can change even after opening (to extend it).

    Raises SurveyError: empty Finnish title, bad dates.
    """
    title_fi = single_line(title_fi)
    if not title_fi:
        raise SurveyError(_l("This field is required."), "title_fi")
    check_dates(opens_on, closes_on, survey.year)
    before = snapshot(survey, SURVEY_FIELDS)
    survey.title_fi = title_fi[:200]
    survey.title_sv = single_line(title_sv)[:200] or None
    survey.title_en = single_line(title_en)[:200] or None
    survey.intro_fi = (intro_fi or "").strip() or None
    survey.intro_sv = (intro_sv or "").strip() or None
    survey.intro_en = (intro_en or "").strip() or None
    survey.opens_on, survey.closes_on = opens_on, closes_on
    forget(survey.id)
    db.session.flush()
    record_change(actor, "survey.update", "survey", survey.id, before=before, after=snapshot(survey, SURVEY_FIELDS))
    return survey


def set_published(survey: Survey, published: bool, actor: Any = None) -> Survey:
    """Publish the survey's summary at /surveys/<year>/results for everyone, or withdraw it."""
    if published != survey.is_published:
        survey.published_at = utcnow() if published else None
        record_change(actor, "survey.publish" if published else "survey.unpublish", "survey", survey.id)
    db.session.flush()
    return survey


def parse_options(text: str | None) -> tuple[OptionInput, ...]:
    """Options typed one per line as `value | Finnish | Swedish | English` (Swedish and English optional).

    Raises SurveyError (field "options") on a bad or repeated value or a missing Finnish label.
    """
    options: list[OptionInput] = []
    seen: set[str] = set()
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = [single_line(p) for p in line.split("|")]
        parts += [""] * (4 - len(parts))
        value, fi, sv, en = parts[:4]
        if not KEY_PATTERN.match(value or ""):
            raise SurveyError(_l("Line %(line)d: the value must start with a letter and have only small letters, "
                                 "digits and underscores.", line=number), "options")
        if not fi:
            raise SurveyError(_l("Line %(line)d: the Finnish label is missing.", line=number), "options")
        if value in seen:
            raise SurveyError(_l("Line %(line)d: the value is used twice.", line=number), "options")
        seen.add(value)
        options.append(OptionInput(value, fi[:300], sv[:300] or None, en[:300] or None))
    return tuple(options)


def options_text(question: Question) -> str:
    """The question's options in the form `parse_options` reads."""
    return "\n".join(" | ".join(p or "" for p in (o.value, o.label_fi, o.label_sv, o.label_en)).rstrip(" |")
                     for o in question.options)


def _validate(survey: Survey, data: QuestionInput, question: Question | None) -> None:
    if not KEY_PATTERN.match(data.key or ""):
        raise SurveyError(_l("The key must start with a letter and have only small letters, digits and "
                             "underscores (at most 60)."), "key")
    clash = db.session.scalar(select(Question.id).where(Question.survey_id == survey.id, Question.key == data.key))
    if clash is not None and (question is None or clash != question.id):
        raise SurveyError(_l("Another question of this survey has the same key."), "key")
    if data.kind not in KINDS:
        raise SurveyError(_l("Choose the kind of question."), "kind")
    if not single_line(data.text_fi):
        raise SurveyError(_l("This field is required."), "text_fi")
    if data.goal and data.goal not in GOALS:
        raise SurveyError(_l("Choose a goal from the list."), "goal")
    if data.kind in CHOICE_KINDS and len(data.options) < 2:
        raise SurveyError(_l("A choice question needs at least two options."), "options")


def _apply(question: Question, data: QuestionInput) -> None:
    question.key = data.key
    question.kind = data.kind
    question.text_fi = data.text_fi.strip()
    question.text_sv = (data.text_sv or "").strip() or None
    question.text_en = (data.text_en or "").strip() or None
    question.required = bool(data.required)
    question.goal = data.goal or None
    wanted = list(data.options) if data.kind in CHOICE_KINDS else []
    existing = {o.value: o for o in question.options}
    kept = []
    for position, option in enumerate(wanted, start=1):
        row = existing.get(option.value) or QuestionOption(value=option.value)
        row.position, row.label_fi, row.label_sv, row.label_en = (position, option.label_fi, option.label_sv,
                                                                   option.label_en)
        kept.append(row)
    question.options = kept


def add_question(survey: Survey, data: QuestionInput, actor: Any = None) -> Question:
    """Append a question to the survey. Raises SurveyError (frozen survey, bad key/kind/text/goal/options)."""
    check_editable(survey)
    _validate(survey, data, None)
    last = db.session.scalar(select(func.max(Question.position)).where(Question.survey_id == survey.id)) or 0
    question = Question(survey=survey, position=last + 1)
    _apply(question, data)
    db.session.add(question)
    forget(survey.id)
    db.session.flush()
    record_change(actor, "survey.question.add", "survey", survey.id, after=snapshot(question, QUESTION_FIELDS))
    return question


def edit_question(question: Question, data: QuestionInput, actor: Any = None) -> Question:
    """Change a question. Raises SurveyError when answers exist or the input is bad; nothing is changed then."""
    check_editable(question.survey)
    _validate(question.survey, data, question)
    before = {**snapshot(question, QUESTION_FIELDS), "options": options_text(question)}
    _apply(question, data)
    forget(question.survey_id)
    db.session.flush()
    record_change(actor, "survey.question.update", "survey", question.survey_id, before=before,
                  after={**snapshot(question, QUESTION_FIELDS), "options": options_text(question)})
    return question


def delete_question(question: Question, actor: Any = None) -> None:
    """Remove a question (and renumber the rest). Raises SurveyError when answers exist."""
    survey = question.survey
    check_editable(survey)
    forget(survey.id)
    record_change(actor, "survey.question.delete", "survey", survey.id, before=snapshot(question, QUESTION_FIELDS))
    survey.questions.remove(question)
    db.session.flush()
    _renumber(survey)


def move_question(question: Question, direction: int, actor: Any = None) -> None:
    """Move a question one place up (-1) or down (+1). Raises SurveyError when answers exist."""
    survey = question.survey
    check_editable(survey)
    questions = list(survey.questions)
    index = questions.index(question)
    target = index + (-1 if direction < 0 else 1)
    if 0 <= target < len(questions):
        questions[index], questions[target] = questions[target], questions[index]
    before = question.position
    for position, q in enumerate(questions, start=1):
        q.position = position
    db.session.flush()
    if question.position != before:
        record_change(actor, "survey.question.move", "survey", survey.id,
                      before={"key": question.key, "position": before},
                      after={"key": question.key, "position": question.position})
    db.session.expire(survey, ["questions"])


def _renumber(survey: Survey) -> None:
    for position, q in enumerate(sorted(survey.questions, key=lambda q: q.position), start=1):
        q.position = position
    db.session.flush()
