"""A small IMAP4rev1 server over TLS for tests (RFC 3501): one mailbox (INBOX), LOGIN, SELECT, UID SEARCH / FETCH /
STORE, EXPUNGE, LOGOUT; the commands a client sent are recorded.

It speaks the protocol on a real TLS socket with a certificate made by `openssl` for the test, so the fetch code
runs exactly as against a hosted mailbox (imaplib.IMAP4_SSL, certificate verified against that CA file).
"""

from __future__ import annotations

import re
import shutil
import socketserver
import ssl
import subprocess
import threading
from dataclasses import dataclass, field
from pathlib import Path


def make_certificate(directory: Path) -> tuple[Path, Path] | None:
    """A self-signed certificate for 127.0.0.1 and localhost: (certificate, key), or None without openssl."""
    if shutil.which("openssl") is None:
        return None
    cert, key = directory / "imap-cert.pem", directory / "imap-key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
         "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
        check=True, capture_output=True,
    )
    return cert, key


@dataclass
class Mailbox:
    user: str
    password: str
    messages: dict[int, bytes] = field(default_factory=dict)
    deleted: set[int] = field(default_factory=set)
    commands: list[str] = field(default_factory=list)
    next_uid: int = 1
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, raw: bytes) -> int:
        with self.lock:
            uid = self.next_uid
            self.next_uid += 1
            self.messages[uid] = raw
            return uid


_COMMAND = re.compile(rb"^(?P<tag>[A-Za-z0-9]+) (?P<command>(?:UID )?[A-Za-z]+)(?: (?P<args>.*))?$")


def _uids(text: str, available: list[int]) -> list[int]:
    result = []
    for item in text.split(","):
        if ":" in item:
            low, high = item.split(":")
            top = max(available, default=0) if high == "*" else int(high)
            result += [uid for uid in available if int(low) <= uid <= top]
        elif int(item) in available:
            result.append(int(item))
    return result


class _Session(socketserver.StreamRequestHandler):
    server: _Server

    def send(self, line: bytes | str) -> None:
        self.wfile.write((line.encode() if isinstance(line, str) else line) + b"\r\n")

    def handle(self) -> None:
        box = self.server.mailbox
        self.send("* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] test IMAP server ready")
        authenticated = False
        while True:
            line = self.rfile.readline()
            if not line:
                return
            match = _COMMAND.match(line.rstrip(b"\r\n"))
            if match is None:
                self.send("* BAD command not understood")
                continue
            tag = match["tag"].decode()
            command = match["command"].decode().upper()
            args = (match["args"] or b"").decode("utf-8", "replace")
            box.commands.append(command if command != "LOGIN" else "LOGIN ***")
            if command == "CAPABILITY":
                self.send("* CAPABILITY IMAP4rev1 AUTH=PLAIN")
                self.send(f"{tag} OK CAPABILITY completed")
            elif command == "LOGIN":
                user, _space, password = args.partition(" ")
                if user.strip('"') == box.user and password.strip('"') == box.password:
                    authenticated = True
                    self.send(f"{tag} OK LOGIN completed")
                else:
                    self.send(f"{tag} NO [AUTHENTICATIONFAILED] Invalid credentials")
            elif command == "LOGOUT":
                self.send("* BYE logging out")
                self.send(f"{tag} OK LOGOUT completed")
                return
            elif command == "NOOP":
                self.send(f"{tag} OK NOOP completed")
            elif not authenticated:
                self.send(f"{tag} NO not logged in")
            else:
                self.authenticated_command(box, tag, command, args)

    def authenticated_command(self, box: Mailbox, tag: str, command: str, args: str) -> None:
        with box.lock:
            available = sorted(box.messages)
        if command in ("SELECT", "EXAMINE"):
            self.send(f"* {len(available)} EXISTS")
            self.send("* 0 RECENT")
            self.send("* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)")
            self.send(f"* OK [UIDNEXT {box.next_uid}] Predicted next UID")
            self.send(f"{tag} OK [READ-WRITE] SELECT completed")
        elif command == "UID SEARCH":
            self.send("* SEARCH " + " ".join(str(uid) for uid in available))
            self.send(f"{tag} OK SEARCH completed")
        elif command == "UID FETCH":
            for uid in _uids(args.split(" ", 1)[0], available):
                raw = box.messages[uid]
                self.wfile.write(f"* {available.index(uid) + 1} FETCH (UID {uid} BODY[] {{{len(raw)}}}\r\n".encode()
                                 + raw + b")\r\n")
            self.send(f"{tag} OK FETCH completed")
        elif command == "UID STORE":
            for uid in _uids(args.split(" ", 1)[0], available):
                if "\\Deleted" in args:
                    box.deleted.add(uid)
                self.send(f"* {available.index(uid) + 1} FETCH (UID {uid} FLAGS (\\Deleted))")
            self.send(f"{tag} OK STORE completed")
        elif command == "EXPUNGE":
            with box.lock:
                for uid in sorted(box.deleted, reverse=True):
                    if uid in box.messages:
                        self.send(f"* {sorted(box.messages).index(uid) + 1} EXPUNGE")
                        del box.messages[uid]
                box.deleted.clear()
            self.send(f"{tag} OK EXPUNGE completed")
        else:
            self.send(f"{tag} BAD unknown command {command}")


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, mailbox: Mailbox, context: ssl.SSLContext) -> None:
        super().__init__(("127.0.0.1", 0), _Session)
        self.mailbox = mailbox
        self.context = context

    def get_request(self):
        sock, address = super().get_request()
        return self.context.wrap_socket(sock, server_side=True), address


class IMAPTestServer:
    """Start with `start()`; `port`, `mailbox` (add messages, read `commands`), `cafile`; `stop()`."""

    def __init__(self, cert: Path, key: Path, user: str = "verkosto", password: str = "salasana") -> None:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        self.cafile = cert
        self.mailbox = Mailbox(user, password)
        self._server = _Server(self.mailbox, context)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, name="imap-test", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
