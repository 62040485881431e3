"""The domain error of meetings: a translatable message, and the form field it belongs to."""

from __future__ import annotations


class MeetingError(Exception):
    """A refusal by a meeting rule. `message` is translatable (lazy) text; `field` names the form field, if any."""

    def __init__(self, message: object, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return str(self.message)


class RegistrationError(MeetingError):
    """A registration was refused (deadline passed, already registered, meeting cancelled...)."""
