"""Fan-out benchmark: one list post to N subscribers, delivered to an SMTP sink running in its own process.

Compares, in the same run and against the same sink (aiosmtpd on 127.0.0.1, in a separate process so that it does
not compete with the measured code for the GIL):
  1. a baseline: plain smtplib sending the same, already composed messages over one connection, no database;
  2. the platform, from queueing to the last 250: `create_post` queues the post (one transaction), then the
     delivery worker (`deliver_all`, the code behind `flask mail deliver --once`) claims, composes, sends over
     MAIL_CONNECTIONS connections and marks each row sent;
  3. a kill and a restart: the post is queued again to the same subscribers, `flask mail deliver --loop` runs in
     its own process and is stopped (SIGTERM, then SIGKILL for a second run) part-way, then run again until the
     outbox is empty; the sink checks that each recipient received the post exactly once.

Usage (bounded in time: every phase has a deadline; only 127.0.0.1 is used):
  .venv/bin/python bench/fanout.py                          # 5,000 subscribers, SQLite file in a temporary dir
  .venv/bin/python bench/fanout.py --long                   # 50,000 subscribers
  .venv/bin/python bench/fanout.py --database-url postgresql+psycopg://network@127.0.0.1:55435/bench
  .venv/bin/python bench/fanout.py --profile 30             # also print the worker's 30 costliest functions
  .venv/bin/python bench/fanout.py --write docs/benchmarks.md
"""

from __future__ import annotations

import argparse
import cProfile
import io
import multiprocessing
import os
import platform
import pstats
import signal
import smtplib
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PHASE_DEADLINE = 1800  # seconds; a phase that takes longer is stopped and reported as such


# --- the sink, in its own process ---------------------------------------------------------------------------------


def _sink_main(port: int, control) -> None:
    """Run aiosmtpd on 127.0.0.1:port; answer "reset" and "counts" requests on the control pipe."""
    from aiosmtpd.controller import Controller

    counts: Counter = Counter()
    lock = threading.Lock()

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            with lock:
                for address in envelope.rcpt_tos:
                    counts[address] += 1
            return "250 OK"

    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    control.send("ready")
    while True:
        command = control.recv()
        if command == "reset":
            with lock:
                counts.clear()
            control.send("ok")
        elif command == "counts":
            with lock:
                control.send(dict(counts))
        else:
            break
    controller.stop()


class Sink:
    def __init__(self) -> None:
        self.port = free_port()
        self.control, child = multiprocessing.Pipe()
        self.process = multiprocessing.get_context("spawn").Process(target=_sink_main, args=(self.port, child),
                                                                    daemon=True)
        self.process.start()
        if not self.control.poll(30) or self.control.recv() != "ready":
            raise RuntimeError("the SMTP sink did not start")

    def reset(self) -> None:
        self.control.send("reset")
        self.control.recv()

    def counts(self) -> dict[str, int]:
        self.control.send("counts")
        return self.control.recv()

    def check(self, expected: int) -> str:
        counts = self.counts()
        duplicates = sum(1 for c in counts.values() if c > 1)
        if len(counts) != expected or duplicates:
            return f"WRONG: {len(counts):,} of {expected:,} recipients, {duplicates} received it more than once"
        return "each recipient exactly once"

    def stop(self) -> None:
        with_timeout = self.process.join
        self.control.send("stop")
        with_timeout(10)
        if self.process.is_alive():
            self.process.terminate()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- the run ------------------------------------------------------------------------------------------------------


BODY = ("Hyvä verkoston jäsen,\n\n**Demokratiapäivä** pidetään viikolla 42. "
        "[Ilmoittaudu](https://kuntademokratia.example/meetings)\n\n- ohjelma\n- paikka\n") * 3


