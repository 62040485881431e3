"""The daily time-driven work of working groups (`flask --app wsgi groups tick`), safe to run any number of times.

Two weeks before the term end the members are reminded that the term ends and the chair is reminded to write the
final report; after the term end the group is closed (its list is archived). Each step is recorded on the group
(`members_reminded_at`, `chair_reminded_at`, `closed_at`) and the outbox refuses a second row with the same key and
recipient, so a second run the same day (or two runs at once) changes and sends nothing more.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import lazyload

from ..audit.trail import record_change
from ..extensions import db
from ..links import absolute_url
from ..timeutil import helsinki_today, utcnow
from . import notify
from .lifecycle import GroupState, group_state
from .membership import group_members
from .models import APPROVED, WorkingGroup
from .proposals import group_list

REMINDER_DAYS = 14


@dataclass
class TickResult:
    """How many groups had their members reminded, their chair reminded, or were closed."""

    members_reminded: int = 0
    chairs_reminded: int = 0
    closed: int = 0


def tick(today: date | None = None) -> TickResult:
    """Do the day's work for every approved group not yet closed; returns what was done (the caller commits)."""
    today = today or helsinki_today()
    result = TickResult()
    statement = select(WorkingGroup).where(WorkingGroup.decision == APPROVED, WorkingGroup.closed_at.is_(None))
    if db.engine.dialect.name == "postgresql":
        statement = statement.options(lazyload("*")).with_for_update(skip_locked=True, of=WorkingGroup)
    for group in db.session.scalars(statement.order_by(WorkingGroup.id)).unique():
        state = group_state(group, today)
        if state == GroupState.CLOSED:
            _close(group)
            result.closed += 1
            continue
        if today >= group.term_end - timedelta(days=REMINDER_DAYS):
            if group.members_reminded_at is None:
                _remind_members(group)
                result.members_reminded += 1
            if group.chair_reminded_at is None and not group.final_report_fi and group.chair is not None:
                _remind_chair(group)
                result.chairs_reminded += 1
    db.session.flush()
    return result


def _remind_members(group: WorkingGroup) -> None:
    for member in group_members(group):
        notify.send(member.email, "term_ending", notify.language_of(member), key=f"group-{group.id}-term-ending",
                    group=group, person=member.name)
    group.members_reminded_at = utcnow()


def _remind_chair(group: WorkingGroup) -> None:
    chair = group.chair
    notify.send(chair.email, "report_reminder", notify.language_of(chair), key=f"group-{group.id}-report-reminder",
                group=group, person=chair.name, report_url=absolute_url("groups.report", group_id=group.id,
                                                                     lang=notify.language_of(chair)))
    group.chair_reminded_at = utcnow()


def _close(group: WorkingGroup) -> None:
    group.closed_at = utcnow()
    mailing_list = group_list(group)
    mailing_list.archived = True
    record_change(None, "group.close", "working_group", group.id, summary=group.name_fi)
