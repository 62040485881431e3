"""What the member register contributes to pages and reports it does not own."""

from __future__ import annotations

from . import figures  # noqa: F401  (the yearly figures of the self-assessment report)
