"""Answering a survey: validation, drafts and the single anonymous submission (plain functions).

The submission writes a receipt (who answered, for reminders and the one-response rule) and, separately, a
response with a random id holding the answers and only the organisation's kind and region. The draft is deleted
in the same transaction. Nothing here logs or audits: no record ties a person to their answers.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping, Sequence
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, exists, select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..text import ascii_int, strip_controls
from ..timeutil import utcnow
from .errors import SurveyError
from .models import (
    CLOSED,
    MULTIPLE,
    NUMERIC_KINDS,
    OPEN,
    SINGLE,
    TEXT,
    Question,
    Survey,
    SurveyAnswer,
    SurveyAnswerChoice,
    SurveyDraft,
    SurveyReceipt,
    SurveyResponse,
)
from .summaries import forget

MAX_TEXT = 5000
FormData = Mapping[str, Sequence[str]]
Value = int | str | list[str] | None


def has_answered(survey: Survey, user: Any) -> bool:
    """True when the person has a receipt for the survey."""
    if not getattr(user, "id", None):
        return False
    return bool(db.session.scalar(select(exists().where(
        SurveyReceipt.survey_id == survey.id, SurveyReceipt.user_id == user.id))))


def check_open(survey: Survey) -> None:
    """Raises SurveyError when the survey is not open today (not yet, or closed)."""
    state = survey.state()
    if state == CLOSED:
        raise SurveyError(_l("The survey has closed."))
    if state != OPEN:
        raise SurveyError(_l("The survey is not open yet."))


def _first(values: Sequence[str]) -> str:
    return (values[0] if values else "").strip()


def _scale_value(raw: str, count: int, low: int, high: int) -> int | None:
    """The one value of a scale question, or None when it is not a whole number from low to high."""
    if count != 1 or len(raw) > 3:
        return None
    try:
        # ASCII digits only: "²".isdigit() is True but int("²") raises, and int("٣") is 3.
        number = ascii_int(raw)
    except ValueError:
        return None
    return number if low <= number <= high else None


def parse_answer(question: Question, values: Sequence[str], *, require: bool) -> Value:
    """One question's answer from the submitted strings, or None when unanswered.

    Raises SurveyError with the question's field name: outside the scale, unknown option, too long, or
    unanswered when `require` and the question is required.
    """
    field = question.field_name
    values = [v for v in (values or []) if v is not None]
    value: Value = None
    if question.kind in NUMERIC_KINDS:
        raw = _first(values)
        if raw:
            low, high = question.scale or (0, 0)
            value = _scale_value(raw, len(values), low, high)
            if value is None:
                raise SurveyError(_l("Choose a value from %(low)d to %(high)d.", low=low, high=high), field)
    elif question.kind == SINGLE:
        raw = _first(values)
        if raw:
            if len(values) > 1 or raw not in {o.value for o in question.options}:
                raise SurveyError(_l("Choose one of the options given."), field)
            value = raw
    elif question.kind == MULTIPLE:
        chosen = [v.strip() for v in values if v.strip()]
        allowed = {o.value for o in question.options}
        if any(v not in allowed for v in chosen):
            raise SurveyError(_l("Choose only among the options given."), field)
        value = sorted(set(chosen), key=[o.value for o in question.options].index) or None
    elif question.kind == TEXT:
        # Control characters (an ANSI escape, NUL) are invisible and would break the XLSX export of an answer that
        # can never be edited: dropped before storing.
        text = strip_controls("\n".join(values)).strip()
        if len(text) > MAX_TEXT:
            raise SurveyError(_l("Write at most %(count)d characters.", count=MAX_TEXT), field)
        value = text or None
    if value is None and require and question.required:
        raise SurveyError(_l("This question needs an answer."), field)
    return value


def parse_answers(survey: Survey, form: FormData, *, require: bool) -> dict[int, Value]:
    """Every question's answer (question id -> value). Raises SurveyError with `errors` for each bad field."""
    answers: dict[int, Value] = {}
    errors: dict[str, object] = {}
    for question in survey.questions:
        try:
            answers[question.id] = parse_answer(question, form.get(question.field_name, []), require=require)
        except SurveyError as error:
            errors[question.field_name] = error.message
    if errors:
        raise SurveyError(_l("Some answers need attention."), None, errors)
    return answers


