"""A meeting's participants in the reader's alphabetical order (issue 16): the coordinator's list and its exports,
by status and then by name (ICU: Finnish and Swedish put Å, Ä, Ö after Z)."""

from __future__ import annotations

import csv
import io

import pytest

from network.extensions import db
from network.meetings import registration
from network.meetings.models import IN_PERSON

from ..factories import make_meeting
from ..support.names import ORDER, SURNAMES, full_name, in_order_of_appearance


@pytest.fixture
def meeting(app):
    meeting = make_meeting(capacity=100)
    for number, surname in enumerate(SURNAMES):
        registration.register(meeting, email=f"p{number}@example.fi", name=full_name(surname), mode=IN_PERSON)
    db.session.commit()
    return meeting


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_the_participant_list_and_its_export_in_the_readers_order(coordinator_client, meeting, lang):
    page = coordinator_client.get(f"/admin/meetings/{meeting.id}/participants?lang={lang}").get_data(as_text=True)
    assert in_order_of_appearance(page) == ORDER[lang]
    export = coordinator_client.get(f"/admin/meetings/{meeting.id}/participants.csv?lang={lang}")
    rows = list(csv.reader(io.StringIO(export.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    assert [row[0] for row in rows[1:]] == [full_name(name) for name in ORDER[lang]]


def test_status_comes_before_the_name(coordinator_client, meeting):
    first = next(r for r in meeting.registrations if r.name == full_name("Ahonen"))
    registration.cancel_registration(first)
    db.session.commit()
    page = coordinator_client.get(f"/admin/meetings/{meeting.id}/participants?lang=fi").get_data(as_text=True)
    # The cancelled registration is listed with its status group, after the registered ones.
    assert in_order_of_appearance(page) == [*ORDER["fi"][1:], "Ahonen"]
