"""Delivery that loses nothing, against a real SMTP server (aiosmtpd on 127.0.0.1)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from network.extensions import db
from network.mail.delivery import BOUNCE_LIMIT, deliver_all, deliver_batch, relay_status
from network.mail.models import FAILED, PENDING, SENT, SKIPPED, AddressHealth, OutboxMessage
from network.mail.outbox import queue_mail
from network.mailing import lists, subscriptions
from network.timeutil import as_utc, utcnow
from tests.factories import make_post, make_subscribers
from tests.support.mail import text_body

ROOT = Path(__file__).resolve().parents[2]


def _statuses() -> Counter:
    return Counter(dict(db.session.execute(
        select(OutboxMessage.status, func.count(OutboxMessage.id)).group_by(OutboxMessage.status)).all()))


def test_post_to_500_subscribers_arrives_exactly_once_each_with_list_headers(app, smtp_server):
    make_subscribers(500)
    post = make_post(body="Hei!\n\n[Verkosto](https://kuntademokratia.example)")
    assert post.recipient_count == 500
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 500, "one row per recipient, same commit"
    report = deliver_all()
    assert report.sent == 500 and report.failed == 0

    by_recipient = Counter(r for item in smtp_server.received for r in item.rcpt_tos)
    assert len(by_recipient) == 500
    assert set(by_recipient.values()) == {1}
    message_ids = set()
    for item in smtp_server.received[:50]:
        message = item.message
        assert message["Subject"] == "Tervehdys verkostolle"
        assert re.fullmatch(r"<[^<>@\s]+@[^<>@\s]+>", message["Message-ID"])
        message_ids.add(message["Message-ID"])
        assert message["List-Id"].endswith("<main.lists.kuntademokratia.example>")
        unsubscribe = message["List-Unsubscribe"]
        assert re.search(r"<http://localhost/unsubscribe/[^>]+>", unsubscribe)
        assert re.search(r"<mailto:unsubscribe@kuntademokratia\.example\?subject=[^>]+>", unsubscribe)
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert message["List-Archive"] == "<http://localhost/posts?lang=fi>"
        assert message["List-Help"] == "<http://localhost/subscribe?lang=fi>"
        assert message["Precedence"] == "list"
        assert "List-Post" not in message, "announcement list: replies not allowed"
        assert message.get_content_type() == "multipart/alternative"
        assert "Hei!" in text_body(message)
        html = message.get_body(preferencelist=("html",)).get_content()
        assert '<a href="https://kuntademokratia.example"' in html
        assert re.search(r'href="http://localhost/unsubscribe/[^"\x00]+"', html)
        assert re.search(r'href="http://localhost/subscriptions/[^"\x00]+"', html)
    assert len(message_ids) == 50
    assert _statuses() == Counter({SENT: 500})


def test_list_post_header_when_replies_are_allowed(app, smtp_server):
    mailing_list = lists.main_list()
    mailing_list.post_address = "verkosto-lista@kuntademokratia.example"
    make_subscribers(1)
    make_post()
    deliver_all()
    message = smtp_server.messages_to("sub00000@example.fi")[0]
    assert message["List-Post"] == "<mailto:verkosto-lista@kuntademokratia.example>"


def test_swedish_subscribers_get_the_swedish_text(app, smtp_server):
    make_subscribers(1, language="sv", prefix="sv")
    make_subscribers(1, language="fi", prefix="fi")
    make_subscribers(1, language="en", prefix="en")
    make_post(subject="Hei", body="Suomeksi", subject_sv="Hej", body_sv="På svenska")
    deliver_all()
    swedish = smtp_server.messages_to("sv00000@example.fi")[0]
    assert swedish["Subject"] == "Hej" and "På svenska" in text_body(swedish)
    assert "Avsluta" in text_body(swedish) or "unsubscribe" in text_body(swedish).lower()
    finnish = smtp_server.messages_to("fi00000@example.fi")[0]
    assert finnish["Subject"] == "Hei" and "Suomeksi" in text_body(finnish)
    english = smtp_server.messages_to("en00000@example.fi")[0]
    assert english["Subject"] == "Hei" and "Unsubscribe:" in text_body(english)


def test_temporary_refusal_is_retried_and_delivered(app, smtp_server):
    app.config["MAIL_RETRY_BASE_SECONDS"] = 0
    make_subscribers(3)
    smtp_server.refuse("sub00001@example.fi", "451 4.3.0 Try again later", "421 4.7.0 Busy")
    make_post()
    report = deliver_all()
    assert report.retried == 2 and report.sent == 3 and report.failed == 0
    assert len(smtp_server.messages_to("sub00001@example.fi")) == 1
    row = db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == "sub00001@example.fi"))
    assert row.status == SENT and row.attempts == 2


def test_backoff_waits_before_retrying(app, smtp_server):
    make_subscribers(1)
    smtp_server.refuse("sub00000@example.fi", "450 Mailbox busy")
    make_post()
    report = deliver_all()
    assert report.retried == 1 and report.sent == 0
    row = db.session.scalar(select(OutboxMessage))
    assert row.status == PENDING and as_utc(row.next_attempt_at) > utcnow() + timedelta(seconds=50)
    assert deliver_all().handled == 0, "not due yet"
    row.next_attempt_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert deliver_all().sent == 1


def test_permanent_refusal_fails_the_row_and_repeated_bounces_mark_the_address_failing(app, smtp_server, client):
    make_subscribers(2)
    address = "sub00000@example.fi"
    smtp_server.refuse(address, *["550 5.1.1 No such user"] * BOUNCE_LIMIT)
    for n in range(BOUNCE_LIMIT):
        make_post(subject=f"Viesti {n}")
        deliver_all()
        row = db.session.scalar(
            select(OutboxMessage).where(OutboxMessage.recipient == address).order_by(OutboxMessage.id.desc()))
        assert row.status == FAILED and row.last_error.startswith("550")
    health = db.session.scalar(select(AddressHealth).where(AddressHealth.email == address))
    assert health.bounce_count == BOUNCE_LIMIT and health.failing_since is not None
    assert subscriptions.is_failing(address)

    # No more sends to it: not even queued.
    post = make_post(subject="Viimeinen")
    assert post.recipient_count == 1
    deliver_all()
    assert smtp_server.messages_to(address) == []
    assert len(smtp_server.messages_to("sub00001@example.fi")) == BOUNCE_LIMIT + 1


def test_rows_queued_before_an_address_failed_or_unsubscribed_are_not_sent(app, smtp_server):
    subscribers = make_subscribers(3)
    make_post()
    failing = AddressHealth(email=subscribers[0].email, bounce_count=3, failing_since=utcnow())
    db.session.add(failing)
    subscriptions.unsubscribe(subscribers[1], lists.main_list())
    db.session.commit()
    report = deliver_all()
    assert report.sent == 1 and report.skipped == 2
    assert [r.rcpt_tos for r in smtp_server.received] == [[subscribers[2].email]]
    reasons = set(db.session.scalars(select(OutboxMessage.last_error).where(OutboxMessage.status == SKIPPED)))
    assert reasons == {"address is failing (repeated permanent bounces)", "unsubscribed before delivery"}


def test_unconfirmed_and_unsubscribed_addresses_get_nothing(app, smtp_server):
    make_subscribers(2, prefix="unconfirmed", confirmed=False)
    make_subscribers(2, prefix="gone", active=False)
    make_subscribers(1, prefix="ok")
    post = make_post()
    assert post.recipient_count == 1
    deliver_all()
    assert [r.rcpt_tos for r in smtp_server.received] == [["ok00000@example.fi"]]


class Killed(BaseException):
    """Stands for the worker process dying: nothing after it runs (not even except Exception blocks)."""


def test_worker_stopped_half_way_and_restarted_delivers_the_rest_without_duplicates(app, smtp_server):
    make_subscribers(200)
    make_post()
    sent_before_kill = []

    def die_half_way(message):
        sent_before_kill.append(message.recipient)
        if len(sent_before_kill) == 60:
            raise Killed

    with pytest.raises(Killed):
        deliver_batch(100, after_send=die_half_way)
    db.session.rollback()
    assert len(smtp_server.received) == 60
    # The dead worker's claim still holds its other 40 rows: a second worker does not take them yet...
    report = deliver_all(100)
    assert report.sent == 100
    assert _statuses()[PENDING] == 40
    # ...until the claim expires.
    db.session.execute(update(OutboxMessage).where(OutboxMessage.status == PENDING)
                       .values(claimed_until=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert deliver_all(100).sent == 40
    counts = Counter(r for item in smtp_server.received for r in item.rcpt_tos)
    assert len(counts) == 200 and set(counts.values()) == {1}


def test_a_real_worker_process_killed_mid_batch_and_restarted(app, smtp_server, tmp_path):
    """`flask mail deliver` in its own process, SIGKILLed while sending, then run again."""
    make_subscribers(300)
    make_post()
    env = {
        **os.environ,
        "APP_CONFIG": "development",
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(smtp_server.port),
        "MAIL_BATCH_SIZE": "50",
        "NETWORK_INLINE_WORKER": "0",
    }
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "mail", "deliver", "--once"]
    worker = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while len(smtp_server.received) < 60 and time.monotonic() < deadline:
        time.sleep(0.005)
    worker.send_signal(signal.SIGKILL)
    worker.wait(10)
    received_at_kill = len(smtp_server.received)
    assert 0 < received_at_kill < 300, "the worker was killed mid-way"
    # Time passes: the dead worker's claims expire.
    db.session.execute(update(OutboxMessage).where(OutboxMessage.status == PENDING)
                       .values(claimed_until=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "sent" in result.stdout
    counts = Counter(r for item in smtp_server.received for r in item.rcpt_tos)
    assert len(counts) == 300
    duplicates = {address: n for address, n in counts.items() if n > 1}
    # At most the one message in flight when the process died (accepted by the server, not yet marked sent).
    assert len(duplicates) <= 1, duplicates
    db.session.expire_all()
    assert _statuses() == Counter({SENT: 300})


def test_server_that_drops_the_connection_is_retried(app, smtp_server):
    app.config["MAIL_RETRY_BASE_SECONDS"] = 0
    make_subscribers(3)
    make_post()
    smtp_server.refuse("sub00001@example.fi", "421 4.3.2 Service shutting down")
    report = deliver_all()
    assert report.sent == 3
    counts = Counter(r for item in smtp_server.received for r in item.rcpt_tos)
    assert set(counts.values()) == {1} and len(counts) == 3


def test_unreachable_server_keeps_rows_for_later(app):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=1)
    from network.extensions import mail

    mail.init_app(app)
    make_subscribers(2)
    make_post()
    report = deliver_batch()
    assert report.deferred == 2 and report.retried == 0 and report.sent == 0
    assert _statuses() == Counter({PENDING: 2})
    # Our relay's problem: no attempt is counted against the messages, and coordinators are told.
    assert set(db.session.scalars(select(OutboxMessage.attempts))) == {0}
    assert relay_status().refusing_since is not None


def test_without_mail_server_messages_are_written_as_eml_files(app, tmp_path):
    app.config.update(MAIL_SERVER=None, MAIL_FILE_DIR=str(tmp_path))
    make_subscribers(2)
    make_post()
    assert deliver_all().sent == 2
    files = sorted(tmp_path.glob("*.eml"))
    assert len(files) == 2
    assert b"List-Unsubscribe-Post: List-Unsubscribe=One-Click" in files[0].read_bytes()


def test_subject_is_forced_onto_one_line_for_every_domain(app, smtp_server):
    queue_mail("x@example.fi", "Hello\r\nBcc: victim@example.fi", "body", key="t:1",
               headers={"X-Test": "a\r\nBcc: victim@example.fi"})
    db.session.commit()
    deliver_all()
    (item,) = smtp_server.received
    assert item.rcpt_tos == ["x@example.fi"]
    assert "Bcc" not in item.message
    assert item.message["Subject"] == "Hello Bcc: victim@example.fi"


def test_the_same_message_is_never_queued_twice_for_one_recipient(app):
    first = queue_mail("x@example.fi", "A", "body", key="same")
    db.session.commit()
    again = queue_mail("X@example.fi", "A", "body", key="same")
    db.session.commit()
    assert again.id == first.id, "the second call returns the row already queued"
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 1
    # The same address written in punycode is the same recipient.
    queue_mail("info@äänekoski.fi", "A", "body", key="same")
    queue_mail("INFO@xn--nekoski-4waa.fi", "A", "body", key="same")
    db.session.commit()
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 2


def test_cli_delivers_with_a_progress_bar(app, smtp_server):
    make_subscribers(30)
    make_post()
    result = app.test_cli_runner().invoke(args=["mail", "deliver", "--once"])
    assert result.exit_code == 0, result.output
    assert "Delivering" in result.output and "sent 30" in result.output
    assert len(smtp_server.received) == 30


def test_several_workers_at_once_send_each_message_once(app, smtp_server):
    """Four workers in threads, each with its own database session (SKIP LOCKED on PostgreSQL)."""
    import threading

    make_subscribers(240)
    make_post()
    db.session.remove()
    reports, errors = [], []

    def work():
        with app.app_context():
            try:
                reports.append(deliver_all(20))
            except Exception as exc:  # pragma: no cover - reported below
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not errors, errors
    assert sum(r.sent for r in reports) == 240
    assert sum(1 for r in reports if r.sent) >= 2, "the work was shared"
    counts = Counter(r for item in smtp_server.received for r in item.rcpt_tos)
    assert len(counts) == 240 and set(counts.values()) == {1}


def test_loop_worker_reports_each_batch_and_stops(app, smtp_server):
    import threading

    from network.mail.worker import run_loop

    make_subscribers(5)
    make_post()
    db.session.remove()
    stop = threading.Event()
    lines = []

    def on_report(report):
        lines.append(report.sent)
        stop.set()

    thread = threading.Thread(target=run_loop, args=(app, stop, 0.05, on_report))
    thread.start()
    thread.join(30)
    assert not thread.is_alive()
    assert lines == [5] and len(smtp_server.received) == 5


@pytest.mark.parametrize("with_calendar", [False, True])
def test_the_date_header_says_utc_not_an_unknown_zone(app, smtp_server, with_calendar):
    """RFC 5322 3.3: "-0000" means the local zone is unknown; every message said so. Both ways of composing (with
    and without a calendar part) now write "+0000", and the date is the time of sending."""
    calendar = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n" if with_calendar else None
    queue_mail("date.check@example.fi", "Päiväys", "Teksti", key=f"date-{with_calendar}", calendar=calendar,
               calendar_method="REQUEST" if with_calendar else None)
    db.session.commit()
    before = utcnow()
    deliver_all()
    (message,) = smtp_server.messages_to("date.check@example.fi")
    assert message["Date"].endswith("+0000"), message["Date"]
    sent = parsedate_to_datetime(message["Date"])
    assert abs((sent - as_utc(before)).total_seconds()) < 60


@pytest.mark.parametrize("language, footer", [("fi", "Saat tämän viestin, koska olet listalla"),
                                              ("sv", "Du får det här meddelandet eftersom du finns på listan"),
                                              ("en", "You receive this message because you are on the list")])
def test_the_footer_does_not_say_the_reader_subscribed(app, smtp_server, language, footer):
    """Members of a working group are put on its list when they join: a fresh tester read "because you
    subscribed" ("koska tilasit") in mail they never asked for. The footer says they are on the list."""
    (subscriber,) = make_subscribers(1, language=language)
    make_post(body="Hei!")
    deliver_all()
    (message,) = smtp_server.messages_to(subscriber.email)
    text = text_body(message)
    html = message.get_body(preferencelist=("html",)).get_content()
    assert footer in text and footer in html
    assert "tilasit" not in text and "you subscribed" not in text
