"""Survey results computed in SQL with grouped queries (never one answer at a time in Python): n, mean and
distribution per question, trends by question key across years, goal scores, breakdowns by organisation kind and
region with small-cell suppression, the response rate, and free-text answers in random order.

The number of queries does not depend on the number of years or respondents.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import Float, cast, func, literal, select, union_all

from ..extensions import db
from ..i18n import current_language
from ..orgs.regions import kind_label, region_name
from .models import (
    CHOICE_KINDS,
    NUMERIC_KINDS,
    SCALES,
    TEXT,
    Question,
    QuestionOption,
    QuestionSummary,
    Survey,
    SurveyAnswer,
    SurveyAnswerChoice,
    SurveyPopulation,
    SurveyResponse,
)
from .summaries import per_question, summarised_surveys
from .suppression import THRESHOLD, is_hidden, suppressed_cells


@dataclass
class QuestionResult:
    """One question's n, mean and distribution."""

    question: Question
    n: int = 0
    mean: float | None = None
    # (code, label, count) in scale or option order
    distribution: list[tuple[str, str, int]] = field(default_factory=list)

    @property
    def hidden(self) -> bool:
        """True when fewer than 5 answered: nothing but n is shown."""
        return is_hidden(self.n)


@dataclass
class Cell:
    """One group of a breakdown: n and mean, or hidden."""

    key: str | None
    label: str
    n: int
    mean: float | None
    hidden: bool


@dataclass
class Trend:
    """One question key across the years."""

    key: str
    label: str
    kind: str
    goal: str | None
    # year -> (n, mean or None when hidden/not numeric); a year without the question is missing
    points: dict[int, tuple[int, float | None]] = field(default_factory=dict)
    # Choice questions: (option value, label) in the latest year's order, and value -> year -> respondents who chose
    # it. Options are matched across years by their value, as questions are by their key.
    options: list[tuple[str, str]] = field(default_factory=list)
    chosen: dict[str, dict[int, int]] = field(default_factory=dict)

    def share(self, value: str, year: int) -> float | None:
        """Per cent (0-100) of the year's respondents to this question who chose option `value`; None when the
        year lacks the question or the option, or fewer than 5 answered (suppressed).
        """
        n = self.points.get(year, (0, None))[0]
        if year not in self.chosen.get(value, {}) or is_hidden(n):
            return None
        return 100.0 * self.chosen[value][year] / n


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
        # An answer holds a number or a text: rows without a number are texts. Read from the (question, number)
        # index alone.
        select(SurveyAnswer.question_id, SurveyAnswer.number, func.count(SurveyAnswer.response_id))
        .where(SurveyAnswer.question_id.in_(ids))
        .group_by(SurveyAnswer.question_id, SurveyAnswer.number)
    ).all()
    counts: dict[int, dict[int, int]] = {}
    for question_id, number, answers in stats:
        if number is not None:
            counts.setdefault(question_id, {})[number] = answers
        results[question_id].n += answers
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


@dataclass
class History:
    """Every survey year up to a year: the years, each question key's trend, each goal's scores."""

    years: list[int]
    trends: list[Trend]
    # goal -> year -> (questions counted, score 0-100)
    goals: dict[str, dict[int, tuple[int, float | None]]]


