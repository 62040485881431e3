"""Importing the register from CSV or XLSX: read, plan (dry run) and apply in one transaction.

Plain functions: `plan_import(filename, content)` never changes anything; `apply_import(plan, actor)` applies a plan
(the caller commits, or rolls back on ImportFileError). Re-importing the same file finds every row unchanged.
"""

from __future__ import annotations

import csv
import io
import re
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from openpyxl import load_workbook

from ..audit.trail import record_change
from ..extensions import db
from ..i18n import format_file_size
from ..rules import RuleError
from .business_id import is_valid_business_id, normalize_business_id
from .models import Organisation
from .regions import KINDS, REGIONS
from .register import (
    OrganisationData,
    RegisterError,
    check_organisation,
    create_organisation,
    find_by_business_id,
    find_by_name,
    looks_like_formula,
    name_key,
    update_organisation,
)

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
EXTENSIONS = (".csv", ".xlsx")

CREATE = "create"
UPDATE = "update"
UNCHANGED = "unchanged"
REJECTED = "rejected"

REQUIRED_COLUMNS = ("name_fi", "kind", "region")
# Canonical column -> accepted headings (compared folded: case, accents, spaces and dashes do not matter).
COLUMN_ALIASES = {
    "name_fi": ("name_fi", "name", "nimi", "nimi_fi", "nimi_suomeksi", "namn_fi"),
    "name_sv": ("name_sv", "nimi_sv", "nimi_ruotsiksi", "namn", "namn_sv"),
    "kind": ("kind", "tyyppi", "laji", "typ"),
    "region": ("region", "maakunta", "landskap"),
    "municipality": ("municipality", "kunta", "kommun"),
    "business_id": ("business_id", "y_tunnus", "ytunnus", "fo_nummer", "business_id_(y_tunnus)"),
    "website": ("website", "verkkosivu", "verkkosivut", "webbplats"),
    "open_government_member": ("open_government_member", "open_government", "avoin_hallinto", "oppen_forvaltning"),
    "joined_on": ("joined_on", "liittynyt", "liittymispaiva", "ansluten"),
}
# Kinds as people write them in Finnish and Swedish spreadsheets, besides the codes and the UI labels.
KIND_ALIASES = {
    "municipality": ("kunta", "kaupunki", "kommun", "stad"),
    "wellbeing_county": ("hyvinvointialue", "valfardsomrade"),
    "state": ("valtionhallinto", "valtio", "statsforvaltning", "staten", "statlig forvaltning"),
    "civil_society": ("jarjesto", "kansalaisjarjesto", "kansalaisyhteiskunnan jarjesto", "yhdistys",
                      "medborgarorganisation", "forening", "organisation"),
    "research_education": ("tutkimus tai koulutus", "tutkimus", "koulutus", "oppilaitos", "yliopisto",
                           "forskning eller utbildning", "forskning", "utbildning"),
    "other": ("muu", "annan", "ovrig", "ovriga"),
}
TRUE_VALUES = {"1", "x", "yes", "true", "kylla", "k", "ja", "y"}
FALSE_VALUES = {"0", "no", "false", "ei", "e", "nej", "n"}


class ImportFileError(RuleError):
    """The file as a whole cannot be read; `message` says why, in the user's language."""


@dataclass
class ImportRow:
    """One row of an imported file, with what applying it would do and why."""

    number: int
    values: dict[str, str]
    action: str = CREATE
    reasons: list[str] = field(default_factory=list)
    changes: dict[str, tuple] = field(default_factory=dict)
    organisation: Organisation | None = None
    data: OrganisationData | None = None

    @property
    def name(self) -> str:
        """The row's Finnish name."""
        return self.values.get("name_fi", "")


@dataclass
class ImportPlan:
    """What importing a file would do, row by row (a dry run changes nothing)."""

    filename: str
    columns: list[str]
    rows: list[ImportRow]

    def count(self, action: str) -> int:
        """How many rows have `action`."""
        return sum(1 for row in self.rows if row.action == action)

    @property
    def counts(self) -> dict[str, int]:
        """The number of rows per action."""
        return {action: self.count(action) for action in (CREATE, UPDATE, UNCHANGED, REJECTED)}

    @property
    def has_changes(self) -> bool:
        """True when applying the plan would create or update anything."""
        return any(row.action in (CREATE, UPDATE) for row in self.rows)


