"""Forms of the calendar domain: confirming a change of one's personal feed address."""

from __future__ import annotations

from ..web import NetworkForm


class FeedActionForm(NetworkForm):
    """A confirmed POST (CSRF-checked) creating, renewing or turning off the personal feed."""
