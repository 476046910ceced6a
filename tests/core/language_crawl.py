"""What the language crawl reads of a page: its visible text nodes, less the text a page
declares as not in its language (an element with another `lang`, e.g. an activity title the
sources give in English, or `translate="no"`, e.g. the brand), and less code (`<code>`).
Then, of the nodes a French or Spanish page shares with the English one, those that are not a
name, a code or a number: text left untranslated."""

from __future__ import annotations

import re
from collections.abc import Iterable
from html.parser import HTMLParser

SKIPPED = {"script", "style", "template", "noscript", "code", "kbd", "samp", "svg", "title"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr", "param"}  # fmt: skip

# Words spelt the same in English and in the page's language (checked on the crawled pages),
# and SI or currency symbols: not text left untranslated.
UNITS = {"km²", "µg/m³", "t CO2e", "Mt CO2", "M", "EUR", "%"}
SAME_WORD = {
    "fr": {
        "Menu", "Code", "Total", "Source", "Type", "Date", "Programme", "Institution",
        "Initiative", "Note", "Projection", "Vision", "Mission", "Solutions", "solutions",
        "solution", "distribution", "Europe", "Budget (EUR)", "Collections", "Collection", "Dates",
    } | UNITS,
    "es": {"Total", "no"} | UNITS,
}  # fmt: skip
CODE = re.compile(
    r"^(?:[A-Z0-9][A-Z0-9_.\-/]*|[a-z0-9]+(?:[_\-][a-z0-9]+)+|[A-Za-z0-9]+(?:_[A-Za-z0-9.]+)+|"
    r"https?://\S+|\S+@\S+\.\w+|"
    r"[\W\d_]+|\d+(?:[.,]\d+)*\s*(?:%|km²|EUR|€)?)$"
)
NUMBER_FIRST = re.compile(r"^\d[\d\s.,\u202f\u00a0]*\s(\S.*)$")
SEPARATOR = re.compile(r"[,;·•|—–:()]|\s-\s")
LIST = re.compile(r"\s*[,;·•|]\s*")  # a list of names
PARTS = re.compile(r"\s*(?:[—–:]|\(|\)|\s-\s|\s→\s)\s*")  # a name and its detail


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page_lang = ""
        self.stack: list[tuple[str, bool]] = []  # (tag, whether its text is skipped)
        self.nodes: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "html":
            self.page_lang = (a.get("lang") or "").split("-")[0]
        if tag in VOID:
            return
        inherited = bool(self.stack and self.stack[-1][1])
        lang = (a.get("lang") or "").split("-")[0]
        skipped = (
            inherited
            or tag in SKIPPED
            or "hidden" in a
            or a.get("translate") == "no"
            or bool(lang and self.page_lang and lang != self.page_lang)
        )
        self.stack.append((tag, skipped))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        if self.stack and self.stack[-1][1]:
            return
        text = " ".join(data.split())
        if text:
            self.nodes.append(text)


def text_nodes(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    return parser.nodes


def _known(text: str, names: set[str], language: str) -> bool:
    same = SAME_WORD.get(language, set())
    counted = NUMBER_FIRST.match(text)  # "20 solutions", "608 M"
    return bool(
        text in names or text in same or CODE.match(text) or (counted and counted.group(1) in same)
    )


def phrases_of(names: set[str]) -> list[str]:
    """Names that hold a separator ("UN DESA, Population Division", "Barcelona (city)"),
    longest first: found inside a text before it is split into a list of names."""
    return sorted((n for n in names if len(n) > 3 and SEPARATOR.search(n)), key=len, reverse=True)


def is_name_code_or_number(
    text: str, names: set[str], language: str, phrases: Iterable[str] = ()
) -> bool:
    if _known(text, names, language) or _known(text.strip(" —–-·:"), names, language):
        return True
    for phrase in phrases:
        if phrase in text:
            text = text.replace(phrase, " ; ")
    for item in LIST.split(text):
        item = item.strip(" .'\"“”«»—–:")
        if not item or _known(item, names, language):
            continue
        parts = [p.strip(" .'\"“”«»") for p in PARTS.split(item)]
        if not all(not p or _known(p, names, language) for p in parts):
            return False
    return True


def untranslated(
    english: Iterable[str], other: Iterable[str], names: set[str], language: str
) -> list[str]:
    """The other page's text nodes that stay as on the English page and are not names, codes
    or numbers, once each."""
    seen = set(english)
    phrases = phrases_of(names)
    return list(
        dict.fromkeys(
            text
            for text in other
            if text in seen and not is_name_code_or_number(text, names, language, phrases)
        )
    )
