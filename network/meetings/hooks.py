"""What meetings contribute to pages and reports they do not own."""

from __future__ import annotations

from . import figures  # noqa: F401  (the yearly figures of the self-assessment report)
