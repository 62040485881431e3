"""A working group's members in the reader's alphabetical order (issue 16): the member list, its export and the
chair drop-down (the stored ICU sort key: Finnish and Swedish put Å, Ä, Ö after Z)."""

from __future__ import annotations

import csv
import io

import pytest

from network.extensions import db
from network.groups import membership

from ..conftest import create_user, log_in
from ..support.names import ORDER, SURNAMES, full_name, in_order_of_appearance
from .conftest import make_group


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_members_chair_choices_and_export_in_the_readers_order(app, coordinator, lang):
    group = make_group()
    for number, surname in enumerate(SURNAMES):
        membership.join(group, create_user(f"m{number}@example.fi", full_name(surname)))
    db.session.commit()
    client = app.test_client()
    log_in(client, coordinator)
    page = client.get(f"/groups/{group.id}/members?lang={lang}").get_data(as_text=True)
    assert in_order_of_appearance(page) == ORDER[lang]
    chair = client.get(f"/groups/{group.id}/chair?lang={lang}").get_data(as_text=True)
    assert in_order_of_appearance(chair) == ORDER[lang]
    export = client.get(f"/groups/{group.id}/members.csv?lang={lang}")
    rows = list(csv.reader(io.StringIO(export.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    assert [row[0] for row in rows[1:]] == [full_name(name) for name in ORDER[lang]]
