"""Forms of the meetings domain (Flask-WTF, CSRF on)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    FormField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.fields import DateTimeLocalField, URLField
from wtforms.validators import URL, DataRequired, InputRequired, Length, NumberRange, Optional

from ..i18n import lazy_file_size
from ..timeutil import EARLIEST_YEAR, LATEST_YEAR
from ..uploads import MAX_UPLOAD_BYTES
from ..web import NetworkForm, NetworkSubForm, OnceMixin, WholeNumberField
from .models import DEMOCRACY_DAY, HYBRID, IN_PERSON, NETWORK, ONLINE, REMOTE, WORKING_GROUP

REQUIRED = _l("This field is required.")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
BAD_DATETIME = _l("Enter a date and time, for example 2026-10-15 13:00.")
BAD_DATE = _l("Enter a date, for example 2026-10-15.")
BAD_TIME = _l("Enter a time, for example 13:00.")
# Meetings are planned within this century; a year like 0001 cannot even be converted to UTC.
OUT_OF_RANGE = _l("Enter a date between 2000 and 2100.")
MAX_CAPACITY = 100_000
MARKDOWN_HINT = _l("Formatting: **bold**, *italic*, a line starting with - for a list, [text](https://...) for a "
                   "link; every line break is kept.")


def kind_choices() -> list[tuple[str, str]]:
    return [
        (NETWORK, str(_l("Network meeting"))),
        (DEMOCRACY_DAY, str(_l("Democracy Day"))),
        (WORKING_GROUP, str(_l("Working-group meeting"))),
    ]


def mode_choices() -> list[tuple[str, str]]:
    return [(IN_PERSON, str(_l("In person"))), (ONLINE, str(_l("Online"))), (HYBRID, str(_l("Hybrid")))]


def attendance_choices() -> list[tuple[str, str]]:
    return [(IN_PERSON, str(_l("In person"))), (REMOTE, str(_l("Remotely")))]


class LocalDateTimeField(DateTimeLocalField):
    """A date and time in Europe/Helsinki (the view converts it to UTC)."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, format=DATETIME_FORMATS, **kwargs)

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(str(BAD_DATETIME)) from error
        if self.data is not None and not EARLIEST_YEAR <= self.data.year <= LATEST_YEAR:
            self.data = None
            raise ValueError(str(OUT_OF_RANGE))


class LocalDateField(DateField):
    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(str(BAD_DATE)) from error


class LocalTimeField(TimeField):
    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(str(BAD_TIME)) from error


class MeetingForm(OnceMixin, NetworkForm):
    kind = SelectField(_l("Kind"), choices=kind_choices, default=NETWORK)
    title_fi = StringField(_l("Title in Finnish"), validators=[DataRequired(REQUIRED), Length(max=200)])
    title_sv = StringField(_l("Title in Swedish"), validators=[Optional(), Length(max=200)])
    description_fi = TextAreaField(_l("Description in Finnish"), validators=[Optional(), Length(max=20000)],
                                   description=MARKDOWN_HINT)
    description_sv = TextAreaField(_l("Description in Swedish"), validators=[Optional(), Length(max=20000)],
                                   description=MARKDOWN_HINT)
    starts_at = LocalDateTimeField(_l("Starts"), description=_l("Finnish time."),
                                   validators=[InputRequired(REQUIRED)])
    ends_at = LocalDateTimeField(_l("Ends"), description=_l("Finnish time."), validators=[InputRequired(REQUIRED)])
    mode = SelectField(_l("How the meeting is held"), choices=mode_choices, default=IN_PERSON)
    venue = StringField(_l("Venue"), validators=[Optional(), Length(max=200)])
    address = StringField(_l("Address"), validators=[Optional(), Length(max=300)])
    online_url = URLField(_l("Link for joining online"),
                          validators=[Optional(), URL(message=_l("Enter a web address starting with https://.")),
                                      Length(max=500)])
    host_organisation_id = SelectField(_l("Host organisation"), coerce=int, validate_choice=True)
    region = SelectField(_l("Region"), validate_choice=True,
                         description=_l("Taken from the host organisation when left empty."))
    agenda = TextAreaField(_l("Agenda"), validators=[Optional(), Length(max=20000)], description=MARKDOWN_HINT)
    capacity = WholeNumberField(_l("Capacity"), description=_l("Places at the venue. Leave empty for no limit."),
                                message=_l("Give the number of places as a whole number, or leave it empty."),
                                validators=[Optional(),
                                            NumberRange(min=0, message=_l("The capacity cannot be negative.")),
                                            NumberRange(max=MAX_CAPACITY, message=_l("The capacity can be at most "
                                                                                     "100,000."))])
    registration_deadline = LocalDateTimeField(_l("Registration deadline"),
                                               description=_l("Finnish time. Leave empty to allow registration "
                                                              "until the meeting starts."),
                                               validators=[Optional()])
    repeat = RadioField(_l("Which of the two times is meant?"), validators=[Optional()],
                        choices=lambda: [("earlier", str(_l("The first, in summer time (UTC+3)"))),
                                         ("later", str(_l("The second, in winter time (UTC+2)")))])
    confirm_past = BooleanField(_l("Yes, the meeting is in the past"))
    confirm_waitlist = BooleanField(_l("Yes, move them to the waiting list and tell them"))
    preview_text = SubmitField(_l("Preview the texts"))
    submit = SubmitField(_l("Save"))


