"""The one exception type that domain rules raise to refuse a change."""

from __future__ import annotations


class RuleError(ValueError):
    """A rule refused the change. `message` is for the user (translated); `field` names the form field, if any."""

    def __init__(self, message: object, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field

    def __str__(self) -> str:
        # Lazy messages are rendered in the language in force when shown, not when raised.
        return str(self.message)
