"""View helpers shared by every domain: running a rule in a request's transaction and showing its refusal."""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Callable
from typing import Any, TypeVar

from flask import flash
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.i18n import translations as wtforms_translations
from wtforms import Form, HiddenField, IntegerField, PasswordField, StringField, TextAreaField
from wtforms.validators import StopValidation

from .extensions import db, limiter
from .rules import RuleError
from .text import has_line_break, strip_controls, strip_invisible_controls

T = TypeVar("T")
HIDDEN_FIELD_TYPES = ("CSRFTokenField", "HiddenField", "SubmitField")

# One-time tokens of create forms: how long a sent form is remembered, and how long a second submit of a form
# still being handled waits for the first one's result.
ONCE_SECONDS = 6 * 3600
ONCE_WAIT_SECONDS = 15.0
ONCE_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")
ONE_LINE = _l("This must be on one line.")


def all_fields(form: Any) -> dict[str, Any]:
    """Every input field of `form` by its full name, sub-forms included ("meetings-0-day" of a FieldList of
    FormFields), in the order of the form.
    """
    found: dict[str, Any] = {}
    for item in form:
        if item.type in ("FieldList", "FormField"):
            for sub in item:
                if sub.type == "FormField":
                    found.update(all_fields(sub))
                else:
                    found[sub.name] = sub
        else:
            found[item.name] = item
    return found


def error_list(form: Any) -> list[tuple[str, str, str]]:
    """All errors of `form` for an error summary, sub-forms included: (field id, label, message) in the order
    of the fields; the form's own errors (`form_errors`) first, with an empty id.
    """
    listed = [("", "", str(message)) for message in getattr(form, "form_errors", [])]
    for item in all_fields(form).values():
        for message in item.errors if isinstance(item.errors, list) else []:
            listed.append((item.id, str(item.label.text), str(message)))
    return listed


def apply_rule_error(form: Any, error: RuleError) -> None:
    """Put each message of `error` next to its field of `form` (WTForms), also a sub-form's field by its full
    name ("meetings-0-day"); a message for no field of the form goes to the form's own errors (shown above the
    fields) or, where the form has none, onto its first field. A field the form's own checks already refused keeps
    that one message.
    """
    visible = [f for f in form if f.type not in HIDDEN_FIELD_TYPES]
    nested = all_fields(form)
    for name, message in error.errors.items():
        if name and name in form:
            target = form[name]
        elif name and name in nested:
            target = nested[name]
        elif hasattr(form, "form_errors"):
            form.form_errors.append(str(message))
            continue
        elif visible:
            target = visible[0]
        else:
            flash(str(message), "error")
            continue
        if target.errors:
            continue  # one message per field: the form's own check already refused it
        target.errors = [*target.errors, message] if isinstance(target.errors, list) else [message]


def attempt(
    action: Callable[[], T],
    *,
    form: Any = None,
    success: str | Callable[[T], str] | None = None,
    apply_error: Callable[[Any, RuleError], None] = apply_rule_error,
) -> tuple[bool, T | None]:
    """Run a domain rule in the request's transaction.

    Takes `action()` (a rule that flushes, never commits); on RuleError rolls back, puts the messages on `form`
    with `apply_error` (or flashes them when there is no form) and returns (False, None); otherwise commits, flashes `success`
    (a text, or a function of the result returning one) and returns (True, result).
    """
    try:
        result = action()
    except RuleError as error:
        db.session.rollback()
        if form is not None:
            apply_error(form, error)
        else:
            for message in error.errors.values():
                flash(str(message), "error")
        return False, None
    db.session.commit()
    if success is not None:
        flash(success(result) if callable(success) else success, "success")
    return True, result


def new_form_token() -> str:
    """A fresh one-time token for a create form (random, URL-safe)."""
    return secrets.token_urlsafe(18)


class OnceMixin:
    """Add to a create form (`class MeetingForm(OnceMixin, FlaskForm)`) and render `{{ form.form_once }}` in it:
    a hidden one-time token, new on each page load and sent back with the form, for `attempt_once`.
    """

    form_once = HiddenField(default=new_form_token)


