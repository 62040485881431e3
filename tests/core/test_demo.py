"""`flask demo load`: idempotent, and `--reset` rebuilds."""

from __future__ import annotations

from sqlalchemy import func, select

from network.auth.models import User
from network.demo import DEMO_LOGINS, DEMO_PASSWORD
from network.extensions import db
from network.orgs.models import Organisation


def _counts() -> dict[str, int]:
    db.session.expire_all()
    return {table.name: db.session.scalar(select(func.count()).select_from(table)) for table in db.metadata.sorted_tables}


def _load(app, *args):
    result = app.test_cli_runner().invoke(args=["demo", "load", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_demo_load_is_idempotent_and_reset_rebuilds(app):
    from network.auth import accounts

    output = _load(app)
    assert "Demo data loaded." in output
    assert DEMO_PASSWORD in output and all(email in output for _, email in DEMO_LOGINS)
    first = _counts()
    assert first["organisations"] >= 25
    assert first["users"] >= 3
    kinds = set(db.session.scalars(select(Organisation.kind)))
    regions = set(db.session.scalars(select(Organisation.region)))
    assert len(kinds) >= 5 and len(regions) >= 10
    # The printed logins work.
    roles = {email: role for role, email in DEMO_LOGINS}
    for email, role in roles.items():
        user = accounts.authenticate(email, DEMO_PASSWORD)
        assert user is not None and user.email_confirmed and user.role == role

    output = _load(app)
    assert "nothing changed" in output
    assert _counts() == first

    # --reset: extra rows disappear, the demo comes back whole.
    db.session.add(User(email="extra@example.fi", name="Extra", password_hash="x"))
    db.session.commit()
    assert _load(app, "--reset")
    assert _counts() == first
    assert db.session.scalar(select(User.id).where(User.email == "extra@example.fi")) is None
