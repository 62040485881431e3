"""The two front doors of inbound mail, both calling `inbound.handle_inbound`.

- `LmtpServer`: an LMTP server (aiosmtpd, RFC 2033) to which the MTA delivers the network's addresses;
- `fetch_imap`: polls an IMAP mailbox over TLS (INBOUND_IMAP_*) for hosted mailboxes.
"""

from __future__ import annotations

import asyncio
import imaplib
import ssl
import threading
from dataclasses import dataclass, field

from aiosmtpd.controller import Controller
from aiosmtpd.lmtp import LMTP
from flask import Flask, current_app

from ..extensions import db
from .inbound import DEFAULT_MAX_BYTES, handle_inbound


def accepted_domains(app: Flask) -> set[str]:
    """The domains whose addresses the LMTP server takes: INBOUND_DOMAINS, else the sender's domain."""
    configured = app.config.get("INBOUND_DOMAINS")
    if configured:
        domains = configured.split(",") if isinstance(configured, str) else configured
        return {d.strip().lower() for d in domains if d.strip()}
    return {app.config["MAIL_DEFAULT_SENDER"].rsplit("@", 1)[-1].rstrip(">").strip().lower()}


class _Handler:
    """aiosmtpd handler: RCPT only for our domains; DATA stores and handles the message in a worker thread."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.domains = accepted_domains(app)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.rpartition("@")[2].lower() not in self.domains:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    def _handle(self, data: bytes, mail_from: str, rcpt_tos: list[str]) -> str:
        with self.app.app_context():
            try:
                outcome = handle_inbound(data, envelope_from=mail_from, envelope_to=rcpt_tos, source="lmtp")
            except Exception:
                db.session.rollback()
                self.app.logger.exception("inbound: a message could not be stored")
                return "451 4.3.0 The message could not be stored; try again later"
            finally:
                db.session.remove()
        return f"250 2.0.0 Stored as message {outcome.inbound_id}: {outcome.status}"

    async def handle_DATA(self, server, session, envelope):
        loop = asyncio.get_running_loop()
        reply = await loop.run_in_executor(None, self._handle, bytes(envelope.original_content or envelope.content),
                                           envelope.mail_from or "", list(envelope.rcpt_tos))
        # LMTP (RFC 2033 4.2): one reply per accepted recipient; the message was stored once for all of them.
        return "\r\n".join([reply] * max(len(envelope.rcpt_tos), 1))


class _LmtpController(Controller):
    def factory(self):
        return LMTP(self.handler, **self.SMTP_kwargs)


@dataclass
class LmtpServer:
    """The LMTP server on `host:port`, run in its own thread; `start()`, `stop()`; `port` is the bound port."""

    app: Flask
    host: str = "127.0.0.1"
    port: int = 8024
    controller: _LmtpController | None = field(default=None, init=False)

    def start(self) -> None:
        """Listen on host:port in a thread of its own; messages over INBOUND_MAX_BYTES are refused with 552."""
        limit = int(self.app.config.get("INBOUND_MAX_BYTES") or DEFAULT_MAX_BYTES)
        self.controller = _LmtpController(
            _Handler(self.app), hostname=self.host, port=self.port,
            # The MTA is told at once (552) that a message is too large; the MTA then bounces it to its sender.
            data_size_limit=limit, enable_SMTPUTF8=True, decode_data=False,
        )
        self.controller.start()
        self.port = self.controller.server.sockets[0].getsockname()[1]

    def stop(self) -> None:
        """Stop listening (a delivery in progress is cut off; the MTA retries it)."""
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


def run_lmtp(app: Flask, host: str, port: int, stop: threading.Event) -> None:
    """Serve LMTP on host:port until `stop` is set (the CLI sets it on SIGTERM / Ctrl+C)."""
    server = LmtpServer(app, host, port)
    server.start()
    try:
        stop.wait()
    finally:
        server.stop()


# --- IMAP ---------------------------------------------------------------------------------------------------------


@dataclass
class FetchReport:
    """What one IMAP fetch did: messages stored (of which already received before) and per-message errors."""

    fetched: int = 0
    duplicates: int = 0
    errors: list[str] = field(default_factory=list)


def imap_settings() -> dict:
    """INBOUND_IMAP_HOST, _PORT (993), _USER, _PASSWORD, _FOLDER (INBOX), _CAFILE (extra CA for a private
    certificate); raises RuntimeError when the host or user is missing.
    """
    config = current_app.config
    if not config.get("INBOUND_IMAP_HOST") or not config.get("INBOUND_IMAP_USER"):
        raise RuntimeError("Set INBOUND_IMAP_HOST, INBOUND_IMAP_USER and INBOUND_IMAP_PASSWORD to fetch mail.")
    return {
        "host": config["INBOUND_IMAP_HOST"],
        "port": int(config.get("INBOUND_IMAP_PORT") or 993),
        "user": config["INBOUND_IMAP_USER"],
        "password": config.get("INBOUND_IMAP_PASSWORD") or "",
        "folder": config.get("INBOUND_IMAP_FOLDER") or "INBOX",
        "cafile": config.get("INBOUND_IMAP_CAFILE") or None,
    }


def _check(result: tuple[str, list]) -> list:
    status, data = result
    if status != "OK":
        raise imaplib.IMAP4.error(f"IMAP answered {status}: {data!r}")
    return data


def fetch_imap() -> FetchReport:
    """Fetch every message in the IMAP folder over TLS, hand each to `handle_inbound`, then delete it there.

    A message is deleted from the mailbox only once it is stored here (whatever its outcome), so a failure
    leaves it on the server for the next run; handling it twice is harmless (idempotent by Message-ID).
    Returns a FetchReport; raises imaplib.IMAP4.error or OSError when the server cannot be reached or refuses us.
    """
    settings = imap_settings()
    context = ssl.create_default_context(cafile=settings["cafile"])
    report = FetchReport()
    with imaplib.IMAP4_SSL(settings["host"], settings["port"], ssl_context=context,
                           timeout=float(current_app.config.get("INBOUND_IMAP_TIMEOUT", 60))) as imap:
        _check(imap.login(settings["user"], settings["password"]))
        _check(imap.select(settings["folder"]))
        uids = _check(imap.uid("SEARCH", None, "ALL"))[0].split()
        done = []
        for uid in uids:
            data = _check(imap.uid("FETCH", uid, "(BODY.PEEK[])"))
            raw = next((part[1] for part in data if isinstance(part, tuple)), None)
            if raw is None:
                report.errors.append(f"message {uid.decode()}: no body in the answer")
                continue
            try:
                outcome = handle_inbound(raw, source="imap")
            except Exception as exc:  # not stored: stays on the server for the next run
                db.session.rollback()
                report.errors.append(f"message {uid.decode()}: {exc.__class__.__name__}: {exc}")
                continue
            report.duplicates += outcome.duplicate
            report.fetched += 1
            done.append(uid)
        if done:
            _check(imap.uid("STORE", b",".join(done), "+FLAGS", "(\\Deleted)"))
            _check(imap.expunge())
        imap.logout()
    return report