def _once_keys(token: str) -> tuple[str, str]:
    return f"form-once:{token}:claim", f"form-once:{token}:result"


def attempt_once(
    action: Callable[[], T],
    *,
    form: Any,
    load: Callable[[int], T | None],
    success: str | Callable[[T], str] | None = None,
    result_id: Callable[[T], int] = lambda result: result.id,
    apply_error: Callable[[Any, RuleError], None] = apply_rule_error,
) -> tuple[bool, T | None]:
    """`attempt` for a create form: the same form sent again (a double click, a reload, two requests at once, on
    any worker) creates nothing more and answers with what the first one created.

    Takes the rule `action()` creating the row, the form (an `OnceMixin` form: its `form_once` token names this
    filling of the form), `load(id)` reading a created row back, the `success` text and `result_id(result)` (the
    row's id), and `apply_error` as `attempt`. The token's claim and result live in the rate limiter's storage (memory, or Redis shared by every
    worker and host), for ONCE_SECONDS: the first request claims the token; a second one waits (up to
    ONCE_WAIT_SECONDS) for the first one's result and returns it, with a note; when the first one was refused,
    the claim is released so the corrected form can be sent. Returns (done, result) as `attempt`; raises nothing
    of its own. A form without a valid token is run as `attempt` does.
    """
    token = str(getattr(getattr(form, "form_once", None), "data", "") or "")
    if not ONCE_TOKEN.fullmatch(token):
        return attempt(action, form=form, success=success, apply_error=apply_error)
    storage = limiter.storage
    claim, result_key = _once_keys(token)
    if storage.incr(claim, ONCE_SECONDS) > 1:
        deadline = time.monotonic() + ONCE_WAIT_SECONDS
        while time.monotonic() < deadline:
            found = storage.get(result_key)
            if found:
                db.session.rollback()  # a fresh transaction sees what the first request committed
                earlier = load(int(found))
                if earlier is not None:
                    flash(_("This form had already been sent: here is what it created."), "info")
                    return True, earlier
                break
            if not storage.get(claim):
                break  # the first request was refused and released the token: this one runs
            time.sleep(0.05)
        storage.incr(claim, ONCE_SECONDS)
    done, result = attempt(action, form=form, success=success, apply_error=apply_error)
    if done and result is not None:
        storage.incr(result_key, ONCE_SECONDS, amount=result_id(result))
    elif not done:
        storage.clear(claim)
    return done, result


class WholeNumberField(IntegerField):
    """An IntegerField that answers text which is not a whole number (``abc``, ``1.5``, ``²``, Arabic-Indic
    digits) with one message of the form's own, `message`, instead of WTForms' English "Not a valid integer value."
    followed by the range validator's message for the missing value.

    Takes the label, `message` (a lazy text in the user's language) and IntegerField's other arguments. Accepts
    ASCII digits with an optional sign only: Python's int() also reads other scripts' digits, which the rest of the
    application (and the person reading the value back) would not recognise.
    """

    _WHOLE_NUMBER = re.compile(r"[+-]?[0-9]+")

    def __init__(self, label: Any = None, validators: Any = None, *, message: Any, **kwargs: Any) -> None:
        super().__init__(label, validators, **kwargs)
        self.parse_message = message

    def process_formdata(self, valuelist: list[Any]) -> None:
        """Read the submitted text: empty is None; anything but ASCII digits raises ValueError(`message`)."""
        if not valuelist or valuelist[0] in (None, ""):
            self.data = None
            return
        text = str(valuelist[0]).strip()
        if not self._WHOLE_NUMBER.fullmatch(text):
            self.data = None
            raise ValueError(str(self.parse_message))
        self.data = int(text)

    def pre_validate(self, form: Any) -> None:
        """Stop the validators when the text was not a number: the parse message is the field's only one."""
        if self.process_errors:
            raise StopValidation()


def _one_line(value: Any) -> Any:
    """A one-line field's typed text without invisible control characters; raises ValueError(ONE_LINE) when it
    holds a line break (WTForms shows a filter's ValueError as the field's error and keeps what was typed).
    """
    if not isinstance(value, str):
        return value
    value = strip_invisible_controls(value)
    if has_line_break(value):
        raise ValueError(ONE_LINE)
    return value


