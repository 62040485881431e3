"""What surveys contribute to pages they do not own: the open survey on the front page and on the member's own
page, the coordinator's admin entry, the person's data (export and deletion) and the survey's yearly figures.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select

from ..extensions import db
from ..privacy import personal_data_anonymiser, personal_data_description, personal_data_exporter
from ..registries import PERCENT, Figure, admin_entry, audit_labels, home_section, personal_section, yearly_figures
from .answering import has_answered, has_draft
from .forms import kind_choices, source_choices
from .goals import GOALS
from .models import Survey, SurveyDraft, SurveyPopulation, SurveyReceipt, SurveyResponse

# Coordinators' changes to surveys are audited; answers never are.
audit_labels(
    entities={"survey": _l("Member survey")},
    actions={
        "survey.create": _l("Survey created"),
        "survey.update": _l("Survey changed"),
        "survey.open": _l("Survey opened and invitations sent"),
        "survey.remind": _l("Survey reminders sent"),
        "survey.publish": _l("Survey summary published"),
        "survey.unpublish": _l("Survey summary withdrawn"),
        "survey.question.add": _l("Survey question added"),
        "survey.question.update": _l("Survey question changed"),
        "survey.question.delete": _l("Survey question removed"),
        "survey.question.move": _l("Survey questions reordered"),
    },
    fields={
        "title_fi": _l("Title in Finnish"),
        "title_sv": _l("Title in Swedish"),
        "title_en": _l("Title in English"),
        "intro_fi": _l("Introduction in Finnish"),
        "intro_sv": _l("Introduction in Swedish"),
        "intro_en": _l("Introduction in English"),
        "opens_on": _l("Opens on"),
        "closes_on": _l("Closes on"),
        "invitations": _l("Invitations sent"),
        "reminders": _l("Reminders sent"),
        "key": _l("Key (the same question in every year)"),
        "survey.kind": _l("Kind of question"),
        "text_fi": _l("Question in Finnish"),
        "text_sv": _l("Question in Swedish"),
        "text_en": _l("Question in English"),
        "required": _l("An answer is required"),
        "goal": _l("Goal or role it measures"),
        "position": _l("Place in the survey"),
        "options": _l("Options"),
        "year": _l("Year"),
        "source": _l("Questions"),
    },
    values={"survey": {"kind": lambda code: dict(kind_choices()).get(code), "goal": GOALS,
                       "source": lambda code: dict(source_choices()).get(code)}},
)

admin_entry(60, "surveys.admin", _l("Member survey and self-assessment"),
            _l("Build and open the annual survey, send reminders, read results and the yearly report."))


def open_surveys() -> list[Survey]:
    """Surveys open today (usually one)."""
    candidates = db.session.scalars(select(Survey).where(Survey.opens_on.is_not(None))
                                    .order_by(Survey.year.desc())).all()
    return [s for s in candidates if s.is_open]


@home_section(40, "surveys/_home.html")
def home() -> dict[str, Any]:
    """The front page's section: the survey open now, if any."""
    return {"surveys": open_surveys()}


@personal_section(30, "surveys/_personal.html")
def personal(user: Any) -> dict[str, Any]:
    """The member's own page: each open survey, whether answered, whether a draft is saved."""
    return {"surveys": [(s, has_answered(s, user), has_draft(s, user)) for s in open_surveys()]}


@personal_data_exporter("surveys")
def export_survey_data(user: Any) -> dict[str, Any]:
    """Which years the person answered (receipts) and their unsent drafts. Submitted answers are anonymous: they
    cannot be found by person, so they are not part of anyone's export.
    """
    years = db.session.scalars(select(Survey.year).join(SurveyReceipt, SurveyReceipt.survey_id == Survey.id)
                               .where(SurveyReceipt.user_id == user.id).order_by(Survey.year)).all()
    drafts = db.session.execute(select(Survey.year, SurveyDraft.data).join(SurveyDraft)
                                .where(SurveyDraft.user_id == user.id).order_by(Survey.year)).all()
    return {"answered_years": list(years), "drafts": [{"year": y, "answers": data} for y, data in drafts]}


personal_data_description(
    "surveys", order=60, title=_l("Member survey"),
    fields={
        "answered_years": _l("The years you answered the survey (not your answers)"),
        "drafts": _l("Answers you saved but have not sent yet"),
    },
    purpose=_l("One response per person a year and reminders to those who have not answered. Sent answers are "
               "stored without any link to you, so they are not personal data."),
    legal_basis=_l("The network's legitimate interest in evaluating its work every year (GDPR art. 6(1)(f))."),
    retention=_l("Until you delete your account; an unsent draft until you send it."),
)


@personal_data_anonymiser("surveys")
def remove_survey_data(user: Any) -> None:
    """Delete the person's drafts and receipts. The anonymous responses stay: they were never linked."""
    db.session.execute(delete(SurveyDraft).where(SurveyDraft.user_id == user.id))
    db.session.execute(delete(SurveyReceipt).where(SurveyReceipt.user_id == user.id))


@yearly_figures(90)
def survey_figures(year: int) -> list[Figure]:
    """The member survey of `year`: responses, people invited and the response rate."""
    survey_id = db.session.scalar(select(Survey.id).where(Survey.year == year))
    if survey_id is None:
        return []
    responses = db.session.scalar(select(func.count()).select_from(SurveyResponse)
                                  .where(SurveyResponse.survey_id == survey_id)) or 0
    invited = db.session.scalar(select(func.sum(SurveyPopulation.invited))
                                .where(SurveyPopulation.survey_id == survey_id)) or 0
    rate = round(100 * responses / invited, 1) if invited else None
    return [Figure("surveys.responses", _l("Member survey responses"), responses, _l("responses")),
            Figure("surveys.invited", _l("People invited to the member survey"), invited, _l("people")),
            Figure("surveys.response_rate", _l("Member survey response rate"), rate, PERCENT, digits=1)]
