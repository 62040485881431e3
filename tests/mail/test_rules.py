"""The plain functions behind delivery: one-line header text, addresses on the wire, SMTP reply classification,
and the composer (both paths give the same message)."""

from __future__ import annotations

import email
from email.policy import default

import pytest

from network.emails import InvalidAddress, canonical_email, smtp_address
from network.mail.addresses import receivable_email
from network.mail.compose import compose, compose_fast
from network.mail.delivery import classify
from network.mail.models import FailureStage, OutboxMessage
from network.text import has_line_break, single_line
from tests.support.mail import text_body

BREAKS = ["\r", "\n", "\r\n", "\x0b", "\x0c", "\x85", "\u2028", "\u2029"]


@pytest.mark.parametrize("separator", BREAKS, ids=[repr(b) for b in BREAKS])
def test_every_unicode_line_break_is_a_space_and_refused_by_forms(separator):
    value = f"Myrkky{separator}ry"
    assert single_line(value) == "Myrkky ry"
    assert has_line_break(value)


@pytest.mark.parametrize("control", ["\x00", "\t", "\x1b", "\x7f", "\x9f", "\ud800"])
def test_other_control_characters_are_spaces_but_not_refused(control):
    assert single_line(f"Kokous{control}Helsinki ") == "Kokous Helsinki"
    assert not has_line_break(f"Kokous{control}Helsinki")


def test_single_line_keeps_ordinary_text():
    assert single_line("  Demokratiapäivä 2026 – Åbo  ") == "Demokratiapäivä 2026 – Åbo"
    assert single_line("👩‍👩‍👧 perhe") == "👩‍👩‍👧 perhe", "joiners (format characters) are not breaks"
    assert single_line(None) == ""


def test_addresses_have_one_canonical_form_and_an_idna_wire_form():
    assert canonical_email("Tiina@XN--NEKOSKI-4WAA.FI") == canonical_email("tiina@äänekoski.fi") == "tiina@äänekoski.fi"
    assert canonical_email("not an address") is None
    assert smtp_address("tiina@äänekoski.fi").address == "tiina@xn--nekoski-4waa.fi"
    assert not smtp_address("tiina@äänekoski.fi").smtputf8
    wire = smtp_address("tiinä@äänekoski.fi")
    assert wire.address == "tiinä@xn--nekoski-4waa.fi" and wire.smtputf8
    with pytest.raises(InvalidAddress):
        smtp_address("a@@b.fi")


def test_forms_refuse_at_once_what_our_relay_cannot_deliver(app):
    assert receivable_email(" Tiina@Äänekoski.FI ") == "tiina@äänekoski.fi"
    with pytest.raises(InvalidAddress) as refused:
        receivable_email("tiinä@example.fi")
    assert refused.value.field == "email"
    app.config["MAIL_SMTPUTF8"] = True
    assert receivable_email("tiinä@example.fi") == "tiinä@example.fi"


@pytest.mark.parametrize(("stage", "code", "text", "expected", "permanent"), [
    ("connect", None, "Connection refused", FailureStage.RELAY, False),
    ("tls", 454, "4.7.0 TLS not available", FailureStage.RELAY, False),
    ("auth", 535, "5.7.8 Authentication credentials invalid", FailureStage.RELAY, False),
    ("mail", 530, "5.7.0 Authentication required", FailureStage.RELAY, False),
    ("mail", 553, "5.7.1 Sender address rejected", FailureStage.RELAY, False),
    ("rcpt", 530, "5.7.0 Authentication required", FailureStage.RELAY, False),
    ("rcpt", 554, "5.7.1 <x@example.fi>: Relay access denied", FailureStage.RELAY, False),
    ("rcpt", 550, "5.1.1 No such user", FailureStage.RECIPIENT, True),
    ("rcpt", 552, "5.2.2 Mailbox full", FailureStage.RECIPIENT, True),
    ("rcpt", 450, "4.2.1 Mailbox busy", FailureStage.RECIPIENT, False),
    ("rcpt", 421, "4.3.2 Shutting down", FailureStage.RECIPIENT, False),
    ("data", 554, "5.7.1 Message content rejected", FailureStage.MESSAGE, True),
    ("data", 552, "5.3.4 Message too big", FailureStage.MESSAGE, True),
    ("data", 451, "4.3.0 Try later", FailureStage.MESSAGE, False),
])
def test_replies_are_classified_by_stage_and_code(stage, code, text, expected, permanent):
    failure = classify(stage, code, text)
    assert (failure.stage, failure.permanent) == (expected, permanent)
    assert failure.bounce == (expected == FailureStage.RECIPIENT and permanent)
    assert failure.closes == (code in (None, 421) or expected == FailureStage.RELAY)


def _row(**fields) -> OutboxMessage:
    values = dict(recipient="tiina@äänekoski.fi", subject="Kutsu\u2028Demokratiapäivään – hyvin pitkä otsikko, joka "
                  "jatkuu ja jatkuu yli seitsemänkymmenen merkin", body_text="Hyvä jäsen,\n\n.piste\n" + "x" * 200,
                  body_html="<p>Hyvä <b>jäsen</b></p>", message_id="<1@kuntademokratia.example>",
                  headers={"List-Id": "Kuntademokratiaverkoston lista <main.lists.kuntademokratia.example>",
                           "List-Unsubscribe": "<https://kuntademokratia.example/unsubscribe/" + "a" * 120 + ">, "
                           "<mailto:unsubscribe@kuntademokratia.example?subject=unsubscribe%20" + "b" * 90 + ">",
                           "X-Organisation": "Myrkky\u2029ry"},
                  sender="Verkosto\u2028Åbo <verkosto@kuntademokratia.example>")
    values.update(fields)
    return OutboxMessage(**values)


@pytest.mark.parametrize("html", ["<p>Hyvä</p>", None])
def test_fast_composer_gives_the_same_message_as_the_email_package(app, html):
    row = _row(body_html=html)
    recipient = smtp_address(row.recipient)
    fast = email.message_from_bytes(compose_fast(row, recipient), policy=default)
    slow = email.message_from_bytes(compose(row, recipient).as_bytes(), policy=default)
    for name in ("From", "To", "Subject", "Message-ID", "List-Id", "List-Unsubscribe", "X-Organisation"):
        assert str(fast[name]).replace("  ", " ") == str(slow[name]).replace("  ", " "), name
    assert fast["Subject"].startswith("Kutsu Demokratiapäivään")
    assert fast["From"].addresses[0].display_name == "Verkosto Åbo"
    assert text_body(fast) == text_body(slow)
    assert fast.get_content_type() == slow.get_content_type()
    if html:
        assert fast.get_body(("html",)).get_content() == slow.get_body(("html",)).get_content()
    raw = compose_fast(row, recipient)
    assert all(len(line) <= 998 for line in raw.split(b"\r\n"))
    assert b"\n" not in raw.replace(b"\r\n", b"")
