"""View helpers shared by every domain: running a rule in a request's transaction and showing its refusal."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import flash

from .extensions import db
from .rules import RuleError

T = TypeVar("T")
HIDDEN_FIELD_TYPES = ("CSRFTokenField", "HiddenField", "SubmitField")


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
    fields) or, where the form has none, onto its first field.
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
        present = [str(e) for e in target.errors] if isinstance(target.errors, list | tuple) else []
        if str(message) in present:
            continue  # the form's own check already said it
        target.errors = [*target.errors, message] if isinstance(target.errors, list) else [message]


def attempt(
    action: Callable[[], T],
    *,
    form: Any = None,
    success: str | Callable[[T], str] | None = None,
) -> tuple[bool, T | None]:
    """Run a domain rule in the request's transaction.

    Takes `action()` (a rule that flushes, never commits); on RuleError rolls back, puts the messages on `form`
    (or flashes them when there is no form) and returns (False, None); otherwise commits, flashes `success`
    (a text, or a function of the result returning one) and returns (True, result).
    """
    try:
        result = action()
    except RuleError as error:
        db.session.rollback()
        if form is not None:
            apply_rule_error(form, error)
        else:
            for message in error.errors.values():
                flash(str(message), "error")
        return False, None
    db.session.commit()
    if success is not None:
        flash(success(result) if callable(success) else success, "success")
    return True, result
