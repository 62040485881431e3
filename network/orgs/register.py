"""Register rules as plain functions: validating, creating, editing, marking left, merging organisations."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from ..audit.trail import record_change, snapshot
from ..extensions import db
from ..rules import RuleError
from ..text import search_key, single_line, strip_controls
from ..timeutil import helsinki_today
from .business_id import is_valid_business_id, normalize_business_id
from .models import Organisation
from .municipalities import find_municipality
from .regions import KINDS, REGIONS

# Fields kept in the audit trail for an organisation.
AUDIT_FIELDS = (
    "name_fi",
    "name_sv",
    "kind",
    "region",
    "municipality",
    "business_id",
    "website",
    "description",
    "open_government_member",
    "joined_on",
    "left_on",
    "merged_into_id",
)
ENTITY = "organisation"
# A spreadsheet treats a cell starting with one of these as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class RegisterError(RuleError):
    """The register refused the change; `errors` maps each field name to its message (a RuleError)."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors=errors)


@dataclass
class OrganisationData:
    """An organisation's details as typed in a form or an imported row."""

    name_fi: str
    kind: str
    region: str
    name_sv: str | None = None
    municipality: str | None = None
    business_id: str | None = None
    website: str | None = None
    description: str | None = None
    open_government_member: bool = False
    joined_on: date | None = None

    def cleaned(self) -> OrganisationData:
        """Single-line, trimmed values; empty optional values become None; the business ID normalised."""
        values = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, str):
                value = strip_controls(value).strip() if f.name == "description" else single_line(value)
                value = value or None
            values[f.name] = value
        values["name_fi"] = values["name_fi"] or ""
        values["kind"] = values["kind"] or ""
        values["region"] = values["region"] or ""
        values["business_id"] = normalize_business_id(values["business_id"])
        # A municipality of the list is stored by its Finnish name, and the region follows from it.
        municipality = find_municipality(values["municipality"])
        if municipality is not None:
            values["municipality"] = municipality.name_fi
            values["region"] = municipality.region
        return OrganisationData(**values)


def name_key(value: str | None) -> str:
    """Case- and accent-insensitive key of a name; runs of spaces count as one."""
    return " ".join(search_key(value).split())


def search_name_for(name_fi: str, name_sv: str | None) -> str:
    """The stored, folded text the directory searches: both names."""
    return " ".join(filter(None, (name_key(name_fi), name_key(name_sv))))


def looks_like_formula(value: str | None) -> bool:
    """True when the text starts like a spreadsheet formula (= + - @ tab or CR)."""
    return bool(value) and value.startswith(FORMULA_PREFIXES)


def active_organisations() -> list[Organisation]:
    """Every organisation of the register that has not been merged away (members and those that left), in the
    reader's alphabetical order.
    """
    return list(db.session.scalars(select(Organisation).where(Organisation.merged_into_id.is_(None))
                                   .order_by(Organisation.sort_column(), Organisation.id)))


def organisation_name(org_id: object) -> str | None:
    """Take an organisation's id; return its name in the reader's language (None for an unknown id). Raises nothing."""
    if not isinstance(org_id, int) or isinstance(org_id, bool):
        return None
    org = db.session.get(Organisation, org_id)
    return org.name if org is not None else None


def find_by_name(name: str, exclude_id: int | None = None) -> Organisation | None:
    """The organisation (not merged away) whose Finnish or Swedish name equals `name` case-insensitively."""
    key = name_key(name)
    if not key:
        return None
    # Narrow down in SQL with the stored folded text, compare exactly in Python.
    candidates = db.session.scalars(
        select(Organisation).where(
            Organisation.merged_into_id.is_(None), Organisation.search_name.contains(key, autoescape=True)
        )
    )
    for org in candidates:
        if org.id != exclude_id and key in {name_key(org.name_fi), name_key(org.name_sv)}:
            return org
    return None


def find_by_business_id(business_id: str | None, exclude_id: int | None = None) -> Organisation | None:
    """The organisation with this business ID (other than `exclude_id`), or None."""
    if not business_id:
        return None
    statement = select(Organisation).where(Organisation.business_id == business_id)
    if exclude_id is not None:
        statement = statement.where(Organisation.id != exclude_id)
    return db.session.scalar(statement)


