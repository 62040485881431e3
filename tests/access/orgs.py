from network.extensions import db
from network.orgs.models import MembershipApplication, Organisation

from . import FORBIDDEN, LOGIN, OK, REDIRECT, Access, World


def setup(world: World) -> None:
    org = Organisation(name_fi="Matriisin kunta", search_name="matriisin kunta", kind="municipality",
                       region="uusimaa")
    other = Organisation(name_fi="Toinen kunta", search_name="toinen kunta", kind="municipality", region="lappi")
    application = MembershipApplication(name_fi="Hakijan yhdistys ry", kind="civil_society", region="kainuu",
                                        contact_name="Hanna Hakija", contact_email="hanna@example.fi")
    db.session.add_all([org, other, application])
    db.session.commit()
    world.ids["org"] = org.id
    world.ids["other_org"] = other.id
    world.ids["application"] = application.id


def _org(w: World) -> str:
    return f"/organisations/{w.ids['org']}"


def _admin(w: World, suffix: str) -> str:
    return f"/admin/organisations/{w.ids['org']}/{suffix}"


def _application(w: World, suffix: str = "") -> str:
    return f"/admin/organisations/applications/{w.ids['application']}{suffix}"


RULES = [
    Access("orgs.directory", "GET", "/organisations", OK, OK, OK),
    Access("orgs.detail", "GET", _org, OK, OK, OK),
    Access("orgs.apply", "GET", "/organisations/apply", OK, OK, OK),
    Access("orgs.apply", "POST", "/organisations/apply", 422, 422, 422),
    Access("orgs.admin_index", "GET", "/admin/organisations", LOGIN, FORBIDDEN, OK),
    Access("orgs.create", "GET", "/admin/organisations/new", LOGIN, FORBIDDEN, OK),
    Access("orgs.create", "POST", "/admin/organisations/new", LOGIN, FORBIDDEN, 422),
    Access("orgs.edit", "GET", lambda w: _admin(w, "edit"), LOGIN, FORBIDDEN, OK),
    Access("orgs.edit", "POST", lambda w: _admin(w, "edit"), LOGIN, FORBIDDEN, REDIRECT),
    Access("orgs.mark_left", "GET", lambda w: _admin(w, "leave"), LOGIN, FORBIDDEN, OK),
    Access("orgs.mark_left", "POST", lambda w: _admin(w, "leave"), LOGIN, FORBIDDEN, 422),
    Access("orgs.rejoin", "POST", lambda w: _admin(w, "rejoin"), LOGIN, FORBIDDEN, REDIRECT),
    Access("orgs.merge", "GET", lambda w: _admin(w, "merge"), LOGIN, FORBIDDEN, OK),
    Access("orgs.merge", "POST", lambda w: _admin(w, "merge"), LOGIN, FORBIDDEN, REDIRECT),
    Access("orgs.applications_index", "GET", "/admin/organisations/applications", LOGIN, FORBIDDEN, OK),
    Access("orgs.application_detail", "GET", _application, LOGIN, FORBIDDEN, OK),
    Access("orgs.approve_application", "POST", lambda w: _application(w, "/approve"), LOGIN, FORBIDDEN, REDIRECT),
    Access("orgs.reject_application", "POST", lambda w: _application(w, "/reject"), LOGIN, FORBIDDEN, 422),
    Access("orgs.import_upload", "GET", "/admin/organisations/import", LOGIN, FORBIDDEN, OK),
    Access("orgs.import_upload", "POST", "/admin/organisations/import", LOGIN, FORBIDDEN, 422),
    Access("orgs.import_confirm", "POST", "/admin/organisations/import/confirm", LOGIN, FORBIDDEN, REDIRECT),
    Access("orgs.export_csv", "GET", "/admin/organisations/export.csv", LOGIN, FORBIDDEN, OK),
    Access("orgs.export_xlsx", "GET", "/admin/organisations/export.xlsx", LOGIN, FORBIDDEN, OK),
]
