"""Finnish business ID (Y-tunnus): NNNNNNN-N with a modulo-11 check digit."""

from __future__ import annotations

import re

# [0-9], not \d: \d and int() take any Unicode digit, so "١٢٣٤٥٦٧-١" would pass as 1234567-1 and escape
# the duplicate check. fullmatch, not $: "$" also matches before a final newline.
_FORMAT = re.compile(r"([0-9]{7})-([0-9])")
_EIGHT_DIGITS = re.compile(r"[0-9]{8}")
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
    """True when `value` is a Finnish business ID (1234567-8, ASCII digits only) whose check digit is right.

    Takes any text; returns the answer; never raises. Standard: the Finnish Tax Administration's Y-tunnus format
    (seven digits, a dash and a modulo-11 check digit).
    """
    match = _FORMAT.fullmatch(value.strip()) if value else None
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
    if _EIGHT_DIGITS.fullmatch(value):
        value = f"{value[:7]}-{value[7]}"
    return value
