"""Access to bench/ (scripts, not a package) for the scale tests."""

from __future__ import annotations

import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench"
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

import generate  # noqa: E402
import pages  # noqa: E402
import pages_summary  # noqa: E402

__all__ = ["BENCH", "generate", "pages", "pages_summary"]