def _heading_key(value: str) -> str:
    return re.sub(r"[\s\-]+", "_", name_key(value)).strip("_")


_ALIAS_TO_COLUMN = {_heading_key(alias): column for column, aliases in COLUMN_ALIASES.items() for alias in aliases}


def canonical_columns(headings: list[str]) -> list[str | None]:
    """The register column each heading stands for (Finnish, Swedish or English aliases), or None."""
    return [_ALIAS_TO_COLUMN.get(_heading_key(h or "")) for h in headings]


def too_large_message(size: int) -> str:
    """The message for a file of `size` bytes over the upload limit."""
    return str(_l("The file is too large (%(size)s). The limit is %(limit)s.",
                  size=format_file_size(size), limit=format_file_size(MAX_UPLOAD_BYTES)))


def check_upload(filename: str, content: bytes) -> str:
    """The file's type ('csv' or 'xlsx'); raises ImportFileError for a wrong type, size or empty file."""
    name = (filename or "").lower()
    if len(content) > MAX_UPLOAD_BYTES:
        raise ImportFileError(too_large_message(len(content)))
    if not name.endswith(EXTENSIONS):
        raise ImportFileError(str(_l("Choose a CSV or XLSX file (ending .csv or .xlsx).")))
    if not content.strip():
        raise ImportFileError(str(_l("The file is empty.")))
    if name.endswith(".xlsx"):
        if not content.startswith(b"PK\x03\x04"):
            raise ImportFileError(str(_l("The file is not a valid XLSX workbook. Save it again from Excel as .xlsx.")))
        return "xlsx"
    if b"\x00" in content:
        raise ImportFileError(str(_l("The file is not a CSV text file. Save it from Excel as \"CSV UTF-8\".")))
    return "csv"


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# The csv module's own (English) reason is never shown: this says what to do, in the user's language.
CSV_UNREADABLE = _l("The CSV file could not be read. Save it again from Excel as \"CSV UTF-8\" or as an XLSX "
                    "workbook, and check that quotation marks inside cells are paired.")


def _read_csv(content: bytes) -> list[list[str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            str(_l("The file is not in UTF-8. Save it from Excel as \"CSV UTF-8\" or as an XLSX workbook."))
        ) from exc
    # Line ends as Windows (CRLF), Unix (LF) or Excel for Mac (CR) writes them: one kind from here on.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        raise ImportFileError(str(_l("The file is empty.")))
    header = lines[0]
    # The delimiter is the one, of semicolon (Excel in Finland) and comma, that yields the required columns.
    candidates = sorted((";", ","), key=lambda d: -header.count(d))
    chosen = None
    for delimiter in candidates:
        try:
            columns = canonical_columns(next(csv.reader([header], delimiter=delimiter)))
        except csv.Error as exc:  # e.g. a field longer than the csv module allows
            raise ImportFileError(str(CSV_UNREADABLE)) from exc
        if all(c in columns for c in REQUIRED_COLUMNS):
            chosen = delimiter
            break
    if chosen is None:
        chosen = candidates[0] if header.count(candidates[0]) else None
        if chosen is None:
            raise ImportFileError(str(_l(
                "The columns could not be told apart: separate them with semicolons (;) or commas (,). "
                "The first row must name the columns, for example: name_fi;kind;region."
            )))
    try:
        return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text.lstrip("\ufeff")),
                                                                       delimiter=chosen)]
    except csv.Error as exc:
        raise ImportFileError(str(CSV_UNREADABLE)) from exc


def _read_xlsx(content: bytes) -> list[list[str]]:
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise ImportFileError(
            str(_l("The file is not a valid XLSX workbook. Save it again from Excel as .xlsx."))
        ) from exc
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for row in sheet.iter_rows(values_only=True):
            rows.append([_cell_text(v) for v in row])
            if len(rows) > MAX_ROWS + 1:
                break
        return rows
    finally:
        workbook.close()


