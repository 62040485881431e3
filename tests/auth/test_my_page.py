"""The member's own page (/me): my meetings, my groups and my survey, each contributed by its domain's hooks."""

from __future__ import annotations

from network.extensions import db
from network.groups import membership
from network.meetings import registration

from ..conftest import choose_language, create_user, log_in
from ..factories import make_meeting
from ..groups.conftest import make_group
from ..surveys.conftest import open_survey


def test_my_page_shows_my_meetings_groups_and_survey(app):
    member = create_user("oma@example.fi", "Oma Sivu")
    meeting = make_meeting(title_fi="Kevään verkostotapaaminen")
    registration.register(meeting, email=member.email, name=member.name, mode="in_person", user=member)
    group = make_group(name_fi="Nuorisovaltuustojen ryhmä")
    membership.join(group, member)
    survey = open_survey()
    db.session.commit()
    client = app.test_client()
    log_in(client, member)
    choose_language(client, "en")

    page = client.get("/me").get_data(as_text=True)

    assert "My meetings" in page and "Kevään verkostotapaaminen" in page
    assert "My groups" in page and "Nuorisovaltuustojen ryhmä" in page
    assert "My survey" in page and f"/surveys/{survey.year}" in page


def test_my_page_without_anything_says_so_and_links_onwards(app):
    member = create_user("tyhja@example.fi", "Tyhjä")
    client = app.test_client()
    log_in(client, member)
    choose_language(client, "en")

    page = client.get("/me").get_data(as_text=True)

    assert "You have not registered for any upcoming meeting." in page
    assert 'href="/meetings"' in page


def test_my_page_is_in_the_account_menu_and_needs_a_login(app, member_client, client):
    assert 'href="/me"' in member_client.get("/").get_data(as_text=True)
    response = client.get("/me")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
