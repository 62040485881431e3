"""Forms of the working groups (Flask-WTF, CSRF on)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..i18n import lazy_file_size
from ..meetings.forms import MeetingForm
from ..timeutil import EARLIEST_YEAR, LATEST_YEAR
from ..uploads import MAX_UPLOAD_BYTES
from ..web import NetworkForm, OnceMixin, WholeNumberField
from .proposals import MAX_LINE, MAX_NAME, MAX_SIZE_LIMIT, MAX_TEXT, MAX_THEME, GroupData

MAX_SIZE_MESSAGE = _l("Give a number from 1 to %(max)d, or leave it empty.", max=MAX_SIZE_LIMIT)

REQUIRED = _l("This field is required.")
BAD_DATE = _l("Enter a date, for example 2026-10-15.")


class GroupDateField(DateField):
    """A whole day (Finnish calendar); a clear message for anything that is not a date."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(str(BAD_DATE)) from error
        if self.data is not None and not EARLIEST_YEAR <= self.data.year <= LATEST_YEAR:
            self.data = None
            raise ValueError(str(_l("Enter a date between 2000 and 2100.")))


class GroupForm(OnceMixin, NetworkForm):
    name_fi = StringField(_l("Name in Finnish"), validators=[DataRequired(REQUIRED), Length(max=MAX_NAME)])
    name_sv = StringField(_l("Name in Swedish"), validators=[Optional(), Length(max=MAX_NAME)])
    theme_fi = StringField(_l("Theme in Finnish"), description=_l("One line: what the group is about."),
                           validators=[DataRequired(REQUIRED), Length(max=MAX_THEME)])
    theme_sv = StringField(_l("Theme in Swedish"), validators=[Optional(), Length(max=MAX_THEME)])
    mandate_fi = TextAreaField(
        _l("Mandate in Finnish"),
        description=_l("Markdown. The purpose and background of the group, and what it will produce."),
        validators=[DataRequired(REQUIRED), Length(max=MAX_TEXT)],
    )
    mandate_sv = TextAreaField(_l("Mandate in Swedish"), validators=[Optional(), Length(max=MAX_TEXT)])
    steering = StringField(_l("Who steers the group"), description=_l("For example: the network's coordinators."),
                           validators=[Optional(), Length(max=MAX_LINE)])
    signup_deadline = GroupDateField(_l("Sign-up deadline"), description=_l("Members can join until the end of "
                                                                             "this day."),
                                     validators=[InputRequired(REQUIRED)])
    term_end = GroupDateField(_l("Term ends"), description=_l("The group is closed after this day."),
                              validators=[InputRequired(REQUIRED)])
    max_size = WholeNumberField(_l("Maximum number of members"), description=_l("Leave empty for no limit."),
                                validators=[Optional(), NumberRange(min=1, max=MAX_SIZE_LIMIT, message=MAX_SIZE_MESSAGE)],
                                message=MAX_SIZE_MESSAGE)
    approving_meeting = StringField(_l("The meeting that will approve the result"),
                                    description=_l("For example: the network meeting in November 2027."),
                                    validators=[Optional(), Length(max=MAX_LINE)])
    submit = SubmitField(_l("Save"))

    def data_object(self) -> GroupData:
        """The form's values as the rules' input."""
        return GroupData(
            name_fi=self.name_fi.data or "", name_sv=self.name_sv.data, theme_fi=self.theme_fi.data or "",
            theme_sv=self.theme_sv.data, mandate_fi=self.mandate_fi.data or "", mandate_sv=self.mandate_sv.data,
            steering=self.steering.data, approving_meeting=self.approving_meeting.data,
            signup_deadline=self.signup_deadline.data, term_end=self.term_end.data, max_size=self.max_size.data,
        )


class DecisionForm(GroupForm):
    decision = RadioField(_l("Decision"), choices=[("approve", _l("Approve")), ("decline", _l("Decline"))],
                          validators=[InputRequired(REQUIRED)])
    reason = TextAreaField(_l("Reason for declining"), description=_l("Sent to the proposer."),
                           validators=[Optional(), Length(max=MAX_TEXT)])


class ActionForm(NetworkForm):
    """A button that posts (join, leave, confirm)."""

    submit = SubmitField(_l("Confirm"))


class AskForm(NetworkForm):
    message = TextAreaField(_l("Message to the chair"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Ask to join"))


class RequestDecisionForm(NetworkForm):
    answer = RadioField(_l("Answer"), choices=[("accept", _l("Accept")), ("decline", _l("Decline"))],
                        validators=[InputRequired(REQUIRED)])


class ChairForm(NetworkForm):
    chair = SelectField(_l("Chair"), coerce=int, validate_choice=True)
    submit = SubmitField(_l("Save"))


class GroupMeetingForm(MeetingForm):
    """The network's meeting form, with the choice of showing the meeting in the network's calendar too."""

    network_calendar = BooleanField(_l("Show also in the network's calendar"))


class ReportForm(NetworkForm):
    final_report_fi = TextAreaField(_l("Final report in Finnish"), description=_l("Markdown. Public on the group's "
                                                                                   "page."),
                                    validators=[DataRequired(REQUIRED), Length(max=MAX_TEXT)])
    final_report_sv = TextAreaField(_l("Final report in Swedish"), validators=[Optional(), Length(max=MAX_TEXT)])
    file = FileField(_l("Attachment"), description=_l("Optional: PDF, Word, PowerPoint, Excel or an image, at most "
                                                        "%(size)s.", size=lazy_file_size(MAX_UPLOAD_BYTES)))
    submit = SubmitField(_l("Save the final report"))
