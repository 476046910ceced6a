"""Text people write is Markdown made safe: no script, no event handler, no javascript: address,
no raw HTML and nothing loaded from another host ever reaches a page."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from metroscope.core.markdown import TAGS, clean, render

ATTACKS = [
    "<script>alert('x')</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[data](data:text/html;base64,PHNjcmlwdD4=)",
    "![pixel](https://tracker.example/p.gif)",
    '<a href="https://example.org" onclick="steal()">raw link</a>',
    "<iframe src=https://evil.example/></iframe>",
    "<style>body{display:none}</style>",
]
SAFE_SCHEMES = ("http://", "https://", "mailto:", "/")


class Markup(HTMLParser):
    """The tags and attributes of a piece of HTML (text, escaped or not, is not markup)."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))


def markup(html: str) -> list[tuple[str, dict[str, str]]]:
    parser = Markup()
    parser.feed(html)
    return parser.tags


def assert_harmless(html: str) -> None:
    for tag, attrs in markup(html):
        assert tag in TAGS, tag
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        assert set(attrs) <= {"href", "title", "rel", "start"}, (tag, attrs)
        if "href" in attrs:
            assert attrs["href"].lower().startswith(SAFE_SCHEMES), attrs["href"]
            assert attrs["rel"] == "nofollow noopener"


@pytest.mark.parametrize("text", ATTACKS)
def test_nothing_dangerous_survives_rendering(text):
    html = str(render(text))
    assert_harmless(html)
    assert "<script" not in html.lower()


def test_markdown_is_rendered_with_headings_under_the_page_sections():
    html = str(
        render("# Context\n\nSome *emphasis* and a [link](https://example.org).\n\n- a\n- b")
    )
    assert "<h3>Context</h3>" in html
    assert "<em>emphasis</em>" in html
    assert '<a href="https://example.org" rel="nofollow noopener">link</a>' in html
    assert "<ul>" in html


def test_raw_html_is_shown_as_text_not_markup():
    html = str(render("Hello <b>bold</b>"))
    assert "<b>" not in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html


def test_images_become_links_so_nothing_remote_is_loaded():
    html = str(render("![the plan](https://example.org/plan.png)"))
    assert html.strip() == (
        '<p><a href="https://example.org/plan.png" rel="nofollow noopener">the plan</a></p>'
    )


def test_the_allow_list_also_cleans_html_given_directly():
    html = clean('<p onmouseover="x()">a</p><script>b()</script><a href="javascript:c()">d</a>')
    assert html == '<p>a</p><a rel="nofollow noopener">d</a>'


def test_empty_description_renders_nothing():
    assert str(render("  \n")) == ""
