"""Results: suppression, aggregation in grouped SQL, trends by key across years, goal scores, breakdowns."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import event, func, select

from network.extensions import db
from network.surveys import builder, results
from network.surveys.models import QuestionOption, QuestionSummary
from network.surveys.suppression import suppressed_cells

from .conftest import add_response


def test_small_cells_are_hidden():
    assert suppressed_cells({"a": 10, "b": 7, "c": 5}) == set()
    assert suppressed_cells({"a": 10, "b": 3, "c": 6}) == {"b", "c"}, "the complementary cell goes too"
    assert suppressed_cells({"a": 10, "b": 3, "c": 4}) == {"b", "c"}
    assert suppressed_cells({"a": 10, "b": 1, "c": 1, "d": 20}) == {"b", "c", "a"}, "hidden cells must hold 5"
    assert suppressed_cells({"a": 3}) == {"a"}
    assert suppressed_cells({"a": 12, "b": 0}) == set(), "an empty cell reveals no answer"
    assert suppressed_cells({None: 2, "x": 9, "y": 30}) == {None, "x"}


def make_year(year, responses):
    """A survey of `year` from the template (or a copy of the last one) with the given responses."""
    source = "copy" if builder.survey_for_year(year - 1) else "template"
    survey = builder.create_survey(year, source=source, opens_on=date(year, 11, 1), closes_on=date(year, 11, 30))
    for response in responses:
        add_response(survey, **response)
    db.session.commit()
    return survey


def test_question_results_n_mean_distribution(app):
    survey = make_year(2024, [{"benefit_faster": v, "channels_used": ["web_page", "mailing_list"][: 1 + v % 2],
                               "ideas_development": f"idea {v}"} for v in (1, 2, 4, 4, 5, 5)])
    by_key = {r.question.key: r for r in results.question_results(survey)}
    faster = by_key["benefit_faster"]
    assert faster.n == 6 and faster.mean == pytest.approx(21 / 6)
    assert faster.distribution == [("1", "1", 1), ("2", "2", 1), ("3", "3", 0), ("4", "4", 2), ("5", "5", 2)]
    channels = by_key["channels_used"]
    assert channels.n == 6
    assert dict((code, n) for code, _label, n in channels.distribution)["web_page"] == 6
    assert dict((code, n) for code, _label, n in channels.distribution)["mailing_list"] == 3
    assert by_key["benefit_innovative"].n == 0 and by_key["benefit_innovative"].hidden
    texts = results.free_texts(survey)
    assert sorted(texts[by_key["ideas_development"].question.id]) == sorted(f"idea {v}" for v in (1, 2, 4, 4, 5, 5))


def test_trends_align_by_key_with_gaps_and_goal_scores(app):
    make_year(2023, [{"benefit_faster": 2, "recommend": 6}] * 5)
    middle = make_year(2024, [])
    # 2024 drops the recommend question and adds a new one; 2025 copies 2024.
    db.session.delete(next(q for q in middle.questions if q.key == "recommend"))
    db.session.commit()
    for _ in range(5):
        add_response(middle, benefit_faster=3)
    db.session.commit()
    make_year(2025, [{"benefit_faster": 5}] * 4 + [{"benefit_faster": 4}] * 2)

    years, trends = results.trends()
    assert years == [2023, 2024, 2025]
    by_key = {t.key: t for t in trends}
    assert by_key["benefit_faster"].points[2023] == (5, 2.0)
    assert by_key["benefit_faster"].points[2024] == (5, 3.0)
    assert by_key["benefit_faster"].points[2025][1] == pytest.approx(28 / 6)
    assert set(by_key["recommend"].points) == {2023}, "a dropped question is a gap in later years"

    goal_years, scores = results.goal_scores()
    assert goal_years == [2023, 2024, 2025]
    assert scores["faster"][2023] == (1, pytest.approx(25.0))
    assert scores["faster"][2024] == (1, pytest.approx(50.0))
    assert "innovative" not in scores, "questions with fewer than 5 answers do not count"


def test_choice_questions_trend_as_shares_of_respondents_matched_by_option_value(app):
    make_year(2023, [{"channels_used": ["web_page"]}] * 4 + [{"channels_used": ["web_page", "mailing_list"]}])
    middle = make_year(2024, [])
    # 2024 adds an option and renames one; the new label is the one shown, the value ties the years together.
    channels = next(q for q in middle.questions if q.key == "channels_used")
    next(o for o in channels.options if o.value == "web_page").label_fi = "Verkkosivut"
    db.session.add(QuestionOption(question_id=channels.id, position=99, value="podcast", label_fi="Podcast"))
    db.session.commit()
    for chosen in (["podcast"], ["podcast"], ["podcast", "web_page"], ["web_page"], ["web_page"], ["web_page"]):
        add_response(middle, channels_used=chosen)
    db.session.commit()
    make_year(2025, [{"channels_used": ["podcast"]}] * 3)

    years, trends = results.trends()
    trend = next(t for t in trends if t.key == "channels_used")
    assert years == [2023, 2024, 2025]
    values = [value for value, _label in trend.options]
    assert values[:2] == ["mailing_list", "web_page"] and values[-1] == "podcast", "the latest year's order"
    assert dict(trend.options)["web_page"] == "Verkkosivut"
    assert trend.share("web_page", 2023) == pytest.approx(100.0)
    assert trend.share("mailing_list", 2023) == pytest.approx(20.0)
    assert trend.share("meetings", 2023) == pytest.approx(0.0), "an option nobody chose is 0 %, not a gap"
    assert trend.share("podcast", 2023) is None, "the option did not exist yet: a gap"
    assert trend.share("podcast", 2024) == pytest.approx(50.0)
    assert trend.share("web_page", 2024) == pytest.approx(4 / 6 * 100)
    assert trend.points[2025][0] == 3 and trend.share("podcast", 2025) is None, "fewer than 5 answered: hidden"


def test_goal_score_is_the_mean_of_its_question_means(app):
    survey = make_year(2024, [{"meetings_useful": 10, "democracy_day": 5}] * 5 + [{"meetings_useful": 0}] * 5)
    _years, scores = results.goal_scores()
    # meetings_useful: mean 5 -> 50; democracy_day: mean 5 -> 50 (its 5 answers); goal "meetings" = 50.
    assert scores["meetings"][2024] == (2, pytest.approx(50.0))
    assert survey.year == 2024


def test_breakdowns_hide_small_and_complementary_cells(app):
    responses = ([{"kind": "municipality", "region": "uusimaa", "benefit_faster": 5}] * 6
                 + [{"kind": "civil_society", "region": "lappi", "benefit_faster": 1}] * 3
                 + [{"kind": "state", "region": "uusimaa", "benefit_faster": 3}] * 7)
    survey = make_year(2024, responses)
    question = next(q for q in survey.questions if q.key == "benefit_faster")
    columns, cells = results.breakdown(survey, "org_kind")
    by_kind = {c.key: c for c in cells[question.id]}
    assert by_kind["municipality"].hidden and by_kind["civil_society"].hidden, "3 is hidden, and one more with it"
    assert not by_kind["state"].hidden and by_kind["state"].mean == pytest.approx(3.0)
    assert by_kind["civil_society"].mean is None
    _columns, region_cells = results.breakdown(survey, "region")
    by_region = {c.key: c for c in region_cells[question.id]}
    assert by_region["lappi"].hidden and by_region["uusimaa"].hidden
    assert {c[0] for c in columns} == {"municipality", "civil_society", "state"}


def test_queries_do_not_grow_with_years_or_respondents(app):
    statements: list[str] = []

    def count(*_args):
        statements.append("q")

    def measure(year):
        survey = builder.survey_for_year(year)
        db.session.expire_all()
        statements.clear()
        event.listen(db.engine, "before_cursor_execute", count)
        try:
            results.question_results(survey)
            results.trends(until_year=year)
            results.goal_scores(until_year=year)
            results.breakdown(survey, "org_kind")
            results.response_rates(survey)
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        return len(statements)

    make_year(2020, [{"benefit_faster": 3, "channels_used": ["web_page"]}] * 5)
    small = measure(2020)
    for year in (2021, 2022, 2023):
        make_year(year, [{"benefit_faster": 1 + i % 5, "channels_used": ["web_page"]} for i in range(40)])
    assert measure(2023) == small


def test_closed_surveys_are_summarised_once_and_forgotten_when_they_change(app):
    closed = make_year(2022, [{"benefit_faster": v} for v in (1, 2, 3, 4, 5, 5)])
    live_years, live_trends = results.trends()
    summaries = db.session.scalars(select(QuestionSummary)).all()
    assert len(summaries) == len(closed.questions)
    faster = next(q for q in closed.questions if q.key == "benefit_faster")
    stored = db.session.get(QuestionSummary, faster.id)
    assert (stored.n, stored.texts) == (6, 0) and stored.mean == pytest.approx(20 / 6)
    assert stored.score == pytest.approx((20 / 6 - 1) * 25)
    # Read again: the same figures, from the summaries.
    assert results.trends() == (live_years, live_trends)

    # Opening it again (new dates) forgets the summaries; the new answer is then counted.
    builder.update_survey(closed, title_fi=closed.title_fi, title_sv=None, title_en=None, intro_fi=None,
                          intro_sv=None, intro_en=None, opens_on=date(2022, 11, 1), closes_on=date(2099, 1, 1))
    assert db.session.scalar(select(func.count()).select_from(QuestionSummary)) == 0
    add_response(closed, benefit_faster=5)
    db.session.commit()
    _years, trends = results.trends()
    assert next(t for t in trends if t.key == "benefit_faster").points[2022][0] == 7
    assert db.session.scalar(select(func.count()).select_from(QuestionSummary)) == 0, "open: not summarised"
