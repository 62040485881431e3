"""Importing the register from CSV/XLSX (dry run, confirm, idempotent) and exporting it safely."""

from __future__ import annotations

import csv
import io
import re

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from network.audit.models import AuditEntry
from network.extensions import db
from network.orgs.exporting import register_rows, safe_cell, to_csv, to_xlsx
from network.orgs.importing import (
    CREATE,
    REJECTED,
    UNCHANGED,
    UPDATE,
    ImportFileError,
    apply_import,
    plan_import,
)
from network.orgs.models import ImportUpload, Organisation

from .helpers import make_org

pytestmark = pytest.mark.usefixtures("english_rules")

HEADER = "name_fi;name_sv;kind;region;municipality;business_id;open_government_member"
ROWS = [
    "Helsingin kaupunki;Helsingfors stad;municipality;Uusimaa;Helsinki;0201256-6;kyllä",
    "Oikeusministeriö;Justitieministeriet;Valtionhallinto;uusimaa;Helsinki;0245974-7;yes",
    "Kansalaisareena ry;;civil_society;Birkaland;Tampere;;ei",
]


def csv_bytes(*rows: str, header: str = HEADER, bom: bool = False, delimiter: str = ";") -> bytes:
    text = "\r\n".join([header, *rows]).replace(";", delimiter) + "\r\n"
    return (("\ufeff" if bom else "") + text).encode("utf-8")


def xlsx_bytes(rows: list[list]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _count() -> int:
    return db.session.scalar(select(func.count(Organisation.id)))


# Plain functions


def test_plan_is_a_dry_run(app):
    plan = plan_import("register.csv", csv_bytes(*ROWS))
    assert [row.action for row in plan.rows] == [CREATE, CREATE, CREATE]
    assert [row.number for row in plan.rows] == [2, 3, 4]
    assert _count() == 0


def test_apply_then_reimport_changes_nothing(app, coordinator):
    content = csv_bytes(*ROWS)
    counts = apply_import(plan_import("register.csv", content), coordinator)
    db.session.commit()
    assert counts == {"create": 3, "update": 0, "unchanged": 0, "rejected": 0}
    helsinki = db.session.scalar(select(Organisation).where(Organisation.name_fi == "Helsingin kaupunki"))
    assert helsinki.open_government_member and helsinki.business_id == "0201256-6"
    ministry = db.session.scalar(select(Organisation).where(Organisation.business_id == "0245974-7"))
    assert ministry.kind == "state"  # by its Finnish label
    assert db.session.scalar(select(Organisation.region).where(Organisation.name_fi == "Kansalaisareena ry")) \
        == "pirkanmaa"  # by its Swedish name
    audit_count = db.session.scalar(select(func.count(AuditEntry.id)))
    again = plan_import("register.csv", content)
    assert [row.action for row in again.rows] == [UNCHANGED] * 3
    assert not again.has_changes
    apply_import(again, coordinator)
    db.session.commit()
    assert _count() == 3
    assert db.session.scalar(select(func.count(AuditEntry.id))) == audit_count


def test_update_is_matched_by_business_id_or_name(app, coordinator):
    make_org("Helsingin kaupunki", business_id="0201256-6", municipality="Helsinki")
    make_org("Oikeusministeriö", kind="state", region="uusimaa")
    plan = plan_import("r.csv", csv_bytes(
        "Helsingin kaupunki;Helsingfors stad;municipality;uusimaa;Helsinki;0201256-6;",
        "OIKEUSMINISTERIÖ;;state;uusimaa;;0245974-7;",
    ))
    assert [row.action for row in plan.rows] == [UPDATE, UPDATE]
    assert plan.rows[0].changes == {"name_sv": (None, "Helsingfors stad")}
    assert plan.rows[1].changes == {"name_fi": ("Oikeusministeriö", "OIKEUSMINISTERIÖ"),
                                    "business_id": (None, "0245974-7")}
    apply_import(plan, coordinator)
    db.session.commit()
    # An empty cell keeps the current value: the municipality of Helsinki stays.
    assert db.session.scalar(select(Organisation.municipality).where(Organisation.business_id == "0201256-6")) \
        == "Helsinki"


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("Kunta A;;municipality;Atlantis;;;", "Unknown region \"Atlantis\""),
        ("Kunta B;;municipality;uusimaa;;0201256-5;", "check digit of the business ID 0201256-5 does not match"),
        ("Kunta C;;municipality;uusimaa;;12345;", "is not in the form 1234567-8"),
        ("Kunta D;;club;uusimaa;;;", "Unknown kind \"club\""),
        ("=HYPERLINK(\"http://evil.example\");;municipality;uusimaa;;;", "would run as a formula"),
        ("@SUM(1+1);;municipality;uusimaa;;;", "would run as a formula"),
        (";;municipality;uusimaa;;;", "name in Finnish (name_fi) is missing"),
        ("Kunta E;;municipality;uusimaa;;;maybe", "must be yes or no"),
        ("Kunta F;;municipality;uusimaa;" + "x" * 121 + ";;", "municipality may be at most 120 characters"),
    ],
)
def test_rejected_rows_say_why(app, row, reason):
    plan = plan_import("r.csv", csv_bytes(row))
    [planned] = plan.rows
    assert planned.action == REJECTED
    assert any(reason in r for r in planned.reasons), planned.reasons


