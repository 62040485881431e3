"""Markdown written by people, rendered to sanitised HTML and to plain text."""

from __future__ import annotations

import html
import re

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

from .text import single_line

_md = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
# The same, with every line break kept (an agenda typed one item a line).
_md_breaks = MarkdownIt("commonmark", {"html": False, "linkify": False, "breaks": True}).enable("table")

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "a", "ul", "ol", "li", "blockquote", "code", "pre",
    "h2", "h3", "h4", "hr", "table", "thead", "tbody", "tr", "th", "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


def render_markdown(text: str | None, *, breaks: bool = False) -> Markup:
    """Markdown to HTML that is safe to show: raw HTML is escaped, scripts and javascript: links removed.

    With `breaks`, a single line break is kept as a line break (CommonMark would join the lines).
    """
    if not text:
        return Markup("")
    html = (_md_breaks if breaks else _md).render(text)
    # Headings inside user content start at h2 so the page keeps one h1.
    html = re.sub(r"<(/?)h1>", r"<\1h2>", html)
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
    return Markup(clean)


def markdown_to_text(text: str | None) -> str:
    """Plain-text version for text/plain mail parts: the Markdown source is already readable text."""
    return (text or "").replace("\r\n", "\n").strip() + "\n"


def summary(text: str | None, limit: int = 160) -> str:
    """A page's description for search engines (<meta name="description">) from Markdown or plain text.

    Takes the text (or None) and the longest length wanted; returns it as one line of plain text (Markdown and any
    HTML removed, white space collapsed), cut at the last word boundary within `limit` characters with "…" when it
    is longer. Never raises.
    """
    if not text:
        return ""
    plain = html.unescape(nh3.clean(_md.render(text), tags=set()))
    plain = single_line(plain)
    if len(plain) <= limit:
        return plain
    cut = plain[: limit - 1]
    if " " in cut:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,.;:–-") + "…"
