from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, SubmitField
from wtforms.validators import NumberRange, Optional, ValidationError

from ..web import NetworkForm, WholeNumberField

# Database integers are 64-bit at most; beyond this a record number cannot exist (and would overflow the query).
MAX_RECORD_NUMBER = 2**31 - 1
# Dates outside this range cannot be converted to UTC (year 1, year 9999) and the trail has nothing there anyway.
EARLIEST_DATE = date(2000, 1, 1)
LATEST_DATE = date(2100, 12, 31)
BAD_DATE = _l("Enter a date between 2000 and 2100.")


def date_in_range(form, field) -> None:
    if field.data is not None and not EARLIEST_DATE <= field.data <= LATEST_DATE:
        raise ValidationError(str(BAD_DATE))


class AuditFilterForm(NetworkForm):
    """Filters of the audit trail (GET; changes nothing, so no CSRF token)."""

    class Meta:
        csrf = False

    entity_type = SelectField(_l("What"), validate_choice=False)
    entity_id = WholeNumberField(_l("Record number"), validators=[
        Optional(), NumberRange(min=0, max=MAX_RECORD_NUMBER, message=_l("No record has this number."))],
        message=_l("No record has this number."))
    action = SelectField(_l("Action"), validate_choice=False)
    actor = SelectField(_l("Who"), validate_choice=False)
    date_from = DateField(_l("From"), validators=[
        Optional(), date_in_range])
    date_to = DateField(_l("To"), validators=[
        Optional(), date_in_range])
    submit = SubmitField(_l("Filter"))
