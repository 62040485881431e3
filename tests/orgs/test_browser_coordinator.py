"""Coordinator journeys in a real Chromium: decide an application, import a file with preview, merge duplicates."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from network.extensions import db
from network.mail.models import OutboxMessage
from network.orgs.models import MembershipApplication, Organisation
from tests.conftest import PASSWORD, create_user

from .helpers import make_org

pytestmark = pytest.mark.browser


def _log_in_as_coordinator(page) -> None:
    create_user("koordinaattori@example.fi", "Kaisa Koordinaattori", role="coordinator")
    page.goto("/login")
    page.get_by_label("Sähköposti").fill("koordinaattori@example.fi")
    page.get_by_label("Salasana", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Kirjaudu sisään").click()
    page.wait_for_load_state()


def test_apply_then_coordinator_approves(page):
    # A visitor applies.
    page.goto("/organisations/apply")
    page.get_by_label("Nimi suomeksi").fill("Nuorten Ääni ry")
    page.get_by_label("Tyyppi").select_option("civil_society")
    page.get_by_label("Maakunta").select_option(label="Pohjois-Savo")
    page.get_by_label("Yhteyshenkilö", exact=True).fill("Elias Kinnunen")
    page.get_by_label("Yhteyshenkilön sähköposti").fill("elias@@example")
    page.get_by_role("button", name="Lähetä hakemus").click()
    page.wait_for_load_state()
    assert "Anna kelvollinen sähköpostiosoite" in page.locator("#contact_email-error").inner_text()
    page.get_by_label("Yhteyshenkilön sähköposti").fill("elias@example.fi")
    page.get_by_role("button", name="Lähetä hakemus").click()
    page.wait_for_url("**/organisations")
    assert "Hakemus on lähetetty" in page.locator(".flashes").inner_text()

    # The coordinator approves it.
    _log_in_as_coordinator(page)
    page.goto("/organisations")
    page.get_by_role("link", name="Hallinnoi jäsenrekisteriä").click()
    page.get_by_role("link", name="Hakemukset", exact=True).click()
    page.get_by_role("link", name="Nuorten Ääni ry").click()
    page.get_by_role("button", name="Hyväksy hakemus").click()
    page.wait_for_url("**/admin/organisations/applications")
    assert "hyväksyttiin" in page.locator(".flashes").inner_text()
    assert db.session.scalar(select(MembershipApplication.status)) == "approved"
    assert db.session.scalar(select(Organisation.name_fi)) == "Nuorten Ääni ry"
    assert db.session.scalar(select(OutboxMessage.recipient)) == "elias@example.fi"


def test_import_with_preview_then_confirm(page, tmp_path):
    make_org("Helsingin kaupunki", business_id="0201256-6")
    csv_file = tmp_path / "rekisteri.csv"
    csv_file.write_bytes(
        "\ufeffname_fi;kind;region;business_id\r\n"
        "Helsingin kaupunki;municipality;Uusimaa;0201256-6\r\n"
        "Espoon kaupunki;municipality;Uusimaa;0101263-6\r\n"
        "Kuvitteellinen kunta;municipality;Atlantis;\r\n".encode()
    )
    _log_in_as_coordinator(page)
    page.goto("/admin/organisations/import")
    page.get_by_label("CSV- tai XLSX-tiedosto").set_input_files(str(csv_file))
    page.get_by_role("button", name="Esikatsele tuontia").click()
    page.wait_for_load_state()
    assert "Mitään ei ole vielä muutettu." in page.content()
    rows = page.locator("table.table tbody tr")
    assert rows.count() == 3
    assert "Ennallaan" in rows.nth(0).inner_text()
    assert "Lisätään" in rows.nth(1).inner_text()
    assert "Tuntematon maakunta" in rows.nth(2).inner_text()
    assert db.session.scalar(select(func.count(Organisation.id))) == 1
    from tests.support.browser import serious_axe_violations as _axe_violations

    assert not _axe_violations(page)
    page.get_by_role("button", name="Tee tuonti").click()
    page.wait_for_url("**/admin/organisations")
    assert "1 lisätty" in page.locator(".flashes").inner_text()
    assert db.session.scalar(select(func.count(Organisation.id))) == 2


def test_merge_needs_confirmation(page):
    survivor = make_org("Kuopion kaupunki")
    duplicate = make_org("Kuopio (vanha)")
    create_user("henkilo@kuopio.example", "Henkilö Kuopiosta", organisation_id=duplicate.id)
    _log_in_as_coordinator(page)
    page.goto(f"/organisations/{survivor.id}")
    page.get_by_role("link", name="Yhdistä kaksoiskappale tähän organisaatioon").click()
    page.get_by_label("Tähän organisaatioon yhdistettävä kaksoiskappale").select_option(str(duplicate.id))
    page.get_by_role("button", name="Jatka").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Tarkista ennen yhdistämistä").is_visible()
    db.session.expire_all()
    assert db.session.get(Organisation, duplicate.id).merged_into_id is None
    page.get_by_role("button", name="Yhdistä Kuopio (vanha) organisaatioon Kuopion kaupunki").click()
    page.wait_for_url(f"**/organisations/{survivor.id}")
    assert "yhdistettiin" in page.locator(".flashes").inner_text()
    db.session.expire_all()
    assert db.session.get(Organisation, duplicate.id).merged_into_id == survivor.id


def test_coordinator_pages_are_accessible(page):
    from tests.support.browser import serious_axe_violations as _axe_violations

    survivor = make_org("Kuopion kaupunki")
    duplicate = make_org("Kuopio (vanha)")
    application = MembershipApplication(name_fi="Hakija ry", kind="civil_society", region="kainuu",
                                        contact_name="Hanna", contact_email="hanna@example.fi")
    db.session.add(application)
    db.session.commit()
    create_user("odottaja@example.fi", "Odottava Henkilö", organisation_link_pending=True,
                organisation_requested_name="Uusi yhdistys")
    _log_in_as_coordinator(page)
    problems = {}
    for path in ("/admin/organisations", "/admin/organisations/new", f"/admin/organisations/{survivor.id}/edit",
                 f"/admin/organisations/{survivor.id}/leave", f"/admin/organisations/{survivor.id}/merge",
                 f"/admin/organisations/{survivor.id}/merge?duplicate={duplicate.id}",
                 "/admin/organisations/applications", f"/admin/organisations/applications/{application.id}",
                 "/admin/organisations/link-requests", "/admin/organisations/import", "/admin/audit",
                 "/me/data", "/me/delete"):
        page.goto(path)
        problems[path] = _axe_violations(page)
    page.goto("/admin/organisations/new")
    page.get_by_role("button", name="Tallenna").click()
    page.wait_for_load_state()
    problems["new (errors)"] = _axe_violations(page)
    assert not any(problems.values()), problems