def _draft(survey: Survey, user: Any) -> SurveyDraft | None:
    return db.session.scalar(select(SurveyDraft).where(SurveyDraft.survey_id == survey.id,
                                                       SurveyDraft.user_id == user.id))


def draft_values(survey: Survey, user: Any) -> dict[str, list[str]]:
    """The person's saved draft as form values (field name -> strings); empty without a draft."""
    draft = _draft(survey, user) if getattr(user, "id", None) else None
    if draft is None:
        return {}
    stored = json.loads(draft.data or "{}")
    result: dict[str, list[str]] = {}
    for question in survey.questions:
        value = stored.get(str(question.id))
        if value is None:
            continue
        result[question.field_name] = [str(v) for v in value] if isinstance(value, list) else [str(value)]
    return result


def has_draft(survey: Survey, user: Any) -> bool:
    """True when the person has saved a draft of the survey."""
    return bool(getattr(user, "id", None)) and _draft(survey, user) is not None


def save_draft(survey: Survey, user: Any, form: FormData) -> SurveyDraft:
    """Keep the person's unfinished answers. Required questions may be empty; bad values are refused.

    Raises SurveyError: survey not open, already answered, bad values (with `errors`).
    """
    check_open(survey)
    if has_answered(survey, user):
        raise SurveyError(_l("You have already answered this survey."))
    answers = parse_answers(survey, form, require=False)
    draft = _draft(survey, user)
    if draft is None:
        draft = SurveyDraft(survey_id=survey.id, user_id=user.id)
        db.session.add(draft)
    draft.data = json.dumps({str(k): v for k, v in answers.items() if v is not None})
    draft.updated_at = utcnow()
    db.session.flush()
    return draft


def _organisation_facts(user: Any) -> tuple[str | None, str | None]:
    organisation = getattr(user, "organisation", None)
    if organisation is None or getattr(user, "organisation_link_pending", False):
        return None, None
    return organisation.kind, organisation.region


def submit(survey: Survey, user: Any, form: FormData) -> None:
    """Record the person's answers once, anonymously, and delete their draft.

    Raises SurveyError: survey not open, already answered (also when another submission of the same person wins a
    race: the receipt's primary key refuses the second), missing required or bad answers (with `errors`).
    Returns nothing on purpose: the caller gets no handle linking the person to the response.
    """
    check_open(survey)
    if has_answered(survey, user):
        raise SurveyError(_l("You have already answered this survey."))
    answers = parse_answers(survey, form, require=True)
    savepoint = db.session.begin_nested()
    try:
        db.session.add(SurveyReceipt(survey_id=survey.id, user_id=user.id))
        db.session.flush()
    except IntegrityError:
        savepoint.rollback()
        raise SurveyError(_l("You have already answered this survey.")) from None
    savepoint.commit()
    kind, region = _organisation_facts(user)
    response = SurveyResponse(id=secrets.token_hex(16), survey_id=survey.id, org_kind=kind, region=region)
    db.session.add(response)
    # No relationship ties answers to their response (on purpose, nothing to navigate), so the response row is
    # written first for the foreign keys.
    db.session.flush()
    questions = {q.id: q for q in survey.questions}
    options = {q.id: {o.value: o.id for o in q.options} for q in survey.questions}
    for question_id, value in answers.items():
        if value is None:
            continue
        kind_ = questions[question_id].kind
        if kind_ in NUMERIC_KINDS:
            db.session.add(SurveyAnswer(response_id=response.id, question_id=question_id, number=value))
        elif kind_ == TEXT:
            db.session.add(SurveyAnswer(response_id=response.id, question_id=question_id, text=value))
        else:
            for choice in value if isinstance(value, list) else [value]:
                db.session.add(SurveyAnswerChoice(response_id=response.id, question_id=question_id,
                                                  option_id=options[question_id][choice]))
    db.session.execute(delete(SurveyDraft).where(SurveyDraft.survey_id == survey.id,
                                                 SurveyDraft.user_id == user.id))
    # An answer that arrives as the survey closes must not be missing from a summary made a moment earlier.
    forget(survey.id)
    db.session.flush()
