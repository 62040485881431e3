"""Personal data across domains: each domain registers how it exports and anonymises a person's data, and
describes it (what, why, on what legal basis, for how long) for the privacy notice.

Used by the member's data export (/me/export.json), account deletion and the privacy notice (/privacy, GDPR art.
13), so none of them needs to know every domain.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Exporter = Callable[[Any], dict[str, Any]]
Anonymiser = Callable[[Any], None]

_exporters: dict[str, Exporter] = {}
_anonymisers: dict[str, Anonymiser] = {}


def personal_data_exporter(section: str) -> Callable[[Exporter], Exporter]:
    """Register `function(user) -> dict` as the `section` of the person's data export."""

    def register(function: Exporter) -> Exporter:
        _exporters[section] = function
        return function

    return register


def personal_data_anonymiser(section: str) -> Callable[[Anonymiser], Anonymiser]:
    """Register `function(user) -> None` that removes the link to the person before the account is deleted."""

    def register(function: Anonymiser) -> Anonymiser:
        _anonymisers[section] = function
        return function

    return register


def export_personal_data(user: Any) -> dict[str, Any]:
    """Every registered section of the person's data export, by section name."""
    return {section: exporter(user) for section, exporter in sorted(_exporters.items())}


def anonymise_personal_data(user: Any) -> None:
    """Run every registered anonymiser for `user` (the account's own last); flushes nothing itself."""
    # The account itself goes last: other sections may still need its e-mail address to find their rows.
    for _section, anonymiser in sorted(_anonymisers.items(), key=lambda item: (item[0] == "account", item[0])):
        anonymiser(user)


@dataclass(frozen=True)
class DataDescription:
    """What a domain stores about a person, for the privacy notice; texts are lazily translated.

    `fields` maps each key of the domain's export (for an export that is a list: each key of its entries) to a
    readable name; several keys may share a name. The notice shows each name once.
    """

    section: str
    order: int
    title: object
    fields: dict[str, object]
    purpose: object
    legal_basis: object
    retention: object

    def field_names(self) -> list[str]:
        """The readable names of the fields, each once, in the order given."""
        names: list[str] = []
        for label in self.fields.values():
            if str(label) not in names:
                names.append(str(label))
        return names


_descriptions: dict[str, DataDescription] = {}


def personal_data_description(
    section: str, *, order: int, title: object, fields: dict[str, object], purpose: object, legal_basis: object,
    retention: object,
) -> None:
    """Describe the `section` of the person's data (the same name as its exporter) for the privacy notice.

    Takes the section's place in the notice (`order`), its heading, the export's keys with readable names, the
    purpose of the processing, its legal basis (GDPR art. 6) and how long the data is kept. Returns nothing.
    """
    _descriptions[section] = DataDescription(section, order, title, dict(fields), purpose, legal_basis, retention)


def personal_data_descriptions() -> list[DataDescription]:
    """Every registered description, in the notice's order."""
    return sorted(_descriptions.values(), key=lambda d: (d.order, d.section))


def undescribed_sections() -> set[str]:
    """Sections that export or anonymise personal data but have no description (the notice would omit them)."""
    return (set(_exporters) | set(_anonymisers)) - set(_descriptions)