def history(until_year: int | None = None) -> History:
    """Trends by question key and goal scores for every survey up to `until_year`.

    One statement: each question's n, mean and mean on a 0-100 scale (a CTE: closed surveys from their stored
    summaries, the others grouped from their answers) gives the trends, and a grouped query over the same CTE gives
    each goal's score, the mean of its questions' means (questions with fewer than 5 answers left out). Plus the
    closed surveys' summary check, one grouped query for choice questions' respondents, one for their options'
    respondents per year and one for the labels.
    Trends come in the order of the latest survey that has the key; a year without the key is a gap; a mean with
    n < 5 is None.
    """
    closed = summarised_surveys(until_year)
    from_summaries = (
        select(Survey.year.label("year"), Question.key.label("key"), Question.kind.label("kind"),
               Question.goal.label("goal"), QuestionSummary.n.label("n"), QuestionSummary.mean.label("mean"),
               QuestionSummary.texts.label("texts"), QuestionSummary.score.label("score"))
        .join(Question, Question.survey_id == Survey.id)
        .join(QuestionSummary, QuestionSummary.question_id == Question.id)
        .where(Survey.id.in_(closed))
    )
    # Surveys still open (or not yet closed) are aggregated from their answers.
    live = per_question(exclude_ids=closed).subquery()
    from_answers = (
        select(Survey.year, Question.key, Question.kind, Question.goal, live.c[2], live.c[4], live.c[3], live.c[5])
        .select_from(live)
        .join(Question, Question.id == live.c.id)
        .join(Survey, Survey.id == Question.survey_id)
        .where(Survey.id.not_in(closed))
    )
    if until_year is not None:
        from_answers = from_answers.where(Survey.year <= until_year)
    labels = select(Survey.year, Question.key, Question.kind, Question.goal, Question.text_fi, Question.text_sv,
                    Question.text_en, Question.position).join(Question, Question.survey_id == Survey.id)
    choice_counts = (
        select(Survey.year, Question.key, func.count(func.distinct(SurveyAnswerChoice.response_id)))
        .join(Question, Question.survey_id == Survey.id)
        .join(SurveyAnswerChoice, SurveyAnswerChoice.question_id == Question.id)
        .where(Question.kind.in_(CHOICE_KINDS)).group_by(Survey.year, Question.key)
    )
    # Each option's respondents per year (0 for an option nobody chose), with its labels and position.
    option_counts = (
        select(Survey.year, Question.key, QuestionOption.value, QuestionOption.label_fi, QuestionOption.label_sv,
               QuestionOption.label_en, QuestionOption.position, func.count(SurveyAnswerChoice.response_id))
        .join(Question, Question.survey_id == Survey.id)
        .join(QuestionOption, QuestionOption.question_id == Question.id)
        .outerjoin(SurveyAnswerChoice, SurveyAnswerChoice.option_id == QuestionOption.id)
        .where(Question.kind.in_(CHOICE_KINDS))
        .group_by(Survey.year, Question.key, QuestionOption.value, QuestionOption.label_fi, QuestionOption.label_sv,
                  QuestionOption.label_en, QuestionOption.position)
    )
    if until_year is not None:
        labels = labels.where(Survey.year <= until_year)
        choice_counts = choice_counts.where(Survey.year <= until_year)
        option_counts = option_counts.where(Survey.year <= until_year)
    cte = union_all(from_summaries, from_answers).cte("per_question")
    question_rows = select(literal("q").label("part"), cte.c.year, cte.c.key, cte.c.kind, cte.c.n,
                           cast(cte.c.mean, Float).label("value"), cte.c.texts)
    goal_rows = (
        select(literal("g").label("part"), cte.c.year, cte.c.goal, literal("").label("kind"), func.count(),
               cast(func.avg(cte.c.score), Float), literal(0))
        .where(cte.c.goal.is_not(None), cte.c.kind.in_(NUMERIC_KINDS), cte.c.n >= THRESHOLD)
        .group_by(cte.c.year, cte.c.goal)
    )

    language = current_language()
    found: dict[str, Trend] = {}
    order: dict[str, tuple[int, int]] = {}
    years: set[int] = set()
    for year, key, kind, goal, fi, sv, en, position in db.session.execute(labels.order_by(Survey.year)).all():
        years.add(year)
        text = (sv if language == "sv" and sv else en if language == "en" and en else fi)
        found[key] = Trend(key, text, kind, goal, found[key].points if key in found else {})
        order[key] = (-year, position)
    goals: dict[str, dict[int, tuple[int, float | None]]] = {}
    for part, year, name, kind, n, value, texts in db.session.execute(union_all(question_rows, goal_rows)).all():
        if part == "g":
            goals.setdefault(name, {})[year] = (n, float(value) if value is not None else None)
            continue
        shown = float(value) if value is not None and kind in NUMERIC_KINDS and not is_hidden(n) else None
        found[name].points[year] = (n + texts, shown)
    for year, key, n in db.session.execute(choice_counts).all():
        found[key].points[year] = (n, None)
    _add_options(found, db.session.execute(option_counts.order_by(Survey.year)).all(), language)
    ordered = sorted(found.values(), key=lambda t: order[t.key])
    return History(sorted(years), ordered, goals)


def _add_options(found: dict[str, Trend], rows: list, language: str) -> None:
    """Fill the choice trends' options from (year, key, value, fi, sv, en, position, count) rows in year order:
    labels and order come from the latest year that has the option; options dropped earlier keep their place after.
    """
    latest: dict[str, dict[str, tuple[int, int, str]]] = {}
    for year, key, value, fi, sv, en, position, count in rows:
        trend = found[key]
        trend.chosen.setdefault(value, {})[year] = count
        text = sv if language == "sv" and sv else en if language == "en" and en else fi
        latest.setdefault(key, {})[value] = (-year, position, text)
    for key, options in latest.items():
        ordered = sorted(options.items(), key=lambda item: item[1][:2])
        found[key].options = [(value, text) for value, (_year, _position, text) in ordered]


def trends(until_year: int | None = None) -> tuple[list[int], list[Trend]]:
    """Every question key's n and mean per survey year: (years ascending, trends). See `history`."""
    past = history(until_year)
    return past.years, past.trends


def goal_scores(until_year: int | None = None) -> tuple[list[int], dict[str, dict[int, tuple[int, float | None]]]]:
    """Each goal's score per year on 0-100, the mean of its questions' means: (years, goal -> year -> (questions,
    score)). See `history`.
    """
    past = history(until_year)
    return past.years, past.goals


def _label(dimension: str, key: str | None) -> str:
    if not key:
        return _("Unknown")
    return kind_label(key) if dimension == "org_kind" else region_name(key, current_language())


def breakdown(survey: Survey, dimension: str) -> tuple[list[tuple[str | None, str]], dict[int, list[Cell]]]:
    """N and mean of every numeric question by organisation kind (`dimension="org_kind"`) or region ("region"),
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


@dataclass
class Rate:
    """The response rate of one kind of organisation (or of all)."""

    key: str | None
    label: str
    invited: int
    answered: int | None
    rate: float | None


def response_rates(survey: Survey) -> tuple[Rate, list[Rate]]:
    """The response rate overall and by organisation kind: responses over the people invited when the survey
    opened. Kinds with fewer than 5 responses (and complementary ones) show no count or rate.
    """
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
