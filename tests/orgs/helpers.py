"""Small builders for the register's tests."""

from __future__ import annotations

from network.extensions import db
from network.orgs.models import Organisation
from network.orgs.register import OrganisationData, create_organisation


def make_org(name_fi: str, kind: str = "municipality", region: str = "uusimaa", actor=None, commit: bool = True,
             **fields) -> Organisation:
    org = create_organisation(OrganisationData(name_fi=name_fi, kind=kind, region=region, **fields), actor)
    if commit:
        db.session.commit()
    return org


def make_meeting(host: Organisation, title: str = "Kevätkokous"):
    """A meeting hosted by `host`, or a skip while the meetings domain is not there."""
    from datetime import timedelta

    import pytest

    from network.timeutil import utcnow

    meetings = pytest.importorskip("network.meetings.models")
    start = utcnow() - timedelta(days=30)
    meeting = meetings.Meeting(title_fi=title, starts_at=start, ends_at=start + timedelta(hours=3),
                               host_organisation_id=host.id)
    db.session.add(meeting)
    db.session.commit()
    return meeting
