"""Mails of the working groups, written to the outbox in the caller's transaction, each in its reader's language.

Bodies are templates under templates/groups/emails/<name>.txt with the subject in `{% block subject %}`.
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import force_locale

from ..links import absolute_url
from ..mailing.outbox import queue_mail
from ..text import single_line
from .models import WorkingGroup

LANGUAGES = ("fi", "sv", "en")


def language_of(user: Any, fallback: str | None = None) -> str:
    """The language to write to `user` in: theirs, else `fallback`, else the default (Finnish)."""
    for candidate in (getattr(user, "language", None), fallback):
        if candidate in LANGUAGES:
            return candidate
    return current_app.config.get("BABEL_DEFAULT_LOCALE", "fi")


def group_name(group: WorkingGroup, language: str) -> str:
    """The group's name in `language` (Swedish when given, else Finnish)."""
    return group.name_sv if language == "sv" and group.name_sv else group.name_fi


def render(template: str, language: str, **context: Any) -> tuple[str, str]:
    """(subject, text) of templates/groups/emails/<template>.txt rendered in `language`."""
    with force_locale(language):
        tmpl = current_app.jinja_env.get_template(f"groups/emails/{template}.txt")
        full = dict(context, language=language)
        subject = "".join(tmpl.blocks["subject"](tmpl.new_context(full))).strip()
        body = "".join(tmpl.blocks["body"](tmpl.new_context(full))).strip()
    return single_line(subject), body + "\n"


def send(recipient_email: str, template: str, language: str, *, key: str, group: WorkingGroup,
         **context: Any) -> None:
    """Queue one mail to one address (unique per key and recipient, so a repeated run sends nothing twice)."""
    subject, body = render(
        template, language, group=group, name=group_name(group, language),
        group_url=absolute_url("groups.detail", group_id=group.id), **context,
    )
    queue_mail(recipient_email, subject, body, key=key)
