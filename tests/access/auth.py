from network.extensions import db
from network.orgs.models import Organisation
from tests.conftest import create_user

from . import FORBIDDEN, LOGIN, OK, REDIRECT, Access, World


def setup(world: World) -> None:
    world.ids["other_user"] = create_user("other.person@example.fi", "Other Person").id
    org = Organisation(name_fi="Linkin kunta", search_name="linkin kunta", kind="municipality", region="uusimaa")
    db.session.add(org)
    db.session.commit()
    world.ids["pending_user"] = create_user(
        "pending.link@example.fi", "Pending Link", organisation_id=org.id, organisation_link_pending=True
    ).id


def _link(w: World, suffix: str) -> str:
    return f"/admin/organisations/link-requests/{w.ids['pending_user']}/{suffix}"


RULES = [
    Access("auth.register", "GET", "/register", OK, REDIRECT, REDIRECT),
    Access("auth.register", "POST", "/register", 422, REDIRECT, REDIRECT),
    Access("auth.confirm_email", "GET", "/confirm/not-a-token", REDIRECT, REDIRECT, REDIRECT),
    Access("auth.confirm_email", "POST", "/confirm/not-a-token", REDIRECT, REDIRECT, REDIRECT),
    Access("auth.resend_confirmation", "GET", "/confirm", OK, OK, OK),
    Access("auth.resend_confirmation", "POST", "/confirm", OK, OK, OK),
    Access("auth.login", "GET", "/login", OK, REDIRECT, REDIRECT),
    Access("auth.login", "POST", "/login", 401, REDIRECT, REDIRECT),
    Access("auth.logout", "POST", "/logout", REDIRECT, REDIRECT, REDIRECT),
    Access("auth.request_reset", "GET", "/reset", OK, OK, OK),
    Access("auth.request_reset", "POST", "/reset", OK, OK, OK),
    Access("auth.reset_password", "GET", "/reset/not-a-token", REDIRECT, REDIRECT, REDIRECT),
    Access("auth.reset_password", "POST", "/reset/not-a-token", OK, OK, OK),
    Access("auth.me", "GET", "/me", LOGIN, OK, OK),
    Access("auth.profile", "GET", "/profile", LOGIN, OK, OK),
    Access("auth.profile", "POST", "/profile", LOGIN, REDIRECT, REDIRECT),
    Access("auth.change_email", "GET", "/profile/email", LOGIN, OK, OK),
    Access("auth.change_email", "POST", "/profile/email", LOGIN, 422, 422),
    Access("auth.confirm_email_change", "GET", "/profile/email/not-a-token", REDIRECT, REDIRECT, REDIRECT),
    Access("auth.confirm_email_change", "POST", "/profile/email/not-a-token", REDIRECT, REDIRECT, REDIRECT),
    Access("auth.change_password", "GET", "/profile/password", LOGIN, OK, OK),
    Access("auth.change_password", "POST", "/profile/password", LOGIN, 422, 422),
        Access("auth.my_sessions", "GET", "/me/sessions", LOGIN, OK, OK),
    Access("auth.end_session", "POST", "/me/sessions/999999/end", LOGIN, 404, 404),
    Access("auth.end_other_sessions", "POST", "/me/sessions/end-others", LOGIN, REDIRECT, REDIRECT),
    Access("auth.admin_users", "GET", "/admin/users", LOGIN, FORBIDDEN, OK),
    Access(
        "auth.change_role",
        "POST",
        lambda w: f"/admin/users/{w.ids['other_user']}/role",
        LOGIN,
        FORBIDDEN,
        REDIRECT,
        {"role": "member"},
    ),
    Access("auth.link_requests", "GET", "/admin/organisations/link-requests", LOGIN, FORBIDDEN, OK),
    Access("auth.confirm_link", "POST", lambda w: _link(w, "confirm"), LOGIN, FORBIDDEN, REDIRECT),
    Access("auth.reject_link", "POST", lambda w: _link(w, "reject"), LOGIN, FORBIDDEN, REDIRECT),
    Access("auth.my_data", "GET", "/me/data", LOGIN, OK, OK),
    Access("auth.export_my_data", "GET", "/me/export.json", LOGIN, OK, OK),
    Access("auth.delete_account", "GET", "/me/delete", LOGIN, OK, OK),
    Access("auth.delete_account", "POST", "/me/delete", LOGIN, 422, 422),
]
