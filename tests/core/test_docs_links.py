"""Every relative link in the README and docs/ leads somewhere: the file exists and, when the
link names a section of a Markdown file, that file has a heading with GitHub's anchor for it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]

_FENCE = re.compile(r"^(```|~~~).*?^\1[^\n]*$", re.MULTILINE | re.DOTALL)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_CODE_SPAN = re.compile(r"(`+).+?\1", re.DOTALL)
_LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)
_EXTERNAL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//|/)", re.IGNORECASE)


def _prose(text: str) -> str:
    """The text without fenced code blocks and HTML comments (which GitHub does not link)."""
    return _COMMENT.sub("", _FENCE.sub("", text))


def anchors(text: str) -> set[str]:
    """GitHub's anchors for a Markdown file's headings: lower case, punctuation dropped,
    spaces made hyphens, and -1, -2… after a repeated heading."""
    found: set[str] = set()
    seen: dict[str, int] = {}
    for heading in _HEADING.findall(_prose(text)):
        slug = re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        found.add(slug if count == 0 else f"{slug}-{count}")
    return found


def relative_links(text: str) -> list[str]:
    return [
        target
        for target in _LINK.findall(_CODE_SPAN.sub("", _prose(text)))
        if not _EXTERNAL.match(target)
    ]


def broken_links(page: Path) -> list[str]:
    broken = []
    for target in relative_links(page.read_text(encoding="utf-8")):
        path_part, _, anchor = target.partition("#")
        destination = (page.parent / path_part).resolve() if path_part else page
        if not destination.exists():
            broken.append(f"{target}: no such file")
        elif (
            anchor
            and destination.suffix == ".md"
            and anchor not in anchors(destination.read_text(encoding="utf-8"))
        ):
            broken.append(f"{target}: no such section")
    return broken


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_resolves(page):
    assert broken_links(page) == []


def test_anchors_follow_github():
    text = "# Title\n## 2026-12-06 — Test suite\n## Caches\n## Caches\n```\n# not a heading\n```\n"
    assert anchors(text) == {"title", "2026-12-06--test-suite", "caches", "caches-1"}


def test_links_in_code_and_comments_are_not_links():
    text = "`[a](nowhere.md)`\n<!-- [b](gone.md) -->\n```\n[c](none.md)\n```\n[d](here.md) [e](https://x.org)"
    assert relative_links(text) == ["here.md"]
