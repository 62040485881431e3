"""Helpers for reading what the app sent."""

from __future__ import annotations

import re
from email.message import Message

LINK = re.compile(r"https?://[^\s<>\"]+")


def text_body(message: Message) -> str:
    part = message.get_body(preferencelist=("plain",))
    return part.get_content() if part is not None else ""


def links_in(message: Message) -> list[str]:
    return LINK.findall(text_body(message))


def path_of(url: str) -> str:
    """The path (with query) of an absolute link, for the Flask test client."""
    return re.sub(r"^https?://[^/]+", "", url)
