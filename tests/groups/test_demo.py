"""The demo data has a closed group modelled on the mandate example (with its final report), one open for sign-up
and one active, with members from several kinds of organisation."""

from __future__ import annotations

from sqlalchemy import select

from network.demo import load_demo
from network.extensions import db
from network.groups import membership, queries
from network.groups.lifecycle import GroupState, group_state
from network.groups.models import WorkingGroup


def test_demo_groups(app):
    assert load_demo()
    groups = {g.name_fi: g for g in db.session.scalars(select(WorkingGroup))}
    closed = groups["Kuntavaalitavoitteet"]
    assert group_state(closed) == GroupState.CLOSED and closed.final_report_fi
    assert group_state(groups["Osallistuva budjetointi"]) == GroupState.OPEN
    assert group_state(groups["Vaikuttamistoimielimet"]) == GroupState.ACTIVE
    assert group_state(groups["Digitaalinen osallisuus"]) == GroupState.PROPOSED
    for group in groups.values():
        assert group.member_count == membership.member_total(group)
        if group.chair_id:
            assert membership.find_membership(group, group.chair) is not None
    kinds = {kind for kind, _n in queries.participation([closed.id])[closed.id].by_kind}
    assert {"state", "civil_society", "municipality", "wellbeing_county"} <= kinds
    assert queries.group_meetings(groups["Vaikuttamistoimielimet"])
    # Loading again changes nothing.
    assert not load_demo()
    assert db.session.scalar(select(db.func.count(WorkingGroup.id))) == len(groups)
