"""The public directory and organisation pages, through the test client."""

from __future__ import annotations

import re
from datetime import date

from network.extensions import db
from network.orgs.directory import DirectoryFilter, counts_by_kind, counts_by_region, directory_statement
from tests.conftest import create_user

from .helpers import make_meeting, make_org


def _names(response) -> list[str]:
    html = response.get_data(as_text=True)
    return re.findall(r'<th scope="row"[^>]*><a href="/organisations/\d+">([^<]+)</a>', html)


def _register(app):
    make_org("Mänttä-Vilppulan kaupunki", name_sv="Mänttä-Filpula stad", region="pirkanmaa")
    make_org("Tampereen kaupunki", name_sv="Tammerfors stad", region="pirkanmaa", open_government_member=True)
    make_org("Vaasan kaupunki", name_sv="Vasa stad", region="pohjanmaa", open_government_member=True)
    make_org("Oikeusministeriö", name_sv="Justitieministeriet", kind="state")
    make_org("Kansalaisareena ry", kind="civil_society")


def test_search_is_case_and_accent_insensitive_in_both_languages(client):
    _register(client.application)
    assert _names(client.get("/organisations?q=mantta")) == ["Mänttä-Vilppulan kaupunki"]
    assert _names(client.get("/organisations?q=MÄNTTÄ vilppula")) == ["Mänttä-Vilppulan kaupunki"]
    assert _names(client.get("/organisations?q=tammerfors")) == ["Tampereen kaupunki"]
    assert _names(client.get("/organisations?q=justitie")) == ["Oikeusministeriö"]
    # LIKE wildcards typed by a visitor are taken literally.
    assert _names(client.get("/organisations?q=%25")) == []
    assert "No organisations match" in client.get("/organisations?q=zzz").get_data(as_text=True)


def test_filters_kind_region_and_open_government(client):
    _register(client.application)
    assert _names(client.get("/organisations?kind=state")) == ["Oikeusministeriö"]
    assert _names(client.get("/organisations?region=pirkanmaa")) == ["Mänttä-Vilppulan kaupunki", "Tampereen kaupunki"]
    assert _names(client.get("/organisations?open_government=y")) == ["Tampereen kaupunki", "Vaasan kaupunki"]
    assert _names(client.get("/organisations?region=pirkanmaa&open_government=y")) == ["Tampereen kaupunki"]
    # Unknown values are ignored rather than failing.
    assert len(_names(client.get("/organisations?kind=nonsense&region=atlantis"))) == 5


def test_counts_per_kind_and_region(app):
    _register(app)
    everything = DirectoryFilter().cleaned()
    assert counts_by_kind(everything) == {"municipality": 3, "state": 1, "civil_society": 1}
    assert counts_by_region(everything) == {"pirkanmaa": 2, "pohjanmaa": 1, "uusimaa": 2}
    # A kind filter narrows the region counts but not the kind counts (so other kinds stay reachable).
    municipalities = DirectoryFilter(kind="municipality").cleaned()
    assert counts_by_region(municipalities) == {"pirkanmaa": 2, "pohjanmaa": 1}
    assert counts_by_kind(municipalities)["state"] == 1


def test_counts_shown_above_the_list(client):
    _register(client.application)
    html = client.get("/organisations").get_data(as_text=True)
    assert html.index("By kind") < html.index("By region") < html.index('id="results"')
    assert re.search(r'kind=municipality"\s*>Municipality</a>\s*<span class="badge">3</span>', html)


def test_pagination(client):
    for n in range(25):
        make_org(f"Kunta {n:02d}", commit=False)
    db.session.commit()
    first = client.get("/organisations")
    assert len(_names(first)) == 20
    assert "25 organisations" in first.get_data(as_text=True)
    second = client.get("/organisations?page=2")
    assert _names(second) == [f"Kunta {n:02d}" for n in range(20, 25)]
    # A page past the end shows the last page, never "25 organisations" above an empty list (issue 16).
    past_end = client.get("/organisations?page=99")
    assert _names(past_end) == [f"Kunta {n:02d}" for n in range(20, 25)]
    assert "No organisations" not in past_end.get_data(as_text=True)


def test_huge_page_number_is_not_a_server_error(client):
    make_org("Kunta 01")
    response = client.get("/organisations?page=99999999999999999999")
    assert response.status_code == 200
    assert _names(response) == ["Kunta 01"]


def test_left_and_merged_organisations(client, coordinator):
    from network.orgs.register import mark_left, merge_organisations

    left = make_org("Lähtenyt yhdistys ry", kind="civil_society", joined_on=date(2020, 1, 1))
    mark_left(left, date(2024, 12, 31), coordinator)
    survivor = make_org("Säilyvä")
    duplicate = make_org("Kaksoiskappale")
    merge_organisations(survivor, duplicate, coordinator)
    db.session.commit()
    assert _names(client.get("/organisations")) == ["Säilyvä"]
    assert _names(client.get("/organisations?status=former")) == ["Lähtenyt yhdistys ry"]
    assert _names(client.get("/organisations?status=all")) == ["Lähtenyt yhdistys ry", "Säilyvä"]
    page = client.get(f"/organisations/{left.id}").get_data(as_text=True)
    assert "left the network on" in page
    response = client.get(f"/organisations/{duplicate.id}")
    assert response.status_code == 301 and response.headers["Location"].endswith(f"/organisations/{survivor.id}")


def test_organisation_page_shows_public_people_and_hosted_meetings(client):
    org = make_org("Tampereen kaupunki", business_id="0211675-2", website="https://www.tampere.fi")
    create_user("aino@example.fi", "Aino Public", organisation_id=org.id, public_profile=True, title="Coordinator")
    create_user("bertta@example.fi", "Bertta Private", organisation_id=org.id, public_profile=False)
    create_user("cecilia@example.fi", "Cecilia Pending", organisation_id=org.id, public_profile=True,
                organisation_link_pending=True)
    html = client.get(f"/organisations/{org.id}").get_data(as_text=True)
    assert "Aino Public" in html and "Coordinator" in html
    assert "Bertta Private" not in html and "Cecilia Pending" not in html
    assert "0211675-2" in html and "https://www.tampere.fi" in html
    assert "has not hosted a network meeting yet" in html
    meeting = make_meeting(org, "Demokratiapäivä Tampereella")
    html = client.get(f"/organisations/{org.id}").get_data(as_text=True)
    assert f'<a href="/meetings/{meeting.id}">Demokratiapäivä Tampereella</a>' in html


def test_unknown_organisation_is_404(client):
    assert client.get("/organisations/999").status_code == 404


def test_directory_in_swedish_uses_swedish_names(client):
    _register(client.application)
    with client.session_transaction() as session:
        session["lang"] = "sv"
    names = _names(client.get("/organisations?region=pirkanmaa"))
    assert names == ["Mänttä-Filpula stad", "Tammerfors stad"]


def test_directory_statement_is_plain_sql(app):
    sql = str(directory_statement(DirectoryFilter(query="mantta", kind="state").cleaned()))
    assert "LIKE" in sql.upper() and "ILIKE" not in sql.upper()
