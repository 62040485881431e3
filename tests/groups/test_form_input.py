"""Tampered and pasted input on working-group forms, as a tester sent it: a line break in a group meeting's venue
was stored and shown, and a chair value that is not a number got WTForms' own garbled Swedish ("kunde inte
ceorce:a") and messages without a full stop. The fixes are the application's form base (`NetworkForm`), so the
same holds on every form."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from network.extensions import db
from network.groups import membership, proposals
from network.meetings.models import Meeting
from network.timeutil import helsinki_today

from ..conftest import choose_language, log_in

ONE_LINE = {"fi": "Tämän on oltava yhdellä rivillä.", "sv": "Detta måste stå på en rad.",
            "en": "This must be on one line."}
CHOICE = {"fi": "Virheellinen valinta.", "sv": "Ogiltigt val.", "en": "Not a valid choice."}


@pytest.fixture
def chaired(app, people, coordinator, open_group):
    for person in ("aino", "erik"):
        membership.join(open_group, people[person])
    proposals.appoint_chair(open_group, coordinator, people["aino"])
    db.session.commit()
    return open_group


def _client(app, user, lang):
    client = app.test_client()
    log_in(client, user)
    choose_language(client, lang)
    return client


def _meeting_form(**fields):
    day = (helsinki_today() + timedelta(days=20)).isoformat()
    values = {"kind": "working_group", "title_fi": "Ryhmän kokous", "starts_at": f"{day}T10:00",
              "ends_at": f"{day}T12:00", "mode": "in_person", "venue": "Sali B", "host_organisation_id": "0",
              "region": ""}
    values.update(fields)
    return values


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
@pytest.mark.parametrize("field,value", [("title_fi", "Line\r\nbreak"), ("venue", "Sali\nB"),
                                         ("address", "Katu 1\u2028Tampere")])
def test_a_line_break_in_a_one_line_field_of_a_group_meeting_is_refused(app, people, chaired, lang, field, value):
    aino = _client(app, people["aino"], lang)
    response = aino.post(f"/groups/{chaired.id}/meetings/new", data=_meeting_form(**{field: value}))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'id="{field}-error"' in html and ONE_LINE[lang] in html
    assert db.session.scalar(select(func.count(Meeting.id))) == 0


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
@pytest.mark.parametrize("chair", ["abc", "4.5", "٣"])
def test_a_chair_value_that_is_not_a_number_gets_the_applications_message(app, people, chaired, lang, chair):
    aino = _client(app, people["aino"], lang)
    response = aino.post(f"/groups/{chaired.id}/chair", data={"chair": chair})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert CHOICE[lang] in html
    assert "ceorce" not in html and "coerce" not in html and "muuntaa" not in html
    db.session.refresh(chaired)
    assert chaired.chair_id == people["aino"].id


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_a_tampered_mode_is_one_message_in_the_users_language(app, people, chaired, lang):
    aino = _client(app, people["aino"], lang)
    response = aino.post(f"/groups/{chaired.id}/meetings/new", data=_meeting_form(mode="teleport"))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    error = html.split('id="mode-error"', 1)[1].split("</", 1)[0]
    assert error.count(CHOICE[lang]) == 1, error
    assert "Inte ett giltigt val" not in html and "Virheellinen valinta Virheellinen" not in html
