"""The delivery page's form: retry one failed message, or all of them."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField


class RetryForm(FlaskForm):
    """`message_id` empty retries every failed message."""

    message_id = HiddenField()
