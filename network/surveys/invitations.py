"""Invitations when a survey opens and reminders to those who have not answered (outbox rows, each person's
language). Plain functions: they flush and never commit.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, exists, func, select

from ..audit.trail import record_change
from ..auth.models import User
from ..extensions import db
from ..links import absolute_url
from ..mail.models import OutboxMessage
from ..mail.templates import queue_template_mail
from ..orgs.models import Organisation
from ..timeutil import helsinki_today, utcnow
from .errors import SurveyError
from .models import CLOSED, OPEN, Survey, SurveyPopulation, SurveyReceipt
from .summaries import forget

DEFAULT_OPEN_DAYS = 28


def member_people():
    """SELECT of the people the survey is for: confirmed accounts linked to a member organisation."""
    return (
        select(User)
        .join(Organisation, User.organisation_id == Organisation.id)
        .where(User.email_confirmed_at.is_not(None), User.organisation_link_pending.is_(False),
               Organisation.left_on.is_(None), Organisation.merged_into_id.is_(None))
    )


def _not_answered(survey: Survey):
    return member_people().where(~exists().where(and_(SurveyReceipt.survey_id == survey.id,
                                                      SurveyReceipt.user_id == User.id)))


def _queue(people: list[User], survey: Survey, template: str, key: str) -> int:
    already = set(db.session.scalars(select(OutboxMessage.recipient).where(OutboxMessage.message_key == key)))
    count = 0
    for person in people:
        if person.email in already:
            continue
        language = person.language if person.language in ("fi", "sv", "en") else "fi"
        # The link carries the person's language, so the survey opens in it.
        link = absolute_url("surveys.answer", year=survey.year, lang=language)
        queue_template_mail(person.email, f"surveys/emails/{template}", language, key=key, survey=survey,
                            person=person, link=link, title=survey.title_in(language))
        count += 1
    db.session.flush()
    return count


def snapshot_population(survey: Survey) -> None:
    """Store how many people of each organisation kind the survey is for (the response rate's denominator)."""
    rows = db.session.execute(
        member_people().with_only_columns(Organisation.kind, func.count(User.id)).group_by(Organisation.kind)
    ).all()
    existing = {p.org_kind: p for p in db.session.scalars(select(SurveyPopulation)
                                                          .where(SurveyPopulation.survey_id == survey.id))}
    for kind, count in rows:
        row = existing.get(kind or "") or SurveyPopulation(survey_id=survey.id, org_kind=kind or "")
        row.invited = count
        db.session.add(row)
    db.session.flush()


def send_invitations(survey: Survey) -> int:
    """Invite every member person to the open survey (once; again only to people not yet invited).

    Returns how many mails were queued. Raises SurveyError when the survey is not open.
    """
    if survey.state() != OPEN:
        raise SurveyError(_l("Invitations go out when the survey is open."))
    count = _queue(list(db.session.scalars(_not_answered(survey))), survey, "invitation",
                   f"survey-invitation:{survey.year}")
    if survey.invited_at is None:
        snapshot_population(survey)
        survey.invited_at = utcnow()
    db.session.flush()
    return count


def open_now(survey: Survey, today: date | None = None, actor: Any = None) -> int:
    """Open the survey today (its closing date kept, or four weeks from today) and send the invitations.

    Returns how many invitations were queued. Raises SurveyError when the survey has no questions or is closed.
    """
    today = today or helsinki_today()
    if not survey.questions:
        raise SurveyError(_l("Add questions before opening the survey."))
    if survey.state(today) == CLOSED:
        raise SurveyError(_l("The survey has closed."))
    if survey.opens_on is None or survey.opens_on > today:
        survey.opens_on = today
    if survey.closes_on is None or survey.closes_on < today:
        survey.closes_on = today + timedelta(days=DEFAULT_OPEN_DAYS)
    forget(survey.id)
    db.session.flush()
    count = send_invitations(survey)
    record_change(actor, "survey.open", "survey", survey.id,
                  after={"opens_on": survey.opens_on, "closes_on": survey.closes_on, "invitations": count})
    return count


def invite_due() -> list[tuple[int, int]]:
    """Send the invitations of every survey that has opened by its date but not invited yet.

    Returns (year, mails queued) per survey. For the scheduler: `flask --app wsgi surveys open-due`.
    """
    done = []
    for survey in db.session.scalars(select(Survey).where(Survey.invited_at.is_(None))):
        if survey.state() == OPEN and survey.questions:
            done.append((survey.year, send_invitations(survey)))
    return done


def send_reminders(survey: Survey, today: date | None = None, actor: Any = None) -> int:
    """Remind everyone who has not answered the open survey (at most once a day).

    Returns how many mails were queued. Raises SurveyError when the survey is not open.
    """
    today = today or helsinki_today()
    if survey.state(today) != OPEN:
        raise SurveyError(_l("Reminders can only be sent while the survey is open."))
    count = _queue(list(db.session.scalars(_not_answered(survey))), survey, "reminder",
                   f"survey-reminder:{survey.year}:{today.isoformat()}")
    record_change(actor, "survey.remind", "survey", survey.id, after={"reminders": count})
    return count


def answered_count(survey: Survey) -> int:
    """How many people have answered (receipts)."""
    return db.session.scalar(select(func.count()).select_from(SurveyReceipt)
                             .where(SurveyReceipt.survey_id == survey.id)) or 0


def not_answered_count(survey: Survey) -> int:
    """How many member people have not answered yet."""
    return db.session.scalar(select(func.count()).select_from(_not_answered(survey).subquery())) or 0
