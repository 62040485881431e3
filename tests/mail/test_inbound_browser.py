"""The inbound page in a real Chromium: a coordinator sees a failed message, handles it again; axe-core finds no
serious violation there nor on the invite status page with its answers."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from network.extensions import db
from network.mail.models import InboundMessage, InboundStatus
from network.mailing import invites, lists
from tests.conftest import PASSWORD, create_user
from tests.factories import make_subscribers
from tests.support.browser import serious_axe_violations

pytestmark = pytest.mark.browser


def test_coordinator_handles_a_failed_message_again(page, create_meeting):
    meeting = create_meeting()
    make_subscribers(2)
    invites.send_invites(meeting, lists.main_list())
    raw = b"From: kysyja@example.fi\r\nSubject: Kysymys\r\nMessage-ID: <q@example.fi>\r\n\r\nHei!\r\n"
    db.session.add(InboundMessage(dedup_key="mid:q@example.fi", message_id="q@example.fi", source="lmtp",
                                  sender="kysyja@example.fi", subject="Kysymys", size=len(raw), raw=raw,
                                  status=InboundStatus.FAILED, outcome="error: RuntimeError: database went away",
                                  attempts=1))
    db.session.commit()
    create_user("koordinaattori@example.fi", "Kaisa Koordinaattori", role="coordinator")
    page.goto("/login")
    page.get_by_label("Sähköposti").fill("koordinaattori@example.fi")
    page.get_by_label("Salasana", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Kirjaudu sisään").click()
    page.wait_for_load_state()

    page.goto("/admin/mail/inbound")
    assert page.get_by_role("heading", name="Saapuva posti").is_visible()
    assert page.get_by_text("database went away").is_visible()
    assert serious_axe_violations(page) == []
    page.get_by_role("button", name="Käsittele viesti").first.click()
    page.wait_for_load_state()
    assert page.get_by_text("1 viesti käsiteltiin uudelleen.").is_visible()
    stored = db.session.scalar(select(InboundMessage).execution_options(populate_existing=True))
    assert stored.status == InboundStatus.IGNORED

    page.goto(f"/mailing/invites/{meeting.id}")
    assert page.get_by_role("columnheader", name="Kalenterista").is_visible()
    assert serious_axe_violations(page) == []
