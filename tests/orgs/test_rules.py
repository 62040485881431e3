"""The register's rules as plain functions."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from network.audit.models import AuditEntry
from network.extensions import db
from network.orgs.business_id import business_id_check_digit, is_valid_business_id, normalize_business_id
from network.orgs.models import Organisation
from network.orgs.regions import KINDS, REGIONS
from network.orgs.register import (
    OrganisationData,
    RegisterError,
    check_organisation,
    mark_left,
    merge_organisations,
    name_key,
    rejoin,
    update_organisation,
)
from network.timeutil import helsinki_today

from .helpers import make_meeting, make_org

# Business IDs of real public bodies, valid by their check digit.
VALID_IDS = ("0201256-6", "0245974-7", "0926151-4", "0000000-0")


@pytest.mark.parametrize("value", VALID_IDS)
def test_valid_business_ids(value):
    assert is_valid_business_id(value)


def test_check_digit_rules():
    # Weights 7,9,10,5,8,4,2; remainder 0 gives 0, remainder 1 gives no valid ID, otherwise 11 - remainder.
    assert business_id_check_digit("0000000") == 0
    assert business_id_check_digit("0000001") == 9  # 2 % 11 = 2 -> 11 - 2
    assert business_id_check_digit("1000000") == 4  # 7 -> 11 - 7
    digits = next(f"{n:07d}" for n in range(10_000) if business_id_check_digit(f"{n:07d}") is None)
    assert all(not is_valid_business_id(f"{digits}-{d}") for d in range(10))


@pytest.mark.parametrize("value", ["0201256-5", "0201256", "201256-6", "0201256-66", "abcdefg-h", "", "0201256_6"])
def test_invalid_business_ids(value):
    assert not is_valid_business_id(value)


def test_normalize_business_id():
    assert normalize_business_id(" 02012566 ") == "0201256-6"
    assert normalize_business_id("0201256 - 6") == "0201256-6"
    assert normalize_business_id("   ") is None
    assert normalize_business_id(None) is None


def test_fixed_lists():
    assert len(REGIONS) == 19
    assert set(KINDS) == {"municipality", "wellbeing_county", "state", "civil_society", "research_education", "other"}


def test_name_key_folds_case_accents_and_spaces():
    assert name_key("  Mänttä-Vilppulan   KAUPUNKI ") == "mantta-vilppulan kaupunki"
    assert name_key("Åbo Akademi") == name_key("abo akademi")


def _data(**fields) -> OrganisationData:
    values = {"name_fi": "Testikunta", "kind": "municipality", "region": "uusimaa"}
    values.update(fields)
    return OrganisationData(**values).cleaned()


def test_check_organisation_accepts_valid_data(app):
    assert check_organisation(_data(business_id="0201256-6", website="https://example.fi")) == {}


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name_fi": ""}, "name_fi"),
        ({"kind": "club"}, "kind"),
        ({"region": "atlantis"}, "region"),
        ({"business_id": "0201256-5"}, "business_id"),
        ({"business_id": "12345"}, "business_id"),
        ({"name_fi": "=HYPERLINK(\"http://evil\")"}, "name_fi"),
        ({"name_sv": "@SUM(A1)"}, "name_sv"),
        ({"website": "javascript:alert(1)"}, "website"),
    ],
)
def test_check_organisation_refuses_bad_data(app, fields, field):
    errors = check_organisation(_data(**fields))
    assert field in errors and errors[field]


def test_names_are_unique_case_and_accent_insensitively(app):
    make_org("Mänttä-Vilppulan kaupunki", name_sv="Mänttä-Filpula stad")
    assert "name_fi" in check_organisation(_data(name_fi="MANTTA-VILPPULAN KAUPUNKI"))
    assert "name_fi" in check_organisation(_data(name_fi="mänttä-filpula STAD"))
    assert "name_sv" in check_organisation(_data(name_fi="Uusi", name_sv="Mänttä-Vilppulan Kaupunki"))
    assert check_organisation(_data(name_fi="Mänttä")) == {}


def test_business_id_unique_when_given(app):
    make_org("Ensimmäinen", business_id="0201256-6")
    make_org("Toinen")  # no business ID: many may lack one
    errors = check_organisation(_data(name_fi="Kolmas", business_id="02012566"))
    assert "Ensimmäinen" in errors["business_id"]
    assert check_organisation(_data(name_fi="Neljäs")) == {}


def test_create_records_audit_and_search_name(app, coordinator):
    org = make_org("Mänttä-Vilppulan kaupunki", name_sv="Mänttä-Filpula stad", actor=coordinator)
    assert org.search_name == "mantta-vilppulan kaupunki mantta-filpula stad"
    assert org.joined_on == helsinki_today()  # the register's day is Finland's, not the server's
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.entity_id == org.id))
    assert entry.action == "organisation.created" and entry.actor_id == coordinator.id
    assert entry.after["name_fi"] == "Mänttä-Vilppulan kaupunki"


def test_update_keeps_only_changed_fields_in_audit(app, coordinator):
    org = make_org("Testikunta", actor=coordinator)
    changed = update_organisation(org, _data(region="lappi", municipality="Inari"), coordinator)
    db.session.commit()
    assert changed and org.region == "lappi"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "organisation.updated"))
    assert entry.before == {"region": "uusimaa", "municipality": None}
    assert entry.after == {"region": "lappi", "municipality": "Inari"}
    assert update_organisation(org, _data(region="lappi", municipality="Inari"), coordinator) is False


def test_update_refuses_a_name_of_another_organisation(app, coordinator):
    make_org("Espoon kaupunki")
    org = make_org("Esbo")
    with pytest.raises(RegisterError) as error:
        update_organisation(org, _data(name_fi="espoon KAUPUNKI"), coordinator)
    assert "name_fi" in error.value.errors


def test_mark_left_and_rejoin(app, coordinator):
    org = make_org("Lähtijä", joined_on=date(2020, 1, 1))
    with pytest.raises(RegisterError):
        mark_left(org, date(2019, 12, 31), coordinator)
    with pytest.raises(RegisterError):
        mark_left(org, helsinki_today() + timedelta(days=1), coordinator)
    mark_left(org, date(2024, 6, 30), coordinator)
    db.session.commit()
    assert org.left_on == date(2024, 6, 30) and not org.is_member
    assert db.session.get(Organisation, org.id) is not None  # never deleted
    rejoin(org, coordinator)
    db.session.commit()
    assert org.is_member
    actions = list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
    assert actions[-2:] == ["organisation.left", "organisation.rejoined"]


def test_merge_moves_people_and_keeps_history(app, coordinator):
    from tests.conftest import create_user

    survivor = make_org("Helsingin kaupunki")
    duplicate = make_org("Helsingin kaupunki (vanha)", business_id="0201256-6", website="https://hel.fi",
                         open_government_member=True)
    person = create_user("person@hel.fi", organisation_id=duplicate.id)
    moved = merge_organisations(survivor, duplicate, coordinator)
    db.session.commit()
    assert moved == {"users": 1}
    db.session.refresh(person)
    assert person.organisation_id == survivor.id
    assert survivor.business_id == "0201256-6" and survivor.website == "https://hel.fi"
    assert survivor.open_government_member
    assert duplicate.merged_into_id == survivor.id and duplicate.left_on is not None
    assert db.session.get(Organisation, duplicate.id) is not None
    merged = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "organisation.merged"))
    assert merged.entity_id == duplicate.id and "users 1" in merged.summary
    with pytest.raises(RegisterError):
        merge_organisations(survivor, duplicate, coordinator)
    with pytest.raises(RegisterError):
        merge_organisations(survivor, survivor, coordinator)


def test_merge_moves_hosted_meetings(app, coordinator):
    survivor = make_org("Tampereen kaupunki")
    duplicate = make_org("Tampere")
    meeting = make_meeting(duplicate)
    moved = merge_organisations(survivor, duplicate, coordinator)
    db.session.commit()
    assert moved.get("meetings") == 1
    db.session.refresh(meeting)
    assert meeting.host_organisation_id == survivor.id
