"""The pages a Finnish public service must have: the accessibility statement (from docs/accessibility.md) and the
privacy notice (from what each domain registered in network/privacy.py).
"""

from __future__ import annotations

import re
from pathlib import Path

from markupsafe import Markup

from config import BASE_DIR

from ..markup import render_markdown

STATEMENT_SOURCE = BASE_DIR / "docs" / "accessibility.md"
_PART = re.compile(r"^<!-- lang: ([a-z]{2}) -->\s*$", re.M)


def statement_parts(source: Path = STATEMENT_SOURCE) -> dict[str, str]:
    """The accessibility statement's Markdown by language code, read from `source`.

    The file holds one part per language, each after a line `<!-- lang: xx -->`; what comes before the first
    such line (a comment for maintainers) is left out. Raises OSError when the file cannot be read.
    """
    text = source.read_text(encoding="utf-8")
    pieces = _PART.split(text)
    # pieces: [preamble, code, body, code, body, ...]
    return {code: body.strip() for code, body in zip(pieces[1::2], pieces[2::2], strict=True)}


def accessibility_statement(language: str, contact_email: str, source: Path = STATEMENT_SOURCE) -> Markup:
    """The statement in `language` (Finnish when the file has no part for it) as sanitised HTML, with the feedback
    address filled in. Raises OSError when the file cannot be read, KeyError when it has no Finnish part.
    """
    parts = statement_parts(source)
    body = parts.get(language) or parts["fi"]
    return render_markdown(body.replace("{contact_email}", contact_email))
