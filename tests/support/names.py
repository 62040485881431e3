"""People's names whose alphabetical order differs by language (issue 16): Finnish and Swedish put Å, Ä, Ö after
Z (Å before Ä, unlike code point order), read ü as y; English sorts them with A, O and U."""

from __future__ import annotations

SURNAMES = ("Östman", "Zetterberg", "Åström", "Väisänen", "Ahonen", "Öhman", "Mäkinen", "Virtanen", "Äijälä",
            "Müller")
ORDER = {
    "fi": ["Ahonen", "Müller", "Mäkinen", "Virtanen", "Väisänen", "Zetterberg", "Åström", "Äijälä", "Öhman",
           "Östman"],
    "sv": ["Ahonen", "Müller", "Mäkinen", "Virtanen", "Väisänen", "Zetterberg", "Åström", "Äijälä", "Öhman",
           "Östman"],
    "en": ["Ahonen", "Äijälä", "Åström", "Mäkinen", "Müller", "Öhman", "Östman", "Väisänen", "Virtanen",
           "Zetterberg"],
}


def full_name(surname: str) -> str:
    """The person's whole name: a first name shared by everyone, so that the surname decides the order."""
    return f"Anna {surname}"


def in_order_of_appearance(text: str, names=SURNAMES) -> list[str]:
    """The names as they come in `text` (each must appear)."""
    positions = {name: text.find(full_name(name)) for name in names}
    missing = [name for name, at in positions.items() if at < 0]
    assert not missing, f"not in the text: {missing}"
    return sorted(names, key=positions.__getitem__)
