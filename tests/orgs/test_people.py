"""The member's own data: the JSON export and deleting the account."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from network.audit.models import AuditEntry
from network.auth.accounts import AccountError
from network.auth.models import User
from network.auth.people import delete_account
from network.extensions import db
from network.orgs.applications import ApplicationData, submit_application
from network.orgs.models import MembershipApplication
from network.orgs.register import update_organisation
from tests.conftest import PASSWORD, create_user

from .helpers import make_org

pytestmark = pytest.mark.usefixtures("english_rules")


def test_export_contains_everything_about_the_person(member_client, member, coordinator):
    org = make_org("Tampereen kaupunki", actor=coordinator)
    member.organisation_id = org.id
    member.title = "Osallisuuskoordinaattori"
    db.session.commit()
    submit_application(ApplicationData(name_fi="Uusi ry", kind="civil_society", region="uusimaa",
                                       contact_name="Maija", contact_email="MEMBER@example.fi"))
    db.session.commit()
    response = member_client.get("/me/export.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    data = json.loads(response.get_data(as_text=True))
    assert data["account"]["email"] == "member@example.fi"
    assert data["account"]["title"] == "Osallisuuskoordinaattori"
    assert data["membership_applications"][0]["organisation"] == "Uusi ry"
    assert "audit_trail" in data
    # Nobody else's data.
    assert "coordinator@example.fi" not in response.get_data(as_text=True)


def test_export_includes_the_coordinators_own_changes(coordinator_client, coordinator):
    org = make_org("Muokattava", actor=coordinator)
    data = json.loads(coordinator_client.get("/me/export.json").get_data(as_text=True))
    assert [e["action"] for e in data["audit_trail"]] == ["organisation.created"]
    assert data["audit_trail"][0]["entity_id"] == org.id


def test_delete_needs_password_and_confirmation(member_client, member):
    page = member_client.get("/me/delete").get_data(as_text=True)
    assert "cannot be undone" in page
    response = member_client.post("/me/delete", data={"password": "wrong password!", "confirm": "y"})
    assert response.status_code == 422 and "The password is not correct" in response.get_data(as_text=True)
    response = member_client.post("/me/delete", data={"password": PASSWORD})
    assert response.status_code == 422 and "Tick the box" in response.get_data(as_text=True)
    assert db.session.get(User, member.id) is not None


def test_delete_account_keeps_audit_facts_without_the_person(app, coordinator):
    helper = create_user("second.coordinator@example.fi", "Second", role="coordinator")
    org = make_org("Kunta", actor=coordinator)
    from network.orgs.register import OrganisationData

    update_organisation(org, OrganisationData(name_fi="Kunta", kind="municipality", region="lappi"), coordinator)
    submit_application(ApplicationData(name_fi="Hakija ry", kind="civil_society", region="uusimaa",
                                       contact_name="Kalle", contact_email=coordinator.email))
    db.session.commit()
    coordinator_id = coordinator.id
    delete_account(db.session.get(User, coordinator_id), PASSWORD)
    db.session.commit()
    assert db.session.get(User, coordinator_id) is None
    entries = list(db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)))
    assert [e.action for e in entries] == ["organisation.created", "organisation.updated", "account.deleted"]
    assert all(e.actor_id is None for e in entries)
    assert entries[1].after == {"region": "lappi"}  # the fact of the change stays
    application = db.session.scalar(select(MembershipApplication))
    assert application.contact_email is None and application.contact_name is None
    assert application.name_fi == "Hakija ry"
    assert helper.id is not None


def test_last_coordinator_cannot_delete_the_account(app, coordinator):
    with pytest.raises(AccountError) as error:
        delete_account(coordinator, PASSWORD)
    assert "last coordinator" in error.value.errors["password"]


def test_member_deletes_the_account_through_the_pages(member_client, member):
    member_id = member.id
    response = member_client.post("/me/delete", data={"password": PASSWORD, "confirm": "y"})
    assert response.status_code == 302
    assert db.session.get(User, member_id) is None
    assert db.session.scalar(select(func.count(User.id))) == 0
    # Logged out.
    assert member_client.get("/me/data").status_code == 302


def test_delete_account_anonymises_meeting_registrations(app, member):
    meetings = pytest.importorskip("network.meetings.models")
    from .helpers import make_meeting

    org = make_org("Isäntä")
    meeting = make_meeting(org)
    registration = meetings.MeetingRegistration(meeting_id=meeting.id, user_id=member.id, email=member.email,
                                                name=member.name)
    db.session.add(registration)
    db.session.commit()
    delete_account(member, PASSWORD)
    db.session.commit()
    db.session.refresh(registration)
    assert registration.user_id is None and registration.email is None and registration.name is None