def check_organisation(data: OrganisationData, exclude_id: int | None = None) -> dict[str, str]:
    """Every rule on an organisation's data; returns field -> message (empty when valid). `data` must be cleaned."""
    errors: dict[str, str] = {}
    if not data.name_fi:
        errors["name_fi"] = str(_l("Give the name in Finnish."))
    for name_field in ("name_fi", "name_sv"):
        value = getattr(data, name_field)
        if name_field not in errors and looks_like_formula(value):
            errors[name_field] = str(_l("A name may not start with =, +, -, @ or a tab."))
        elif value and len(value) > 200:
            errors[name_field] = str(_l("A name may be at most 200 characters long."))
    if data.kind not in KINDS:
        errors["kind"] = str(_l("Choose a kind from the list."))
    if data.region not in REGIONS:
        errors["region"] = str(_l("Unknown region: choose one of the 19 regions of Finland."))
    if data.business_id and not is_valid_business_id(data.business_id):
        errors["business_id"] = str(
            _l("The business ID is not valid: use the form 1234567-8 and check the last digit.")
        )
    if data.joined_on and data.joined_on > helsinki_today():
        # The register records what has happened; a future date would show as a fact on the public page.
        errors["joined_on"] = str(_l("The date of joining cannot be in the future."))
    if data.website and not data.website.startswith(("https://", "http://")):
        errors["website"] = str(_l("The web address must start with https:// or http://."))
    # The columns' sizes: the form enforces them, an imported file must too (PostgreSQL refuses longer values).
    for name, limit in (("municipality", 120), ("website", 300)):
        value = getattr(data, name)
        if name not in errors and value and len(value) > limit:
            errors[name] = str(_l("%(field)s may be at most %(count)d characters long.",
                                  field=name, count=limit))
    if "municipality" not in errors and data.municipality and find_municipality(data.municipality) is None:
        errors["municipality"] = str(_l("Unknown municipality: give the Finnish or Swedish name of a municipality "
                                        "of Finland."))
    if "business_id" not in errors:
        other = find_by_business_id(data.business_id, exclude_id)
        if other is not None:
            errors["business_id"] = str(
                _l("The business ID is already used by %(name)s.", name=other.name_fi)
            )
    for name_field in ("name_fi", "name_sv"):
        value = getattr(data, name_field)
        if value and name_field not in errors:
            other = find_by_name(value, exclude_id)
            if other is not None:
                errors[name_field] = str(_l("The register already has an organisation called %(name)s.",
                                            name=other.name_fi))
    if data.name_sv and name_key(data.name_sv) == name_key(data.name_fi) and "name_sv" in errors:
        errors.pop("name_sv")
    return errors


def _apply(org: Organisation, data: OrganisationData) -> None:
    for f in fields(data):
        value = getattr(data, f.name)
        if f.name == "joined_on" and value is None:
            continue
        setattr(org, f.name, value)
    org.open_government_member = bool(data.open_government_member)
    org.search_name = search_name_for(org.name_fi, org.name_sv)


def create_organisation(data: OrganisationData, actor: Any, *, action: str = "organisation.created") -> Organisation:
    """Add an organisation to the register (caller commits); raises RegisterError."""
    data = data.cleaned()
    errors = check_organisation(data)
    if errors:
        raise RegisterError(errors)
    org = Organisation(open_government_member=False)
    _apply(org, data)
    if org.joined_on is None:
        org.joined_on = helsinki_today()
    db.session.add(org)
    db.session.flush()
    record_change(actor, action, ENTITY, org.id, after=snapshot(org, AUDIT_FIELDS), summary=org.name_fi)
    return org


def update_organisation(org: Organisation, data: OrganisationData, actor: Any) -> bool:
    """Change an organisation's details; returns whether anything changed (caller commits).

    Raises RegisterError (a message per field) when the new details break a rule; nothing is changed then.
    """
    data = data.cleaned()
    errors = check_organisation(data, exclude_id=org.id)
    if errors:
        raise RegisterError(errors)
    before = snapshot(org, AUDIT_FIELDS)
    _apply(org, data)
    after = snapshot(org, AUDIT_FIELDS)
    if before == after:
        return False
    record_change(actor, "organisation.updated", ENTITY, org.id, before=before, after=after, summary=org.name_fi)
    return True


