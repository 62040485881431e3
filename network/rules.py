"""The one exception type that domain rules raise to refuse a change."""

from __future__ import annotations

from collections.abc import Mapping


class RuleError(ValueError):
    """A rule refused the change; nothing may be committed.

    `message` is for the user (translated, possibly lazy); `field` names the form field it concerns, if any;
    `errors` carries several field messages at once ({field: message}; a key None or "" is a form-level message).
    """

    def __init__(self, message: object = "", field: str | None = None,
                 errors: Mapping[str | None, object] | None = None) -> None:
        if errors and not message:
            message = next(iter(errors.values()))
        super().__init__(str(message))
        self.message = message
        self.field = field
        self.errors: dict[str | None, object] = dict(errors) if errors else {field: message}

    def __str__(self) -> str:
        # Lazy messages are rendered in the language in force when shown, not when raised.
        return str(self.message)
