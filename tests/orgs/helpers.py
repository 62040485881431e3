"""The register's own builder: an organisation added through the register's rule (so the audit trail records
it, unlike tests.factories.make_org, which only inserts the row). Meetings come from tests.factories."""

from __future__ import annotations

from datetime import timedelta

from network.extensions import db
from network.orgs.models import Organisation
from network.orgs.register import OrganisationData, create_organisation
from network.timeutil import utcnow
from tests import factories


def make_org(name_fi: str, kind: str = "municipality", region: str = "uusimaa", actor=None, commit: bool = True,
             **fields) -> Organisation:
    org = create_organisation(OrganisationData(name_fi=name_fi, kind=kind, region=region, **fields), actor)
    if commit:
        db.session.commit()
    return org


def make_meeting(host: Organisation, title: str = "Kevätkokous"):
    """A meeting hosted by `host` 30 days ago (tests.factories.make_meeting)."""
    start = utcnow() - timedelta(days=30)
    return factories.make_meeting(title_fi=title, starts_at=start, ends_at=start + timedelta(hours=3),
                                  host_organisation_id=host.id)