class CancelForm(NetworkForm):
    reason = TextAreaField(_l("Reason for the cancellation"), validators=[DataRequired(REQUIRED), Length(max=2000)])
    submit = SubmitField(_l("Cancel the meeting"))


class PublishForm(NetworkForm):
    submit = SubmitField(_l("Publish"))


class DeleteMeetingForm(NetworkForm):
    submit = SubmitField(_l("Delete the draft"))


class MinutesForm(NetworkForm):
    minutes = TextAreaField(_l("Minutes"), validators=[DataRequired(REQUIRED), Length(max=100000)])
    submit = SubmitField(_l("Publish the minutes"))


class MaterialForm(NetworkForm):
    title_fi = StringField(_l("Title in Finnish"), validators=[DataRequired(REQUIRED), Length(max=200)])
    title_sv = StringField(_l("Title in Swedish"), validators=[Optional(), Length(max=200)])
    file = FileField(_l("File"), description=_l("PDF, Word, PowerPoint, Excel or an image (PNG, JPEG, GIF, WebP), "
                                                "at most %(size)s.", size=lazy_file_size(MAX_UPLOAD_BYTES)),
                     validators=[FileRequired(REQUIRED)])
    submit = SubmitField(_l("Upload"))


class DeleteForm(NetworkForm):
    submit = SubmitField(_l("Remove"))


class RegistrationForm(NetworkForm):
    mode = RadioField(_l("I will take part"), choices=attendance_choices, default=IN_PERSON,
                      validators=[InputRequired(REQUIRED)])
    submit = SubmitField(_l("Register for the meeting"))


class ChangeRegistrationForm(RegistrationForm):
    """The change of mode; `give_up_place` is sent by the confirmation page only (a full venue costs the place)."""

    give_up_place = HiddenField(default="")


class CancelRegistrationForm(NetworkForm):
    submit = SubmitField(_l("Cancel my registration"))


class AttendanceForm(NetworkForm):
    """One checkbox per registration is read from the request by the view (attended-<id>)."""

    submit = SubmitField(_l("Save attendance"))


class PlanItemForm(NetworkSubForm):
    kind = HiddenField()
    slot = HiddenField()
    day = LocalDateField(_l("Date"), validators=[InputRequired(REQUIRED)])
    starts = LocalTimeField(_l("Starts"), validators=[InputRequired(REQUIRED)])
    ends = LocalTimeField(_l("Ends"), validators=[InputRequired(REQUIRED)])
    title_fi = StringField(_l("Title in Finnish"), validators=[DataRequired(REQUIRED), Length(max=200)])
    title_sv = StringField(_l("Title in Swedish"), validators=[Optional(), Length(max=200)])
    host_organisation_id = SelectField(_l("Host organisation"), coerce=int, validate_choice=True)
    venue = StringField(_l("Venue"), validators=[Optional(), Length(max=200)])
    address = StringField(_l("Address"), validators=[Optional(), Length(max=300)])
    exception = BooleanField(_l("Confirm an exception to the date or host rules"))
    reason = StringField(_l("Reason for the exception"), validators=[Optional(), Length(max=500)],
                         description=_l("For example a seminar on the eve of a holiday. Democracy Day's week 42 "
                                        "allows no exception."))


class PlanForm(NetworkForm):
    meetings = FieldList(FormField(PlanItemForm), min_entries=0, max_entries=4)
    submit = SubmitField(_l("Confirm the plan"))


class ParticipantMessageForm(NetworkForm):
    subject = StringField(_l("Subject"), validators=[DataRequired(REQUIRED), Length(max=200)])
    body = TextAreaField(_l("Message"), validators=[DataRequired(REQUIRED), Length(max=20000)],
                         description=_l("Plain text; line breaks are kept. Sent as written, to each in their own "
                                        "language's frame."))
    include_invitees = BooleanField(_l("Also to those invited who have not registered"))
    preview = SubmitField(_l("Preview"))
    send = SubmitField(_l("Send the message"))
