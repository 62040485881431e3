"""The working-group journey in a real Chromium, once in Swedish and once at a phone's width in Finnish:
a member registers, confirms, logs in and proposes a group; the coordinator approves it and appoints a chair;
another member joins while sign-up is open, finds it under "my groups", receives the chair's list post, and leaves;
the group's feed passes the cross-parser check. axe-core finds no serious or critical violation on any page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from network.extensions import db
from network.groups.models import WorkingGroup
from network.mail.delivery import deliver_all
from network.meetings.models import WORKING_GROUP
from network.timeutil import as_utc, helsinki_today

from ..auth.helpers import GOOD_PASSWORD
from ..conftest import PASSWORD, create_user, missing_component
from ..factories import make_meeting, make_org
from ..support.browser import serious_axe_violations, switch_language
from ..support.icalcheck import assert_parsers_agree, icaljs_available
from ..support.mail import links_in, text_body

pytestmark = pytest.mark.browser

VARIANTS = {
    "swedish": {"lang": "sv", "viewport": {"width": 1280, "height": 900}},
    "phone": {"lang": "fi", "viewport": {"width": 375, "height": 740}},
}


class Journey:
    """One person's browser tab, in the variant's language and size; every page visited is checked with axe."""

    def __init__(self, browser, live_server, variant: dict, problems: dict):
        self.lang = variant["lang"]
        self.context = browser.new_context(base_url=live_server.url, locale="fi-FI", viewport=variant["viewport"])
        self.page = self.context.new_page()
        self.page.set_default_timeout(15000)
        self.problems = problems

    def t(self, msgid: str, **values) -> str:
        with force_locale(self.lang):
            return _(msgid, **values)

    def check(self, what: str) -> None:
        found = serious_axe_violations(self.page)
        if found:
            self.problems[f"{what} ({self.page.url})"] = found
        overflow = self.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if overflow > 0:
            self.problems[f"{what}: scrolls sideways by {overflow}px"] = [self.page.url]

    def goto(self, path: str, what: str) -> None:
        self.page.goto(path)
        if self.lang != "fi" and self.page.evaluate("document.documentElement.lang") != self.lang:
            switch_language(self.page, "sv")
        self.check(what)

    def log_in(self, email: str, password: str) -> None:
        self.goto("/login", "login")
        self.page.get_by_label(self.t("E-mail")).fill(email)
        self.page.get_by_label(self.t("Password"), exact=True).fill(password)
        self.page.get_by_role("button", name=self.t("Log in")).click()
        self.page.wait_for_load_state()

    def flash(self) -> str:
        return self.page.locator(".flashes").inner_text()

    def close(self) -> None:
        self.context.close()


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_working_group_journey(browser, live_server, app, smtp_server, variant):
    reason = icaljs_available()
    if reason:
        missing_component(reason)
    settings = VARIANTS[variant]
    problems: dict[str, list[str]] = {}
    make_org("Vaasan kaupunki", region="pohjanmaa", name_sv="Vasa stad")
    soste = make_org("SOSTE ry", kind="civil_society", region="uusimaa")
    create_user("koordinaattori@example.fi", "Kaisa Koordinaattori", role="coordinator")
    create_user("sanna@soste.example", "Sanna Järjestö", organisation_id=soste.id, language=settings["lang"])
    today = helsinki_today()

    # 1. A member registers, confirms by mail, logs in and proposes a group.
    erik = Journey(browser, live_server, settings, problems)
    erik.goto("/register", "register")
    page = erik.page
    page.get_by_label(erik.t("Name"), exact=True).fill("Erik Lindqvist")
    page.get_by_label(erik.t("E-mail")).fill("erik@vaasa.example")
    page.get_by_label(erik.t("Password"), exact=True).fill(GOOD_PASSWORD)
    page.get_by_label(erik.t("Password again")).fill(GOOD_PASSWORD)
    page.get_by_label(erik.t("Organisation"), exact=True).select_option(label="Vasa stad" if erik.lang == "sv"
                                                                         else "Vaasan kaupunki")
    page.get_by_label(erik.t("Interface language")).select_option(erik.lang)
    page.get_by_role("button", name=erik.t("Create account")).click()
    page.wait_for_url("**/login")
    deliver_all()
    [message] = smtp_server.messages_to("erik@vaasa.example")
    [link] = [u for u in links_in(message) if "/confirm/" in u]
    page.goto(link)
    page.get_by_role("button", name=erik.t("Confirm my e-mail address")).click()
    page.wait_for_url("**/login")
    erik.log_in("erik@vaasa.example", GOOD_PASSWORD)

    erik.goto("/groups", "groups list")
    page.get_by_role("link", name=erik.t("Propose a working group")).click()
    page.wait_for_load_state()
    erik.check("proposal form")
    page.get_by_label(erik.t("Name in Finnish")).fill("Osallisuusmittarit")
    page.get_by_label(erik.t("Name in Swedish")).fill("Delaktighetsmätare")
    page.get_by_label(erik.t("Theme in Finnish")).fill("Miten kunnat mittaavat osallisuutta")
    page.get_by_label(erik.t("Mandate in Finnish")).fill("## Tarkoitus\n\nKoota mittarit kunnille.")
    page.get_by_label(erik.t("Sign-up deadline")).fill((today + timedelta(days=10)).isoformat())
    page.get_by_label(erik.t("Term ends")).fill((today + timedelta(days=5)).isoformat())
    page.get_by_role("button", name=erik.t("Send the proposal")).click()
    # Bad input: a deadline after the term end is a message next to the field.
    page.get_by_text(erik.t("The sign-up deadline must be on or before the term end.")).first.wait_for()
    erik.check("proposal form with errors")
    page.get_by_label(erik.t("Term ends")).fill((today + timedelta(days=120)).isoformat())
    page.get_by_role("button", name=erik.t("Send the proposal")).click()
    page.get_by_role("heading", name="Delaktighetsmätare" if erik.lang == "sv" else "Osallisuusmittarit").wait_for()
    erik.check("proposal page")
    group = db.session.scalar(select(WorkingGroup))
    assert group.decision == "pending" and group.proposer_language == erik.lang

    # 2. The coordinator approves it; the proposer is told by mail in their language.
    kaisa = Journey(browser, live_server, settings, problems)
    kaisa.log_in("koordinaattori@example.fi", PASSWORD)
    kaisa.goto("/admin/groups", "coordinator overview")
    kaisa.page.get_by_role("link", name=kaisa.t("Decide")).click()
    kaisa.page.wait_for_load_state()
    kaisa.check("decision form")
    kaisa.page.get_by_role("radio", name=kaisa.t("Approve")).check()
    kaisa.page.get_by_label(kaisa.t("Maximum number of members")).fill("10")
    kaisa.page.get_by_role("button", name=kaisa.t("Save the decision")).click()
    kaisa.page.wait_for_load_state()
    assert kaisa.t("The group was approved and is open for sign-up. The proposer was told by e-mail.") in kaisa.flash()
    kaisa.check("approved group page")
    deliver_all()
    approved = smtp_server.messages_to("erik@vaasa.example")[-1]
    assert approved["Subject"] == erik.t("Your working group proposal was approved: %(name)s",
                                          name="Delaktighetsmätare" if erik.lang == "sv" else "Osallisuusmittarit")

    # The proposer joins, and the coordinator appoints them chair (a chair must be a member).
    erik.goto(f"/groups/{group.id}", "group page")
    erik.page.get_by_role("button", name=erik.t("Join the group")).click()
    erik.page.wait_for_load_state()
    assert erik.t("You are a member of this group.") in erik.page.content()
    kaisa.goto(f"/groups/{group.id}/chair", "chair form")
    kaisa.page.get_by_label(kaisa.t("Chair")).select_option(label="Erik Lindqvist (Vasa stad)" if kaisa.lang == "sv"
                                                             else "Erik Lindqvist (Vaasan kaupunki)")
    kaisa.page.get_by_role("button", name=kaisa.t("Save")).click()
    kaisa.page.wait_for_load_state()
    assert kaisa.t("The chair was changed.") in kaisa.flash()

    # 3. Another member joins while sign-up is open and finds the group under "my groups".
    sanna = Journey(browser, live_server, settings, problems)
    sanna.log_in("sanna@soste.example", PASSWORD)
    sanna.goto("/groups", "groups list (member)")
    sanna.page.get_by_role("link", name="Delaktighetsmätare" if sanna.lang == "sv" else "Osallisuusmittarit").click()
    sanna.page.wait_for_load_state()
    sanna.page.get_by_role("button", name=sanna.t("Join the group")).click()
    sanna.page.wait_for_load_state()
    assert sanna.t("You joined the group. You will receive its mail and its meetings are in your calendar.") \
        in sanna.flash()
    assert sanna.page.get_by_role("link", name=sanna.t("Leave the group")).is_visible()
    sanna.check("group page after joining")
    # "My groups" from the account menu (behind the menu button on a phone).
    toggle = sanna.page.get_by_role("button", name=sanna.t("Menu"))
    if toggle.is_visible() and toggle.get_attribute("aria-expanded") == "false":
        toggle.click()
    sanna.page.get_by_role("navigation").get_by_role("link", name=sanna.t("My groups")).click()
    sanna.page.wait_for_load_state()
    sanna.check("my groups")
    assert sanna.page.get_by_role("link", name="Delaktighetsmätare" if sanna.lang == "sv"
                                  else "Osallisuusmittarit").is_visible()

    # 4. The chair writes to the group's list; the member receives the post.
    erik.goto(f"/groups/{group.id}", "group page (chair)")
    erik.page.get_by_role("link", name=erik.t("Write to the group's list")).click()
    erik.page.wait_for_load_state()
    erik.check("post composer")
    erik.page.get_by_label(erik.t("Subject in Finnish")).fill("Ensimmäinen tapaaminen")
    erik.page.get_by_label(erik.t("Text in Finnish")).fill("Tervetuloa ryhmään! Tapaamme **pian**.")
    erik.page.get_by_role("button", name=erik.t("Send"), exact=True).click()
    # Sending asks first (issue 14): the recipients and the text as it goes out.
    erik.page.get_by_role("heading", name=erik.t("Check and confirm")).wait_for()
    erik.check("post confirmation")
    erik.page.get_by_role("button", name=erik.t("Confirm and send")).click()
    erik.page.get_by_role("heading", name="Ensimmäinen tapaaminen", level=1).wait_for()
    deliver_all()
    post = [m for m in smtp_server.messages_to("sanna@soste.example") if m["Subject"] == "Ensimmäinen tapaaminen"]
    assert len(post) == 1 and "Tervetuloa ryhmään!" in text_body(post[0])
    assert post[0]["List-Id"] and post[0]["List-Unsubscribe"]

    # 5. The member leaves.
    sanna.goto(f"/groups/{group.id}", "group page (member)")
    sanna.page.get_by_role("link", name=sanna.t("Leave the group")).click()
    sanna.page.wait_for_load_state()
    sanna.check("leave confirmation")  # leaving asks first (a new user's finding: the chair left in one click)
    sanna.page.get_by_role("button", name=sanna.t("Leave the group")).click()
    sanna.page.wait_for_load_state()
    assert sanna.t("You left the group.") in sanna.flash()
    sanna.check("group page after leaving")
    db.session.expire_all()
    assert db.session.get(WorkingGroup, group.id).member_count == 1

    # 6. The group's feed, with a meeting, passes the cross-parser check.
    meeting = make_meeting(kind=WORKING_GROUP, group_id=group.id, title_fi="Ryhmän tapaaminen", mode="online",
                           online_url="https://meet.example/r")
    feed = sanna.page.request.get(f"/groups/{group.id}/calendar.ics")
    assert feed.ok
    assert_parsers_agree(feed.body(), {meeting.uid: (as_utc(meeting.starts_at), as_utc(meeting.ends_at))})

    for journey in (erik, kaisa, sanna):
        journey.close()
    assert problems == {}


def test_chair_and_coordinator_pages_pass_axe(page, live_server, app):
    """Every page of the chair and the coordinator, with a pending request and errors shown, in Finnish."""
    from network.groups import membership, proposals
    from network.groups.models import GroupJoinRequest, GroupMembership, GroupReportFile

    from .conftest import active_dates, make_group

    soste = make_org("SOSTE ry", kind="civil_society", region="uusimaa")
    chair = create_user("chair@example.fi", "Pia Puheenjohtaja", organisation_id=soste.id)
    asker = create_user("asker@example.fi", "Antti Pyytäjä")
    coordinator = create_user("koordinaattori@example.fi", "Kaisa Koordinaattori", role="coordinator")
    group = make_group(**active_dates(), member_count=1, chair_id=chair.id)
    db.session.add(GroupMembership(group_id=group.id, user_id=chair.id))
    db.session.add(GroupJoinRequest(group_id=group.id, user_id=asker.id, message="Saisinko liittyä?"))
    db.session.commit()
    proposals.group_list(group)
    membership.sync_list(group)
    meeting = make_meeting(kind=WORKING_GROUP, group_id=group.id, title_fi="Työpaja", mode="online",
                           online_url="https://meet.example/t")
    make_group(name_fi="Ehdotus", decision="pending", decided_at=None)
    attachment = GroupReportFile(group_id=group.id, original_name="liite.pdf", stored_name="liite.pdf",
                                 content_type="application/pdf", size=1000)
    db.session.add(attachment)
    db.session.commit()
    problems = {}

    def visit(path: str) -> None:
        response = page.goto(path)
        assert response.ok, f"{path}: {response.status}"
        found = serious_axe_violations(page)
        if found:
            problems[path] = found

    page.goto("/login")
    page.get_by_label("Sähköposti").fill("chair@example.fi")
    page.get_by_label("Salasana", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Kirjaudu sisään").click()
    page.wait_for_load_state()
    for path in (f"/groups/{group.id}", f"/groups/{group.id}/edit", f"/groups/{group.id}/members",
                 f"/groups/{group.id}/chair", f"/groups/{group.id}/meetings/new",
                 f"/groups/{group.id}/meetings/{meeting.id}/edit", f"/groups/{group.id}/meetings/{meeting.id}/invite",
                 f"/groups/{group.id}/report", f"/groups/{group.id}/report/files/{attachment.id}/delete",
                 "/my/groups"):
        visit(path)
    # Errors next to the fields.
    page.goto(f"/groups/{group.id}/edit")
    page.get_by_label("Nimi suomeksi").fill("")
    page.get_by_role("button", name="Tallenna").click()
    page.get_by_text("Tämä kenttä on pakollinen.").first.wait_for()
    if found := serious_axe_violations(page):
        problems["edit errors"] = found
    # The chair answers the request from the members page.
    page.goto(f"/groups/{group.id}/members")
    page.get_by_label("Hyväksy").check()
    page.get_by_role("button", name="Lähetä vastaus").click()
    page.wait_for_load_state()
    assert "Pyyntö hyväksyttiin." in page.locator(".flashes").inner_text()
    assert page.get_by_role("cell", name="asker@example.fi").is_visible()

    page.context.clear_cookies()
    page.goto("/login")
    page.get_by_label("Sähköposti").fill(coordinator.email)
    page.get_by_label("Salasana", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Kirjaudu sisään").click()
    page.wait_for_load_state()
    proposal = db.session.scalar(select(WorkingGroup).where(WorkingGroup.name_fi == "Ehdotus"))
    for path in ("/admin/groups", f"/admin/groups/{proposal.id}/decide", "/groups"):
        visit(path)
    page.goto(f"/admin/groups/{proposal.id}/decide")
    page.get_by_role("radio", name="Hylkää").check()
    page.get_by_role("button", name="Tallenna päätös").click()
    page.get_by_text("Kerro perustelu: ehdottaja saa sen tiedokseen.").first.wait_for()
    if found := serious_axe_violations(page):
        problems["decide errors"] = found
    assert problems == {}
