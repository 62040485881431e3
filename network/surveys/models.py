"""Survey models.

Anonymity: who answered (`SurveyReceipt`) and what was answered (`SurveyResponse` and its answers) are separate
tables with no key, no timestamp and no sequence in common. A response's id is random, its answers are keyed by
(response, question), and it keeps only the organisation's kind and region for breakdowns.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..i18n import current_language
from ..timeutil import helsinki_today, utcnow

AGREE5 = "agree5"
SCALE10 = "scale10"
SINGLE = "single"
MULTIPLE = "multiple"
TEXT = "text"
KINDS = (AGREE5, SCALE10, SINGLE, MULTIPLE, TEXT)
NUMERIC_KINDS = (AGREE5, SCALE10)
CHOICE_KINDS = (SINGLE, MULTIPLE)
SCALES = {AGREE5: (1, 5), SCALE10: (0, 10)}

DRAFT = "draft"
SCHEDULED = "scheduled"
OPEN = "open"
CLOSED = "closed"


def _pick(language: str, fi: str | None, sv: str | None, en: str | None) -> str:
    if language == "sv" and sv:
        return sv
    if language == "en" and en:
        return en
    return fi or sv or en or ""


class Survey(db.Model):
    """The member survey of one year. Open from `opens_on` to `closes_on` (both days included, Finnish time)."""

    __tablename__ = "surveys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer, unique=True)
    title_fi: Mapped[str] = mapped_column(String(200))
    title_sv: Mapped[str | None] = mapped_column(String(200))
    title_en: Mapped[str | None] = mapped_column(String(200))
    intro_fi: Mapped[str | None] = mapped_column(Text)
    intro_sv: Mapped[str | None] = mapped_column(Text)
    intro_en: Mapped[str | None] = mapped_column(Text)
    opens_on: Mapped[date | None] = mapped_column(Date)
    closes_on: Mapped[date | None] = mapped_column(Date)
    # Set when the invitations went to the outbox (once per survey).
    invited_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Set when the coordinator publishes the summary at /surveys/<year>/results.
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    questions: Mapped[list[Question]] = relationship(
        back_populates="survey", order_by="Question.position", cascade="all, delete-orphan"
    )

    def state(self, today: date | None = None) -> str:
        """Draft (no dates), scheduled (opens later), open, or closed (its last day has passed)."""
        today = today or helsinki_today()
        if self.opens_on is None or self.closes_on is None:
            return DRAFT
        if today < self.opens_on:
            return SCHEDULED
        if today > self.closes_on:
            return CLOSED
        return OPEN

    @property
    def is_open(self) -> bool:
        """True when the survey takes answers today."""
        return self.state() == OPEN

    @property
    def is_published(self) -> bool:
        """True when its summary is public."""
        return self.published_at is not None

    @property
    def title(self) -> str:
        """The title in the interface language (Finnish when there is none)."""
        return _pick(current_language(), self.title_fi, self.title_sv, self.title_en)

    @property
    def intro(self) -> str:
        """The introduction in the interface language."""
        return _pick(current_language(), self.intro_fi, self.intro_sv, self.intro_en)

    def title_in(self, language: str) -> str:
        """The title in `language` (for mail to a person in their language)."""
        return _pick(language, self.title_fi, self.title_sv, self.title_en)

    def __repr__(self) -> str:
        return f"<Survey {self.year}>"


class Question(db.Model):
    """One question. `key` is stable across years: the same key in two surveys is the same question."""

    __tablename__ = "survey_questions"
    __table_args__ = (UniqueConstraint("survey_id", "key", name="uq_survey_questions_survey_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    key: Mapped[str] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(20))
    text_fi: Mapped[str] = mapped_column(Text)
    text_sv: Mapped[str | None] = mapped_column(Text)
    text_en: Mapped[str | None] = mapped_column(Text)
    required: Mapped[bool] = mapped_column(Boolean, default=False)
    # The network goal or role the question measures (see goals.GOALS), if any.
    goal: Mapped[str | None] = mapped_column(String(40))

    survey: Mapped[Survey] = relationship(back_populates="questions")
    options: Mapped[list[QuestionOption]] = relationship(
        back_populates="question", order_by="QuestionOption.position", cascade="all, delete-orphan"
    )

    @property
    def text(self) -> str:
        """The question in the interface language."""
        return _pick(current_language(), self.text_fi, self.text_sv, self.text_en)

    @property
    def field_name(self) -> str:
        """The name of its field in the answering form."""
        return f"q{self.id}"

    @property
    def is_numeric(self) -> bool:
        """True for 1-5 and 0-10 questions."""
        return self.kind in NUMERIC_KINDS

    @property
    def is_choice(self) -> bool:
        """True for single and multiple choice questions."""
        return self.kind in CHOICE_KINDS

    @property
    def scale(self) -> tuple[int, int] | None:
        """(lowest, highest) of a numeric question, else None."""
        return SCALES.get(self.kind)


class QuestionOption(db.Model):
    """An option of a single or multiple choice question; `value` is stable across years like the question key."""

    __tablename__ = "survey_question_options"
    __table_args__ = (UniqueConstraint("question_id", "value", name="uq_survey_options_question_value"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("survey_questions.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    value: Mapped[str] = mapped_column(String(60))
    label_fi: Mapped[str] = mapped_column(String(300))
    label_sv: Mapped[str | None] = mapped_column(String(300))
    label_en: Mapped[str | None] = mapped_column(String(300))

    question: Mapped[Question] = relationship(back_populates="options")

    @property
    def label(self) -> str:
        """The option in the interface language."""
        return _pick(current_language(), self.label_fi, self.label_sv, self.label_en)


class SurveyReceipt(db.Model):
    """That a person answered a survey: for reminders and the one-response rule. Nothing else, not even when."""

    __tablename__ = "survey_receipts"
    # The primary key is the one-response rule; no serial id, and on SQLite no rowid, so the storage order says
    # nothing about when someone answered.
    __table_args__ = {"sqlite_with_rowid": False}

    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)


class SurveyDraft(db.Model):
    """A person's unsent answers, kept until they submit (then deleted)."""

    __tablename__ = "survey_drafts"
    __table_args__ = (UniqueConstraint("survey_id", "user_id", name="uq_survey_drafts_survey_user"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # {"<question id>": value or [values]} as JSON text.
    data: Mapped[str] = mapped_column(Text, default="{}")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SurveyResponse(db.Model):
    """One submitted set of answers, with no link to the person: a random id, no time, no user."""

    __tablename__ = "survey_responses"
    __table_args__ = {"sqlite_with_rowid": False}

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    org_kind: Mapped[str | None] = mapped_column(String(40))
    region: Mapped[str | None] = mapped_column(String(40))


class SurveyAnswer(db.Model):
    """A number (1-5 or 0-10) or a free text answer to one question."""

    __tablename__ = "survey_answers"
    # (question, number) covers the aggregates: n, mean and distribution are read from the index alone.
    __table_args__ = (Index("ix_survey_answers_question_number", "question_id", "number"),
                      {"sqlite_with_rowid": False})

    response_id: Mapped[str] = mapped_column(
        ForeignKey("survey_responses.id", ondelete="CASCADE"), primary_key=True
    )
    question_id: Mapped[int] = mapped_column(
        ForeignKey("survey_questions.id", ondelete="CASCADE"), primary_key=True
    )
    number: Mapped[int | None] = mapped_column(Integer)
    text: Mapped[str | None] = mapped_column(Text)


class SurveyAnswerChoice(db.Model):
    """An option chosen in a single or multiple choice question (one row per chosen option)."""

    __tablename__ = "survey_answer_choices"
    __table_args__ = (Index("ix_survey_answer_choices_question_option", "question_id", "option_id", "response_id"),
                      {"sqlite_with_rowid": False})

    response_id: Mapped[str] = mapped_column(
        ForeignKey("survey_responses.id", ondelete="CASCADE"), primary_key=True
    )
    question_id: Mapped[int] = mapped_column(
        ForeignKey("survey_questions.id", ondelete="CASCADE"), primary_key=True
    )
    option_id: Mapped[int] = mapped_column(
        ForeignKey("survey_question_options.id", ondelete="CASCADE"), primary_key=True
    )


class SurveyPopulation(db.Model):
    """How many people of each organisation kind were invited when the survey opened (for the response rate)."""

    __tablename__ = "survey_population"
    __table_args__ = (UniqueConstraint("survey_id", "org_kind", name="uq_survey_population_survey_kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    # "" for people with no organisation.
    org_kind: Mapped[str] = mapped_column(String(40), default="")
    invited: Mapped[int] = mapped_column(Integer, default=0)


class QuestionSummary(db.Model):
    """A closed survey's aggregates per question, computed once in SQL from its answers (see summaries.py), so
    that trends over many years do not aggregate every past answer again. Derived data: deleted whenever the
    survey's dates or questions change, recomputed on the next read.
    """

    __tablename__ = "survey_question_summaries"

    question_id: Mapped[int] = mapped_column(ForeignKey("survey_questions.id", ondelete="CASCADE"),
                                             primary_key=True)
    # Answers with a number, and answers with a text.
    n: Mapped[int] = mapped_column(Integer, default=0)
    texts: Mapped[int] = mapped_column(Integer, default=0)
    mean: Mapped[float | None] = mapped_column(Float)
    # The mean on a 0-100 scale (1-5 as (x-1)*25, 0-10 as x*10), for goal scores.
    score: Mapped[float | None] = mapped_column(Float)