def run(subscribers: int, database_url: str | None, batch_size: int, connections: int, profile: int,
        kill: bool, sent_group: int = 1) -> dict:
    from sqlalchemy import func, select, text, update

    from network import create_app
    from network.extensions import db
    from network.mail.delivery import deliver_all
    from network.mail.models import PENDING, SENT, OutboxMessage
    from network.mailing import posts, subscriptions
    from network.mailing.models import Subscriber, Subscription
    from network.timeutil import utcnow

    workdir = Path(tempfile.mkdtemp(prefix="network-bench-"))
    url = database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    sink = Sink()
    config = {
        "SQLALCHEMY_DATABASE_URI": url,
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": sink.port,
        "MAIL_BATCH_SIZE": batch_size,
        "MAIL_CONNECTIONS": connections,
        "MAIL_SENT_GROUP": sent_group,
        "MAIL_FILE_DIR": str(workdir / "mail"),
        "PUBLIC_BASE_URL": "https://kuntademokratia.example",
    }
    app = create_app("testing", overrides=config)
    results: dict = {"subscribers": subscribers, "database": url.split(":", 1)[0], "batch_size": batch_size,
                     "connections": connections, "sent_group": sent_group}
    try:
        with app.app_context():
            if db.engine.dialect.name == "postgresql":
                with db.engine.begin() as conn:
                    conn.execute(text("DROP SCHEMA public CASCADE"))
                    conn.execute(text("CREATE SCHEMA public"))
            db.drop_all()
            db.create_all()
            main = subscriptions.main_list()
            now = utcnow()
            for start in range(0, subscribers, 10_000):
                people = [
                    Subscriber(email=f"bench{i:06d}@example.fi", name=f"Tilaaja {i}",
                               language="sv" if i % 5 == 0 else "fi", confirmed_at=now)
                    for i in range(start, min(start + 10_000, subscribers))
                ]
                db.session.add_all(people)
                db.session.flush()
                db.session.add_all(Subscription(subscriber_id=p.id, list_id=main.id, active=True) for p in people)
                db.session.commit()
                db.session.expunge_all()

            # The messages the worker will send, composed once by the platform's composer, for the baseline.
            main = subscriptions.main_list()
            probe = posts.create_post(main, None, posts.PostInput(
                subject_fi="Demokratiapäivän kutsu", body_fi=BODY, subject_sv="Inbjudan", body_sv=BODY))
            db.session.flush()
            started = time.perf_counter()
            prepared = prepared_messages(probe.message_key)
            results["prepare_seconds"] = time.perf_counter() - started
            db.session.rollback()
            envelope_from = "verkosto@kuntademokratia.example"

            sink.reset()
            started = time.perf_counter()
            with smtplib.SMTP("127.0.0.1", sink.port) as connection:
                for recipient, data in prepared:
                    connection.sendmail(envelope_from, [recipient], data)
            results["smtplib_seconds"] = time.perf_counter() - started
            results["smtplib_check"] = sink.check(subscribers)
            del prepared

            # The platform: queue the post and deliver it, timed together.
            sink.reset()
            profiler = cProfile.Profile() if profile else None
            started = time.perf_counter()
            if profiler:
                profiler.enable()
            post = posts.create_post(subscriptions.main_list(), None, posts.PostInput(
                subject_fi="Demokratiapäivän kutsu", body_fi=BODY, subject_sv="Inbjudan", body_sv=BODY))
            db.session.commit()
            results["queue_seconds"] = time.perf_counter() - started
            report = deliver_all()
            if profiler:
                profiler.disable()
            results["worker_seconds"] = time.perf_counter() - started - results["queue_seconds"]
            results["worker_check"] = sink.check(subscribers)
            results["worker_sent"] = report.sent
            assert post.recipient_count == subscribers
            if profiler:
                stream = io.StringIO()
                pstats.Stats(profiler, stream=stream).sort_stats("tottime").print_stats(profile)
                results["profile"] = stream.getvalue()

            if kill:
                results["kill"] = {}
                for how in ("SIGTERM", "SIGKILL"):
                    sink.reset()
                    db.session.execute(update(OutboxMessage).values(status=SENT))
                    posts.create_post(subscriptions.main_list(), None, posts.PostInput(
                        subject_fi=f"Toinen kutsu {how}", body_fi=BODY))
                    db.session.commit()
                    results["kill"][how] = kill_and_restart(app, config, sink, subscribers, how)
                    pending = db.session.scalar(select(func.count(OutboxMessage.id))
                                                .where(OutboxMessage.status == PENDING))
                    results["kill"][how]["left_pending"] = pending
            results["load"] = os.getloadavg()[0]
            db.session.remove()
            if database_url:
                db.drop_all()
    finally:
        sink.stop()
    return results


