"""The delivery page's form: retry one failed message, or all of them."""

from __future__ import annotations

from wtforms import HiddenField

from ..web import NetworkForm


class RetryForm(NetworkForm):
    """`message_id` empty retries every failed message."""

    message_id = HiddenField()
