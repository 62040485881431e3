"""The municipalities of Finland: a fixed list with Finnish and Swedish names and each one's region.

The list is `data/municipalities_2024.csv`, from Statistics Finland's classification of municipalities and regions
(the file's header names the source and year). An organisation stores its municipality's Finnish name; the Swedish
view shows the Swedish name (Åbo, not Turku), and the directory's search finds an organisation by either name.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ..collation import collated
from ..i18n import current_language
from ..text import search_key

DATA_FILE = Path(__file__).with_name("data") / "municipalities_2024.csv"
# The classification's year: 309 municipalities in 19 regions (unchanged 2021-2024).
DATA_YEAR = 2024

# Statistics Finland's region (maakunta) codes -> the region codes of network/orgs/regions.py.
REGION_BY_STATISTICS_CODE = {
    "01": "uusimaa", "02": "varsinais-suomi", "04": "satakunta", "05": "kanta-hame", "06": "pirkanmaa",
    "07": "paijat-hame", "08": "kymenlaakso", "09": "etela-karjala", "10": "etela-savo", "11": "pohjois-savo",
    "12": "pohjois-karjala", "13": "keski-suomi", "14": "etela-pohjanmaa", "15": "pohjanmaa",
    "16": "keski-pohjanmaa", "17": "pohjois-pohjanmaa", "18": "kainuu", "19": "lappi", "21": "ahvenanmaa",
}


@dataclass(frozen=True)
class Municipality:
    """One municipality: its official code, Finnish and Swedish names and region code."""

    code: str
    name_fi: str
    name_sv: str
    region: str

    def name(self, language: str | None = None) -> str:
        """The name in `language` (default: the reader's): Swedish for Swedish readers, else Finnish."""
        return self.name_sv if (language or current_language()) == "sv" else self.name_fi


def _key(text: str | None) -> str:
    return " ".join(search_key(text).split())


@cache
def municipalities() -> tuple[Municipality, ...]:
    """Every municipality of the list, by code. Raises OSError/KeyError only if the data file is broken."""
    with DATA_FILE.open(encoding="utf-8", newline="") as handle:
        rows = csv.DictReader((line for line in handle if not line.startswith("#")), delimiter=";")
        return tuple(Municipality(row["code"], row["name_fi"], row["name_sv"],
                                  REGION_BY_STATISTICS_CODE[row["region_code"]]) for row in rows)


@cache
def _by_key() -> dict[str, Municipality]:
    found: dict[str, Municipality] = {}
    for municipality in municipalities():
        for text in (municipality.name_fi, municipality.name_sv, municipality.code):
            found.setdefault(_key(text), municipality)
    return found


def find_municipality(text: str | None) -> Municipality | None:
    """Take a municipality's Finnish or Swedish name or code (any case, accents optional: "abo", "Åbo", "853");
    return the municipality, or None when the list has no such municipality. Raises nothing.
    """
    return _by_key().get(_key(text)) if text else None


def municipality_name(stored: str | None, language: str | None = None) -> str:
    """Take an organisation's stored municipality; return it in `language` (default: the reader's): "Åbo" for a
    Swedish reader of "Turku". A name the list does not know is returned as stored ("" for none). Raises nothing.
    """
    municipality = find_municipality(stored)
    return municipality.name(language) if municipality else (stored or "")


def municipalities_matching(word: str) -> list[str]:
    """Take a search word; return the Finnish names (what organisations store) of the municipalities with a word of
    the Finnish or Swedish name starting with it, so "mariehamn" finds "Maarianhamina". Raises nothing.
    """
    key = _key(word)
    if not key:
        return []
    return [m.name_fi for m in municipalities()
            if any(part.startswith(key) for name in (m.name_fi, m.name_sv) for part in _key(name).split(" "))]


def municipality_choices(language: str | None = None) -> list[str]:
    """The municipalities' names in `language` (default: the reader's) in its alphabetical order, for a suggestion
    list. Raises nothing.
    """
    return collated((m.name(language) for m in municipalities()), key=lambda name: name, language=language)