def test_duplicates_within_the_file_and_against_the_register(app):
    make_org("Espoon kaupunki", business_id="0101263-6")
    plan = plan_import("r.csv", csv_bytes(
        "Vantaan kaupunki;;municipality;uusimaa;;;",
        "VANTAAN KAUPUNKI;;municipality;uusimaa;;;",
        "Esbo;;municipality;uusimaa;;0101263-6;",
        "Espoo;;municipality;uusimaa;;0101263-6;",
        "Kauniainen;;municipality;uusimaa;;0245974-7;",
        "Grankulla;;municipality;uusimaa;;0245974-7;",
    ))
    actions = [(row.action, row.reasons[:1]) for row in plan.rows]
    assert actions[0] == (CREATE, [])
    assert actions[1][0] == REJECTED and "already on row 2" in actions[1][1][0]
    assert actions[2][0] == UPDATE  # matched by business ID: the name changes
    assert actions[3][0] == REJECTED and "already on row 4" in actions[3][1][0]
    assert actions[4][0] == CREATE
    assert actions[5][0] == REJECTED and "already on row 6" in actions[5][1][0]


@pytest.mark.parametrize(
    ("filename", "content", "message"),
    [
        ("r.csv", csv_bytes(*ROWS, delimiter="\t"), "columns could not be told apart"),
        ("r.csv", csv_bytes(*ROWS, delimiter="|"), "columns could not be told apart"),
        ("r.csv", csv_bytes("Kunta;municipality", header="name_fi;kind"), "Missing column: region"),
        ("r.csv", b"", "The file is empty"),
        ("logo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "Choose a CSV or XLSX file"),
        ("r.csv", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "not a CSV text file"),
        ("r.csv", "name_fi;kind;region\nKöyliö;municipality;satakunta\n".encode("latin-1"), "not in UTF-8"),
        ("r.xlsx", b"PK\x03\x04 this is not really a workbook", "not a valid XLSX workbook"),
        ("r.xlsx", b"name_fi;kind;region", "not a valid XLSX workbook"),
        ("r.csv", ("name_fi;kind;region;" + "x" * 200_000 + "\n").encode(), "could not be read"),
    ],
)
def test_unreadable_files(app, filename, content, message):
    with pytest.raises(ImportFileError) as error:
        plan_import(filename, content)
    assert message in error.value.message


def test_too_large_file(app):
    with pytest.raises(ImportFileError) as error:
        plan_import("r.csv", b"a" * (50 * 1024 * 1024))
    assert "too large" in error.value.message and "5 MB" in error.value.message


def test_bom_comma_and_headings_in_finnish(app):
    content = "\ufeffNimi,Tyyppi,Maakunta,Y-tunnus\r\nTurun kaupunki,Kunta,Varsinais-Suomi,0204819-8\r\n".encode()
    [row] = plan_import("r.csv", content).rows
    assert row.action == CREATE, row.reasons
    assert row.data.region == "varsinais-suomi" and row.data.business_id == "0204819-8"


def test_xlsx_import(app, coordinator):
    content = xlsx_bytes([
        ["name_fi", "name_sv", "kind", "region", "business_id", "open_government_member", "joined_on"],
        ["Vaasan kaupunki", "Vasa stad", "municipality", "Österbotten", "0209602-6", True, "2021-03-01"],
        ["Unknown region", None, "municipality", "Narnia", None, None, None],
    ])
    plan = plan_import("register.xlsx", content)
    assert [row.action for row in plan.rows] == [CREATE, REJECTED]
    apply_import(plan, coordinator)
    db.session.commit()
    vaasa = db.session.scalar(select(Organisation))
    assert vaasa.region == "pohjanmaa" and vaasa.open_government_member and str(vaasa.joined_on) == "2021-03-01"


def test_exported_file_imports_back_unchanged(app, coordinator):
    make_org("Helsingin kaupunki", name_sv="Helsingfors stad", business_id="0201256-6", open_government_member=True)
    make_org("Kansalaisareena ry", kind="civil_society", region="pirkanmaa", website="https://areena.example")
    for filename, content in (("r.csv", to_csv(register_rows())), ("r.xlsx", to_xlsx(register_rows()))):
        plan = plan_import(filename, content)
        assert [row.action for row in plan.rows] == [UNCHANGED, UNCHANGED], [r.reasons for r in plan.rows]


# Export


@pytest.mark.parametrize("value", ["=1+2", "+358401234567", "-2+3", "@SUM(A1)", "\t=1", "\r=1"])
def test_safe_cell_neutralises_formulas(value):
    assert safe_cell(value) == "'" + value


def test_safe_cell_keeps_ordinary_values():
    assert safe_cell("Helsingin kaupunki") == "Helsingin kaupunki"
    assert safe_cell(None) == "" and safe_cell(True) == "yes"


def _formula_org() -> None:
    org = make_org("Turvallinen")
    # A value that slipped in before validation existed (or through another route) is still made safe.
    org.municipality = "=HYPERLINK(\"http://evil.example\",\"click\")"
    db.session.commit()


def test_export_csv(coordinator_client):
    _formula_org()
    response = coordinator_client.get("/admin/organisations/export.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    body = response.get_data()
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["id", "name_fi", "name_sv"]
    municipality = rows[1][rows[0].index("municipality")]
    assert municipality.startswith("'=")


def test_export_xlsx(coordinator_client):
    _formula_org()
    response = coordinator_client.get("/admin/organisations/export.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    header = [c.value for c in sheet[1]]
    cell = sheet.cell(row=2, column=header.index("municipality") + 1)
    assert cell.data_type == "s" and cell.value.startswith("'=")
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)


def test_export_is_for_coordinators_only(member_client):
    assert member_client.get("/admin/organisations/export.csv").status_code == 403


# Through the pages


def _upload(client, filename: str, content: bytes):
    return client.post("/admin/organisations/import",
                       data={"file": (io.BytesIO(content), filename)}, content_type="multipart/form-data")


def test_import_preview_and_confirm(coordinator_client):
    response = _upload(coordinator_client, "register.csv", csv_bytes(*ROWS, "Kunta X;;municipality;Atlantis;;;"))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Nothing has been changed yet" in html and "Unknown region" in html
    summary = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html.split('aria-label="Summary"')[1].split("</ul>")[0]))
    assert summary.strip() == "> To create: 3 To update: 0 Unchanged: 0 Rejected: 1"
    assert _count() == 0
    token = re.search(r'name="token" type="hidden" value="([^"]+)"', html).group(1)
    response = coordinator_client.post("/admin/organisations/import/confirm", data={"token": token})
    assert response.status_code == 302
    assert _count() == 3
    assert db.session.scalar(select(func.count(ImportUpload.id))) == 0
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "organisation.import")).after == {
        "create": 3, "update": 0, "unchanged": 0, "rejected": 1}
    # The same token cannot be used twice.
    coordinator_client.post("/admin/organisations/import/confirm", data={"token": token})
    assert _count() == 3
    again = _upload(coordinator_client, "register.csv", csv_bytes(*ROWS)).get_data(as_text=True)
    assert "would not change anything" in again


