"""Text helpers shared by domains: accent-insensitive search keys and single-line values."""

from __future__ import annotations

import re
import unicodedata

# Unicode's line and paragraph breaks (UAX #14 mandatory breaks and UAX #29 / Unicode 15 chapter 5.8): CR, LF,
# VT, FF, NEL, LINE SEPARATOR and PARAGRAPH SEPARATOR. Together with every other control character (category Cc)
# and the two separator categories (Zl, Zp) they may not appear in a header value.
LINE_BREAKS = frozenset("\r\n\x0b\x0c\x85\u2028\u2029")
_SPACES = re.compile(r"\s+")


def search_key(value: str | None) -> str:
    """Lower-case without accents, so that 'mantta' finds 'Mänttä' on SQLite and PostgreSQL alike."""
    if not value:
        return ""
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).strip()


def is_breaking(ch: str) -> bool:
    """True for a line or paragraph break or another control or separator character (not allowed in a header)."""
    return ch in LINE_BREAKS or unicodedata.category(ch) in ("Cc", "Zl", "Zp", "Cs")


def single_line(value: str | None) -> str:
    """One line by Unicode's definition, for subjects, display names, file names and other header values.

    Takes any text (or None); returns it with every line or paragraph break (CR, LF, VT, FF, NEL, U+2028, U+2029)
    and every other control character replaced by a space, runs of white space collapsed to one space, and the
    ends trimmed. Never raises. Used by forms (where refusing would surprise) and by the mail composer as the last
    guard against header injection and unencodable headers.
    """
    if not value:
        return ""
    if value.isascii() and value.isprintable():
        return value.strip() if "  " not in value else _SPACES.sub(" ", value).strip()
    cleaned = "".join(" " if is_breaking(ch) else ch for ch in value)
    return _SPACES.sub(" ", cleaned).strip()


def has_line_break(value: str | None) -> bool:
    """True when the text holds a line or paragraph break by Unicode's definition (CR, LF, VT, FF, NEL, U+2028,
    U+2029).

    Forms use it to refuse, with a clear message, a subject or name that is not one line; other control
    characters (a pasted tab) are quietly made spaces by `single_line`.
    """
    return bool(value) and any(ch in LINE_BREAKS for ch in value)
