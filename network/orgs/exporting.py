"""Exporting the register as CSV (UTF-8 with BOM, semicolons as Excel in Finland expects) and XLSX."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from sqlalchemy import select

from ..extensions import db
from .models import Organisation
from .regions import kind_label, region_name

COLUMNS = ("id", "name_fi", "name_sv", "kind", "kind_label", "region", "region_name", "municipality", "business_id",
           "website", "open_government_member", "joined_on", "left_on")
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """A cell's text that no spreadsheet runs as a formula: a leading = + - @ tab or CR gets an apostrophe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def register_rows(organisations: Iterable[Organisation] | None = None, language: str = "fi") -> list[list[str]]:
    """The header and one row per organisation of the register (merged duplicates left out)."""
    if organisations is None:
        organisations = db.session.scalars(
            select(Organisation).where(Organisation.merged_into_id.is_(None)).order_by(Organisation.search_name)
        )
    rows = [list(COLUMNS)]
    for org in organisations:
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
        rows.append([safe_cell(values[c]) for c in COLUMNS])
    return rows


def to_csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(rows: list[list[str]], title: str = "Register") -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    for row in rows:
        sheet.append(row)
    # Every cell is text: nothing typed by a user is ever stored as a formula.
    for row in sheet.iter_rows():
        for cell in row:
            cell.data_type = "s"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
