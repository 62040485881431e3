"""Text helpers shared by domains: accent-insensitive search keys and single-line values."""

from __future__ import annotations

import unicodedata


def search_key(value: str | None) -> str:
    """Lower-case without accents, so that 'mantta' finds 'Mänttä' on SQLite and PostgreSQL alike."""
    if not value:
        return ""
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).strip()


def single_line(value: str | None) -> str:
    """Remove line breaks and other control characters (no header injection through names or subjects)."""
    if not value:
        return ""
    return "".join(ch for ch in value if unicodedata.category(ch)[0] != "C").strip()


def has_line_break(value: str | None) -> bool:
    """True when the text contains any kind of line break."""
    return bool(value) and any(ch in value for ch in "\r\n\x0b\x0c\x85\u2028\u2029")