def read_table(filename: str, content: bytes) -> tuple[list[str | None], list[tuple[int, dict[str, str]]]]:
    """Columns (canonical names, None for ignored ones) and the data rows with their row numbers."""
    kind = check_upload(filename, content)
    rows = _read_xlsx(content) if kind == "xlsx" else _read_csv(content)
    rows_with_numbers = [(n, r) for n, r in enumerate(rows, start=1) if any(c for c in r)]
    if not rows_with_numbers:
        raise ImportFileError(str(_l("The file is empty.")))
    header_number, header = rows_with_numbers[0]
    columns = canonical_columns(header)
    if len([c for c in header if c]) <= 1 and not all(c in columns for c in REQUIRED_COLUMNS):
        raise ImportFileError(str(_l(
            "The columns could not be told apart: separate them with semicolons (;) or commas (,). "
            "The first row must name the columns, for example: name_fi;kind;region."
        )))
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise ImportFileError(str(_l(
            "Missing column: %(columns)s. The first row must name the columns; required are name_fi, kind "
            "and region.", columns=", ".join(missing))))
    data_rows = rows_with_numbers[1:]
    if len(data_rows) > MAX_ROWS:
        raise ImportFileError(str(_l("The file has too many rows; at most %(count)d rows at a time.",
                                     count=MAX_ROWS)))
    result = []
    for number, row in data_rows:
        values = {}
        for index, column in enumerate(columns):
            if column and column not in values:
                values[column] = row[index].strip() if index < len(row) else ""
        result.append((number, values))
    return columns, result


def _alias_map() -> tuple[dict[str, str], dict[str, str]]:
    kinds: dict[str, str] = {}
    for code, label in KINDS.items():
        kinds[name_key(code)] = code
        for alias in KIND_ALIASES.get(code, ()):
            kinds[name_key(alias)] = code
        for locale in ("en", "fi", "sv"):
            with force_locale(locale):
                kinds[name_key(str(label))] = code
    regions: dict[str, str] = {}
    for code, (fi, sv) in REGIONS.items():
        for value in (code, fi, sv):
            regions[name_key(value)] = code
    return kinds, regions


def _parse_bool(value: str) -> bool | None:
    key = name_key(value)
    if key in TRUE_VALUES:
        return True
    if key in FALSE_VALUES:
        return False
    raise ValueError(value)


def _parse_date(value: str) -> date:
    value = value.strip()
    for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return date(*time.strptime(value, pattern)[:3])
        except ValueError:
            continue
    raise ValueError(value)


def _row_errors_to_reasons(errors: dict[str, str]) -> list[str]:
    return list(dict.fromkeys(errors.values()))


