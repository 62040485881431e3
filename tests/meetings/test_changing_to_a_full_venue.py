"""A fault a fresh tester found: a member with a remote place who switched to in person at a full venue lost the
place at one click (they went to the waiting list). Now the rule refuses without an explicit choice, and the page
asks first, in the member's language."""

from __future__ import annotations

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import select

from network.extensions import db
from network.meetings import registration as rules
from network.meetings.errors import RegistrationError
from network.meetings.models import MeetingRegistration
from tests.conftest import choose_language, create_user

from ..factories import make_meeting


def _full_venue_with_a_remote_place(member):
    """A hybrid meeting whose one place at the venue is taken, and `member` holding a remote place."""
    meeting = make_meeting(capacity=1, title_fi="Täysi tapaaminen", title_sv="Fullt möte")
    other = create_user("other@example.fi", "Olli Other")
    rules.register(meeting, email=other.email, name=other.name, mode="in_person", user=other)
    mine = rules.register(meeting, email=member.email, name=member.name, mode="remote", user=member)
    db.session.commit()
    assert mine.status == "registered"
    return meeting, mine


def test_the_rule_keeps_a_held_place_unless_giving_it_up_is_chosen(app, db, member):
    meeting, mine = _full_venue_with_a_remote_place(member)
    assert rules.would_lose_place(mine, "in_person")
    assert not rules.would_lose_place(mine, "remote")
    with pytest.raises(RegistrationError):
        rules.change_mode(mine, "in_person")
    db.session.rollback()
    db.session.refresh(mine)
    assert (mine.mode, mine.status) == ("remote", "registered")

    rules.change_mode(mine, "in_person", give_up_place=True)
    db.session.commit()
    assert (mine.mode, mine.status) == ("in_person", "waitlisted")


def test_a_change_with_room_needs_no_confirmation(app, db, member):
    meeting = make_meeting(capacity=2)
    mine = rules.register(meeting, email=member.email, name=member.name, mode="remote", user=member)
    db.session.commit()
    assert not rules.would_lose_place(mine, "in_person")
    rules.change_mode(mine, "in_person")
    assert (mine.mode, mine.status) == ("in_person", "registered")


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_the_page_asks_before_the_place_is_given_up(member_client, member, db, lang):
    meeting, mine = _full_venue_with_a_remote_place(member)
    choose_language(member_client, lang)
    response = member_client.post(f"/meetings/{meeting.id}/registration", data={"mode": "in_person"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    with force_locale(lang):
        button = gettext("Give up my place and go on the waiting list")
        keep = gettext("Keep my place")
    assert button in page and keep in page
    assert ('Fullt möte' if lang == "sv" else 'Täysi tapaaminen') in page
    # Nothing changed yet: the remote place is held.
    db.session.refresh(mine)
    assert (mine.mode, mine.status) == ("remote", "registered")

    # The confirmation page's form gives the place up.
    assert 'name="give_up_place"' in page and 'value="yes"' in page
    response = member_client.post(f"/meetings/{meeting.id}/registration",
                                  data={"mode": "in_person", "give_up_place": "yes"})
    assert response.status_code == 302
    db.session.refresh(mine)
    assert (mine.mode, mine.status) == ("in_person", "waitlisted")
    assert db.session.scalar(select(MeetingRegistration).where(MeetingRegistration.email == "other@example.fi")
                             ).status == "registered"
