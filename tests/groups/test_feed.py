"""The group's feed /groups/<id>/calendar.ics: only its meetings, and read alike by ical.js, vobject and
icalendar (the cross-parser check), also across the daylight-saving changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from network.meetings.models import WORKING_GROUP
from network.timeutil import HELSINKI, as_utc

from ..conftest import missing_component
from ..factories import make_meeting
from ..support.icalcheck import assert_parsers_agree, icaljs_available
from .conftest import make_group


@pytest.fixture(autouse=True)
def _icaljs():
    reason = icaljs_available()
    if reason:
        missing_component(reason)


def _local(*args) -> datetime:
    return datetime(*args, tzinfo=HELSINKI).astimezone(UTC)


def test_group_feed_passes_the_cross_parser_check(app, client):
    group = make_group()
    other = make_group(name_fi="Toinen")
    meetings = [
        make_meeting(kind=WORKING_GROUP, group_id=group.id, title_fi=f"Ryhmä {start:%Y-%m-%d}", starts_at=start,
                     ends_at=start + timedelta(hours=2), mode="online", online_url="https://meet.example/r")
        for start in (_local(2026, 3, 28, 12), _local(2026, 3, 30, 12), _local(2026, 10, 24, 18),
                      _local(2026, 10, 26, 9), _local(2027, 1, 12, 15))
    ]
    make_meeting(kind=WORKING_GROUP, group_id=other.id, title_fi="Toisen ryhmän tapaaminen")
    make_meeting(title_fi="Verkoston tapaaminen")
    response = client.get(f"/groups/{group.id}/calendar.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/calendar")
    expected = {m.uid: (as_utc(m.starts_at), as_utc(m.ends_at)) for m in meetings}
    instants = assert_parsers_agree(response.data, expected)
    assert set(instants) == set(expected)
    # Conditional requests work as for the network's feed.
    again = client.get(f"/groups/{group.id}/calendar.ics", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
