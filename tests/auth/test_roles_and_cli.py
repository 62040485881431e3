"""Roles through the administration page, and `flask users create-coordinator`."""

from __future__ import annotations

from sqlalchemy import select

from network.audit.models import AuditEntry
from network.auth import accounts
from network.extensions import db

from ..conftest import create_user
from .helpers import user_by_email, user_count


def _set_role(client, user, role):
    return client.post(f"/admin/users/{user.id}/role", data={"role": role}, follow_redirects=True)


def test_coordinator_promotes_and_demotes_others(coordinator_client, coordinator):
    other = create_user("other@example.fi", "Olli Other")
    page = _set_role(coordinator_client, other, "coordinator").get_data(as_text=True)
    assert "Henkilön Olli Other rooli on nyt: Koordinaattori." in page
    assert user_by_email("other@example.fi").role == "coordinator"
    _set_role(coordinator_client, other, "member")
    assert user_by_email("other@example.fi").role == "member"
    actions = [(e.action, e.actor_id) for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert actions == [("promote", coordinator.id), ("demote", coordinator.id)]


def test_last_coordinator_cannot_be_demoted(coordinator_client, coordinator):
    page = _set_role(coordinator_client, coordinator, "member").get_data(as_text=True)
    assert "Viimeiseltä koordinaattorilta ei voi poistaa koordinaattorin roolia." in page
    assert user_by_email(coordinator.email).role == "coordinator"
    assert db.session.scalar(select(AuditEntry.id)) is None


def test_coordinator_can_step_down_when_another_exists(coordinator_client, coordinator):
    create_user("second@example.fi", role="coordinator")
    _set_role(coordinator_client, coordinator, "member")
    assert user_by_email(coordinator.email).role == "member"
    # Now a member: the administration is closed to them.
    assert coordinator_client.get("/admin/users").status_code == 403


def test_unknown_role_changes_nothing(coordinator_client):
    other = create_user("other@example.fi")
    page = _set_role(coordinator_client, other, "admin").get_data(as_text=True)
    assert "Valitse rooli." in page
    assert user_by_email("other@example.fi").role == "member"


def test_member_cannot_change_roles(member_client, member):
    response = member_client.post(f"/admin/users/{member.id}/role", data={"role": "coordinator"})
    assert response.status_code == 403
    assert "Ei käyttöoikeutta" in response.get_data(as_text=True)
    assert user_by_email(member.email).role == "member"


def test_visitor_is_sent_to_log_in(client, member):
    response = client.post(f"/admin/users/{member.id}/role", data={"role": "coordinator"})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert user_by_email(member.email).role == "member"


def test_user_list_search(coordinator_client):
    create_user("aino@tampere.example", "Aino Virtanen")
    create_user("erik@vaasa.example", "Erik Lindqvist")
    page = coordinator_client.get("/admin/users?q=VIRTA").get_data(as_text=True)
    assert "Aino Virtanen" in page and "Erik Lindqvist" not in page
    page = coordinator_client.get("/admin/users?q=vaasa").get_data(as_text=True)
    assert "Erik Lindqvist" in page and "Aino Virtanen" not in page


def _create_coordinator(app, *args, input=None):
    return app.test_cli_runner().invoke(args=["users", "create-coordinator", *args], input=input)


def test_cli_creates_a_coordinator_from_stdin(app):
    result = _create_coordinator(
        app, "Kaisa.K@Example.FI", "--name", "Kaisa Koordinaattori", "--password-stdin", input="pitka-salasana-2026\n"
    )
    assert result.exit_code == 0, result.output
    assert "kaisa.k@example.fi" in result.output
    user = user_by_email("kaisa.k@example.fi")
    assert (user.name, user.role, user.email_confirmed) == ("Kaisa Koordinaattori", "coordinator", True)
    assert accounts.authenticate("kaisa.k@example.fi", "pitka-salasana-2026") is not None


def test_cli_asks_for_the_password_twice_without_stdin_flag(app):
    result = _create_coordinator(
        app, "kaisa@example.fi", "--name", "Kaisa", input="pitka-salasana-2026\npitka-salasana-2026\n"
    )
    assert result.exit_code == 0, result.output
    assert user_by_email("kaisa@example.fi").role == "coordinator"


def test_cli_promotes_an_existing_member(app):
    create_user("kaisa@example.fi", "Kaisa")
    result = _create_coordinator(app, "KAISA@example.fi", "--name", "Kaisa", "--password-stdin",
                                 input="pitka-salasana-2026\n")
    assert result.exit_code == 0, result.output
    assert user_count() == 1
    assert user_by_email("kaisa@example.fi").role == "coordinator"


def test_cli_refuses_short_password_and_bad_address(app):
    result = _create_coordinator(app, "kaisa@example.fi", "--name", "Kaisa", "--password-stdin", input="short\n")
    assert result.exit_code != 0
    assert "12" in result.output
    result = _create_coordinator(app, "not-an-address", "--name", "Kaisa", "--password-stdin",
                                 input="pitka-salasana-2026\n")
    assert result.exit_code != 0
    assert user_count() == 0


def test_cli_requires_a_name(app):
    result = _create_coordinator(app, "kaisa@example.fi", "--password-stdin", input="pitka-salasana-2026\n")
    assert result.exit_code != 0
    assert user_count() == 0
