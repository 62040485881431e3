"""Two joins at the same instant, each in its own connection and transaction: the maximum size and the one
membership per person hold (PostgreSQL: the group row lock, the CHECK constraint and the unique row)."""

from __future__ import annotations

import threading

import pytest
from flask_babel import force_locale

from network.extensions import db
from network.groups import membership
from network.groups.lifecycle import GroupError
from network.groups.models import WorkingGroup

from ..conftest import create_user
from .conftest import make_group


def _join_at_once(app, group_id: int, user_ids: list[int]) -> list[str]:
    """Each user id joins in its own thread, app context and database session, released together."""
    barrier = threading.Barrier(len(user_ids))
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(user_id: int) -> None:
        with app.app_context(), force_locale("en"):
            group = db.session.get(WorkingGroup, group_id)
            user = db.session.get(membership.User, user_id)
            barrier.wait(timeout=10)
            try:
                membership.join(group, user)
                db.session.commit()
                outcome = "joined"
            except GroupError as error:
                db.session.rollback()
                outcome = str(error.message)
            finally:
                db.session.remove()
            with lock:
                outcomes.append(outcome)

    threads = [threading.Thread(target=run, args=(user_id,)) for user_id in user_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


@pytest.fixture
def postgresql_only(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("concurrent transactions are tested on PostgreSQL (SQLite allows one writer at a time)")


def test_two_joins_for_the_last_place_at_the_same_instant(app, postgresql_only):
    group = make_group(max_size=1)
    first = create_user("first@example.fi", "First")
    second = create_user("second@example.fi", "Second")
    outcomes = _join_at_once(app, group.id, [first.id, second.id])
    assert sorted(outcomes) == ["The group is full.", "joined"]
    db.session.expire_all()
    group = db.session.get(WorkingGroup, group.id)
    assert group.member_count == 1
    assert membership.member_total(group) == 1


def test_the_same_person_joining_twice_at_the_same_instant(app, postgresql_only):
    group = make_group()
    person = create_user("twice@example.fi", "Twice")
    outcomes = _join_at_once(app, group.id, [person.id, person.id])
    assert sorted(outcomes) == ["You are already a member of this group.", "joined"]
    db.session.expire_all()
    group = db.session.get(WorkingGroup, group.id)
    assert group.member_count == 1
    assert membership.member_total(group) == 1


def test_many_joins_for_a_few_places(app, postgresql_only):
    group = make_group(max_size=3)
    people = [create_user(f"crowd{i}@example.fi", f"Crowd {i}") for i in range(8)]
    outcomes = _join_at_once(app, group.id, [p.id for p in people])
    assert outcomes.count("joined") == 3
    assert outcomes.count("The group is full.") == 5
    db.session.expire_all()
    group = db.session.get(WorkingGroup, group.id)
    assert group.member_count == 3 == membership.member_total(group)