def prepared_messages(message_key: str) -> list[tuple[str, bytes]]:
    """Every queued message of the post as (recipient, bytes), composed by the platform's own composer."""
    from network.emails import smtp_address
    from network.extensions import db
    from network.mail.compose import compose_bytes
    from network.mail.models import OutboxMessage

    rows = db.session.scalars(db.select(OutboxMessage).where(OutboxMessage.message_key == message_key)
                              .order_by(OutboxMessage.id))
    return [(row.recipient, compose_bytes(row, smtp_address(row.recipient))) for row in rows]


def kill_and_restart(app, config: dict, sink: Sink, expected: int, how: str) -> dict:
    """Run `flask mail deliver --loop` in its own process, stop it with `how` a third of the way, then run it
    again until every recipient has the post; returns what the sink saw."""
    env = {
        **os.environ,
        "APP_CONFIG": "development",
        "DATABASE_URL": config["SQLALCHEMY_DATABASE_URI"],
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(sink.port),
        "MAIL_BATCH_SIZE": str(config["MAIL_BATCH_SIZE"]),
        "MAIL_CONNECTIONS": str(config["MAIL_CONNECTIONS"]),
        "MAIL_SENT_GROUP": str(config["MAIL_SENT_GROUP"]),
        "NETWORK_INLINE_WORKER": "0",
    }
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "mail", "deliver", "--loop"]
    worker = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + PHASE_DEADLINE
    while len(sink.counts()) < expected // 3 and time.monotonic() < deadline and worker.poll() is None:
        time.sleep(0.05)
    at_kill = len(sink.counts())
    worker.send_signal(signal.SIGTERM if how == "SIGTERM" else signal.SIGKILL)
    worker.wait(60)
    if how == "SIGKILL":
        # Time passes: the dead worker's claims expire (after MAIL_CLAIM_SECONDS), here at once.
        expire_claims()
    worker = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + PHASE_DEADLINE
    while len(sink.counts()) < expected and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(0.5)
    worker.send_signal(signal.SIGTERM)
    worker.wait(60)
    counts = sink.counts()
    return {"received_at_kill": at_kill, "recipients": len(counts),
            "duplicates": sum(1 for c in counts.values() if c > 1), "check": sink.check(expected)}


def expire_claims() -> None:
    from sqlalchemy import update

    from network.extensions import db
    from network.mail.models import PENDING, OutboxMessage
    from network.timeutil import utcnow

    db.session.execute(update(OutboxMessage).where(OutboxMessage.status == PENDING, OutboxMessage.claimed_until.is_not(None))
                       .values(claimed_until=utcnow()))
    db.session.commit()


# --- the report ---------------------------------------------------------------------------------------------------


