from network.orgs import demo


def test_pages_render_with_demo_data(app, client, coordinator_client):
    demo.load()
    from network.extensions import db
    db.session.commit()
    for url in ("/organisations", "/organisations?q=mantta", "/organisations?kind=state&region=uusimaa&open_government=y",
                "/organisations/apply"):
        response = client.get(url)
        assert response.status_code == 200, url
    response = client.get("/organisations?q=mantta")
    assert "Mänttä-Vilppulan kaupunki" in response.get_data(as_text=True)
    for url in ("/admin/organisations", "/admin/organisations/applications", "/admin/organisations/link-requests",
                "/admin/organisations/import", "/admin/organisations/new", "/admin/audit", "/organisations/1",
                "/admin/organisations/1/merge?duplicate=2", "/admin/organisations/1/leave"):
        response = coordinator_client.get(url)
        assert response.status_code == 200, url
