"""Personal data across domains: each domain registers how it exports and anonymises a person's data.

Used by the member's data export (/me/export.json) and account deletion, so neither needs to know every domain.
"""

from __future__ import annotations

from collections.abc import Callable
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
