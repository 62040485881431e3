"""Forms of the survey builder (Flask-WTF, CSRF on). The answering form is built from the questions."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from ..timeutil import EARLIEST_YEAR, LATEST_YEAR
from ..web import NetworkForm, OnceMixin, WholeNumberField
from .builder import COPY, TEMPLATE
from .goals import goal_choices

YEAR_MESSAGE = _l("Give a year between 2000 and 2100.")

REQUIRED = _l("This field is required.")
BAD_DATE = _l("Enter a date, for example 2026-10-15.")


class SurveyDateField(DateField):
    """A date between 2000 and 2100 with a message in the user's language."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(str(BAD_DATE)) from error
        if self.data is not None and not date(EARLIEST_YEAR, 1, 1) <= self.data <= date(LATEST_YEAR, 12, 31):
            self.data = None
            raise ValueError(str(_l("Enter a date between 2000 and 2100.")))


def kind_choices() -> list[tuple[str, str]]:
    return [
        ("agree5", str(_l("Agree or disagree, 1–5"))),
        ("scale10", str(_l("Scale 0–10"))),
        ("single", str(_l("Single choice"))),
        ("multiple", str(_l("Multiple choice"))),
        ("text", str(_l("Free text"))),
    ]


def source_choices() -> list[tuple[str, str]]:
    return [(TEMPLATE, str(_l("The default questions from the network's charter"))),
            (COPY, str(_l("A copy of the previous year's survey")))]


class NewSurveyForm(OnceMixin, NetworkForm):
    year = WholeNumberField(_l("Year"), validators=[InputRequired(REQUIRED), NumberRange(EARLIEST_YEAR, LATEST_YEAR, YEAR_MESSAGE)],
                            message=YEAR_MESSAGE)
    source = RadioField(_l("Questions"), choices=source_choices, default=TEMPLATE)
    opens_on = SurveyDateField(_l("Opens on"), validators=[Optional()])
    closes_on = SurveyDateField(_l("Closes on"), validators=[Optional()])


class SurveyForm(NetworkForm):
    title_fi = StringField(_l("Title in Finnish"), validators=[DataRequired(REQUIRED), Length(max=200)])
    title_sv = StringField(_l("Title in Swedish"), validators=[Optional(), Length(max=200)])
    title_en = StringField(_l("Title in English"), validators=[Optional(), Length(max=200)])
    intro_fi = TextAreaField(_l("Introduction in Finnish"), validators=[Optional(), Length(max=5000)])
    intro_sv = TextAreaField(_l("Introduction in Swedish"), validators=[Optional(), Length(max=5000)])
    intro_en = TextAreaField(_l("Introduction in English"), validators=[Optional(), Length(max=5000)])
    opens_on = SurveyDateField(_l("Opens on"), validators=[Optional()])
    closes_on = SurveyDateField(_l("Closes on"), validators=[Optional()])


def _no_pipe_in_key(form, field):
    if field.data and "|" in field.data:
        raise ValidationError(str(_l("The key must start with a letter and have only small letters, digits and "
                                     "underscores (at most 60).")))


class QuestionForm(OnceMixin, NetworkForm):
    key = StringField(_l("Key (the same question in every year)"),
                      validators=[DataRequired(REQUIRED), Length(max=60), _no_pipe_in_key])
    kind = SelectField(_l("Kind of question"), choices=kind_choices)
    text_fi = TextAreaField(_l("Question in Finnish"), validators=[DataRequired(REQUIRED), Length(max=2000)])
    text_sv = TextAreaField(_l("Question in Swedish"), validators=[Optional(), Length(max=2000)])
    text_en = TextAreaField(_l("Question in English"), validators=[Optional(), Length(max=2000)])
    required = BooleanField(_l("An answer is required"))
    goal = SelectField(_l("Goal or role it measures"), choices=goal_choices, validate_choice=False)
    options = TextAreaField(
        _l("Options"), validators=[Optional(), Length(max=5000)],
        description=_l("For choice questions: one option a line, as value | Finnish | Swedish | English. "
                       "Keep the value the same every year."))
