"""Every route against the table of who may do what (tests/access/)."""

from __future__ import annotations

import pytest

from network import create_app

from .access import LOGIN, all_rules, make_chair, setup_world
from .conftest import create_user, log_in

ROLES = ("visitor", "member", "chair", "coordinator")
IGNORED_METHODS = {"HEAD", "OPTIONS"}


def test_every_route_is_in_the_table():
    app = create_app("testing")
    routes = {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        for method in rule.methods - IGNORED_METHODS
    }
    covered = {(rule.endpoint, rule.method) for rule in all_rules()}
    missing = sorted(routes - covered)
    assert not missing, f"routes missing from tests/access: {missing}"
    stale = sorted(covered - routes)
    assert not stale, f"rows in tests/access for routes that do not exist: {stale}"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.id)
def test_route_access(app, rule, role):
    world = setup_world()
    client = app.test_client()
    if role != "visitor":
        user = create_user(f"matrix-{role}@example.fi", f"Matrix {role}", role="member" if role == "chair" else role)
        if role == "chair":
            make_chair(world, user)
        log_in(client, user)
    url = rule.url_for(world)
    response = client.get(url) if rule.method == "GET" else client.post(url, data=rule.data_for(world))
    response.close()  # releases a sent file's handle (static files); status and headers stay readable
    expected = rule.expected(role)
    if expected == LOGIN:
        assert response.status_code == 302, f"{role} {rule.id}: {response.status_code}"
        assert "/login" in response.headers["Location"]
    else:
        assert response.status_code == expected, f"{role} {rule.id}: got {response.status_code}, expected {expected}"
