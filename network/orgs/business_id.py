"""Finnish business ID (Y-tunnus): NNNNNNN-N with a modulo-11 check digit."""

from __future__ import annotations

import re

_FORMAT = re.compile(r"^(\d{7})-(\d)$")
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2)


def business_id_check_digit(first_seven: str) -> int | None:
    """The check digit for seven digits, or None when no digit is valid (remainder 1)."""
    remainder = sum(int(d) * w for d, w in zip(first_seven, _WEIGHTS, strict=True)) % 11
    if remainder == 0:
        return 0
    if remainder == 1:
        return None
    return 11 - remainder


def is_valid_business_id(value: str) -> bool:
    """True when `value` is a Finnish business ID (1234567-8) whose check digit is right."""
    match = _FORMAT.match(value.strip()) if value else None
    if not match:
        return False
    expected = business_id_check_digit(match.group(1))
    return expected is not None and expected == int(match.group(2))


def normalize_business_id(value: str | None) -> str | None:
    """Strip spaces; an 8-digit value without the dash gets one. Empty means none."""
    if value is None:
        return None
    value = value.strip().replace(" ", "")
    if not value:
        return None
    if re.fullmatch(r"\d{8}", value):
        value = f"{value[:7]}-{value[7]}"
    return value