def _plan_row(number: int, values: dict[str, str], kinds: dict, regions: dict, seen: dict) -> ImportRow:
    row = ImportRow(number=number, values=values)
    reasons = row.reasons
    name_fi = values.get("name_fi", "")
    if not name_fi:
        reasons.append(str(_l("The name in Finnish (name_fi) is missing.")))
    for column in ("name_fi", "name_sv", "municipality"):
        if looks_like_formula(values.get(column)):
            reasons.append(str(_l("The value \"%(value)s\" in column %(column)s starts with =, +, -, @ or a tab, "
                                  "which a spreadsheet would run as a formula.", value=values[column][:40],
                                  column=column)))
    kind = kinds.get(name_key(values.get("kind", "")))
    if kind is None:
        reasons.append(str(_l("Unknown kind \"%(value)s\".", value=values.get("kind", ""))))
    region = regions.get(name_key(values.get("region", "")))
    if region is None:
        reasons.append(str(_l("Unknown region \"%(value)s\": use one of the 19 regions of Finland.",
                              value=values.get("region", ""))))
    business_id = normalize_business_id(values.get("business_id"))
    if business_id and not is_valid_business_id(business_id):
        if re.fullmatch(r"[0-9]{7}-[0-9]", business_id):  # \d would take Unicode digits
            reasons.append(str(_l("The check digit of the business ID %(value)s does not match.", value=business_id)))
        else:
            reasons.append(str(_l("The business ID %(value)s is not in the form 1234567-8.", value=business_id)))
    open_government = None
    if values.get("open_government_member"):
        try:
            open_government = _parse_bool(values["open_government_member"])
        except ValueError:
            reasons.append(str(_l("Open Government membership must be yes or no, not \"%(value)s\".",
                                  value=values["open_government_member"])))
    joined_on = None
    if values.get("joined_on"):
        try:
            joined_on = _parse_date(values["joined_on"])
        except ValueError:
            reasons.append(str(_l("The date of joining \"%(value)s\" is not a date (2024-01-31 or 31.1.2024).",
                                  value=values["joined_on"])))
    if reasons:
        row.action = REJECTED
        return row

    # Duplicates within the file.
    keys = [("name", name_key(name_fi))]
    if values.get("name_sv"):
        keys.append(("name", name_key(values["name_sv"])))
    if business_id:
        keys.append(("business_id", business_id))
    for key in keys:
        if key in seen:
            reasons.append(str(_l("Duplicate: the same organisation is already on row %(row)d.", row=seen[key])))
            row.action = REJECTED
            return row

    existing = find_by_business_id(business_id) if business_id else None
    while existing is not None and existing.merged_into_id is not None:
        existing = existing.merged_into_id and _get(existing.merged_into_id)
    if existing is None:
        existing = find_by_name(name_fi) or (find_by_name(values["name_sv"]) if values.get("name_sv") else None)
    if existing is not None and ("org", existing.id) in seen:
        reasons.append(str(_l("Duplicate: the same organisation is already on row %(row)d.",
                              row=seen[("org", existing.id)])))
        row.action = REJECTED
        return row

    def given(column: str, current):
        """A value from the file; an empty cell (or a missing optional column) keeps the current value."""
        value = values.get(column, "")
        return value if value else current

    if existing is None:
        data = OrganisationData(
            name_fi=name_fi, name_sv=values.get("name_sv") or None, kind=kind, region=region,
            municipality=values.get("municipality") or None, business_id=business_id,
            website=values.get("website") or None, open_government_member=bool(open_government),
            joined_on=joined_on,
        ).cleaned()
        errors = check_organisation(data)
        row.action = CREATE
    else:
        data = OrganisationData(
            name_fi=name_fi, name_sv=given("name_sv", existing.name_sv), kind=kind, region=region,
            municipality=given("municipality", existing.municipality),
            business_id=business_id or existing.business_id, website=given("website", existing.website),
            description=existing.description,
            open_government_member=existing.open_government_member if open_government is None else open_government,
            joined_on=joined_on or existing.joined_on,
        ).cleaned()
        errors = check_organisation(data, exclude_id=existing.id)
        row.organisation = existing
        for name in ("name_fi", "name_sv", "kind", "region", "municipality", "business_id", "website",
                     "open_government_member", "joined_on"):
            old, new = getattr(existing, name), getattr(data, name)
            if old != new:
                row.changes[name] = (old, new)
        row.action = UPDATE if row.changes else UNCHANGED
    if errors:
        row.action = REJECTED
        row.reasons = _row_errors_to_reasons(errors)
        return row
    row.data = data
    for key in keys:
        seen[key] = number
    if existing is not None:
        seen[("org", existing.id)] = number
    return row


def _get(org_id: int) -> Organisation | None:
    return db.session.get(Organisation, org_id)


def plan_import(filename: str, content: bytes) -> ImportPlan:
    """The dry run: what each row would do and why. Changes nothing."""
    columns, rows = read_table(filename, content)
    kinds, regions = _alias_map()
    seen: dict = {}
    planned = [_plan_row(number, values, kinds, regions, seen) for number, values in rows]
    return ImportPlan(filename=filename, columns=[c for c in columns if c], rows=planned)


def apply_import(plan: ImportPlan, actor: Any) -> dict[str, int]:
    """Apply the planned creates and updates (caller commits all at once, or rolls back on error).

    Returns the number of rows per action ("create", "update", "unchanged", "rejected"); raises ImportFileError
    when a planned row no longer fits the register.
    """
    for row in plan.rows:
        try:
            if row.action == CREATE:
                create_organisation(row.data, actor, action="organisation.imported")
            elif row.action == UPDATE:
                update_organisation(row.organisation, row.data, actor)
        except RegisterError as error:
            raise ImportFileError(str(_l("Row %(row)d could not be applied: %(reason)s", row=row.number,
                                         reason="; ".join(error.errors.values())))) from error
    counts = plan.counts
    if plan.has_changes:
        record_change(actor, "organisation.import", "organisation", None, after=counts,
                      summary=plan.filename[:200])
    return counts
