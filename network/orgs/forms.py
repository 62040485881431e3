from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from ..i18n import current_language, lazy_file_size
from ..web import NetworkForm, OnceMixin
from .importing import MAX_UPLOAD_BYTES as MAX_IMPORT_BYTES
from .regions import kind_choices, region_choices

REQUIRED = _l("This field is required.")


def _kinds():
    return [("", _l("Choose…")), *kind_choices()]


def _regions():
    return [("", _l("Choose…")), *region_choices(current_language())]


class DirectoryFilterForm(NetworkForm):
    """The directory's search and filters (GET, no CSRF token: it changes nothing)."""

    class Meta:
        csrf = False

    q = StringField(_l("Search by name"), validators=[Optional(), Length(max=200)])
    kind = SelectField(_l("Kind"), validate_choice=False)
    region = SelectField(_l("Region"), validate_choice=False)
    open_government = BooleanField(_l("Only members of the Open Government municipal network"))
    status = SelectField(
        _l("Membership"),
        choices=[("members", _l("Current members")), ("former", _l("Former members")), ("all", _l("All"))],
        validate_choice=False,
    )
    submit = SubmitField(_l("Search"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = [("", _l("All kinds")), *kind_choices()]
        self.region.choices = [("", _l("All regions")), *region_choices(current_language())]


class OrganisationFieldsMixin:
    name_fi = StringField(_l("Name in Finnish"), validators=[DataRequired(REQUIRED), Length(max=200)])
    name_sv = StringField(_l("Name in Swedish"), validators=[Optional(), Length(max=200)],
                          description=_l("If the organisation has an official Swedish name."))
    kind = SelectField(_l("Kind"), validators=[DataRequired(REQUIRED)], validate_choice=False)
    # Not required when a municipality is given: the region follows from it (the register rule checks).
    region = SelectField(_l("Region"), validators=[Optional()], validate_choice=False)
    municipality = StringField(_l("Municipality"), validators=[Optional(), Length(max=120)],
                               description=_l("In Finnish or Swedish. The region follows from the municipality."),
                               render_kw={"list": "municipality-names", "autocomplete": "off"})
    business_id = StringField(_l("Business ID (Y-tunnus)"), validators=[Optional(), Length(max=12)],
                              description=_l("In the form 1234567-8. Optional."))


class OrganisationForm(OnceMixin, OrganisationFieldsMixin, NetworkForm):
    website = StringField(_l("Website"), validators=[Optional(), Length(max=300)],
                          description=_l("Starts with https://"))
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)])
    open_government_member = BooleanField(_l("Member of the Open Government municipal network"))
    joined_on = DateField(_l("Joined the network on"), validators=[Optional()])
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = _kinds()
        self.region.choices = _regions()


class ApplicationForm(OnceMixin, OrganisationFieldsMixin, NetworkForm):
    contact_name = StringField(_l("Contact person"), validators=[DataRequired(REQUIRED), Length(max=120)])
    contact_email = EmailField(_l("Contact person's e-mail"), validators=[DataRequired(REQUIRED), Length(max=254)])
    reason = TextAreaField(_l("Why does your organisation want to join?"), validators=[Optional(), Length(max=5000)])
    submit = SubmitField(_l("Send the application"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = _kinds()
        self.region.choices = _regions()


class LeaveForm(NetworkForm):
    left_on = DateField(_l("Left the network on"), validators=[DataRequired(REQUIRED)])
    submit = SubmitField(_l("Mark as left"))


class ConfirmForm(NetworkForm):
    """A confirmation button for a single action (CSRF protected)."""

    submit = SubmitField(_l("Confirm"))


class MergeChooseForm(NetworkForm):
    class Meta:
        csrf = False

    duplicate = SelectField(_l("Duplicate to merge into this organisation"), coerce=int, validate_choice=False)
    submit = SubmitField(_l("Continue"))


class MergeConfirmForm(NetworkForm):
    duplicate = HiddenField()
    submit = SubmitField(_l("Merge"))


class RejectForm(NetworkForm):
    message = TextAreaField(_l("Message to the applicant"), validators=[DataRequired(REQUIRED), Length(max=5000)],
                            description=_l("Sent by e-mail to the contact person."))
    submit = SubmitField(_l("Reject the application"))


class ImportForm(NetworkForm):
    file = FileField(
        _l("CSV or XLSX file"),
        validators=[FileRequired(_l("Choose a file to upload."))],
        description=_l("At most %(size)s. The first row names the columns: name_fi, kind and region are required; "
                       "name_sv, municipality, business_id, website, open_government_member and joined_on "
                       "are optional. CSV in UTF-8 with semicolons or commas.", size=lazy_file_size(MAX_IMPORT_BYTES)),
    )
    submit = SubmitField(_l("Preview the import"))


class ImportConfirmForm(NetworkForm):
    token = HiddenField()
    submit = SubmitField(_l("Apply the import"))
