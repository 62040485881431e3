"""Forms that queue mail are idempotent: two identical submissions, one after the other or from two threads at the
same instant, have one effect and give the same answer, never a 500 (on SQLite and on PostgreSQL)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from network.extensions import db
from network.mail.models import OutboxMessage
from network.mailing import subscriptions
from network.mailing.models import MeetingInvitation, Post
from network.meetings.models import Meeting, MeetingRegistration
from network.meetings.scheduling import MeetingData, create_meeting
from tests.conftest import create_user, log_in, session_identifier
from tests.factories import make_subscribers


def _outbox() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(OutboxMessage.id))) or 0


def _answer(response) -> tuple[int, str | None]:
    return response.status_code, response.location


def twice_at_once(app, send, user=None) -> list:
    """Run `send(client)` in two threads released at the same instant, each with its own client (and session)."""
    subscriptions.main_list()  # exists on a running site (created on first use)
    db.session.commit()
    user_id = session_identifier(user) if user is not None else None
    db.session.remove()
    barrier = threading.Barrier(2)
    results: list = [None, None]

    def run(index: int) -> None:
        client = app.test_client()
        if user_id is not None:
            with client.session_transaction() as session:
                session["_user_id"] = user_id
                session["_fresh"] = True
        barrier.wait(10)
        try:
            results[index] = send(client)
        except BaseException as exc:  # reported by the assertion below
            results[index] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    for result in results:
        assert not isinstance(result, BaseException), result
        assert result.status_code < 500, result.get_data(as_text=True)[:2000]
    return results


def twice_in_a_row(app, send, user=None) -> list:
    client = app.test_client()
    if user is not None:
        log_in(client, user)
    return [send(client), send(client)]


BOTH = pytest.mark.parametrize("fire", [twice_in_a_row, twice_at_once], ids=["in_a_row", "at_once"])


@BOTH
def test_subscribe(app, fire):
    def send(client):
        return client.post("/subscribe", data={"email": "tiina@example.fi", "name": "Tiina", "language": "fi"})

    first, second = fire(app, send)
    assert first.status_code == second.status_code == 200
    assert _outbox() == 1


@BOTH
def test_manage_link_for_a_confirmed_address(app, fire):
    make_subscribers(1)

    def send(client):
        return client.post("/subscriptions", data={"email": "sub00000@example.fi"})

    first, second = fire(app, send)
    assert _answer(first) == _answer(second) and first.status_code == 302
    assert _outbox() == 1


@BOTH
def test_resend_confirmation(app, fire):
    create_user("new@example.fi", confirmed=False)

    def send(client):
        return client.post("/confirm", data={"email": "new@example.fi"})

    first, second = fire(app, send)
    assert _answer(first) == _answer(second) and first.status_code == 302
    assert _outbox() == 1


@BOTH
def test_password_reset(app, fire):
    create_user("old@example.fi")

    def send(client):
        return client.post("/reset", data={"email": "old@example.fi"})

    first, second = fire(app, send)
    assert _answer(first) == _answer(second) and first.status_code == 302
    assert _outbox() == 1


def _meeting(**changes):
    starts = datetime.now(UTC).replace(microsecond=0, second=0, minute=0) + timedelta(days=30)
    meeting = create_meeting(MeetingData(title_fi="Verkostokokous", starts_at=starts, ends_at=starts + timedelta(hours=3),
                                         mode="hybrid", venue="Kuntatalo", online_url="https://meet.example/v",
                                         **changes))
    db.session.commit()
    return meeting


@BOTH
def test_register_for_a_meeting(app, member, fire):
    meeting_id = _meeting().id

    def send(client):
        return client.post(f"/meetings/{meeting_id}/register", data={"mode": "in_person"})

    first, second = fire(app, send, member)
    assert _answer(first) == _answer(second) and first.status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(func.count(MeetingRegistration.id))) == 1


@BOTH
def test_send_a_post(app, coordinator, fire):
    make_subscribers(3)
    list_id = subscriptions.main_list().id
    db.session.commit()
    form = {"mailing_list": list_id, "subject_fi": "Uutiset", "body_fi": "Teksti", "subject_sv": "", "body_sv": "",
            "when": "now", "submit": "Send", "confirm": "Confirm and send"}

    def send(client):
        return client.post("/posts/new", data=form)

    first, second = fire(app, send, coordinator)
    assert _answer(first) == _answer(second) and first.status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Post.id))) == 1
    assert _outbox() == 3, "the list is mailed once"


@BOTH
def test_send_invites(app, coordinator, fire):
    make_subscribers(3)
    list_id = subscriptions.main_list().id
    meeting_id = _meeting().id

    def send(client):
        return client.post("/mailing/invite", data={"meeting": meeting_id, "mailing_list": list_id,
                                                     "confirm": "Confirm and send"})

    first, second = fire(app, send, coordinator)
    assert _answer(first) == _answer(second) and first.status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(func.count(MeetingInvitation.id))) == 3
    assert _outbox() == 3


@BOTH
def test_plan_a_year(app, fire):
    """The year planner sent twice (a double click, two coordinators): one set of drafts, never a 500."""
    from tests.meetings.test_views import plan_form

    coordinator = create_user("kaisa@example.fi", "Kaisa", role="coordinator")
    reader = app.test_client()
    log_in(reader, coordinator)
    data = plan_form(reader.get("/admin/meetings/plan/2031").get_data(as_text=True))
    assert sum(1 for key in data if key.endswith("-day")) == 4

    def send(client):
        return client.post("/admin/meetings/plan/2031", data=data)

    first, second = fire(app, send, coordinator)
    assert sorted(r.status_code for r in (first, second)) == [302, 422]
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Meeting).where(Meeting.plan_year == 2031)) == 4
