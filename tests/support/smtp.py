"""A real SMTP server for tests (aiosmtpd), recording what it received and refusing on request."""

from __future__ import annotations

import email
import socket
import threading
from dataclasses import dataclass, field
from email.message import Message
from email.policy import default

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes

    @property
    def message(self) -> Message:
        return email.message_from_bytes(self.data, policy=default)


@dataclass
class RecordingHandler:
    received: list[Received] = field(default_factory=list)
    # recipient -> list of SMTP replies to give to its RCPT, one per attempt (e.g. ["451 Try later"]).
    refusals: dict[str, list[str]] = field(default_factory=dict)
    # Replies to give to MAIL FROM, one per transaction (e.g. ["530 5.7.0 Authentication required"]).
    mail_from_refusals: list[str] = field(default_factory=list)
    # recipient -> replies to give at the end of DATA, one per attempt (e.g. ["554 5.7.1 Message refused"]).
    data_refusals: dict[str, list[str]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self.mail_from_refusals:
            return self.mail_from_refusals.pop(0)
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        planned = self.refusals.get(address.lower())
        if planned:
            return planned.pop(0)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        for address in envelope.rcpt_tos:
            planned = self.data_refusals.get(address.lower())
            if planned:
                return planned.pop(0)
        with self.lock:
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.content)))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SMTPTestServer:
    """aiosmtpd on 127.0.0.1. `smtputf8`: offer the SMTPUTF8 extension (RFC 6531); `credentials`: (user, password)
    that AUTH accepts (any other login is refused with 535), AUTH then being required before MAIL FROM."""

    def __init__(self, *, smtputf8: bool = True, credentials: tuple[str, str] | None = None) -> None:
        self.handler = RecordingHandler()
        self.port = _free_port()
        options: dict = {"enable_SMTPUTF8": smtputf8}
        if credentials is not None:
            def authenticate(server, session, envelope, mechanism, auth_data):
                ok = isinstance(auth_data, LoginPassword) and (
                    auth_data.login.decode(), auth_data.password.decode()) == credentials
                return AuthResult(success=ok, handled=False)

            options.update(authenticator=authenticate, auth_required=True, auth_require_tls=False)
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port, **options)

    def start(self) -> None:
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()

    @property
    def received(self) -> list[Received]:
        return self.handler.received

    def messages_to(self, address: str) -> list[Message]:
        return [r.message for r in self.received if address.lower() in [a.lower() for a in r.rcpt_tos]]

    def refuse(self, address: str, *replies: str) -> None:
        self.handler.refusals[address.lower()] = list(replies)

    def refuse_mail_from(self, *replies: str) -> None:
        """Answer the next MAIL FROM commands with these replies (our relay refusing us)."""
        self.handler.mail_from_refusals.extend(replies)

    def refuse_data(self, address: str, *replies: str) -> None:
        """Answer the end of DATA of the next messages to `address` with these replies (message refused)."""
        self.handler.data_refusals[address.lower()] = list(replies)
