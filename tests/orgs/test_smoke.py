"""Every register page renders with the realistic demo register."""

from sqlalchemy import func, select

from network.auth import demo as people_demo
from network.extensions import db
from network.orgs import demo
from network.orgs.models import MembershipApplication, Organisation


def test_demo_register_is_realistic_and_idempotent(app):
    demo.load()
    db.session.commit()
    demo.load()
    db.session.commit()
    organisations = list(db.session.scalars(select(Organisation)))
    assert len(organisations) >= 30
    assert {o.kind for o in organisations} == {"municipality", "wellbeing_county", "state", "civil_society",
                                               "research_education", "other"}
    assert len({o.region for o in organisations}) >= 15
    assert db.session.scalar(select(func.count(MembershipApplication.id))) == 2


def test_pages_render_with_demo_data(client, coordinator_client):
    demo.load()
    people_demo.load()  # the people who wait for their organisation to be confirmed are accounts (auth's demo)
    db.session.commit()
    first, second = db.session.scalars(select(Organisation.id).order_by(Organisation.id).limit(2))
    for url in ("/organisations", "/organisations?q=mantta", "/organisations?kind=state&region=uusimaa&open_government=y",
                "/organisations/apply", f"/organisations/{first}"):
        assert client.get(url).status_code == 200, url
    assert "Mänttä-Vilppulan kaupunki" in client.get("/organisations?q=mantta").get_data(as_text=True)
    application = db.session.scalar(select(MembershipApplication.id))
    for url in ("/admin/organisations", "/admin/organisations/applications", "/admin/organisations/link-requests",
                "/admin/organisations/import", "/admin/organisations/new", "/admin/audit", f"/organisations/{first}",
                f"/admin/organisations/{first}/merge?duplicate={second}", f"/admin/organisations/{first}/leave",
                f"/admin/organisations/{first}/edit", f"/admin/organisations/applications/{application}"):
        assert coordinator_client.get(url).status_code == 200, url
    html = coordinator_client.get("/admin/organisations/link-requests").get_data(as_text=True)
    assert "Marja Lehtonen" in html and "Kyläyhdistys Kotiseutu ry" in html
