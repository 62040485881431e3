from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, SubmitField
from wtforms.validators import Optional


class AuditFilterForm(FlaskForm):
    """Filters of the audit trail (GET; changes nothing, so no CSRF token)."""

    class Meta:
        csrf = False

    entity_type = SelectField(_l("What"), validate_choice=False)
    entity_id = IntegerField(_l("Record number"), validators=[Optional()])
    action = SelectField(_l("Action"), validate_choice=False)
    actor = SelectField(_l("Who"), validate_choice=False)
    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("To"), validators=[Optional()])
    submit = SubmitField(_l("Filter"))
