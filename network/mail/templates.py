"""Mail bodies as templates: `templates/<domain>/emails/<name>.txt` (and optionally `.html`), rendered in the
recipient's language.

A mail template defines `{% block subject %}` (one line) and `{% block body %}`; the HTML alternative, when a
`.html` file exists beside the text one, defines `{% block body %}` too. Autoescaping is off for .txt (Jinja's
default by extension) and on for .html.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_babel import force_locale
from jinja2 import TemplateNotFound

from ..text import single_line
from .models import OutboxMessage
from .outbox import queue_mail


@dataclass(frozen=True)
class RenderedMail:
    """A mail ready for the outbox: a one-line subject, the plain text and optionally HTML."""

    subject: str
    text: str
    html: str | None = None


def _render_block(template_name: str, block: str, context: dict[str, Any]) -> str:
    template = current_app.jinja_env.get_template(template_name)
    if block not in template.blocks:
        raise KeyError(f"{template_name} has no block {block!r}")
    return "".join(template.blocks[block](template.new_context(context)))


def render_mail(template: str, language: str, **context: Any) -> RenderedMail:
    """Render `<template>.txt` (and `<template>.html` when it exists) in `language` ("fi", "sv" or "en").

    `template` is the path under templates/ without the extension, e.g. "groups/emails/approved". Requires an
    application context (not a request). Returns RenderedMail; raises jinja2.TemplateNotFound when the text
    template is missing and KeyError when it lacks the subject or body block.
    """
    values = {**context, "language": language}
    with force_locale(language):
        subject = single_line(_render_block(f"{template}.txt", "subject", values))
        text = _render_block(f"{template}.txt", "body", values).strip("\n") + "\n"
        try:
            html = _render_block(f"{template}.html", "body", values)
        except TemplateNotFound:
            html = None
    return RenderedMail(subject, text, html)


def queue_template_mail(recipient: str, template: str, language: str, *, key: str,
                        headers: dict[str, str] | None = None, **context: Any) -> OutboxMessage:
    """Render a mail template in `language` and add it to the outbox in the caller's transaction.

    `key` identifies the logical message (unique per recipient, see queue_mail). Returns the outbox row.
    """
    mail = render_mail(template, language, **context)
    return queue_mail(recipient, mail.subject, mail.text, key=key, body_html=mail.html, headers=headers)
