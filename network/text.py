"""Text helpers shared by domains: accent-insensitive search keys, single-line values, typed text without
control characters and ASCII-only whole numbers.
"""

from __future__ import annotations

import re
import unicodedata

# Unicode's line and paragraph breaks (UAX #14 mandatory breaks and UAX #29 / Unicode 15 chapter 5.8): CR, LF,
# VT, FF, NEL, LINE SEPARATOR and PARAGRAPH SEPARATOR. Together with every other control character (category Cc)
# and the two separator categories (Zl, Zp) they may not appear in a header value.
LINE_BREAKS = frozenset("\r\n\x0b\x0c\x85\u2028\u2029")
_SPACES = re.compile(r"\s+")
# C0 control characters and DEL, except tab, LF and CR: invisible, and XML 1.0 (so XLSX, openpyxl's
# IllegalCharacterError) refuses most of them; an ANSI escape (ESC [31m) in a stored answer would break an export.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# The same without VT and FF: in a one-line field they are line breaks, which the field's rule refuses with a
# message (`has_line_break`), so they are left for it to see.
INVISIBLE_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
# ASCII digits only: Python's str.isdigit(), \d and int() also take "²", "١٢" and other Unicode digits.
_ASCII_INT = re.compile(r"-?[0-9]+")


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


def strip_controls(value: str | None) -> str:
    """Multi-line typed text without control characters, for storing what a form sent and for writing exports.

    Takes any text (or None); returns it with every C0 control character and DEL removed, except tab, LF and CR
    (one-line values use `single_line`). Nothing else changes (no trimming), so applying it twice is harmless.
    Never raises. Standard: XML 1.0 section 2.2 (Char), which XLSX cells follow.
    """
    return _without(CONTROL_CHARACTERS, value)


def strip_invisible_controls(value: str | None) -> str:
    """One-line typed text without the control characters that are neither a tab nor a line break (NUL, BEL,
    ESC, DEL and the rest of C0).

    Takes any text (or None); returns it with those characters removed and nothing else changed, so that a
    line break is still there for the field's rule to refuse with a message. Never raises. Standard: XML 1.0
    section 2.2 (Char) and RFC 5545 section 3.3.11 (TEXT excludes CTL), which exports and calendars follow.
    """
    return _without(INVISIBLE_CONTROLS, value)


def _without(characters: re.Pattern[str], value: str | None) -> str:
    if not value:
        return ""
    if value.isprintable():
        return value  # the common case: no control character at all
    return characters.sub("", value)


def ascii_int(value: str | None) -> int:
    """A whole number written with ASCII digits 0-9 and an optional leading minus, spaces around allowed.

    Takes the text a user (or a URL, a cookie, a file) gave; returns the number. Raises ValueError for anything
    else: empty text, "1_000", "+1", and Unicode digits such as "²" or "١٢" that str.isdigit() and int() would
    take. Usable as `request.args.get(name, type=ascii_int)`.
    """
    text = (value or "").strip()
    if not _ASCII_INT.fullmatch(text):
        raise ValueError(f"not a whole number in ASCII digits: {value!r}")
    return int(text)


def is_ascii_digits(value: str | None) -> bool:
    """True when `value` is one or more ASCII digits 0-9 and nothing else (no sign, no spaces)."""
    return bool(value) and value.isascii() and value.isdigit()
