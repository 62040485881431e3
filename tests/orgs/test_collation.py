"""Names in the reader's language's alphabetical order (ICU), in the directory and in every organisation drop-down."""

from __future__ import annotations

import re

from network.collation import collated, sort_key
from network.extensions import db
from tests.conftest import create_user, log_in

from .helpers import make_org
from .test_directory import _names

FINNISH_ORDER = ["Helsingin kaupunki", "Hämeenlinnan kaupunki", "Mikkelin kaupunki", "Mänttä-Vilppulan kaupunki",
                 "Zyskowin kunta", "Åbo Akademi"]


def _register() -> None:
    # Inserted in an order that is none of the expected ones.
    make_org("Åbo Akademi", name_sv="Åbo Akademi", kind="civil_society", commit=False)
    make_org("Mänttä-Vilppulan kaupunki", name_sv="Mänttä-Filpula stad", commit=False)
    make_org("Hämeenlinnan kaupunki", name_sv="Tavastehus stad", commit=False)
    make_org("Zyskowin kunta", commit=False)
    make_org("Mikkelin kaupunki", name_sv="S:t Michels stad", commit=False)
    make_org("Helsingin kaupunki", name_sv="Helsingfors stad", commit=False)
    make_org("Espoon kaupunki", name_sv="Esbo stad", region="pirkanmaa", commit=False)
    db.session.commit()


def _finnish(client) -> None:
    with client.session_transaction() as session:
        session["lang"] = "fi"


def _options(html: str, select_name: str) -> list[str]:
    select = re.search(rf'<select[^>]*name="{select_name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, select_name
    return re.findall(r'<option[^>]*value="[1-9]\d*"[^>]*>([^<]+)</option>', select.group(1))


def test_english_readers_get_english_order(client):
    _register()
    with client.session_transaction() as session:
        session["lang"] = "en"
    names = _names(client.get("/organisations?region=uusimaa"))
    assert names == ["Åbo Akademi", "Hämeenlinnan kaupunki", "Helsingin kaupunki", "Mänttä-Vilppulan kaupunki",
                     "Mikkelin kaupunki", "Zyskowin kunta"]


def test_sort_keys_follow_each_language():
    words = ["Åbo", "Zeta", "Ähtäri", "Aura", "Öja", "Oulu"]
    assert collated(words, str, "fi") == ["Aura", "Oulu", "Zeta", "Åbo", "Ähtäri", "Öja"]
    assert collated(words, str, "sv") == ["Aura", "Oulu", "Zeta", "Åbo", "Ähtäri", "Öja"]
    # English has no letters after Z: Å is an A with a ring.
    assert collated(words, str, "en") == ["Åbo", "Ähtäri", "Aura", "Öja", "Oulu", "Zeta"]
    assert sort_key("Hämeenlinna", "fi") > sort_key("Helsinki", "fi")


def test_directory_in_finnish_alphabetical_order(client):
    _register()
    _finnish(client)
    assert _names(client.get("/organisations?region=uusimaa&kind=municipality")) == FINNISH_ORDER[:-1]
    assert _names(client.get("/organisations?region=uusimaa")) == FINNISH_ORDER


def test_directory_in_swedish_sorts_by_swedish_names(client):
    _register()
    with client.session_transaction() as session:
        session["lang"] = "sv"
    assert _names(client.get("/organisations")) == [
        "Esbo stad", "Helsingfors stad", "Mänttä-Filpula stad", "S:t Michels stad", "Tavastehus stad",
        "Zyskowin kunta", "Åbo Akademi"]


def test_directory_pages_follow_the_order(client):
    _finnish(client)
    for n, name in enumerate(["Ö", "Å", "Ä", "Z", "A"] * 5):
        make_org(f"{name} {n:02d}", commit=False)
    db.session.commit()
    first = _names(client.get("/organisations"))
    second = _names(client.get("/organisations?page=2"))
    assert [name[0] for name in first + second] == ["A"] * 5 + ["Z"] * 5 + ["Å"] * 5 + ["Ä"] * 5 + ["Ö"] * 5


def test_register_and_link_request_drop_downs_in_alphabetical_order(client, coordinator):
    _register()
    _finnish(client)
    html = client.get("/register").get_data(as_text=True)
    assert _options(html, "organisation") == ["Espoon kaupunki", *FINNISH_ORDER[:-1], "Åbo Akademi"]
    create_user("odottaa@example.org", organisation_link_pending=True, organisation_requested_name="Uusi")
    log_in(client, coordinator)
    _finnish(client)
    html = client.get("/admin/organisations/link-requests").get_data(as_text=True)
    select_name = re.search(r'<select[^>]*name="(u\d+-organisation)"', html).group(1)
    assert _options(html, select_name) == ["Espoon kaupunki", *FINNISH_ORDER[:-1], "Åbo Akademi"]


def test_meeting_host_and_merge_drop_downs_in_alphabetical_order(coordinator_client):
    _register()
    _finnish(coordinator_client)
    html = coordinator_client.get("/admin/meetings/new").get_data(as_text=True)
    hosts = [name.split(" (")[0] for name in _options(html, "host_organisation_id")]
    assert hosts == ["Espoon kaupunki", *FINNISH_ORDER[:-1], "Åbo Akademi"]


def test_exports_in_the_readers_alphabetical_order(coordinator_client):
    _register()
    _finnish(coordinator_client)
    finnish = coordinator_client.get("/admin/organisations/export.csv").get_data(as_text=True)
    rows = [line.split(";")[1] if ";" in line else line.split(",")[1] for line in finnish.splitlines()[1:]]
    assert rows == ["Espoon kaupunki", *FINNISH_ORDER[:-1], "Åbo Akademi"]
    with coordinator_client.session_transaction() as session:
        session["lang"] = "sv"
    swedish = coordinator_client.get("/admin/organisations/export.csv").get_data(as_text=True)
    swedish_rows = [line.split(";")[2] if ";" in line else line.split(",")[2] for line in swedish.splitlines()[1:]]
    # Sorted by the Swedish name where there is one: Esbo, Helsingfors, Mänttä-Filpula, S:t Michels, Tavastehus.
    assert swedish_rows[:5] == ["Esbo stad", "Helsingfors stad", "Mänttä-Filpula stad", "S:t Michels stad",
                                "Tavastehus stad"]


def test_people_on_an_organisation_page_in_alphabetical_order(client):
    org = make_org("Helsingin kaupunki")
    for number, name in enumerate(("Örjan Öst", "Åsa Åberg", "Zacharias Z", "Ärla Äng", "Aino A")):
        create_user(f"person{number}@example.fi", name, organisation_id=org.id, public_profile=True)
    _finnish(client)
    html = client.get(f"/organisations/{org.id}").get_data(as_text=True)
    positions = [html.index(name) for name in ("Aino A", "Zacharias Z", "Åsa Åberg", "Ärla Äng", "Örjan Öst")]
    assert positions == sorted(positions)
