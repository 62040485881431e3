from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateTimeLocalField,
    EmailField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..web import NetworkForm, OnceMixin
from .posts import MAX_BODY, MAX_SUBJECT

REQUIRED = _l("This field is required.")
LANGUAGE_CHOICES = [("fi", "Suomi"), ("sv", "Svenska"), ("en", "English")]


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class SubscribeForm(NetworkForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(REQUIRED), Length(max=254)])
    name = StringField(_l("Name"), validators=[Optional(), Length(max=120)])
    language = SelectField(_l("Language of the messages"), choices=LANGUAGE_CHOICES, default="fi")
    submit = SubmitField(_l("Subscribe"))


class ManageForm(NetworkForm):
    lists = MultiCheckboxField(_l("Lists I receive"), coerce=int, validate_choice=True)
    language = SelectField(_l("Language of the messages"), choices=LANGUAGE_CHOICES)
    submit = SubmitField(_l("Save"))


class ManageLinkForm(NetworkForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(REQUIRED), Length(max=254)])
    submit = SubmitField(_l("Send me a link"))


class ConfirmForm(NetworkForm):
    """A bare POST button for confirm pages (unsubscribe, RSVP, cancel)."""

    submit = SubmitField(_l("Confirm"))


class PostForm(OnceMixin, NetworkForm):
    mailing_list = SelectField(_l("List"), coerce=int, validate_choice=True)
    subject_fi = StringField(
        _l("Subject in Finnish"), validators=[DataRequired(REQUIRED), Length(max=MAX_SUBJECT)]
    )
    body_fi = TextAreaField(
        _l("Text in Finnish"),
        description=_l("Markdown: **bold**, *italics*, [link](https://example.fi), lists with -."),
        validators=[DataRequired(REQUIRED), Length(max=MAX_BODY, message=_l(
            "The text is too long (at most %(max)d characters). Shorten it or link to a document."))],
    )
    subject_sv = StringField(_l("Subject in Swedish"), validators=[Optional(), Length(max=MAX_SUBJECT)])
    body_sv = TextAreaField(
        _l("Text in Swedish"),
        description=_l("Optional. Subscribers who chose Swedish receive this text."),
        validators=[Optional(), Length(max=MAX_BODY, message=_l(
            "The text is too long (at most %(max)d characters). Shorten it or link to a document."))],
    )
    subject_en = StringField(_l("Subject in English"), validators=[Optional(), Length(max=MAX_SUBJECT)])
    body_en = TextAreaField(
        _l("Text in English"),
        description=_l("Optional. Subscribers who chose English receive this text; without it they receive the "
                       "Finnish text with a note."),
        validators=[Optional(), Length(max=MAX_BODY, message=_l(
            "The text is too long (at most %(max)d characters). Shorten it or link to a document."))],
    )
    when = RadioField(
        _l("When"), choices=[("now", _l("Send now")), ("later", _l("Schedule"))], default="now"
    )
    send_at = DateTimeLocalField(
        _l("Sending time (Finnish time)"), format="%Y-%m-%dT%H:%M", validators=[Optional()]
    )
    preview = SubmitField(_l("Preview"))
    submit = SubmitField(_l("Send"))
    # Sending reaches every subscriber: "Send" shows the preview with the recipients, this button sends.
    confirm = SubmitField(_l("Confirm and send"))


class InviteForm(NetworkForm):
    meeting = SelectField(_l("Meeting"), coerce=int, validate_choice=True)
    mailing_list = SelectField(_l("List"), coerce=int, validate_choice=True)
    submit = SubmitField(_l("Send the invitation"))
    # As with posts: "Send" shows who gets what; this button sends.
    confirm = SubmitField(_l("Confirm and send"))