def _multi_line(value: Any) -> Any:
    return strip_controls(value) if isinstance(value, str) else value


def _clean_typed_text(field_class: type) -> Callable[[Any], Any] | None:
    """The filter for what was typed into a field of `field_class`, or None when the field is left as sent.

    Multi-line fields (TextAreaField) lose every C0 control but tab, LF and CR (`strip_controls`). One-line
    fields (every other StringField: names, titles, venues, addresses, subjects, searches) lose the same, and a
    line break in them (CR, LF, VT, FF, NEL, U+2028, U+2029) is refused with ONE_LINE at the field: a browser's
    one-line input cannot send one, so only a pasted or crafted value has it. Passwords are taken as typed, and
    hidden fields are the application's own.
    """
    if not issubclass(field_class, StringField) or issubclass(field_class, (PasswordField, HiddenField)):
        return None
    return _multi_line if issubclass(field_class, TextAreaField) else _one_line


# WTForms' own messages that the application says in its own words, so that its catalogs translate them: WTForms'
# Finnish and Swedish for these lack the full stop, and its Swedish for a choice it cannot read is garbled ("kunde
# inte ceorce:a"). Only a tampered form can get them; the value sent is not repeated back.
CHOICE_MESSAGE = _l("Not a valid choice.")
WTFORMS_MESSAGES: dict[str, Any] = {
    "Not a valid choice.": CHOICE_MESSAGE,
    "Invalid Choice: could not coerce.": CHOICE_MESSAGE,
    "Invalid choice(s): one or more data inputs could not be coerced.": CHOICE_MESSAGE,
    "'%(value)s' is not a valid choice for this field.": CHOICE_MESSAGE,
    "'%(value)s' are not valid choices for this field.": CHOICE_MESSAGE,
}


class FormTranslations:
    """The translations WTForms uses for its built-in messages: the application's own words for those in
    `WTFORMS_MESSAGES`, WTForms' catalogs (through Flask-WTF, in the request's language) for the rest.
    """

    def gettext(self, string: str) -> str:
        """`string` in the request's language."""
        if string in WTFORMS_MESSAGES:
            return str(WTFORMS_MESSAGES[string])
        return wtforms_translations.gettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """`singular` or `plural` (by `n`) in the request's language."""
        if singular in WTFORMS_MESSAGES:
            return str(WTFORMS_MESSAGES[singular])
        return wtforms_translations.ngettext(singular, plural, n)


FORM_TRANSLATIONS = FormTranslations()


class NetworkFormMeta:
    """WTForms Meta of every form of the application.

    It adds `_clean_typed_text` first in every text field's filters, so that no form stores ESC, BEL or another
    invisible control character (XML, so XLSX and feeds, and iCalendar TEXT, RFC 5545 section 3.3.11, do not
    allow them, and nobody can see them on the page) and no one-line field keeps a line break. It also gives
    WTForms' built-in messages in the application's words (`FormTranslations`).
    """

    def get_translations(self, form: Any) -> FormTranslations:
        """WTForms' built-in messages in the request's language, some in the application's words."""
        return FORM_TRANSLATIONS

    def bind_field(self, form: Any, unbound_field: Any, options: dict[str, Any]) -> Any:
        """Bind `unbound_field` to `form` as WTForms does, with the cleaning filter before the field's own."""
        clean = _clean_typed_text(unbound_field.field_class)
        if clean is not None:
            options = {**options, "filters": [clean, *unbound_field.kwargs.get("filters", ())]}
        return super().bind_field(form, unbound_field, options)  # type: ignore[misc]


class NetworkForm(FlaskForm):
    """The base of every form of the application: Flask-WTF's form (CSRF) with `NetworkFormMeta`: no invisible
    control character kept, no line break in a one-line field, WTForms' messages in the application's words.
    """

    Meta = type("Meta", (NetworkFormMeta, FlaskForm.Meta), {})


class NetworkSubForm(Form):
    """The base of forms repeated inside another form (FieldList of FormField): WTForms' plain form, whose text
    fields are cleaned as `NetworkForm`'s are.
    """

    Meta = type("Meta", (NetworkFormMeta, Form.Meta), {})
