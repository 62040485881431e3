"""Survey results computed in SQL with grouped queries (never one answer at a time in Python): n, mean and
distribution per question, trends by question key across years, goal scores, breakdowns by organisation kind and
region with small-cell suppression, the response rate, and free-text answers in random order.

The number of queries does not depend on the number of years or respondents.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import Float, case, cast, func, select

from ..extensions import db
from ..i18n import current_language
from ..orgs.regions import kind_label, region_name
from .models import (
    AGREE5,
    CHOICE_KINDS,
    NUMERIC_KINDS,
    SCALES,
    TEXT,
    Question,
    QuestionOption,
    Survey,
    SurveyAnswer,
    SurveyAnswerChoice,
    SurveyPopulation,
    SurveyResponse,
)
from .suppression import THRESHOLD, is_hidden, suppressed_cells


@dataclass
class QuestionResult:
    question: Question
    n: int = 0
    mean: float | None = None
    # (code, label, count) in scale or option order
    distribution: list[tuple[str, str, int]] = field(default_factory=list)

    @property
    def hidden(self) -> bool:
        return is_hidden(self.n)


@dataclass
class Cell:
    key: str | None
    label: str
    n: int
    mean: float | None
    hidden: bool


@dataclass
class Trend:
    key: str
    label: str
    kind: str
    goal: str | None
    # year -> (n, mean or None when hidden/not numeric); a year without the question is missing
    points: dict[int, tuple[int, float | None]] = field(default_factory=dict)


def response_count(survey: Survey) -> int:
    """How many responses the survey has."""
    return db.session.scalar(select(func.count()).select_from(SurveyResponse)
                             .where(SurveyResponse.survey_id == survey.id)) or 0


def question_results(survey: Survey) -> list[QuestionResult]:
    """n, mean and distribution of every question, in question order (three grouped queries)."""
    results = {q.id: QuestionResult(q) for q in survey.questions}
    ids = list(results)
    if not ids:
        return []
    stats = db.session.execute(
        select(SurveyAnswer.question_id, func.count(SurveyAnswer.number), func.count(SurveyAnswer.text),
               func.avg(cast(SurveyAnswer.number, Float)), SurveyAnswer.number)
        .where(SurveyAnswer.question_id.in_(ids))
        .group_by(SurveyAnswer.question_id, SurveyAnswer.number)
    ).all()
    counts: dict[int, dict[int, int]] = {}
    for question_id, numbers, texts, _mean, number in stats:
        result = results[question_id]
        if number is not None:
            counts.setdefault(question_id, {})[number] = numbers
        result.n += numbers + texts
    for question_id, by_value in counts.items():
        total = sum(by_value.values())
        results[question_id].mean = sum(v * c for v, c in by_value.items()) / total if total else None
    choices = db.session.execute(
        select(SurveyAnswerChoice.question_id, SurveyAnswerChoice.option_id, func.count())
        .where(SurveyAnswerChoice.question_id.in_(ids))
        .group_by(SurveyAnswerChoice.question_id, SurveyAnswerChoice.option_id)
    ).all()
    chosen: dict[int, dict[int, int]] = {}
    for question_id, option_id, count in choices:
        chosen.setdefault(question_id, {})[option_id] = count
    respondents = dict(db.session.execute(
        select(SurveyAnswerChoice.question_id, func.count(func.distinct(SurveyAnswerChoice.response_id)))
        .where(SurveyAnswerChoice.question_id.in_(ids)).group_by(SurveyAnswerChoice.question_id)
    ).all())
    for question_id, result in results.items():
        q = result.question
        if q.kind in NUMERIC_KINDS:
            low, high = SCALES[q.kind]
            result.distribution = [(str(v), str(v), counts.get(question_id, {}).get(v, 0))
                                   for v in range(low, high + 1)]
        elif q.kind in CHOICE_KINDS:
            result.n = respondents.get(question_id, 0)
            result.distribution = [(o.value, o.label, chosen.get(question_id, {}).get(o.id, 0))
                                   for o in q.options]
    return [results[q.id] for q in survey.questions]


def free_texts(survey: Survey) -> dict[int, list[str]]:
    """Free-text answers per question id in random order, only for questions with at least 5 answers."""
    rows = db.session.execute(
        select(SurveyAnswer.question_id, SurveyAnswer.text)
        .join(Question, Question.id == SurveyAnswer.question_id)
        .where(Question.survey_id == survey.id, Question.kind == TEXT, SurveyAnswer.text.is_not(None))
        .order_by(func.random())
    ).all()
    texts: dict[int, list[str]] = {}
    for question_id, text in rows:
        texts.setdefault(question_id, []).append(text)
    return {qid: values for qid, values in texts.items() if not is_hidden(len(values))}


def _normalised():
    """An answer on a 0-100 scale: 1-5 agreement as (x-1)*25, 0-10 as x*10, so goals can average both kinds."""
    return case((Question.kind == AGREE5, (SurveyAnswer.number - 1) * 25.0), else_=SurveyAnswer.number * 10.0)


def trends(until_year: int | None = None) -> tuple[list[int], list[Trend]]:
    """Every question key's n and mean per survey year (one grouped query): years ascending, trends in the order
    of the latest survey that has the key. A year without the key is a gap; a mean with n < 5 is None."""
    statement = (
        select(Survey.year, Question.key, Question.kind, func.count(SurveyAnswer.number),
               func.avg(cast(SurveyAnswer.number, Float)), func.count(SurveyAnswer.text))
        .join(Question, Question.survey_id == Survey.id)
        .outerjoin(SurveyAnswer, SurveyAnswer.question_id == Question.id)
        .group_by(Survey.year, Question.key, Question.kind)
    )
    labels = select(Survey.year, Question.key, Question.kind, Question.goal, Question.text_fi, Question.text_sv,
                    Question.text_en, Question.position).join(Question, Question.survey_id == Survey.id)
    if until_year is not None:
        statement = statement.where(Survey.year <= until_year)
        labels = labels.where(Survey.year <= until_year)
    language = current_language()
    found: dict[str, Trend] = {}
    order: dict[str, tuple[int, int]] = {}
    years: set[int] = set()
    for year, key, kind, goal, fi, sv, en, position in db.session.execute(labels.order_by(Survey.year)).all():
        years.add(year)
        text = (sv if language == "sv" and sv else en if language == "en" and en else fi)
        found[key] = Trend(key, text, kind, goal, found[key].points if key in found else {})
        order[key] = (-year, position)
    for year, key, kind, numbers, mean, texts in db.session.execute(statement).all():
        n = numbers + texts
        shown = mean if kind in NUMERIC_KINDS and not is_hidden(numbers) else None
        found[key].points[year] = (n, shown)
    choice_counts = select(Survey.year, Question.key, func.count(func.distinct(SurveyAnswerChoice.response_id))) \
        .join(Question, Question.survey_id == Survey.id) \
        .join(SurveyAnswerChoice, SurveyAnswerChoice.question_id == Question.id) \
        .where(Question.kind.in_(CHOICE_KINDS)).group_by(Survey.year, Question.key)
    if until_year is not None:
        choice_counts = choice_counts.where(Survey.year <= until_year)
    for year, key, n in db.session.execute(choice_counts).all():
        found[key].points[year] = (n, None)
    ordered = sorted(found.values(), key=lambda t: order[t.key])
    return sorted(years), ordered


def goal_scores(until_year: int | None = None) -> tuple[list[int], dict[str, dict[int, tuple[int, float | None]]]]:
    """Each goal's score per year on 0-100: the mean of its questions' means (answers normalised to 0-100), with
    the number of questions. One grouped query over a grouped subquery; questions with n < 5 are left out."""
    per_question = (
        select(Survey.year.label("year"), Question.goal.label("goal"), Question.id.label("question_id"),
               func.avg(_normalised()).label("score"), func.count(SurveyAnswer.number).label("n"))
        .join(Question, Question.survey_id == Survey.id)
        .join(SurveyAnswer, SurveyAnswer.question_id == Question.id)
        .where(Question.goal.is_not(None), Question.kind.in_(NUMERIC_KINDS))
        .group_by(Survey.year, Question.goal, Question.id)
        .having(func.count(SurveyAnswer.number) >= THRESHOLD)
    )
    if until_year is not None:
        per_question = per_question.where(Survey.year <= until_year)
    sub = per_question.subquery()
    rows = db.session.execute(
        select(sub.c.year, sub.c.goal, func.count(), func.avg(sub.c.score)).group_by(sub.c.year, sub.c.goal)
    ).all()
    years_statement = select(Survey.year)
    if until_year is not None:
        years_statement = years_statement.where(Survey.year <= until_year)
    years = sorted(db.session.scalars(years_statement))
    scores: dict[str, dict[int, tuple[int, float | None]]] = {}
    for year, goal, questions, score in rows:
        scores.setdefault(goal, {})[year] = (questions, float(score) if score is not None else None)
    return years, scores


def _label(dimension: str, key: str | None) -> str:
    if not key:
        return _("Unknown")
    return kind_label(key) if dimension == "org_kind" else region_name(key, current_language())


def breakdown(survey: Survey, dimension: str) -> tuple[list[tuple[str | None, str]], dict[int, list[Cell]]]:
    """n and mean of every numeric question by organisation kind (`dimension="org_kind"`) or region ("region"),
    in one grouped query. Cells under 5 answers, and complementary cells, are hidden (mean None).

    Returns the columns (key, label) with at least one answer and, per question id, one Cell per column.
    """
    column = SurveyResponse.org_kind if dimension == "org_kind" else SurveyResponse.region
    rows = db.session.execute(
        select(SurveyAnswer.question_id, column, func.count(SurveyAnswer.number),
               func.avg(cast(SurveyAnswer.number, Float)))
        .join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
        .join(Question, Question.id == SurveyAnswer.question_id)
        .where(SurveyResponse.survey_id == survey.id, Question.kind.in_(NUMERIC_KINDS))
        .group_by(SurveyAnswer.question_id, column)
    ).all()
    raw: dict[int, dict[str | None, tuple[int, float]]] = {}
    keys: set[str | None] = set()
    for question_id, key, n, mean in rows:
        raw.setdefault(question_id, {})[key] = (n, mean)
        keys.add(key)
    columns = sorted(((k, _label(dimension, k)) for k in keys), key=lambda c: (c[0] is None, c[1]))
    cells: dict[int, list[Cell]] = {}
    for question_id, by_key in raw.items():
        hidden = suppressed_cells({k: v[0] for k, v in by_key.items()})
        cells[question_id] = [
            Cell(k, label, by_key.get(k, (0, None))[0],
                 None if k in hidden else by_key.get(k, (0, None))[1], k in hidden)
            for k, label in columns
        ]
    return columns, cells


def respondents_by(survey: Survey, dimension: str) -> list[Cell]:
    """How many responses came from each organisation kind or region, small cells suppressed (n shown as None)."""
    column = SurveyResponse.org_kind if dimension == "org_kind" else SurveyResponse.region
    rows = dict(db.session.execute(select(column, func.count()).where(SurveyResponse.survey_id == survey.id)
                                   .group_by(column)).all())
    hidden = suppressed_cells(rows)
    cells = [Cell(k, _label(dimension, k), n, None, k in hidden) for k, n in rows.items()]
    return sorted(cells, key=lambda c: (c.key is None, c.label))


@dataclass
class Rate:
    key: str | None
    label: str
    invited: int
    answered: int | None
    rate: float | None


def response_rates(survey: Survey) -> tuple[Rate, list[Rate]]:
    """The response rate overall and by organisation kind: responses over the people invited when the survey
    opened. Kinds with fewer than 5 responses (and complementary ones) show no count or rate."""
    invited = dict(db.session.execute(select(SurveyPopulation.org_kind, SurveyPopulation.invited)
                                      .where(SurveyPopulation.survey_id == survey.id)).all())
    answered = dict(db.session.execute(select(SurveyResponse.org_kind, func.count())
                                       .where(SurveyResponse.survey_id == survey.id)
                                       .group_by(SurveyResponse.org_kind)).all())
    hidden = suppressed_cells(answered)
    total_invited = sum(invited.values())
    total_answered = sum(answered.values())
    overall = Rate(None, _("All"), total_invited, total_answered,
                   100 * total_answered / total_invited if total_invited else None)
    rows = []
    for key in sorted(set(invited) | {k or "" for k in answered}, key=lambda k: _label("org_kind", k)):
        n = answered.get(key or None, 0) + (answered.get("", 0) if key == "" else 0)
        people = invited.get(key, 0)
        is_hidden_ = (key or None) in hidden
        rows.append(Rate(key or None, _label("org_kind", key), people, None if is_hidden_ else n,
                         None if is_hidden_ or not people else 100 * n / people))
    return overall, rows


def question_label(question: Question) -> str:
    return question.text


def option_labels(survey_ids: list[int]) -> dict[int, QuestionOption]:
    """Options by id for the given surveys (one query)."""
    return {o.id: o for o in db.session.scalars(
        select(QuestionOption).join(Question).where(Question.survey_id.in_(survey_ids)))}
