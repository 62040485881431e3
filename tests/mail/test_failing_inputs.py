"""The inputs of issue 9 that used to stop delivery for everyone: each now fails alone, or is delivered."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from sqlalchemy import func, select

from network.extensions import db
from network.mail.delivery import BOUNCE_LIMIT, deliver_all, relay_status
from network.mail.models import FAILED, PENDING, SENT, AddressHealth, FailureStage, OutboxMessage
from network.mail.outbox import queue_mail
from network.mail.worker import run_loop
from network.mailing import subscriptions
from network.mailing.models import Subscriber
from tests.factories import make_post, make_subscribers
from tests.support.mail import links_in, path_of, text_body

PUNY = "xn--nekoski-4waa.fi"
# The test relay asks for AUTH over plain text on 127.0.0.1; aiosmtpd warns about it for each connection.
AUTH_WITHOUT_TLS = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")


def _statuses() -> Counter:
    return Counter(dict(db.session.execute(
        select(OutboxMessage.status, func.count(OutboxMessage.id)).group_by(OutboxMessage.status)).all()))


def _subscribe_and_confirm(client, smtp_server, address: str) -> None:
    response = client.post("/subscribe", data={"email": address, "name": "Tiina", "language": "fi"})
    assert response.status_code == 200, response.get_data(as_text=True)
    report = deliver_all()
    assert report.sent == 1, report.errors
    confirm = [link for link in links_in(smtp_server.received[-1].message) if "/subscribe/confirm/" in link][0]
    assert client.post(path_of(confirm)).status_code == 200


# --- 1. Unicode domains and local parts ----------------------------------------------------------------------


def test_unicode_domain_subscribes_and_receives_posts_in_idna(app, client, smtp_server):
    make_subscribers(3)
    _subscribe_and_confirm(client, smtp_server, "tiina@äänekoski.fi")
    # The same domain typed in punycode is the same canonical address, not a second subscriber.
    _subscribe_and_confirm(client, smtp_server, f"info@{PUNY}")
    assert set(db.session.scalars(select(Subscriber.email).where(Subscriber.name == "Tiina"))) == {
        "tiina@äänekoski.fi", "info@äänekoski.fi"}
    make_post(subject="Tervehdys")
    smtp_server.received.clear()
    report = deliver_all()
    assert report.sent == 5 and report.failed == 0
    rcpts = Counter(r for item in smtp_server.received for r in item.rcpt_tos)
    assert rcpts[f"tiina@{PUNY}"] == 1 and rcpts[f"info@{PUNY}"] == 1 and set(rcpts.values()) == {1}
    message = smtp_server.messages_to(f"tiina@{PUNY}")[0]
    assert message["To"] == f"tiina@{PUNY}"
    assert _statuses() == Counter({SENT: 7})


def test_unicode_domain_in_an_eml_file_is_an_address_not_an_encoded_word(app, tmp_path):
    app.config.update(MAIL_SERVER=None, MAIL_FILE_DIR=str(tmp_path))
    queue_mail("tiina@äänekoski.fi", "Hei", "body", key="t:1")
    db.session.commit()
    assert deliver_all().sent == 1
    (eml,) = tmp_path.glob("*.eml")
    data = eml.read_bytes()
    assert f"To: tiina@{PUNY}\r\n".encode() in data
    assert b"=?utf-8?" not in data.split(b"\r\n\r\n", 1)[0].split(b"To:", 1)[1].split(b"\r\n", 1)[0]


def test_non_ascii_local_part_goes_with_smtputf8_when_offered(app, smtp_server):
    queue_mail("tiinä@äänekoski.fi", "Hei", "body", key="t:1")
    queue_mail("other@example.fi", "Hei", "body", key="t:1")
    db.session.commit()
    report = deliver_all()
    assert report.sent == 2, report.errors
    (message,) = smtp_server.messages_to(f"tiinä@{PUNY}")
    assert message["To"] == f"tiinä@{PUNY}"
    item = next(r for r in smtp_server.received if r.rcpt_tos == [f"tiinä@{PUNY}"])
    assert item.mail_from == "verkosto@kuntademokratia.example"


def test_non_ascii_local_part_fails_alone_without_smtputf8(app, ascii_smtp_server):
    """Issue 9, input 1: the worker died with UnicodeEncodeError and the batch stayed pending for ever."""
    make_subscribers(2, prefix="a")
    queue_mail("tiinä@example.fi", "Tervetuloa", "body", key="account:1")
    make_subscribers(2, prefix="b")
    for subscriber in db.session.scalars(select(Subscriber)):
        queue_mail(subscriber.email, "Tervetuloa", "body", key="account:1")
    db.session.commit()
    report = deliver_all()
    assert report.sent == 4 and report.failed == 1
    row = db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == "tiinä@example.fi"))
    assert row.status == FAILED and row.failure_stage == FailureStage.ADDRESS
    assert "SMTPUTF8" in row.last_error
    assert db.session.scalar(select(func.count(AddressHealth.id))) == 0, "not the recipient's bounce"
    assert len(ascii_smtp_server.received) == 4


# --- 2. Line separators in headers ---------------------------------------------------------------------------


def test_line_separator_in_a_subject_is_a_space_and_the_others_still_get_theirs(app, smtp_server):
    """Issue 9, input 2: a title pasted from a PDF with U+2028 made composing raise for the whole batch."""
    queue_mail("a@example.fi", "Kokous\u2028Helsingissä", "body", key="invite:1")
    queue_mail("b@example.fi", "Hakemus: Myrkky\u2029ry\x85\x0b\x0c", "body", key="apply:1",
               headers={"X-Organisation": "Myrkky\u2028ry"})
    queue_mail("c@example.fi", "Tavallinen", "body", key="other:1")
    db.session.commit()
    report = deliver_all()
    assert report.sent == 3 and report.failed == 0, report.errors
    assert smtp_server.messages_to("a@example.fi")[0]["Subject"] == "Kokous Helsingissä"
    second = smtp_server.messages_to("b@example.fi")[0]
    assert second["Subject"] == "Hakemus: Myrkky ry"
    assert second["X-Organisation"] == "Myrkky ry"


def test_display_name_with_line_separator_in_the_sender(app, smtp_server):
    queue_mail("a@example.fi", "Hei", "body", key="x:1", sender="Myrkky\u2028ry <verkosto@kuntademokratia.example>")
    db.session.commit()
    assert deliver_all().sent == 1
    assert smtp_server.received[0].message["From"].addresses[0].display_name == "Myrkky ry"


# --- one bad message fails alone -----------------------------------------------------------------------------


def _break_rows(ids: list[int]) -> None:
    """Rows that cannot be sent whatever the guards do: not an address, and a header value that is not text."""
    first, second = (db.session.get(OutboxMessage, i) for i in ids)
    first.recipient = "broken@@example.fi"
    first.list_id = None  # not list traffic: the subscription check does not skip it
    second.headers = {**(second.headers or {}), "X-Count": 5}
    db.session.commit()


def test_one_bad_row_in_the_middle_of_500_fails_alone(app, smtp_server):
    make_subscribers(500)
    make_post()
    ids = list(db.session.scalars(select(OutboxMessage.id).order_by(OutboxMessage.id)))
    _break_rows([ids[200], ids[321]])
    report = deliver_all()
    assert report.sent == 498 and report.failed == 2
    counts = Counter(r for item in smtp_server.received for r in item.rcpt_tos)
    assert len(counts) == 498 and set(counts.values()) == {1}
    failed = {row.id: row for row in db.session.scalars(select(OutboxMessage).where(OutboxMessage.status == FAILED))}
    assert set(failed) == {ids[200], ids[321]}
    assert failed[ids[200]].failure_stage == FailureStage.ADDRESS
    assert failed[ids[321]].failure_stage == FailureStage.COMPOSE and failed[ids[321]].last_error
    assert _statuses() == Counter({SENT: 498, FAILED: 2}), "nothing left pending or claimed"


def test_the_loop_worker_survives_bad_rows_and_delivers_the_rest(app, smtp_server):
    make_subscribers(20)
    make_post()
    ids = list(db.session.scalars(select(OutboxMessage.id).order_by(OutboxMessage.id)))
    _break_rows([ids[0], ids[10]])
    db.session.remove()
    stop = threading.Event()
    reports = []

    def on_report(report):
        reports.append(report)
        if sum(r.handled for r in reports) >= 20:
            stop.set()

    thread = threading.Thread(target=run_loop, args=(app, stop, 0.05, on_report))
    thread.start()
    thread.join(60)
    stop.set()
    assert not thread.is_alive()
    assert sum(r.sent for r in reports) == 18 and sum(r.failed for r in reports) == 2
    assert len(smtp_server.received) == 18


# --- 3. Replies classified by stage --------------------------------------------------------------------------


def test_relay_refusing_mail_from_is_not_a_bounce_and_the_list_recovers(app, smtp_server):
    """Issue 9, input 3: 530 to MAIL FROM counted every recipient a bounce; the list ended up 'failing'."""
    app.config["MAIL_RETRY_BASE_SECONDS"] = 0
    make_subscribers(4)
    for n in range(BOUNCE_LIMIT):
        smtp_server.refuse_mail_from("530 5.7.0 Authentication required")
        make_post(subject=f"Viesti {n}")
        report = deliver_all()
        assert report.sent == 0 and report.failed == 0 and report.deferred > 0
        assert report.relay_error.startswith("MAIL FROM: 530")
    assert db.session.scalar(select(func.count(AddressHealth.id))) == 0, "no bounce counted"
    assert set(db.session.scalars(select(OutboxMessage.attempts))) == {0}
    status = relay_status()
    assert status.refusing_since is not None and "530 5.7.0" in status.last_error
    assert _statuses() == Counter({PENDING: 4 * BOUNCE_LIMIT})

    # The relay is fixed: everything waiting goes, and the next post reaches every subscriber.
    report = deliver_all()
    assert report.sent == 4 * BOUNCE_LIMIT
    post = make_post(subject="Korjattu")
    assert post.recipient_count == 4
    assert deliver_all().sent == 4
    db.session.expire_all()
    assert relay_status().refusing_since is None


@AUTH_WITHOUT_TLS
def test_wrong_password_is_a_relay_problem_until_it_is_fixed(app, auth_smtp_server):
    make_subscribers(3)
    make_post()
    report = deliver_all()
    assert report.sent == 0 and report.deferred == 3 and report.relay_error.startswith("AUTH: 535")
    assert relay_status().refusing_since is not None
    assert db.session.scalar(select(func.count(AddressHealth.id))) == 0
    app.config.update(MAIL_PASSWORD="oikea", MAIL_RETRY_BASE_SECONDS=0)
    db.session.execute(OutboxMessage.__table__.update().values(next_attempt_at=func.now()))
    db.session.commit()
    assert deliver_all().sent == 3
    assert len(auth_smtp_server.received) == 3


def test_refusal_after_data_fails_the_message_without_a_bounce(app, smtp_server):
    make_subscribers(3)
    smtp_server.refuse_data("sub00001@example.fi", "554 5.7.1 Message content rejected")
    make_post()
    report = deliver_all()
    assert report.sent == 2 and report.failed == 1
    row = db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == "sub00001@example.fi"))
    assert row.status == FAILED and row.failure_stage == FailureStage.MESSAGE
    assert row.last_error.startswith("554 5.7.1")
    assert db.session.scalar(select(func.count(AddressHealth.id))) == 0
    assert not subscriptions.is_failing("sub00001@example.fi")


def test_refusal_of_rcpt_is_that_recipients_bounce(app, smtp_server):
    make_subscribers(2)
    smtp_server.refuse("sub00000@example.fi", "550 5.1.1 No such user")
    make_post()
    deliver_all()
    row = db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == "sub00000@example.fi"))
    assert row.failure_stage == FailureStage.RECIPIENT
    health = db.session.scalar(select(AddressHealth))
    assert health.email == "sub00000@example.fi" and health.bounce_count == 1


def test_temporary_refusal_after_data_is_retried(app, smtp_server):
    app.config["MAIL_RETRY_BASE_SECONDS"] = 0
    make_subscribers(1)
    smtp_server.refuse_data("sub00000@example.fi", "451 4.3.0 Try later")
    make_post()
    report = deliver_all()
    assert report.retried == 1 and report.sent == 1
    assert text_body(smtp_server.received[0].message)


@AUTH_WITHOUT_TLS
def test_a_password_smtplib_cannot_encode_is_a_relay_problem_not_a_crash(app, auth_smtp_server):
    app.config.update(MAIL_PASSWORD="väärä")
    make_subscribers(2)
    make_post()
    report = deliver_all()
    assert report.deferred == 2 and report.relay_error.startswith("AUTH: ")
    assert _statuses() == Counter({PENDING: 2})
