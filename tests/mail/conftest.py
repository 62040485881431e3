"""SMTP servers that behave like relays we meet: without SMTPUTF8, or asking for AUTH."""

from __future__ import annotations

import pytest

from network.extensions import mail
from tests.support.inbound import imap_server, lmtp_server  # noqa: F401 - fixtures
from tests.support.smtp import SMTPTestServer


def _serve(app, server: SMTPTestServer, **config):
    server.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port, MAIL_USE_TLS=False, MAIL_USE_SSL=False,
                      **config)
    mail.init_app(app)
    return server


@pytest.fixture
def ascii_smtp_server(app):
    """A real SMTP server (aiosmtpd) that does not offer SMTPUTF8, like many relays."""
    server = _serve(app, SMTPTestServer(smtputf8=False))
    yield server
    server.stop()


@pytest.fixture
def auth_smtp_server(app):
    """A real SMTP server that requires AUTH (user "verkosto", password "oikea"); the app logs in with a wrong
    password until a test sets the right one."""
    server = _serve(app, SMTPTestServer(credentials=("verkosto", "oikea")),
                    MAIL_USERNAME="verkosto", MAIL_PASSWORD="wrong")
    yield server
    server.stop()

