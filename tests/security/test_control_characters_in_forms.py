"""Invisible control characters (ESC, BEL, DEL and the rest of C0) typed into any form are not stored.

A tester found them stored in meeting descriptions, post bodies and group mandates, where they went on into
calendars (RFC 5545 TEXT allows no control character but tab and line breaks) and exports. The fix is one form
base for the whole application (`NetworkForm`), so these tests drive three domains' forms and walk every form
class, and check the calendar's own last guard for rows stored before the fix.
"""

from __future__ import annotations

import importlib
import pkgutil
import re

import pytest
from icalendar import Calendar
from sqlalchemy import select
from wtforms import Form

import network
from network.extensions import db
from network.groups.models import WorkingGroup
from network.mailing import subscriptions
from network.mailing.models import Post
from network.meetings.models import Meeting
from network.text import CONTROL_CHARACTERS, strip_invisible_controls
from network.web import NetworkForm, NetworkSubForm

from ..conftest import choose_language, log_in
from ..factories import make_meeting, make_org, make_user
from ..groups.test_views import _proposal_form
from ..meetings.test_views import meeting_form
from ..support.english import english

# Controls that are not tab or a line break: never visible, not allowed in iCalendar TEXT or XML.
CTL_IN_ICALENDAR = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _forms_of_the_application() -> list[type]:
    for module in pkgutil.walk_packages(network.__path__, "network."):
        if module.name.endswith(".forms"):
            importlib.import_module(module.name)

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    return [cls for cls in subclasses(Form) if cls.__module__.startswith("network.")]


def test_every_form_of_the_application_cleans_typed_text():
    forms = _forms_of_the_application()
    assert len(forms) > 40, "the walk found the application's forms"
    plain = [f"{cls.__module__}.{cls.__name__}" for cls in forms
             if not issubclass(cls, (NetworkForm, NetworkSubForm))]
    assert plain == [], "these forms store control characters as typed; base them on NetworkForm"


def test_the_one_line_filter_keeps_line_breaks_for_the_rule_to_refuse():
    assert strip_invisible_controls("Kevät\x1b[31m\x07kokous\x7f") == "Kevät[31mkokous"
    assert strip_invisible_controls("a\x0bb\nc\td") == "a\x0bb\nc\td"
    assert strip_invisible_controls(None) == ""


def test_a_meeting_typed_with_control_characters_is_stored_clean_and_its_calendar_is_valid(coordinator_client):
    response = coordinator_client.post("/admin/meetings/new", data=meeting_form(
        title_fi="Kevät\x1b[31mkokous\x07", description_fi="Rivi 1\r\nRivi\x0b 2\x08", venue="Tampere\x01-talo"))
    assert response.status_code == 302
    meeting = db.session.scalar(select(Meeting))
    assert meeting.title_fi == "Kevät[31mkokous"
    assert meeting.description_fi == "Rivi 1\r\nRivi 2"
    assert meeting.venue == "Tampere-talo"
    ics = coordinator_client.get(f"/meetings/{meeting.id}.ics").get_data(as_text=True)
    assert not CTL_IN_ICALENDAR.search(ics)
    [event] = Calendar.from_ical(ics).walk("VEVENT")
    assert str(event["SUMMARY"]).startswith("Kevät[31mkokous")


def test_a_post_typed_with_control_characters_is_stored_clean(coordinator_client):
    list_id = subscriptions.main_list().id
    db.session.commit()
    response = coordinator_client.post("/posts/new", data={
        "mailing_list": list_id, "subject_fi": "Uutiset\x1b[0m", "body_fi": "Teksti\x1b[31m\x07 tässä\r\nToinen\x0c",
        "subject_sv": "", "body_sv": "", "when": "now", "submit": "Send", "confirm": "Confirm and send"})
    assert response.status_code == 302
    post = db.session.scalar(select(Post))
    assert post.subject_fi == "Uutiset[0m"
    assert post.body_fi == "Teksti[31m tässä\nToinen"  # posts keep LF line ends


def test_a_group_proposal_typed_with_control_characters_is_stored_clean(app):
    aino = make_user("aino@tampere.example", "Aino Virtanen", organisation=make_org("Tampere"))
    client = app.test_client()
    log_in(client, aino)
    response = client.post("/groups/propose", data=_proposal_form(
        name_fi="Osallisuus\x7fmittarit", mandate_fi="## Tarkoitus\x1b[1m\n\nKoota\x15 mittarit."))
    assert response.status_code == 302
    group = db.session.scalar(select(WorkingGroup))
    assert group.name_fi == "Osallisuusmittarit"
    assert group.mandate_fi == "## Tarkoitus[1m\n\nKoota mittarit."
    assert not CONTROL_CHARACTERS.search(group.theme_fi + group.steering)


def test_a_meeting_stored_before_the_fix_still_gives_a_valid_calendar(app):
    meeting = make_meeting(title_fi="Vanha\x1b[31m tapaaminen", description_fi="Kuvaus\x07", venue="Sali\x02")
    client = app.test_client()
    for path in (f"/meetings/{meeting.id}.ics", "/calendar.ics"):
        ics = client.get(path).get_data(as_text=True)
        assert "Vanha[31m tapaaminen" in ics and "Sali" in ics
        assert not CTL_IN_ICALENDAR.search(ics), path
        assert Calendar.from_ical(ics).walk("VEVENT")


def test_a_line_break_in_a_one_line_field_is_refused_at_the_field(app, coordinator_client):
    # A browser's one-line input cannot send a line break, so only a pasted or crafted value has one; it was stored
    # and shown (<h1>Line\r\nbreak</h1>) and went on to calendars and mail.
    response = english(coordinator_client).post("/admin/meetings/new", data=meeting_form(
        title_fi="Verkosto\r\nkokous", venue="Sali\nB"))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    for field in ("title_fi", "venue"):
        assert re.search(rf'id="{field}-error">[^<]*This must be on one line\.', html), field
    assert "Verkosto\r\nkokous" in html, "what was typed is kept on the page"
    assert db.session.scalar(select(Meeting)) is None


@pytest.mark.parametrize("lang,message", [("fi", "Tämän on oltava yhdellä rivillä."),
                                          ("sv", "Detta måste stå på en rad.")])
def test_a_profile_name_on_two_lines_is_refused_in_the_users_language(app, lang, message):
    erik = make_user("erik@vaasa.example", "Erik Lindqvist")
    client = app.test_client()
    log_in(client, erik)
    choose_language(client, lang)
    response = client.post("/profile", data={"name": "Erik\nLindqvist", "language": lang})
    assert response.status_code == 200  # the form again (a saved profile redirects)
    assert message in response.get_data(as_text=True)
    db.session.refresh(erik)
    assert erik.name == "Erik Lindqvist"


@pytest.mark.parametrize("path", ["/admin/reports/0", "/admin/reports/99999999", "/admin/reports/10000/export.xlsx",
                                  "/admin/reports/99999999/export.pdf", "/admin/reports/1999",
                                  "/admin/reports/2101/export.csv", "/admin/surveys/0", "/surveys/10000/results",
                                  "/admin/meetings/plan/0", "/admin/meetings/plan/99999"])
def test_a_year_outside_the_kept_years_is_not_found(coordinator_client, path):
    # Year 0 or 10000 cannot be a Python date: the report pages answered 500.
    assert coordinator_client.get(path).status_code == 404
