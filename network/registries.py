"""What a domain contributes to pages and reports it does not own, without the owner importing it.

Each domain registers its contributions in its own `hooks.py` (loaded by `network.domains`): front-page
sections, sections of the member's own page and of an organisation's page, menu entries, the yearly activity
figures of the self-assessment report, and readable audit labels. The pages read these registries; a lower
layer never imports a higher one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .i18n import NO_NUMBER, format_number, format_per_cent

Loader = Callable[..., dict[str, Any]]


@dataclass(frozen=True)
class Section:
    """A template rendered on a page owned by another domain, with the context its loader returns."""

    order: int
    template: str
    load: Loader


@dataclass(frozen=True)
class Entry:
    """A link to an endpoint, shown once the endpoint exists."""

    order: int
    endpoint: str
    label: object
    description: object = ""


_home_sections: dict[str, Section] = {}
_personal_sections: dict[str, Section] = {}
_organisation_sections: dict[str, Section] = {}
_personal_entries: dict[str, Entry] = {}
_admin_entries: dict[str, Entry] = {}


def _section_decorator(registry: dict[str, Section], order: int, template: str) -> Callable[[Loader], Loader]:
    def register(load: Loader) -> Loader:
        registry[template] = Section(order, template, load)
        return load

    return register


def _rendered(registry: dict[str, Section], *args: Any) -> list[tuple[str, dict[str, Any]]]:
    return [(s.template, s.load(*args)) for s in sorted(registry.values(), key=lambda s: (s.order, s.template))]


def home_section(order: int, template: str) -> Callable[[Loader], Loader]:
    """Register `load() -> context` to render `template` on the front page, sorted by `order`."""
    return _section_decorator(_home_sections, order, template)


def home_sections() -> list[tuple[str, dict[str, Any]]]:
    """(template, context) of each front-page section, in order."""
    return _rendered(_home_sections)


def personal_section(order: int, template: str) -> Callable[[Loader], Loader]:
    """Register `load(user) -> context` to render `template` on the member's own page (/me)."""
    return _section_decorator(_personal_sections, order, template)


def personal_sections(user: Any) -> list[tuple[str, dict[str, Any]]]:
    """(template, context) of each section of `user`'s own page, in order."""
    return _rendered(_personal_sections, user)


def organisation_section(order: int, template: str) -> Callable[[Loader], Loader]:
    """Register `load(organisation) -> context` to render `template` on an organisation's public page."""
    return _section_decorator(_organisation_sections, order, template)


def organisation_sections(organisation: Any) -> list[tuple[str, dict[str, Any]]]:
    """(template, context) of each section of `organisation`'s page, in order."""
    return _rendered(_organisation_sections, organisation)


def personal_entry(order: int, endpoint: str, label: object) -> None:
    """Add a link to the account menu (the person's own pages), e.g. "My meetings"."""
    _personal_entries[endpoint] = Entry(order, endpoint, label)


def personal_entries() -> list[Entry]:
    """The account menu's entries, in order."""
    return sorted(_personal_entries.values(), key=lambda e: (e.order, e.endpoint))


def admin_entry(order: int, endpoint: str, label: object, description: object) -> None:
    """Add a coordinator area to the administration page (/admin)."""
    _admin_entries[endpoint] = Entry(order, endpoint, label, description)


def admin_entries() -> list[Entry]:
    """The administration page's areas, in order."""
    return sorted(_admin_entries.values(), key=lambda e: (e.order, e.endpoint))


# --- Yearly activity figures (the self-assessment report) -------------------------------------------------------


PERCENT = "%"  # the unit of a figure in per cent (0-100): shown with the language's own per cent sign


@dataclass(frozen=True)
class Figure:
    """One activity figure of a year: `value` in `unit` (e.g. "meetings", "people", PERCENT), shown with `digits`
    decimals.
    """

    key: str
    label: object
    value: int | float | None
    unit: object = ""
    digits: int = 0

    def shown(self) -> str:
        """The value and its unit as the reader's language writes them: fi "49,2 %", en "49.2%" (PERCENT),
        en "1,234 people" (digits grouped); "–" without a value. Takes nothing; returns the text. Standard: CLDR
        number patterns through Babel (`network.i18n.format_number`).
        """
        if self.value is None:
            return NO_NUMBER
        if self.unit == PERCENT:
            return format_per_cent(self.value, self.digits)
        return f"{format_number(self.value, self.digits)} {self.unit}".rstrip()


FigureSource = Callable[[int], list[Figure]]
_figure_sources: dict[str, tuple[int, FigureSource]] = {}


def yearly_figures(order: int) -> Callable[[FigureSource], FigureSource]:
    """Register `source(year) -> [Figure]`, computed in SQL for the Helsinki calendar year `year`."""

    def register(source: FigureSource) -> FigureSource:
        _figure_sources[f"{source.__module__}.{source.__qualname__}"] = (order, source)
        return source

    return register


def figures_for_year(year: int) -> list[Figure]:
    """Every domain's figures for `year`, in registration order."""
    figures: list[Figure] = []
    for _order, source in sorted(_figure_sources.values(), key=lambda item: item[0]):
        figures.extend(source(year))
    return figures


# --- Audit labels -----------------------------------------------------------------------------------------------

ENTITY_LABELS: dict[str, object] = {}
ACTION_LABELS: dict[str, object] = {}
FIELD_LABELS: dict[str, object] = {}
# (entity type, field) -> labels of the field's stored values: a mapping value -> label, or a function value -> label.
VALUE_LABELS: dict[tuple[str, str], Mapping[str, object] | Callable[[str], object]] = {}


def audit_labels(
    *, entities: dict[str, object] | None = None, actions: dict[str, object] | None = None,
    fields: dict[str, object] | None = None,
    values: dict[str, dict[str, Mapping[str, object] | Callable[[str], object]]] | None = None,
) -> None:
    """Register readable (lazily translated) names for a domain's audit codes; returns None, raises nothing.

    `entities`, `actions` and `fields` map codes to labels; `values` maps an entity type to {field: labels of its
    code values} (a mapping or a function), so a stored `kind: municipality` reads "Kunta".
    """
    ENTITY_LABELS.update(entities or {})
    ACTION_LABELS.update(actions or {})
    FIELD_LABELS.update(fields or {})
    for entity, by_field in (values or {}).items():
        for field, labels in by_field.items():
            VALUE_LABELS[(entity, field)] = labels
