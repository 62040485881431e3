"""Who may do what in surveys (see tests/access/__init__.py)."""

from datetime import timedelta

from network.extensions import db
from network.surveys import builder
from network.timeutil import helsinki_today, utcnow

from . import FORBIDDEN, LOGIN, OK, REDIRECT, Access, World


def setup(world: World) -> None:
    today = helsinki_today()
    survey = builder.create_survey(2031, opens_on=today - timedelta(days=1), closes_on=today + timedelta(days=7))
    survey.published_at = utcnow()
    db.session.commit()
    world.ids["survey_question"] = survey.questions[0].id


def _q(path: str):
    return lambda w: path.format(q=w.ids["survey_question"])


RULES = [
    Access("surveys.index", "GET", "/surveys", OK, OK, OK),
    Access("surveys.answer", "GET", "/surveys/2031", LOGIN, OK, OK),
    # An empty submission misses the required answers: refused with the form again.
    Access("surveys.submit_answer", "POST", "/surveys/2031", LOGIN, 422, 422, {"action": "submit"}),
    Access("surveys.public_results", "GET", "/surveys/2031/results", OK, OK, OK),
    Access("surveys.admin", "GET", "/admin/surveys", LOGIN, FORBIDDEN, OK),
    Access("surveys.admin", "POST", "/admin/surveys", LOGIN, FORBIDDEN, 422),
    Access("surveys.edit", "GET", "/admin/surveys/2031", LOGIN, FORBIDDEN, OK),
    Access("surveys.edit", "POST", "/admin/surveys/2031", LOGIN, FORBIDDEN, 422, {"title_fi": ""}),
    Access("surveys.new_question", "GET", "/admin/surveys/2031/questions/new", LOGIN, FORBIDDEN, OK),
    Access("surveys.new_question", "POST", "/admin/surveys/2031/questions/new", LOGIN, FORBIDDEN, 422),
    Access("surveys.edit_question", "GET", _q("/admin/surveys/2031/questions/{q}"), LOGIN, FORBIDDEN, OK),
    Access("surveys.edit_question", "POST", _q("/admin/surveys/2031/questions/{q}"), LOGIN, FORBIDDEN, 422,
           {"key": ""}),
    Access("surveys.move_question", "POST", _q("/admin/surveys/2031/questions/{q}/move"), LOGIN, FORBIDDEN,
           REDIRECT, {"direction": "down"}),
    Access("surveys.delete_question", "POST", _q("/admin/surveys/2031/questions/{q}/delete"), LOGIN, FORBIDDEN,
           REDIRECT),
    Access("surveys.open_survey", "POST", "/admin/surveys/2031/open", LOGIN, FORBIDDEN, REDIRECT),
    Access("surveys.remind", "POST", "/admin/surveys/2031/remind", LOGIN, FORBIDDEN, REDIRECT),
    Access("surveys.publish", "POST", "/admin/surveys/2031/publish", LOGIN, FORBIDDEN, REDIRECT),
    Access("surveys.results", "GET", "/admin/surveys/2031/results", LOGIN, FORBIDDEN, OK),
    Access("surveys.report", "GET", "/admin/reports/2031", LOGIN, FORBIDDEN, OK),
    Access("surveys.export_report", "GET", "/admin/reports/2031/export.xlsx", LOGIN, FORBIDDEN, OK),
]