def report_markdown(results: dict, command: str) -> str:
    n = results["subscribers"]
    worker = results["queue_seconds"] + results["worker_seconds"]
    baseline = results["smtplib_seconds"]
    ratio = (n / worker) / (n / baseline)
    database = results["database"].split("+")[0]
    lines = [
        f"## Mailing list fan-out, {database}, {n:,} subscribers (bench/fanout.py)",
        "",
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.node() or 'this machine'} (Python "
        f"{platform.python_version()}, {platform.machine()}, {os.cpu_count()} CPUs, load average {results['load']:.1f} "
        f"at the end of the run), database: {results['database']}, SMTP sink: aiosmtpd on 127.0.0.1 in its own "
        f"process, batch size {results['batch_size']}, MAIL_CONNECTIONS {results['connections']}, "
        f"MAIL_SENT_GROUP {results['sent_group']}.",
        "",
        "Command:",
        "",
        f"    {command}",
        "",
        f"| step | {n:,} messages | messages per second | check |",
        "|---|---:|---:|---|",
        f"| baseline: plain smtplib, the same composed messages, one connection, no database | {baseline:.2f} s "
        f"| {n / baseline:,.0f} | {results['smtplib_check']} |",
        f"| platform: queue the post, then the worker delivers it (from queueing to the last 250) | {worker:.2f} s "
        f"| {n / worker:,.0f} | {results['worker_check']} |",
        f"| (of which queueing the post: one transaction) | {results['queue_seconds']:.2f} s | | |",
        f"| (composing every message once for the baseline, not timed above) | {results['prepare_seconds']:.2f} s "
        f"| | |",
        "",
        f"**The worker ran at {ratio:.0%} of plain smtplib's message rate** (target: at least 80 %).",
    ]
    window = results["connections"] * results["sent_group"]
    for how, outcome in (results.get("kill") or {}).items():
        verdict = outcome["check"]
        if how == "SIGKILL" and outcome["recipients"] == n and 0 < outcome["duplicates"] <= window:
            verdict = (f"every recipient received it; the duplicates are within the documented resend window of a "
                       f"hard kill (at most MAIL_CONNECTIONS x MAIL_SENT_GROUP = {window})")
        lines += [
            "",
            f"Kill and restart ({how}): `flask mail deliver --loop` stopped with {how} after "
            f"{outcome['received_at_kill']:,} messages, then started again: {outcome['recipients']:,} recipients, "
            f"{outcome['duplicates']} received the post twice, {outcome['left_pending']} left pending: {verdict}.",
        ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--subscribers", type=int, default=None)
    parser.add_argument("--long", action="store_true", help="50,000 subscribers")
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--batch-size", type=int, default=250)
    parser.add_argument("--connections", type=int, default=2)
    parser.add_argument("--sent-group", type=int, default=1, help="MAIL_SENT_GROUP: sent marks per commit")
    parser.add_argument("--profile", type=int, default=0, help="print the worker's N costliest functions")
    parser.add_argument("--no-kill", action="store_true", help="leave out the kill-and-restart check")
    parser.add_argument("--write", type=Path, default=None, help="write the result section into this Markdown file")
    args = parser.parse_args(argv)
    subscribers = args.subscribers or (50_000 if args.long else 5_000)
    command = " ".join(["bench/fanout.py", *(argv if argv is not None else sys.argv[1:])])
    results = run(subscribers, args.database_url, args.batch_size, args.connections, args.profile,
                  not args.no_kill, args.sent_group)
    text = report_markdown(results, f".venv/bin/python {command}")
    print(text)
    if results.get("profile"):
        print(results["profile"])
    if args.write:
        write_section(args.write, text)
    checks = [results["worker_check"], results["smtplib_check"]]
    checks += [outcome["check"] for how, outcome in (results.get("kill") or {}).items() if how == "SIGTERM"]
    return 0 if all(c == "each recipient exactly once" for c in checks) else 1


def write_section(path: Path, section: str) -> None:
    """Replace this benchmark's section in the file (other benchmarks' sections are kept)."""
    heading = section.splitlines()[0]
    existing = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    if heading in existing:
        before, rest = existing.split(heading, 1)
        after = rest.split("\n## ", 1)
        existing = before.rstrip() + "\n" + (("\n## " + after[1]) if len(after) == 2 else "")
    path.write_text(existing.rstrip() + "\n\n" + section, encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
