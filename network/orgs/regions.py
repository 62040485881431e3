"""The 19 regions of Finland (maakunnat) and the kinds of member organisation: fixed lists in code."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..collation import collated

# code -> (Finnish name, Swedish name)
REGIONS: dict[str, tuple[str, str]] = {
    "uusimaa": ("Uusimaa", "Nyland"),
    "varsinais-suomi": ("Varsinais-Suomi", "Egentliga Finland"),
    "satakunta": ("Satakunta", "Satakunta"),
    "kanta-hame": ("Kanta-Häme", "Egentliga Tavastland"),
    "pirkanmaa": ("Pirkanmaa", "Birkaland"),
    "paijat-hame": ("Päijät-Häme", "Päijänne-Tavastland"),
    "kymenlaakso": ("Kymenlaakso", "Kymmenedalen"),
    "etela-karjala": ("Etelä-Karjala", "Södra Karelen"),
    "etela-savo": ("Etelä-Savo", "Södra Savolax"),
    "pohjois-savo": ("Pohjois-Savo", "Norra Savolax"),
    "pohjois-karjala": ("Pohjois-Karjala", "Norra Karelen"),
    "keski-suomi": ("Keski-Suomi", "Mellersta Finland"),
    "etela-pohjanmaa": ("Etelä-Pohjanmaa", "Södra Österbotten"),
    "pohjanmaa": ("Pohjanmaa", "Österbotten"),
    "keski-pohjanmaa": ("Keski-Pohjanmaa", "Mellersta Österbotten"),
    "pohjois-pohjanmaa": ("Pohjois-Pohjanmaa", "Norra Österbotten"),
    "kainuu": ("Kainuu", "Kajanaland"),
    "lappi": ("Lappi", "Lappland"),
    "ahvenanmaa": ("Ahvenanmaa", "Åland"),
}

KINDS: dict[str, object] = {
    "municipality": _l("Municipality"),
    "wellbeing_county": _l("Wellbeing services county"),
    "state": _l("State administration"),
    "civil_society": _l("Civil-society organisation"),
    "research_education": _l("Research or education"),
    "other": _l("Other"),
}


def region_name(code: str | None, language: str = "fi") -> str:
    """The region's name in Finnish, or in Swedish when the interface is Swedish."""
    if not code or code not in REGIONS:
        return ""
    fi, sv = REGIONS[code]
    return sv if language == "sv" else fi


def kind_label(code: str | None) -> str:
    """The readable name of an organisation kind code ("" for an unknown one)."""
    return str(KINDS.get(code or "", ""))


def region_choices(language: str = "fi") -> list[tuple[str, str]]:
    """(code, name) of the 19 regions, in `language`'s alphabetical order."""
    return collated(((code, region_name(code, language)) for code in REGIONS), key=lambda c: c[1], language=language)


def kind_choices() -> list[tuple[str, str]]:
    """(code, label) of the organisation kinds, for a select field."""
    return [(code, str(label)) for code, label in KINDS.items()]
