"""The domain errors of meetings."""

from __future__ import annotations

from ..rules import RuleError


class MeetingError(RuleError):
    """A refusal by a meeting rule."""


class RegistrationError(MeetingError):
    """A registration was refused (deadline passed, already registered, meeting cancelled...)."""
