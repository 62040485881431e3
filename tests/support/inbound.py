"""Sample inbound messages (tests/mail/samples) filled in for a test, and delivering them over LMTP."""

from __future__ import annotations

import base64
import quopri
import re
import smtplib
from pathlib import Path
from uuid import uuid4

import pytest

from network.mail.receiving import LmtpServer
from tests.conftest import missing_component
from tests.support.imap import IMAPTestServer, make_certificate
from tests.support.smtp import _free_port

SAMPLES = Path(__file__).resolve().parent.parent / "mail" / "samples"
_DIRECTIVE = re.compile(r"@@(B64|QP|INCLUDE):([\w.-]+)@@")
_PLACEHOLDER = re.compile(r"@@([A-Z_]+)@@")


def _fill(text: str, values: dict[str, str]) -> str:
    return _PLACEHOLDER.sub(lambda m: str(values[m[1]]), text)


def sample(sample_name: str, /, **values: object) -> bytes:
    """The sample file `sample_name` with its @@PLACEHOLDERS@@ filled from `values` (upper-cased keys), CRLF line ends.

    `@@B64:file@@`, `@@QP:file@@` and `@@INCLUDE:file@@` insert another sample file (filled in too) as base64,
    quoted-printable or as it is. Defaults: MSGID a fresh Message-ID, FROM the EMAIL, SEQUENCE 0, PARTSTAT ACCEPTED.
    """
    filled = {"MSGID": f"{uuid4()}@sample.example", "SEQUENCE": "0", "PARTSTAT": "ACCEPTED"}
    filled.update({k.upper(): str(v) for k, v in values.items()})
    filled.setdefault("FROM", filled.get("EMAIL", ""))

    def insert(match: re.Match) -> str:
        text = _fill((SAMPLES / match[2]).read_text(), filled).replace("\r\n", "\n").replace("\n", "\r\n")
        if match[1] == "B64":
            encoded = base64.encodebytes(text.encode()).decode()
            return encoded.rstrip("\n")
        if match[1] == "QP":
            return quopri.encodestring(text.encode()).decode().rstrip("\n")
        return text.rstrip("\r\n")

    text = _DIRECTIVE.sub(insert, (SAMPLES / sample_name).read_text())
    text = _fill(text, filled)
    return text.replace("\r\n", "\n").replace("\n", "\r\n").encode()


def lmtp_deliver(port: int, raw: bytes, recipient: str, sender: str = "someone@example.fi") -> tuple[int, bytes]:
    """Deliver one message over LMTP to 127.0.0.1:port for one recipient (MAIL FROM `sender`, "" for a bounce
    report's null sender); returns the reply to DATA (or to RCPT when refused)."""
    with smtplib.LMTP("127.0.0.1", port) as client:
        client.ehlo_or_helo_if_needed()
        code, reply = client.mail(sender)
        assert code == 250, reply
        code, reply = client.rcpt(recipient)
        if code != 250:
            return code, reply
        try:
            return client.data(raw)
        except smtplib.SMTPDataError as exc:
            return exc.smtp_code, exc.smtp_error


@pytest.fixture
def lmtp_server(app):
    """The inbound LMTP server (network/mail/receiving.py) running on a free port, as `mail inbound --lmtp` runs it."""
    server = LmtpServer(app, "127.0.0.1", _free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def imap_server(app, tmp_path):
    """A real IMAP server over TLS (tests/support/imap.py) with the app's INBOUND_IMAP_* pointed at it."""
    made = make_certificate(tmp_path)
    if made is None:
        missing_component("openssl (to make the IMAP test server's certificate)")
    server = IMAPTestServer(*made)
    server.start()
    app.config.update(INBOUND_IMAP_HOST="localhost", INBOUND_IMAP_PORT=server.port, INBOUND_IMAP_USER="verkosto",
                      INBOUND_IMAP_PASSWORD="salasana", INBOUND_IMAP_CAFILE=str(server.cafile))
    yield server
    server.stop()