def test_import_token_is_bound_to_the_session(app, coordinator_client, coordinator):
    html = _upload(coordinator_client, "register.csv", csv_bytes(*ROWS)).get_data(as_text=True)
    token = re.search(r'name="token" type="hidden" value="([^"]+)"', html).group(1)
    from tests.conftest import create_user, log_in

    other = app.test_client()
    log_in(other, create_user("other.coordinator@example.fi", role="coordinator"))
    other.post("/admin/organisations/import/confirm", data={"token": token})
    assert _count() == 0


@pytest.mark.parametrize(
    ("filename", "content", "message"),
    [
        ("big.csv", b"name_fi;kind;region\n" + b"x" * (50 * 1024 * 1024), "The file is too large (50 MB)"),
        ("photo.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 64, "Choose a CSV or XLSX file"),
        ("r.csv", csv_bytes(*ROWS, delimiter="|"), "columns could not be told apart"),
        ("r.csv", csv_bytes("Kunta;municipality", header="name_fi;kind"), "Missing column: region"),
    ],
)
def test_import_page_refuses_bad_files_next_to_the_field(coordinator_client, filename, content, message):
    response = _upload(coordinator_client, filename, content)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert re.search(r'id="file-error">[^<]*' + re.escape(message), html)
    assert _count() == 0 and db.session.scalar(select(func.count(ImportUpload.id))) == 0


def test_confirm_with_a_forged_token_changes_nothing(coordinator_client):
    _upload(coordinator_client, "register.csv", csv_bytes(*ROWS))
    for token in ("", "ä-not-ascii", "../../etc/passwd"):
        response = coordinator_client.post("/admin/organisations/import/confirm", data={"token": token})
        assert response.status_code == 302 and response.headers["Location"].endswith("/admin/organisations/import")
    assert _count() == 0


@pytest.mark.parametrize("line_end", ["\r", "\n", "\r\n"], ids=["CR (Excel for Mac)", "LF", "CRLF"])
def test_csv_line_ends(app, line_end):
    content = line_end.join([HEADER, *ROWS]).encode() + line_end.encode()
    plan = plan_import("r.csv", content)
    assert [row.values["name_fi"] for row in plan.rows] == [
        "Helsingin kaupunki", "Oikeusministeriö", "Kansalaisareena ry"]


def test_unreadable_csv_message_has_no_python_text(app):
    with pytest.raises(ImportFileError) as error:
        plan_import("r.csv", ("name_fi;kind;region;" + "x" * 200_000 + "\n").encode())
    assert "field larger than field limit" not in error.value.message
    assert "CSV UTF-8" in error.value.message


def test_a_joining_date_in_the_future_is_refused_in_the_file(app):
    """A fresh tester added an organisation that had 'joined' on 1.1.2099, shown publicly as a fact."""
    header = HEADER + ";joined_on"
    plan = plan_import("r.csv", csv_bytes("Kunta G;;municipality;uusimaa;;;;2099-01-01",
                                          "Kunta H;;municipality;uusimaa;;;;2024-01-31", header=header))
    future, past = plan.rows
    assert future.action == REJECTED
    assert any("The date of joining cannot be in the future." in r for r in future.reasons), future.reasons
    assert past.action != REJECTED, past.reasons
