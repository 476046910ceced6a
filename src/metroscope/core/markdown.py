"""Text people write (descriptions, posts): Markdown (CommonMark, raw HTML off) made into HTML,
then cleaned by an allow-list (nh3), so what people write can never run script or load anything
remote.

Images are turned into links: a page must load nothing from another host, and a record's own
pictures are its attachments, served by the site."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token

TAGS = frozenset(
    {
        "a",
        "blockquote",
        "br",
        "code",
        "em",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "li",
        "ol",
        "p",
        "pre",
        "strong",
        "ul",
    }
)
ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow noopener"
# Written text sits under the page's <h1> and its section's <h2>: its headings start at <h3>.
HEADING_SHIFT = 2


def _image_as_link(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    token = tokens[idx]
    src = escapeHtml(str(token.attrGet("src") or ""))
    text = escapeHtml(self.renderInlineAsText(token.children or [], options, env)) or src
    return f'<a href="{src}">{text}</a>'


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False})
    md.add_render_rule("image", _image_as_link)
    return md


_MD = _parser()


def _shift_headings(tokens: list[Token]) -> None:
    for token in tokens:
        if token.type in {"heading_open", "heading_close"}:
            level = min(6, int(token.tag[1]) + HEADING_SHIFT)
            token.tag = f"h{level}"


def clean(html: str) -> str:
    """The allow-list, applied to any HTML (also the renderer's own output)."""
    return nh3.clean(
        html,
        tags=set(TAGS),
        attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel=LINK_REL,
        strip_comments=True,
    )


def render(text: str) -> SafeString:
    """Markdown source → sanitised HTML, safe to put in a page as it is."""
    if not text.strip():
        return mark_safe("")  # noqa: S308 (empty)
    env: dict[str, Any] = {}
    tokens = _MD.parse(text, env)
    _shift_headings(tokens)
    html = _MD.renderer.render(tokens, _MD.options, env)
    return mark_safe(clean(html))  # noqa: S308 (cleaned by the allow-list just above)
