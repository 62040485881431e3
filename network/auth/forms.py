from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from ..i18n import LANGUAGE_NAMES
from ..web import NetworkForm
from .accounts import MIN_PASSWORD_LENGTH

NOT_LISTED = 0

REQUIRED = _l("This field is required.")


def language_choices() -> list[tuple[str, str]]:
    return list(LANGUAGE_NAMES.items())


class LoginForm(NetworkForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(REQUIRED)])
    password = PasswordField(_l("Password"), validators=[DataRequired(REQUIRED)])
    remember = BooleanField(_l("Remember me"))
    submit = SubmitField(_l("Log in"))


class PasswordFields:
    password_length = Length(
        min=MIN_PASSWORD_LENGTH, message=_l("The password must be at least %(min)d characters long.")
    )


class RegisterForm(NetworkForm):
    name = StringField(_l("Name"), validators=[DataRequired(REQUIRED), Length(max=120)])
    email = EmailField(_l("E-mail"), validators=[DataRequired(REQUIRED), Length(max=254)])
    password = PasswordField(
        _l("Password"),
        description=_l("At least %(count)d characters.", count=MIN_PASSWORD_LENGTH),
        validators=[DataRequired(REQUIRED), PasswordFields.password_length],
    )
    password_confirm = PasswordField(
        _l("Password again"),
        validators=[DataRequired(REQUIRED), EqualTo("password", message=_l("The passwords do not match."))],
    )
    organisation = SelectField(_l("Organisation"), coerce=int, validate_choice=True)
    organisation_name = StringField(
        _l("Name of your organisation"),
        description=_l("Only if your organisation is not listed yet."),
        validators=[Optional(), Length(max=200)],
    )
    language = SelectField(_l("Interface language"), choices=language_choices)
    submit = SubmitField(_l("Create account"))

    def validate(self, extra_validators=None) -> bool:  # type: ignore[override]
        valid = super().validate(extra_validators)
        if self.organisation.data == NOT_LISTED and not (self.organisation_name.data or "").strip():
            self.organisation_name.errors = [
                *self.organisation_name.errors,
                str(_l("Give the name of your organisation, or choose it from the list.")),
            ]
            valid = False
        return valid


class ConfirmEmailForm(NetworkForm):
    """The button on the page a confirmation link opens: fetching the link alone confirms nothing."""

    submit = SubmitField(_l("Confirm my e-mail address"))


class ResendConfirmationForm(NetworkForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(REQUIRED)])
    submit = SubmitField(_l("Send the confirmation link again"))


class ResetRequestForm(NetworkForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(REQUIRED)])
    submit = SubmitField(_l("Send reset link"))


class ResetPasswordForm(NetworkForm):
    password = PasswordField(
        _l("New password"), validators=[DataRequired(REQUIRED), PasswordFields.password_length]
    )
    password_confirm = PasswordField(
        _l("New password again"),
        validators=[DataRequired(REQUIRED), EqualTo("password", message=_l("The passwords do not match."))],
    )
    submit = SubmitField(_l("Save new password"))


class ProfileForm(NetworkForm):
    name = StringField(_l("Name"), validators=[DataRequired(REQUIRED), Length(max=120)])
    title = StringField(_l("Title or role"), validators=[Optional(), Length(max=120)])
    language = SelectField(_l("Interface language"), choices=language_choices)
    public_profile = BooleanField(_l("Show my name and title in the public member directory"))
    submit = SubmitField(_l("Save"))


class RoleForm(NetworkForm):
    role = SelectField(
        _l("Role"), choices=[("member", _l("Member")), ("coordinator", _l("Coordinator"))]
    )
    submit = SubmitField(_l("Change role"))


class LinkConfirmForm(NetworkForm):
    organisation = SelectField(_l("Organisation"), coerce=int, validate_choice=False)
    submit = SubmitField(_l("Confirm the link"))


class DeleteAccountForm(NetworkForm):
    password = PasswordField(_l("Your password"), validators=[DataRequired(REQUIRED)])
    confirm = BooleanField(_l("I understand that my account is deleted for good"),
                           validators=[DataRequired(_l("Tick the box to confirm."))])
    submit = SubmitField(_l("Delete my account"))


class ChangeEmailForm(NetworkForm):
    email = EmailField(_l("New e-mail address"), validators=[DataRequired(REQUIRED), Length(max=254)])
    password = PasswordField(_l("Your password"), validators=[DataRequired(REQUIRED)])
    submit = SubmitField(_l("Send a confirmation link"))


class ConfirmEmailChangeForm(NetworkForm):
    """The button on the page a change link opens: fetching the link alone changes nothing."""

    submit = SubmitField(_l("Use this address"))


class ChangePasswordForm(ResetPasswordForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired(REQUIRED)])
    submit = SubmitField(_l("Change password"))


class EndSessionForm(NetworkForm):
    submit = SubmitField(_l("End session"))


class EndOtherSessionsForm(NetworkForm):
    submit = SubmitField(_l("End all other sessions"))
