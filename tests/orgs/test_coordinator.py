"""The coordinator's register pages: create, edit, mark as left, merge; all recorded in the audit trail."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from network.audit.models import AuditEntry
from network.extensions import db
from network.orgs.models import Organisation
from tests.conftest import create_user
from tests.support.english import english

from .helpers import make_meeting, make_org

NEW = {
    "name_fi": "Uusi kunta",
    "name_sv": "Nya kommun",
    "kind": "municipality",
    "region": "kainuu",
    "municipality": "Kajaani",
    "business_id": "0201256-6",
    "website": "https://uusi.example",
    "description": "Kuvaus",
    "open_government_member": "y",
    "joined_on": "2024-05-01",
}


def test_create_and_edit(coordinator_client, coordinator):
    response = coordinator_client.post("/admin/organisations/new", data=NEW)
    assert response.status_code == 302
    org = db.session.scalar(select(Organisation))
    assert org.name_sv == "Nya kommun" and org.open_government_member and str(org.joined_on) == "2024-05-01"
    # The region follows from the municipality: moving to Lapland is moving to a municipality there.
    response = coordinator_client.post(f"/admin/organisations/{org.id}/edit", data={
        **NEW, "municipality": "Rovaniemi", "region": "lappi", "open_government_member": ""})
    assert response.status_code == 302
    db.session.refresh(org)
    assert org.region == "lappi" and not org.open_government_member
    entries = list(db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)))
    assert [e.action for e in entries] == ["organisation.created", "organisation.updated"]
    assert entries[1].actor_id == coordinator.id
    assert entries[1].before == {"region": "kainuu", "municipality": "Kajaani", "open_government_member": True}


def test_create_shows_errors_next_to_fields_and_changes_nothing(coordinator_client):
    make_org("Uusi kunta", business_id="0245974-7")
    response = coordinator_client.post(
        "/admin/organisations/new", data={**NEW, "name_fi": "UUSI KUNTA", "business_id": "0245974-7"}
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert re.search(r'id="name_fi-error">The register already has an organisation called Uusi kunta', html)
    assert re.search(r'id="business_id-error">The business ID is already used by', html)
    response = coordinator_client.post("/admin/organisations/new", data={**NEW, "business_id": "0245974-1"})
    assert re.search(r'id="business_id-error">The business ID is not valid', response.get_data(as_text=True))
    assert db.session.scalar(select(func.count(Organisation.id))) == 1


def test_csrf_is_required_on_register_forms(csrf_app, coordinator):
    from tests.conftest import log_in

    client = english(csrf_app.test_client())
    log_in(client, coordinator)
    assert client.post("/admin/organisations/new", data=NEW).status_code == 400
    html = client.get("/admin/organisations/new").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    assert client.post("/admin/organisations/new", data={**NEW, "csrf_token": token}).status_code == 302


def test_mark_left_with_confirmation_page(coordinator_client):
    org = make_org("Lähtevä ry", kind="civil_society", joined_on=__import__("datetime").date(2020, 1, 1))
    page = coordinator_client.get(f"/admin/organisations/{org.id}/leave").get_data(as_text=True)
    assert "stays in the register as history" in page
    response = coordinator_client.post(f"/admin/organisations/{org.id}/leave", data={"left_on": "2019-01-01"})
    assert response.status_code == 422 and "cannot be before the date of joining" in response.get_data(as_text=True)
    assert coordinator_client.post(f"/admin/organisations/{org.id}/leave",
                                   data={"left_on": "2025-06-30"}).status_code == 302
    db.session.refresh(org)
    assert str(org.left_on) == "2025-06-30"
    assert "left the network on" in coordinator_client.get(f"/organisations/{org.id}").get_data(as_text=True)
    coordinator_client.post(f"/admin/organisations/{org.id}/rejoin")
    db.session.refresh(org)
    assert org.left_on is None


def test_merge_asks_for_confirmation_then_moves_everything(coordinator_client):
    survivor = make_org("Kuopion kaupunki")
    duplicate = make_org("Kuopion kaupunki (kaksoiskappale)", business_id="0171450-7")
    person = create_user("kuopio@example.fi", organisation_id=duplicate.id, public_profile=True)
    meeting = make_meeting(duplicate)
    chooser = coordinator_client.get(f"/admin/organisations/{survivor.id}/merge").get_data(as_text=True)
    assert "Kuopion kaupunki (kaksoiskappale)" in chooser
    confirm = coordinator_client.get(f"/admin/organisations/{survivor.id}/merge?duplicate={duplicate.id}")
    html = confirm.get_data(as_text=True)
    assert "Check before merging" in html and "users: 1" in html and "meetings: 1" in html
    # Nothing happened yet.
    db.session.refresh(duplicate)
    assert duplicate.merged_into_id is None
    response = coordinator_client.post(f"/admin/organisations/{survivor.id}/merge",
                                       data={"duplicate": str(duplicate.id)})
    assert response.status_code == 302
    db.session.refresh(duplicate)
    db.session.refresh(person)
    db.session.refresh(meeting)
    assert duplicate.merged_into_id == survivor.id
    assert person.organisation_id == survivor.id and meeting.host_organisation_id == survivor.id
    assert db.session.get(Organisation, survivor.id).business_id == "0171450-7"
    # The merged one cannot be chosen again, nor merged into itself.
    response = coordinator_client.post(f"/admin/organisations/{survivor.id}/merge",
                                       data={"duplicate": str(survivor.id)})
    assert response.status_code == 302
    assert coordinator_client.get(f"/admin/organisations/{duplicate.id}/merge").status_code == 404


def test_admin_register_lists_everything_with_links(coordinator_client):
    make_org("Aktiivinen")
    html = coordinator_client.get("/admin/organisations").get_data(as_text=True)
    for text in ("Aktiivinen", "Applications", "Import from a file", "Export as CSV", "Audit trail"):
        assert text in html


def test_members_and_visitors_cannot_change_the_register(member_client, client):
    org = make_org("Suojattu")
    for c in (member_client, client):
        c.post(f"/admin/organisations/{org.id}/edit", data={**NEW})
        c.post(f"/admin/organisations/{org.id}/leave", data={"left_on": "2025-01-01"})
        c.post("/admin/organisations/new", data=NEW)
    db.session.refresh(org)
    assert org.name_fi == "Suojattu" and org.left_on is None
    assert db.session.scalar(select(func.count(Organisation.id))) == 1
    assert db.session.scalar(select(func.count(AuditEntry.id))) == 1  # only the creation by make_org


def test_merge_and_link_with_an_impossible_organisation_number_are_not_server_errors(coordinator_client):
    survivor = make_org("Porin kaupunki")
    person = create_user("pori@example.fi", organisation_link_pending=True, organisation_requested_name="Pori")
    huge = "99999999999999999999"
    assert coordinator_client.get(f"/admin/organisations/{survivor.id}/merge?duplicate={huge}").status_code == 200
    response = coordinator_client.post(f"/admin/organisations/{survivor.id}/merge", data={"duplicate": huge})
    assert response.status_code == 302
    response = coordinator_client.post(f"/admin/organisations/link-requests/{person.id}/confirm",
                                       data={f"u{person.id}-organisation": huge})
    assert response.status_code == 302
    db.session.refresh(person)
    assert person.organisation_link_pending


def test_a_joining_date_in_the_future_is_refused(coordinator_client):
    """A fresh tester saved 'Joined the network on 1.1.2099', shown on the public page as a fact."""
    response = coordinator_client.post("/admin/organisations/new", data={**NEW, "joined_on": "2099-01-01"})
    assert response.status_code == 422
    assert "The date of joining cannot be in the future." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Organisation.id))) == 0
