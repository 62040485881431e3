"""Mails of the working groups, written to the outbox in the caller's transaction, each in its reader's language.

Bodies are templates under templates/groups/emails/<name>.txt (subject and body blocks), rendered by the shared
`network.mail.templates`.
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from sqlalchemy import select

from ..auth.models import User
from ..calendar.notices import Holder
from ..extensions import db
from ..links import absolute_url
from ..mail.templates import queue_template_mail
from ..meetings.models import Meeting
from .models import GroupMembership, WorkingGroup

LANGUAGES = ("fi", "sv", "en")


def language_of(user: Any, fallback: str | None = None) -> str:
    """The language to write to `user` in: theirs, else `fallback`, else the default (Finnish)."""
    for candidate in (getattr(user, "language", None), fallback):
        if candidate in LANGUAGES:
            return candidate
    return current_app.config.get("BABEL_DEFAULT_LOCALE", "fi")


def member_holders(meeting: Meeting, change: str = "updated") -> list[Holder]:
    """Place-holder source for the calendar domain's one notification rule (registered in hooks.py): a group's
    members hold a place in the group's meetings, so each gets the update or the CANCEL of them (once per address,
    in their language; an address an earlier source names, e.g. an invitee, is told by that source).

    Takes the meeting and "updated" / "cancelled"; returns the holders (none for a meeting of no group). Raises
    nothing.
    """
    if meeting.group_id is None:
        return []
    people = db.session.scalars(
        select(User).join(GroupMembership, GroupMembership.user_id == User.id)
        .where(GroupMembership.group_id == meeting.group_id).order_by(User.id)
    )
    return [Holder(person.email, person.name or person.email, language_of(person)) for person in people]


def group_name(group: WorkingGroup, language: str) -> str:
    """The group's name in `language` (Swedish when given, else Finnish)."""
    return group.name_sv if language == "sv" and group.name_sv else group.name_fi


def send(recipient_email: str, template: str, language: str, *, key: str, group: WorkingGroup,
         **context: Any) -> None:
    """Queue templates/groups/emails/<template>.txt to one address in `language` (the caller commits).

    The outbox keeps one row per (key, recipient), so a repeated run with the same key sends nothing twice.
    """
    queue_template_mail(
        recipient_email, f"groups/emails/{template}", language, key=key, group=group,
        name=group_name(group, language), group_url=absolute_url("groups.detail", group_id=group.id, lang=language), **context,
    )
