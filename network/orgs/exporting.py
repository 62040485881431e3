"""Exporting the register as CSV and XLSX (written by network/spreadsheets.py, formula-safe)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from ..extensions import db
from ..spreadsheets import Sheet, csv_bytes, safe_cell, xlsx_bytes
from .models import Organisation
from .regions import kind_label, region_name

__all__ = ["COLUMNS", "register_rows", "register_sheet", "safe_cell", "to_csv", "to_xlsx"]

COLUMNS = ("id", "name_fi", "name_sv", "kind", "kind_label", "region", "region_name", "municipality", "business_id",
           "website", "open_government_member", "joined_on", "left_on")
EXPORT_STEM = "jasenrekisteri"


def _organisations(language: str | None = None) -> Iterable[Organisation]:
    """The register in `language`'s alphabetical order (the directory's order)."""
    return db.session.scalars(
        select(Organisation).where(Organisation.merged_into_id.is_(None))
        .order_by(Organisation.sort_column(language), Organisation.id)
    )


def _values(org: Organisation, language: str) -> list[object]:
    values = {
        "id": org.id,
        "name_fi": org.name_fi,
        "name_sv": org.name_sv,
        "kind": org.kind,
        "kind_label": kind_label(org.kind),
        "region": org.region,
        "region_name": region_name(org.region, language),
        "municipality": org.municipality,
        "business_id": org.business_id,
        "website": org.website,
        "open_government_member": org.open_government_member,
        "joined_on": org.joined_on,
        "left_on": org.left_on,
    }
    return [values[c] for c in COLUMNS]


def register_sheet(organisations: Iterable[Organisation] | None = None, language: str = "fi") -> Sheet:
    """The register as one Sheet: a header of column codes and one row per organisation.

    Takes the organisations to export (default: every one not merged into another, by name) and the language of
    the region names. Returns the Sheet; raises nothing.
    """
    if organisations is None:
        organisations = _organisations(language)
    return Sheet("Register", list(COLUMNS), [_values(org, language) for org in organisations])


def register_rows(organisations: Iterable[Organisation] | None = None, language: str = "fi") -> list[list[str]]:
    """The header and one row per organisation of the register, as formula-safe text cells."""
    sheet = register_sheet(organisations, language)
    return [[safe_cell(v) for v in sheet.header], *([safe_cell(v) for v in row] for row in sheet.rows)]


def _sheet_of(rows: list[list[str]], title: str = "Register") -> Sheet:
    return Sheet(title, rows[0] if rows else [], rows[1:])


def to_csv(rows: list[list[str]]) -> bytes:
    """Rows (header first) as the CSV the register exports: UTF-8 with BOM, semicolons."""
    return csv_bytes(_sheet_of(rows))


def to_xlsx(rows: list[list[str]], title: str = "Register") -> bytes:
    """Rows (header first) as an XLSX workbook of one sheet, every cell text."""
    return xlsx_bytes([_sheet_of(rows, title)])
