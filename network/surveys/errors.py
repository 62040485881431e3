"""The domain errors of surveys."""

from __future__ import annotations

from ..rules import RuleError


class SurveyError(RuleError):
    """A survey rule refused the change (`errors` maps answer fields to messages when several are wrong)."""
