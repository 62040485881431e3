"""The working-group rules as plain functions: state, proposals, decisions, joining and leaving, the chair."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import select, text, update
from sqlalchemy.exc import IntegrityError

from network.audit.models import AuditEntry
from network.extensions import db
from network.groups import membership, proposals
from network.groups.lifecycle import GroupError, GroupState, group_state, state_condition
from network.groups.models import APPROVED, DECLINED, PENDING, GroupMembership, WorkingGroup
from network.mail.models import OutboxMessage
from network.mailing.models import MailingList, Subscriber, Subscription
from network.timeutil import helsinki_today

from .conftest import active_dates, closed_dates, make_group


@pytest.fixture(autouse=True)
def english(app):
    """Refusals read in English here (other languages have their own tests)."""
    with force_locale("en"):
        yield


def _data(**fields) -> proposals.GroupData:
    today = helsinki_today()
    values = {
        "name_fi": "Osallisuuden mittarit",
        "theme_fi": "Miten kunnat mittaavat osallisuutta",
        "mandate_fi": "## Tarkoitus\n\nKoota mittarit.",
        "signup_deadline": today + timedelta(days=10),
        "term_end": today + timedelta(days=100),
    }
    values.update(fields)
    return proposals.GroupData(**values)


# --- state ---------------------------------------------------------------------------------------------------


def test_state_follows_dates_and_decisions():
    day = date(2026, 9, 1)
    group = WorkingGroup(decision=PENDING, signup_deadline=date(2026, 9, 17), term_end=date(2027, 1, 31))
    assert group_state(group, day) == GroupState.PROPOSED
    group.decision = DECLINED
    assert group_state(group, day) == GroupState.DECLINED
    group.decision = APPROVED
    assert group_state(group, day) == GroupState.OPEN
    # Sign-up is open through the deadline day, active the next day, through the term end, closed after it.
    assert group_state(group, date(2026, 9, 17)) == GroupState.OPEN
    assert group_state(group, date(2026, 9, 18)) == GroupState.ACTIVE
    assert group_state(group, date(2027, 1, 31)) == GroupState.ACTIVE
    assert group_state(group, date(2027, 2, 1)) == GroupState.CLOSED


def test_closed_by_tick_before_term_end_stays_closed():
    from network.timeutil import utcnow

    group = WorkingGroup(decision=APPROVED, signup_deadline=date(2026, 9, 17), term_end=date(2027, 1, 31),
                         closed_at=utcnow())
    assert group_state(group, date(2026, 10, 1)) == GroupState.CLOSED


def test_sql_condition_agrees_with_the_function(app):
    today = helsinki_today()
    groups = [
        make_group(decision=PENDING),
        make_group(decision=DECLINED),
        make_group(),
        make_group(signup_deadline=today, term_end=today),
        make_group(**active_dates()),
        make_group(**closed_dates()),
    ]
    for state in GroupState:
        in_sql = set(db.session.scalars(select(WorkingGroup.id).where(state_condition(state, today))))
        in_python = {g.id for g in groups if group_state(g, today) == state}
        assert in_sql == in_python, state


# --- proposals -------------------------------------------------------------------------------------------------


def test_propose_stores_a_pending_group_and_tells_the_coordinators(app, people, coordinator):
    group = proposals.propose(people["aino"], _data(max_size=8), "fi")
    db.session.commit()
    told = db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == coordinator.email))
    assert told.subject == "Uusi työryhmäehdotus: Osallisuuden mittarit"
    assert f"/admin/groups/{group.id}/decide" in told.body_text
    assert group.decision == PENDING
    assert group_state(group) == GroupState.PROPOSED
    assert group.proposer_id == people["aino"].id


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name_fi": ""}, "name_fi"),
        ({"name_fi": "Kaksi\nriviä"}, "name_fi"),
        ({"theme_fi": " "}, "theme_fi"),
        ({"mandate_fi": ""}, "mandate_fi"),
        ({"signup_deadline": None}, "signup_deadline"),
        ({"term_end": helsinki_today() - timedelta(days=1)}, "term_end"),
        ({"signup_deadline": helsinki_today() + timedelta(days=101)}, "signup_deadline"),
        ({"signup_deadline": helsinki_today() - timedelta(days=1)}, "signup_deadline"),
        ({"max_size": 0}, "max_size"),
        ({"term_end": helsinki_today() + timedelta(days=5 * 365)}, "term_end"),
    ],
)
def test_bad_proposals_are_refused_with_the_field(app, people, fields, field):
    with pytest.raises(GroupError) as error:
        proposals.propose(people["aino"], _data(**fields), "fi")
    assert error.value.field == field
    db.session.rollback()
    assert db.session.scalar(select(WorkingGroup.id)) is None


def test_deadline_after_term_end_message_in_swedish(app, people):
    with pytest.raises(GroupError) as error:
        proposals.propose(people["aino"], _data(signup_deadline=helsinki_today() + timedelta(days=200)), "fi")
    with force_locale("sv"):
        assert str(error.value) == "Sista anmälningsdagen måste vara senast den dag då mandatperioden slutar."
    with force_locale("fi"):
        assert str(error.value) == "Ilmoittautumisen määräpäivän on oltava viimeistään toimikauden viimeisenä päivänä."


def test_approve_creates_the_list_and_tells_the_proposer_in_their_language(app, coordinator, proposed_group):
    proposals.approve(proposed_group, coordinator)
    db.session.commit()
    assert proposed_group.decision == APPROVED
    assert group_state(proposed_group) == GroupState.OPEN
    mailing_list = db.session.scalar(select(MailingList).where(MailingList.owner_type == "group",
                                                               MailingList.owner_id == proposed_group.id))
    assert mailing_list is not None and mailing_list.kind == "group"
    mail = db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == "erik@vaasa.example"))
    assert mail.subject.startswith("Ditt förslag till arbetsgrupp har godkänts")
    assert "Kommunalvalsmål" in mail.subject
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "group.approve")) is not None


def test_approve_with_edits_and_decided_twice(app, coordinator, proposed_group):
    proposals.approve(proposed_group, coordinator, _data(name_fi="Muokattu nimi"))
    db.session.commit()
    assert proposed_group.name_fi == "Muokattu nimi"
    with pytest.raises(GroupError):
        proposals.approve(proposed_group, coordinator)
    with pytest.raises(GroupError):
        proposals.decline(proposed_group, coordinator, "Myöhässä")


def test_decline_needs_a_reason_and_sends_it(app, coordinator, people):
    group = make_group(decision=PENDING, decided_at=None, proposer_id=people["aino"].id, proposer_language="fi")
    with pytest.raises(GroupError) as error:
        proposals.decline(group, coordinator, "  ")
    assert error.value.field == "reason"
    proposals.decline(group, coordinator, "Aihe on jo toisen ryhmän työssä.")
    db.session.commit()
    assert group_state(group) == GroupState.DECLINED
    mail = db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == "aino@tampere.example"))
    assert mail.subject.startswith("Työryhmäehdotuksesi hylättiin")
    assert "Aihe on jo toisen ryhmän työssä." in mail.body_text


# --- joining and leaving -------------------------------------------------------------------------------------


def _subscription(user, group) -> Subscription | None:
    return db.session.scalar(
        select(Subscription).join(Subscriber).join(MailingList, MailingList.id == Subscription.list_id)
        .where(Subscriber.user_id == user.id, MailingList.owner_type == "group", MailingList.owner_id == group.id)
    )


def test_join_subscribes_and_leave_unsubscribes(app, people, open_group):
    membership.join(open_group, people["aino"])
    db.session.commit()
    assert open_group.member_count == 1
    subscription = _subscription(people["aino"], open_group)
    assert subscription.active and subscription.is_member
    membership.leave(open_group, people["aino"])
    db.session.commit()
    assert open_group.member_count == 0
    assert membership.member_total(open_group) == 0
    subscription = _subscription(people["aino"], open_group)
    assert not subscription.active and not subscription.is_member


def test_a_member_of_an_active_or_closed_group_is_told_they_are_a_member(app, people):
    """A fresh tester, a member of an active group, was told sign-up had closed and to ask the chair."""
    for dates in (active_dates(), closed_dates()):
        group = make_group(**dates)
        db.session.add(GroupMembership(group_id=group.id, user_id=people["aino"].id))
        db.session.commit()
        assert membership.join_refusal(group, people["aino"]) == "You are already a member of this group."
        assert "already a member" not in (membership.join_refusal(group, people["erik"]) or "")


def test_joining_twice_is_refused(app, people, open_group):
    membership.join(open_group, people["aino"])
    db.session.commit()
    with pytest.raises(GroupError, match="already a member"):
        membership.join(open_group, people["aino"])
    db.session.rollback()
    assert membership.member_total(open_group) == 1


def test_full_group_is_refused(app, people):
    group = make_group(max_size=2)
    membership.join(group, people["aino"])
    membership.join(group, people["erik"])
    db.session.commit()
    with pytest.raises(GroupError, match="full"):
        membership.join(group, people["sanna"])
    db.session.rollback()
    assert group.member_count == 2


def test_database_refuses_a_count_above_the_maximum(app):
    group = make_group(max_size=1, member_count=1)
    with pytest.raises(IntegrityError):
        db.session.execute(update(WorkingGroup).where(WorkingGroup.id == group.id).values(member_count=2))
        db.session.flush()
    db.session.rollback()


def test_database_refuses_a_second_membership_row(app, people, open_group):
    db.session.add(GroupMembership(group_id=open_group.id, user_id=people["aino"].id))
    db.session.commit()
    db.session.add(GroupMembership(group_id=open_group.id, user_id=people["aino"].id))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_join_a_closed_proposed_or_active_group_is_refused(app, people):
    for fields, message in (
        (closed_dates(), "closed"),
        ({"decision": PENDING}, "not open"),
        (active_dates(), "ask the chair"),
    ):
        group = make_group(**fields)
        with pytest.raises(GroupError, match=message):
            membership.join(group, people["aino"])
        db.session.rollback()
        assert membership.member_total(group) == 0


def test_closed_group_refuses_leaving_and_editing_but_takes_its_report(app, people, coordinator):
    group = make_group(**closed_dates(), member_count=1)
    db.session.add(GroupMembership(group_id=group.id, user_id=people["aino"].id))
    db.session.commit()
    with pytest.raises(GroupError, match="closed"):
        membership.leave(group, people["aino"])
    db.session.rollback()
    with pytest.raises(GroupError, match="closed"):
        proposals.update_group(group, coordinator, _data())
    db.session.rollback()
    proposals.save_final_report(group, people["aino"], "## Tulokset\n\nTavoitteet hyväksyttiin.")
    db.session.commit()
    assert group.final_report_fi.startswith("## Tulokset")


def test_ask_to_join_after_deadline_and_chair_accepts(app, people):
    group = make_group(**active_dates(), member_count=1, chair_id=people["aino"].id)
    db.session.add(GroupMembership(group_id=group.id, user_id=people["aino"].id))
    db.session.commit()
    request = membership.ask_to_join(group, people["erik"], "Haluaisin mukaan.")
    db.session.commit()
    to_chair = db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == "aino@tampere.example"))
    assert "Erik Lindqvist" in to_chair.subject
    with pytest.raises(GroupError, match="already asked"):
        membership.ask_to_join(group, people["erik"])
    db.session.rollback()
    with pytest.raises(GroupError):
        membership.decide_request(request, people["sanna"], accept=True)  # not the chair
    db.session.rollback()
    membership.decide_request(request, people["aino"], accept=True)
    db.session.commit()
    assert membership.find_membership(group, people["erik"]) is not None
    assert group.member_count == 2
    told = db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == "erik@vaasa.example"))
    assert told.subject.startswith("Välkommen")


def test_ask_to_join_refused_while_open(app, people, open_group):
    with pytest.raises(GroupError, match="join directly"):
        membership.ask_to_join(open_group, people["erik"])


# --- chair -----------------------------------------------------------------------------------------------------


def test_chair_must_be_a_member_and_can_hand_over(app, people, coordinator, open_group):
    with pytest.raises(GroupError, match="must be a member") as error:
        proposals.appoint_chair(open_group, coordinator, people["aino"])
    assert error.value.field == "chair"
    db.session.rollback()
    membership.join(open_group, people["aino"])
    membership.join(open_group, people["erik"])
    proposals.appoint_chair(open_group, coordinator, people["aino"])
    db.session.commit()
    assert open_group.chair_id == people["aino"].id
    mailing_list = proposals.group_list(open_group)
    assert mailing_list.chair_id == people["aino"].id
    with pytest.raises(GroupError):
        proposals.appoint_chair(open_group, people["sanna"], people["erik"])  # not the chair
    db.session.rollback()
    proposals.appoint_chair(open_group, people["aino"], people["erik"])
    db.session.commit()
    assert open_group.chair_id == people["erik"].id
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "group.chair_handover")) is not None


def test_a_chair_who_leaves_is_no_longer_chair(app, people, coordinator, open_group):
    membership.join(open_group, people["aino"])
    proposals.appoint_chair(open_group, coordinator, people["aino"])
    membership.leave(open_group, people["aino"])
    db.session.commit()
    assert open_group.chair_id is None
    assert proposals.group_list(open_group).chair_id is None


def test_max_size_cannot_go_below_members(app, people, coordinator, open_group):
    membership.join(open_group, people["aino"])
    membership.join(open_group, people["erik"])
    db.session.commit()
    with pytest.raises(GroupError) as error:
        proposals.update_group(open_group, coordinator, _data(max_size=1, signup_deadline=open_group.signup_deadline))
    assert error.value.field == "max_size"


def test_check_constraint_exists_in_the_database(app):
    # The size rule is a constraint of the table, not only of the ORM.
    if db.engine.dialect.name == "postgresql":
        names = set(db.session.scalars(text(
            "SELECT conname FROM pg_constraint WHERE conrelid = 'working_groups'::regclass AND contype = 'c'")))
        assert "ck_working_groups_max_size" in names


def test_approving_a_proposal_whose_deadline_has_passed_needs_a_new_deadline(app, coordinator, people):
    today = helsinki_today()
    group = make_group(decision=PENDING, decided_at=None, signup_deadline=today - timedelta(days=1),
                       term_end=today + timedelta(days=30))
    with pytest.raises(GroupError) as error:
        proposals.approve(group, coordinator)
    assert error.value.field == "signup_deadline"
    db.session.rollback()
    proposals.approve(group, coordinator, _data(signup_deadline=today + timedelta(days=7),
                                                term_end=today + timedelta(days=30)))
    db.session.commit()
    assert group_state(group) == GroupState.OPEN