def mark_left(org: Organisation, left_on: date, actor: Any) -> None:
    """The organisation left the network on `left_on`; it stays in the register as history (caller commits).

    Raises RegisterError (field "left_on") for a merged organisation, a date before joining or one in the future.
    """
    if org.merged_into_id is not None:
        raise RegisterError({"left_on": str(_l("A merged organisation cannot be changed."))})
    if org.joined_on and left_on < org.joined_on:
        raise RegisterError({"left_on": str(_l("The date of leaving cannot be before the date of joining."))})
    if left_on > helsinki_today():
        raise RegisterError({"left_on": str(_l("The date of leaving cannot be in the future."))})
    before = snapshot(org, AUDIT_FIELDS)
    org.left_on = left_on
    record_change(actor, "organisation.left", ENTITY, org.id, before=before, after=snapshot(org, AUDIT_FIELDS),
                  summary=org.name_fi)


def rejoin(org: Organisation, actor: Any) -> None:
    """Undo leaving: the organisation is a member again (caller commits; recorded in the audit trail)."""
    if org.left_on is None or org.merged_into_id is not None:
        return
    before = snapshot(org, AUDIT_FIELDS)
    org.left_on = None
    record_change(actor, "organisation.rejoined", ENTITY, org.id, before=before,
                  after=snapshot(org, AUDIT_FIELDS), summary=org.name_fi)


def _organisation_references() -> list:
    """Every column in any domain's tables that points at an organisation (except merge history itself)."""
    columns = []
    for table in db.metadata.sorted_tables:
        for fk in table.foreign_keys:
            if fk.column.table.name == Organisation.__tablename__ and fk.parent is not Organisation.__table__.c.merged_into_id:
                columns.append(fk.parent)
    return columns


def reference_counts(org: Organisation) -> dict[str, int]:
    """How many rows of each table point at the organisation (what a merge moves)."""
    counts = {}
    for column in _organisation_references():
        count = db.session.scalar(select(func.count()).select_from(column.table).where(column == org.id)) or 0
        if count:
            counts[column.table.name] = count
    return counts


def merge_organisations(survivor: Organisation, duplicate: Organisation, actor: Any) -> dict[str, int]:
    """Move everything that points at `duplicate` (people, hosted meetings, memberships, ...) to `survivor`.

    The duplicate stays as history, marked as merged into the survivor, and leaves the directory. Details the
    survivor lacks are taken from the duplicate. Returns the number of rows moved per table (caller commits).
    """
    if survivor.id == duplicate.id:
        raise RegisterError({"duplicate": str(_l("Choose two different organisations."))})
    if survivor.merged_into_id is not None or duplicate.merged_into_id is not None:
        raise RegisterError({"duplicate": str(_l("A merged organisation cannot be merged again."))})
    survivor_before = snapshot(survivor, AUDIT_FIELDS)
    duplicate_before = snapshot(duplicate, AUDIT_FIELDS)
    # Keep what only the duplicate knew.
    business_id = duplicate.business_id
    if business_id and not survivor.business_id:
        duplicate.business_id = None
        db.session.flush()
        survivor.business_id = business_id
    for name in ("name_sv", "municipality", "website", "description"):
        if not getattr(survivor, name) and getattr(duplicate, name):
            setattr(survivor, name, getattr(duplicate, name))
    survivor.open_government_member = survivor.open_government_member or duplicate.open_government_member
    if duplicate.joined_on and (survivor.joined_on is None or duplicate.joined_on < survivor.joined_on):
        survivor.joined_on = duplicate.joined_on
    survivor.search_name = search_name_for(survivor.name_fi, survivor.name_sv)
    duplicate.merged_into_id = survivor.id
    duplicate.left_on = duplicate.left_on or helsinki_today()
    db.session.flush()
    moved = {}
    for column in _organisation_references():
        result = db.session.execute(
            update(column.table).where(column == duplicate.id).values({column.name: survivor.id})
        )
        if result.rowcount:
            moved[column.table.name] = result.rowcount
    record_change(
        actor, "organisation.merged", ENTITY, duplicate.id, before=duplicate_before,
        after=snapshot(duplicate, AUDIT_FIELDS),
        summary=f"{duplicate.name_fi} -> {survivor.name_fi} ({survivor.id}); moved: "
        + (", ".join(f"{t} {n}" for t, n in sorted(moved.items())) or "-"),
    )
    record_change(actor, "organisation.updated", ENTITY, survivor.id, before=survivor_before,
                  after=snapshot(survivor, AUDIT_FIELDS), summary=f"{survivor.name_fi} (merge)")
    db.session.flush()
    # Rows moved by the bulk UPDATE are reloaded on next access.
    db.session.expire_all()
    return moved

