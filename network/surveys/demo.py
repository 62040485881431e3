"""Demo surveys: three years of the member survey with answers shaped so that the trends and the report show real
changes (the benefits and learning rise, advocacy dips, Democracy Day improves after a weak year), a question
added in the middle year and one dropped in the last. The current year's survey is open; last year's summary is
published. Loading twice adds nothing.
"""

from __future__ import annotations

import random
import secrets
from datetime import date, timedelta

from sqlalchemy import select

from ..auth.models import User
from ..extensions import db
from ..orgs.models import Organisation
from ..orgs.regions import REGIONS
from ..timeutil import helsinki_today, utcnow
from . import builder
from .models import (
    AGREE5,
    MULTIPLE,
    SCALE10,
    SINGLE,
    TEXT,
    Question,
    Survey,
    SurveyAnswer,
    SurveyAnswerChoice,
    SurveyPopulation,
    SurveyReceipt,
    SurveyResponse,
)

# Mean answer per question key and year offset (0 = two years ago, 1 = last year, 2 = this year).
TARGETS: dict[str, tuple[float, float, float]] = {
    "benefit_faster": (3.0, 3.4, 3.8),
    "benefit_innovative": (3.2, 3.5, 3.9),
    "benefit_efficient": (2.9, 3.1, 3.5),
    "benefit_flexible": (3.4, 3.5, 3.7),
    "role_peer_service": (3.8, 3.9, 4.1),
    "role_learning": (3.5, 3.9, 4.3),
    "role_advocacy": (3.6, 3.1, 3.3),
    "role_creating_new": (2.8, 3.2, 3.6),
    "meetings_useful": (6.5, 7.2, 7.8),
    "democracy_day": (7.4, 5.9, 8.1),
    "working_groups": (3.3, 3.6, 3.9),
    "mailing_list": (3.9, 4.0, 4.0),
    "web_page": (2.7, 3.0, 3.0),
    "strategic_value": (3.6, 3.8, 4.0),
    "recommend": (7.0, 7.6, 8.2),
    "online_meetings": (0, 3.4, 3.9),
}
RESPONSES = (48, 63, 41)
INVITED = {"municipality": 70, "wellbeing_county": 12, "state": 10, "civil_society": 24,
           "research_education": 9, "other": 3}
KIND_WEIGHTS = {"municipality": 52, "wellbeing_county": 9, "state": 8, "civil_society": 20,
                "research_education": 8, "other": 3}
IDEAS = (
    "Enemmän alueellisia tapaamisia myös pienemmissä kunnissa.",
    "Etäosallistumisen mahdollisuus kaikkiin tapaamisiin.",
    "Työryhmien tuloksista tiiviit tietopaketit kuntien käyttöön.",
    "Nuorisovaltuustojen kokemuksia voisi jakaa laajemmin.",
    "Demokratiapäivän ohjelmaan enemmän työpajoja.",
    "Hyvinvointialueiden vaikuttamistoimielimet mukaan verkostoon.",
    "Sähköpostilistan viestit voisivat olla lyhyempiä.",
    "Vertaismentorointia uusille osallisuuskoordinaattoreille.",
    "Kansainvälisiä esimerkkejä, esimerkiksi IAP2:n kautta.",
    "Mer material på svenska, tack.",
)
NEW_QUESTION = ("online_meetings", AGREE5, "Verkoston etätapaamiset toimivat hyvin.",
                "Nätverkets distansträffar fungerar bra.", "The network's online meetings work well.", "meetings")


def _value(rng: random.Random, question: Question, target: float) -> int:
    low, high = (1, 5) if question.kind == AGREE5 else (0, 10)
    spread = 0.9 if question.kind == AGREE5 else 1.6
    return max(low, min(high, round(rng.gauss(target, spread))))


def _add_answers(survey: Survey, offset: int, count: int, rng: random.Random) -> None:
    kinds = list(KIND_WEIGHTS)
    weights = list(KIND_WEIGHTS.values())
    regions = ["uusimaa", "pirkanmaa", "varsinais-suomi", "pohjois-pohjanmaa", "keski-suomi", "pohjanmaa",
               "lappi", "pohjois-savo"]
    assert set(regions) <= set(REGIONS)
    for _ in range(count):
        response = SurveyResponse(id=secrets.token_hex(16), survey_id=survey.id,
                                  org_kind=rng.choices(kinds, weights)[0],
                                  region=rng.choices(regions, [30, 16, 12, 10, 9, 8, 3, 12])[0])
        db.session.add(response)
        db.session.flush()
        for question in survey.questions:
            if question.kind in (AGREE5, SCALE10) and question.key in TARGETS:
                if not question.required and rng.random() < 0.1:
                    continue
                db.session.add(SurveyAnswer(response_id=response.id, question_id=question.id,
                                            number=_value(rng, question, TARGETS[question.key][offset])))
            elif question.kind == SINGLE:
                option = rng.choices(question.options, [1, 3, 4, 3, 2][: len(question.options)])[0]
                db.session.add(SurveyAnswerChoice(response_id=response.id, question_id=question.id,
                                                  option_id=option.id))
            elif question.kind == MULTIPLE:
                for option in question.options:
                    if rng.random() < (0.8 if option.value == "mailing_list" else 0.25 + 0.1 * offset):
                        db.session.add(SurveyAnswerChoice(response_id=response.id, question_id=question.id,
                                                          option_id=option.id))
            elif question.kind == TEXT and rng.random() < 0.35:
                db.session.add(SurveyAnswer(response_id=response.id, question_id=question.id,
                                            text=rng.choice(IDEAS)))
    for kind, invited in INVITED.items():
        db.session.add(SurveyPopulation(survey_id=survey.id, org_kind=kind, invited=invited))


def load() -> None:
    """Create the surveys of the last two years and this year (idempotent), with anonymous answers."""
    this_year = helsinki_today().year
    if builder.survey_for_year(this_year) is not None:
        return
    rng = random.Random(2026)
    for offset, year in enumerate((this_year - 2, this_year - 1, this_year)):
        if offset == 0:
            survey = builder.create_survey(year, opens_on=date(year, 11, 2), closes_on=date(year, 11, 27))
        else:
            survey = builder.create_survey(year, source="copy", opens_on=date(year, 11, 2),
                                           closes_on=date(year, 11, 27))
        if offset == 1:
            key, kind, fi, sv, en, goal = NEW_QUESTION
            builder.add_question(survey, builder.QuestionInput(key=key, kind=kind, text_fi=fi, text_sv=sv,
                                                               text_en=en, goal=goal))
            builder.move_question(db.session.scalar(select(Question).where(Question.survey_id == survey.id,
                                                                          Question.key == key)), -1)
        if offset == 2:
            builder.delete_question(next(q for q in survey.questions if q.key == "web_page"))
            today = helsinki_today()
            survey.opens_on, survey.closes_on = today - timedelta(days=14), today + timedelta(days=14)
        db.session.flush()
        db.session.expire(survey, ["questions"])
        survey.invited_at = utcnow()
        _add_answers(survey, offset, RESPONSES[offset], rng)
        if offset == 1:
            survey.published_at = utcnow()
        if offset == 2:
            # Some demo people have answered this year's survey; the demo logins have not, so they can try.
            people = db.session.scalars(
                select(User).join(Organisation, User.organisation_id == Organisation.id)
                .where(User.role == "member", ~User.email.in_(("aino.virtanen@tampere.example",
                                                               "erik.lindqvist@vaasa.example")))
                .order_by(User.id).limit(6)).all()
            for person in people:
                db.session.add(SurveyReceipt(survey_id=survey.id, user_id=person.id))
    db.session.flush()



