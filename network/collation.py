"""Alphabetical order in the reader's language, from ICU (PyICU): Finnish and Swedish put Å, Ä, Ö after Z.

One collator per language (ICU collators are not thread-safe, so each thread gets its own). `sort_key` gives the
ICU sort key as bytes; bytes compare in the same order as the collator, so a key stored in a binary column lets
SQL order and paginate in that language on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import TypeVar

import icu

from .i18n import current_language

T = TypeVar("T")
# The languages the interface offers, each with the ICU locale whose order it uses.
LOCALES = {"fi": "fi_FI", "sv": "sv_SE", "en": "en_GB"}
_local = threading.local()


def _collator(language: str) -> icu.Collator:
    collators = _local.__dict__.setdefault("collators", {})
    locale = LOCALES.get(language, LOCALES["fi"])
    if locale not in collators:
        collator = icu.Collator.createInstance(icu.Locale(locale))
        # Letters first, then accents, then case: "Åbo" and "åbo" stay together.
        collator.setStrength(icu.Collator.TERTIARY)
        collators[locale] = collator
    return collators[locale]


def sort_key(text: str | None, language: str | None = None) -> bytes:
    """Take a text and a language code (default: the reader's); return its ICU sort key in that language.

    Keys compare bytewise in the language's alphabetical order (Finnish: ..., Z, Å, Ä, Ö). Raises nothing.
    """
    return bytes(_collator(language or current_language()).getSortKey(text or ""))


def collated(items: Iterable[T], key: Callable[[T], str], language: str | None = None) -> list[T]:
    """Take items and a function giving each one's text; return them in the language's alphabetical order.

    `language` defaults to the reader's. Raises nothing.
    """
    collator = _collator(language or current_language())
    return sorted(items, key=lambda item: bytes(collator.getSortKey(key(item) or "")))
