"""`flask groups tick`: reminders two weeks before the term end, closing after it; running it again does nothing."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from network.audit.models import AuditEntry
from network.extensions import db
from network.groups import membership, proposals
from network.groups.lifecycle import GroupState, group_state
from network.groups.tick import tick
from network.mail.models import OutboxMessage
from network.timeutil import helsinki_today

from .conftest import make_group


def _mails(recipient: str) -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == recipient)
                                   .order_by(OutboxMessage.id)))


def _group_with_members(people, coordinator, **fields):
    fields.setdefault("signup_deadline", helsinki_today())
    group = make_group(**fields)
    membership.join(group, people["aino"])
    membership.join(group, people["erik"])
    proposals.appoint_chair(group, coordinator, people["aino"])
    db.session.commit()
    return group


def test_reminders_two_weeks_before_the_term_end_once(app, people, coordinator):
    today = helsinki_today()
    _group_with_members(people, coordinator, term_end=today + timedelta(days=30))
    before = db.session.scalar(select(func.count(OutboxMessage.id)))
    # Too early: nothing.
    assert tick(today).members_reminded == 0
    # Two weeks before: each member once, in their language; the chair about the final report.
    day = today + timedelta(days=16)
    result = tick(day)
    db.session.commit()
    assert result.members_reminded == 1 and result.chairs_reminded == 1
    erik = [m for m in _mails("erik@vaasa.example") if "Kommunalvalsmål" in m.subject]
    assert len(erik) == 1 and erik[0].subject.startswith("Kommunalvalsmål slutar")
    aino = _mails("aino@tampere.example")
    assert any(m.subject.startswith("Loppuraportti") for m in aino)
    after = db.session.scalar(select(func.count(OutboxMessage.id)))
    # Idempotent: again the same day and the next day, nothing more.
    assert tick(day).members_reminded == 0
    assert tick(day + timedelta(days=1)).chairs_reminded == 0
    db.session.commit()
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == after > before


def test_no_report_reminder_when_the_report_is_written(app, people, coordinator):
    today = helsinki_today()
    group = _group_with_members(people, coordinator, term_end=today + timedelta(days=10))
    proposals.save_final_report(group, people["aino"], "Valmis.")
    db.session.commit()
    result = tick(today)
    assert result.members_reminded == 1 and result.chairs_reminded == 0


def test_closing_after_the_term_end_archives_the_list(app, people, coordinator):
    today = helsinki_today()
    group = _group_with_members(people, coordinator, term_end=today + timedelta(days=3))
    mailing_list = proposals.group_list(group)
    db.session.commit()
    assert tick(today + timedelta(days=3)).closed == 0
    result = tick(today + timedelta(days=4))
    db.session.commit()
    assert result.closed == 1
    assert group.closed_at is not None and group_state(group) == GroupState.CLOSED
    assert mailing_list.archived
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "group.close")) is not None
    assert tick(today + timedelta(days=5)).closed == 0


def test_declined_and_proposed_groups_are_left_alone(app):
    today = helsinki_today()
    make_group(decision="pending", term_end=today + timedelta(days=5), signup_deadline=today)
    make_group(decision="declined", term_end=today + timedelta(days=5), signup_deadline=today)
    result = tick(today + timedelta(days=30))
    assert (result.members_reminded, result.chairs_reminded, result.closed) == (0, 0, 0)


def test_the_command(app, people, coordinator):
    today = helsinki_today()
    _group_with_members(people, coordinator, term_end=today + timedelta(days=5))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["groups", "tick"])
    assert result.exit_code == 0, result.output
    assert "Members reminded in 1 groups" in result.output
    result = runner.invoke(args=["groups", "tick"])
    assert "Members reminded in 0 groups, chairs reminded in 0, 0 groups closed." in result.output
    result = runner.invoke(args=["groups", "tick", "--today", (today + timedelta(days=6)).isoformat()])
    assert "1 groups closed" in result.output
