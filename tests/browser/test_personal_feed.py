"""The personal calendar feed in a real Chromium: a member registered for a meeting and in a working group opens
their own page from the account menu, creates their calendar address, finds it explained (an address to copy, the
webcal link, Google, Outlook, Apple), the address serves their meetings (read alike by ical.js, vobject and
icalendar), renewing asks first and makes the old address 404, turning it off too. axe-core on every page; once in
Swedish at a phone's width."""

from __future__ import annotations

import pytest

from network.extensions import db
from network.groups.models import GroupMembership
from network.meetings import registration as rules
from network.meetings.models import WORKING_GROUP
from network.timeutil import as_utc
from tests.factories import make_meeting
from tests.support.browser import log_in_finnish, serious_axe_violations

from ..auth.helpers import make_account
from ..groups.conftest import make_group
from ..support.icalcheck import assert_parsers_agree, require_icaljs

pytestmark = pytest.mark.browser


def _axe(page) -> None:
    assert serious_axe_violations(page) == [], page.url


def test_a_member_creates_uses_renews_and_turns_off_their_calendar_address(page, live_server):
    require_icaljs()
    person = make_account("aino.virtanen@example.fi")
    meeting = make_meeting(title_fi="Kevään verkostotapaaminen")
    group = make_group()
    db.session.add(GroupMembership(group_id=group.id, user_id=person.id))
    db.session.commit()
    group_meeting = make_meeting(kind=WORKING_GROUP, group_id=group.id, title_fi="Työryhmän tapaaminen",
                                 mode="online")
    rules.register(meeting, email=person.email, name=person.name, mode="in_person", user=person)
    db.session.commit()

    log_in_finnish(page, person.email)
    page.get_by_role("link", name="Oma sivu").first.click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Oma kalenteri").is_visible()
    page.get_by_role("button", name="Luo oma kalenteriosoitteeni").click()
    page.wait_for_load_state()
    assert "Oma kalenteriosoitteesi on valmis." in page.locator(".flashes").inner_text()
    address = page.get_by_label("Kalenterin osoite kopioitavaksi")
    url = address.input_value()
    assert url.startswith(live_server.url + "/calendar/personal/")
    assert address.get_attribute("readonly") is not None
    subscribe = page.get_by_role("link", name="Tilaa oma kalenterini")
    assert subscribe.get_attribute("href") == "webcal://" + url.split("://", 1)[1]
    for line in ("Google Kalenteri:", "Outlook:", "Apple Kalenteri:"):
        assert page.get_by_text(line).is_visible()
    _axe(page)

    feed = page.request.get(url)
    assert feed.status == 200
    expected = {m.uid: (as_utc(m.starts_at), as_utc(m.ends_at)) for m in (meeting, group_meeting)}
    assert set(assert_parsers_agree(feed.body(), expected)) == set(expected)

    page.get_by_role("link", name="Uusi osoite").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Uusitaanko kalenteriosoitteesi?").is_visible()
    _axe(page)
    page.get_by_role("button", name="Uusi osoite").click()
    page.wait_for_load_state()
    renewed = page.get_by_label("Kalenterin osoite kopioitavaksi").input_value()
    assert renewed != url
    assert page.request.get(url).status == 404
    assert page.request.get(renewed).status == 200

    # Once in Swedish at a phone's width.
    page.set_viewport_size({"width": 390, "height": 844})
    page.get_by_role("button", name="Svenska").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Min kalender").is_visible()
    assert page.get_by_label("Kalenderadress att kopiera").input_value() == renewed
    _axe(page)
    page.get_by_role("link", name="Stäng av adressen").click()
    page.wait_for_load_state()
    _axe(page)
    page.get_by_role("button", name="Stäng av adressen").click()
    page.wait_for_load_state()
    assert "Din egen kalenderadress fungerar inte längre." in page.locator(".flashes").inner_text()
    assert page.get_by_role("button", name="Skapa min kalenderadress").is_visible()
    assert page.request.get(renewed).status == 404
