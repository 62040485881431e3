"""CSV and XLSX files from rows: the one writer every export uses.

Nothing a user typed is ever run as a formula (OWASP "CSV injection"): a text cell that starts with = + - @,
a tab, CR or LF gets a leading apostrophe, and every XLSX cell is stored as text. CSV is UTF-8 with a byte-order
mark and semicolons, as Excel in Finland expects. No cell carries a control character other than tab, CR and LF
(XLSX cannot hold them: openpyxl raises IllegalCharacterError, and one stored answer would break an export).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from flask import Response
from openpyxl import Workbook
from openpyxl.styles import Font

from .text import strip_controls
from .timeutil import helsinki_today, utc_to_helsinki

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("csv", "xlsx")


@dataclass
class Sheet:
    """One table: a sheet of an XLSX workbook or one CSV file. `rows` hold plain values (safe_cell renders them)."""

    title: str
    header: Sequence[object]
    rows: Iterable[Sequence[object]] = field(default_factory=list)


def safe_cell(value: object) -> str:
    """The text of one cell, formula-neutralised and without control characters.

    Takes any value: None -> "", booleans -> "yes"/"no", datetimes in Helsinki time (YYYY-MM-DD HH:MM), dates
    ISO 8601, anything else its str(). Returns the text with C0 control characters but tab, CR and LF removed
    (`strip_controls`), then a leading apostrophe when it starts with a formula character. Never raises.
    Standards: OWASP CSV injection, XML 1.0 Char (XLSX).
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        text = utc_to_helsinki(value).strftime("%Y-%m-%d %H:%M")
    elif isinstance(value, date):
        text = value.isoformat()
    else:
        text = str(value)
    # Stripped before the formula check, so "\x01=1" cannot hide a formula behind a removed character.
    text = strip_controls(text)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def _table(sheet: Sheet) -> list[list[str]]:
    return [[safe_cell(v) for v in sheet.header], *([safe_cell(v) for v in row] for row in sheet.rows)]


def csv_bytes(sheet: Sheet) -> bytes:
    """The sheet as CSV: UTF-8 with BOM, semicolon-separated, CRLF line ends (RFC 4180 otherwise)."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerows(_table(sheet))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_bytes(sheets: Sequence[Sheet]) -> bytes:
    """An XLSX workbook with one worksheet per Sheet (titles cut to Excel's 31 characters); all cells text,
    the header row bold.
    """
    workbook = Workbook()
    workbook.remove(workbook.active)
    used: set[str] = set()
    for number, sheet in enumerate(sheets, start=1):
        title = "".join(c for c in strip_controls(sheet.title) if c not in "[]:*?/\\\t\r\n")[:31] or f"Sheet {number}"
        if title in used:
            title = f"{title[:27]} {number}"
        used.add(title)
        worksheet = workbook.create_sheet(title)
        for row in _table(sheet):
            worksheet.append(row)
        for row in worksheet.iter_rows():
            for cell in row:
                cell.data_type = "s"
        for cell in worksheet[1]:
            cell.font = Font(bold=True)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_filename(stem: str, fmt: str) -> str:
    """`<stem>-<today in Helsinki, YYYY-MM-DD>.<fmt>`; the stem keeps only ASCII letters, digits, - and _."""
    safe = "".join(c if c.isascii() and (c.isalnum() or c in "-_") else "-" for c in stem).strip("-") or "export"
    return f"{safe}-{helsinki_today().isoformat()}.{fmt}"


def spreadsheet_response(sheets: Sheet | Sequence[Sheet], fmt: str, filename_stem: str) -> Response:
    """A download of `sheets` as "csv" (the first sheet only) or "xlsx", named by export_filename.

    Raises ValueError for another format (views answer 404 before calling).
    """
    if isinstance(sheets, Sheet):
        sheets = [sheets]
    if fmt == "csv":
        body, mimetype = csv_bytes(sheets[0]), CSV_TYPE
    elif fmt == "xlsx":
        body, mimetype = xlsx_bytes(sheets), XLSX_TYPE
    else:
        raise ValueError(f"unknown spreadsheet format: {fmt}")
    response = Response(body, mimetype=mimetype)
    if fmt == "csv":
        # Response(mimetype=...) would add a second charset parameter to a type that already has one.
        response.headers["Content-Type"] = CSV_TYPE
    response.headers["Content-Disposition"] = f'attachment; filename="{export_filename(filename_stem, fmt)}"'
    return response
