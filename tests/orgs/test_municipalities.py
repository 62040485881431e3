"""Municipalities: Statistics Finland's list with Finnish and Swedish names and regions; the region follows from the
municipality; the directory finds an organisation by its municipality in either language; Swedish readers see the
Swedish name."""

from __future__ import annotations

from collections import Counter

import pytest

from network.extensions import db
from network.orgs import demo
from network.orgs.models import Organisation
from network.orgs.municipalities import (
    DATA_FILE,
    DATA_YEAR,
    find_municipality,
    municipalities,
    municipality_choices,
    municipality_name,
)
from network.orgs.regions import REGIONS
from network.orgs.register import OrganisationData, RegisterError, create_organisation
from tests.conftest import choose_language

from .helpers import make_org


def test_the_list_is_statistics_finlands_with_its_counts():
    header = DATA_FILE.read_text(encoding="utf-8").split("\ncode;", 1)[0]
    assert "Statistics Finland" in header and str(DATA_YEAR) in header
    every = municipalities()
    # 309 municipalities in 2021-2024 (Statistics Finland's notice of 1.1.2024), in the 19 regions.
    assert DATA_YEAR == 2024 and len(every) == 309
    assert len({m.code for m in every}) == 309 and len({m.name_fi for m in every}) == 309
    per_region = Counter(m.region for m in every)
    assert set(per_region) == set(REGIONS) and len(per_region) == 19
    assert per_region["ahvenanmaa"] == 16 and per_region["uusimaa"] == 26 and per_region["pohjois-pohjanmaa"] == 30


def test_names_in_both_languages_and_regions():
    assert find_municipality("Åbo").name_fi == "Turku" and find_municipality("turku").name_sv == "Åbo"
    assert find_municipality("Mariehamn") == find_municipality("Maarianhamina") == find_municipality("478")
    assert find_municipality("Maarianhamina").region == "ahvenanmaa"
    assert find_municipality("Heinävesi").region == "pohjois-karjala"  # moved from Etelä-Savo in 2021
    assert find_municipality("Atlantis") is None
    assert municipality_name("Turku", "sv") == "Åbo" and municipality_name("Turku", "fi") == "Turku"
    assert municipality_name("Kylä X", "sv") == "Kylä X"
    # Suggestions in the language's alphabetical order: Å, Ä, Ö after Z.
    finnish = municipality_choices("fi")
    assert finnish.index("Ylöjärvi") < finnish.index("Ähtäri") < finnish.index("Äänekoski")
    swedish = municipality_choices("sv")
    assert swedish.index("Vörå") < swedish.index("Åbo") < swedish.index("Östermark")


def test_region_follows_from_the_municipality(app):
    org = create_organisation(OrganisationData(name_fi="Turun Demokratiaseura", kind="civil_society",
                                               region="lappi", municipality="åbo"), None)
    assert org.municipality == "Turku" and org.region == "varsinais-suomi"
    # With no municipality the region given stands.
    other = create_organisation(OrganisationData(name_fi="Lapin Seura", kind="civil_society", region="lappi"), None)
    assert other.region == "lappi"
    with pytest.raises(RegisterError) as refused:
        create_organisation(OrganisationData(name_fi="Atlantiksen kunta", kind="municipality", region="uusimaa",
                                             municipality="Atlantis"), None)
    assert "municipality" in refused.value.errors


@pytest.mark.parametrize("query", ["Mariehamn", "Maarianhamina", "mariehamn"])
def test_directory_finds_an_organisation_by_its_municipality_in_either_language(client, query):
    make_org("Ahvenanmaan maakuntahallitus", name_sv="Ålands landskapsregering", kind="state",
             municipality="Maarianhamina")
    make_org("Helsingin kaupunki", municipality="Helsinki")
    html = client.get(f"/organisations?q={query}").get_data(as_text=True)
    assert "Ahvenanmaan maakuntahallitus" in html and "Helsingin kaupunki" not in html


def test_swedish_readers_see_swedish_municipality_names(client):
    org = make_org("Turun kaupunki", name_sv="Åbo stad", municipality="Turku")
    db.session.commit()
    choose_language(client, "sv")
    directory = client.get("/organisations").get_data(as_text=True)
    detail = client.get(f"/organisations/{org.id}").get_data(as_text=True)
    assert '">Åbo</td>' in directory and '">Turku</td>' not in directory
    assert "<dd>Åbo</dd>" in detail and "Turku" not in detail
    choose_language(client, "fi")
    assert '">Turku</td>' in client.get("/organisations").get_data(as_text=True)


def test_demo_register_is_consistent_with_the_list(app):
    demo.load()
    db.session.commit()
    for org in db.session.query(Organisation):
        if org.municipality:
            municipality = find_municipality(org.municipality)
            assert municipality is not None, org.municipality
            assert org.region == municipality.region, org.name_fi
