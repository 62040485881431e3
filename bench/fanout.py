"""Fan-out benchmark: one list post to N subscribers, delivered to a local SMTP sink (aiosmtpd).

Compares, in the same run and against the same sink:
  1. the platform: `create_post` queues one outbox row per subscriber (one transaction), then the delivery worker
     (`deliver_all`, the code behind `flask mail deliver --once`) claims, composes and sends them through Flask-Mail
     over one SMTP connection per batch, marking each row sent as soon as the server accepted it;
  2. a baseline: plain smtplib sending the same, already prepared messages over one connection, with no database.

Usage:
  .venv/bin/python bench/fanout.py                         # 5,000 subscribers, SQLite file in a temporary dir
  .venv/bin/python bench/fanout.py --subscribers 1000
  .venv/bin/python bench/fanout.py --database-url postgresql+psycopg://network@127.0.0.1:55432/bench
  .venv/bin/python bench/fanout.py --write docs/benchmarks.md
"""

from __future__ import annotations

import argparse
import os
import platform
import smtplib
import socket
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


class CountingSink:
    """An SMTP server that accepts everything and counts what it received per recipient."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.by_recipient: dict[str, int] = {}

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            for address in envelope.rcpt_tos:
                self.by_recipient[address] = self.by_recipient.get(address, 0) + 1
        return "250 OK"

    def reset(self) -> None:
        with self.lock:
            self.by_recipient = {}

    def check(self, expected: int) -> str:
        with self.lock:
            counts = list(self.by_recipient.values())
        if len(counts) != expected or any(c != 1 for c in counts):
            return f"WRONG: {len(counts)} recipients, {sum(counts)} messages"
        return "each recipient exactly once"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(subscribers: int, database_url: str | None, batch_size: int) -> dict:
    from network import create_app
    from network.extensions import db
    from network.mail.compose import compose
    from network.mail.delivery import deliver_all
    from network.mail.models import OutboxMessage
    from network.mailing import posts, subscriptions
    from network.mailing.models import Subscriber, Subscription
    from network.timeutil import utcnow

    workdir = Path(tempfile.mkdtemp(prefix="network-bench-"))
    url = database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    sink = CountingSink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    app = create_app("testing", overrides={
        "SQLALCHEMY_DATABASE_URI": url,
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": port,
        "MAIL_BATCH_SIZE": batch_size,
        "MAIL_FILE_DIR": str(workdir / "mail"),
        "PUBLIC_BASE_URL": "https://kuntademokratia.example",
    })
    results: dict = {"subscribers": subscribers, "database": url.split(":", 1)[0], "batch_size": batch_size}
    try:
        with app.app_context():
            db.drop_all()
            db.create_all()
            main = subscriptions.main_list()
            now = utcnow()
            people = [
                Subscriber(email=f"bench{i:06d}@example.fi", name=f"Tilaaja {i}", language="sv" if i % 5 == 0 else "fi",
                           confirmed_at=now)
                for i in range(subscribers)
            ]
            db.session.add_all(people)
            db.session.flush()
            db.session.add_all(Subscription(subscriber_id=p.id, list_id=main.id, active=True) for p in people)
            db.session.commit()

            body = ("Hyvä verkoston jäsen,\n\n**Demokratiapäivä** pidetään viikolla 42. "
                    "[Ilmoittaudu](https://kuntademokratia.example/meetings)\n\n- ohjelma\n- paikka\n") * 3
            started = time.perf_counter()
            post = posts.create_post(main, None, posts.PostInput(
                subject_fi="Demokratiapäivän kutsu", body_fi=body, subject_sv="Inbjudan", body_sv=body))
            db.session.commit()
            results["queue_seconds"] = time.perf_counter() - started
            assert post.recipient_count == subscribers

            # The same messages, prepared once, for the baseline.
            started = time.perf_counter()
            prepared = [(m.recipient, compose(m).as_bytes())
                        for m in db.session.scalars(db.select(OutboxMessage).order_by(OutboxMessage.id))]
            results["prepare_seconds"] = time.perf_counter() - started
            envelope_from = "verkosto@kuntademokratia.example"

            sink.reset()
            started = time.perf_counter()
            with smtplib.SMTP("127.0.0.1", port) as connection:
                for recipient, data in prepared:
                    connection.sendmail(envelope_from, [recipient], data)
            results["smtplib_seconds"] = time.perf_counter() - started
            results["smtplib_check"] = sink.check(subscribers)

            sink.reset()
            started = time.perf_counter()
            report = deliver_all()
            results["worker_seconds"] = time.perf_counter() - started
            results["worker_check"] = sink.check(subscribers)
            results["worker_sent"] = report.sent
            results["load"] = os.getloadavg()[0]
            db.session.remove()
            if database_url:
                db.drop_all()
    finally:
        controller.stop()
    return results


def report_markdown(results: dict, command: str) -> str:
    n = results["subscribers"]
    worker, baseline = results["worker_seconds"], results["smtplib_seconds"]
    return f"""## Mailing list fan-out, {results["database"].split("+")[0]} (bench/fanout.py)

Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.node() or 'this machine'} (Python {platform.python_version()},
{platform.machine()}, {os.cpu_count()} CPUs, load average {results['load']:.1f} at the end of the run), database:
{results['database']}, SMTP sink: aiosmtpd on 127.0.0.1 in the same process, batch size {results['batch_size']}.

Command:

    {command}

| step | {n:,} messages | per second | check |
|---|---:|---:|---|
| queue the post (one outbox row per subscriber, one transaction) | {results['queue_seconds']:.2f} s | {n / results['queue_seconds']:,.0f} | |
| worker: claim, compose, send over one connection per batch, mark each row sent | {worker:.2f} s | {n / worker:,.0f} | {results['worker_check']} |
| baseline: plain smtplib, same prepared messages, one connection, no database | {baseline:.2f} s | {n / baseline:,.0f} | {results['smtplib_check']} |
| (preparing the baseline's messages: composing them once) | {results['prepare_seconds']:.2f} s | | |

The worker took {worker / baseline:.1f} times as long as the bare smtplib loop. The difference is the price of
losing nothing: a commit per message right after the server's 250 (so a killed worker never sends a message twice),
the claim of each batch, and composing each message with its personal unsubscribe links. From queueing to the last
message accepted, a post reaches {n:,} subscribers in {results['queue_seconds'] + worker:.1f} s.
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--subscribers", type=int, default=5000)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--write", type=Path, default=None, help="write the result section into this Markdown file")
    args = parser.parse_args(argv)
    command = " ".join(["bench/fanout.py", *(argv if argv is not None else sys.argv[1:])])
    results = run(args.subscribers, args.database_url, args.batch_size)
    text = report_markdown(results, f".venv/bin/python {command}")
    print(text)
    if args.write:
        write_section(args.write, text)
    ok = results["worker_check"] == results["smtplib_check"] == "each recipient exactly once"
    return 0 if ok else 1


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
