"""Demo surveys: three years with answers whose trends change, the current one open; loading twice adds nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from network.auth import demo as auth_demo
from network.extensions import db
from network.orgs import demo as orgs_demo
from network.surveys import builder, results
from network.surveys import demo as surveys_demo
from network.surveys.models import Survey, SurveyResponse
from network.timeutil import helsinki_today


def test_demo_surveys_show_real_trends_and_are_idempotent(app):
    orgs_demo.load()
    auth_demo.load()
    surveys_demo.load()
    db.session.commit()
    surveys_demo.load()
    db.session.commit()
    year = helsinki_today().year
    assert db.session.scalars(select(Survey.year).order_by(Survey.year)).all() == [year - 2, year - 1, year]
    assert builder.survey_for_year(year).is_open
    assert builder.survey_for_year(year - 1).is_published
    assert db.session.scalar(select(func.count()).select_from(SurveyResponse)) == sum(surveys_demo.RESPONSES)

    years, trends = results.trends()
    by_key = {t.key: t for t in trends}
    learning = [by_key["role_learning"].points[y][1] for y in years]
    assert learning[0] < learning[1] < learning[2], "learning and development rises"
    day = [by_key["democracy_day"].points[y][1] for y in years]
    assert day[1] < day[0] and day[1] < day[2], "a weak Democracy Day in the middle year"
    assert set(by_key["online_meetings"].points) == {year - 1, year}, "added in the middle year"
    assert set(by_key["web_page"].points) == {year - 2, year - 1}, "dropped this year"
    _years, goals = results.goal_scores()
    assert goals["faster"][year][1] > goals["faster"][year - 2][1]
