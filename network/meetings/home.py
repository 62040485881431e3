"""The meetings' section of the front page: the next meetings."""

from __future__ import annotations

from typing import Any

from .queries import NETWORK, next_scheduled

HOME_COUNT = 3


def next_meetings() -> dict[str, Any]:
    """The front page's section: the next few scheduled meetings of the network."""
    return {"meetings": next_scheduled(NETWORK, HOME_COUNT)}
