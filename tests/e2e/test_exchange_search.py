"""Journey: a reader searches the real solutions in Spanish, then in English, narrows them with
a facet, sorts them, turns the page and opens one, with the keyboard where a keyboard user
would; the count is a live region and the page passes axe at each step."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_accessible

pytestmark = pytest.mark.e2e


def total(page: Page) -> int:
    """The number of solutions the live count announces."""
    text = page.get_by_role("status").filter(has_text="found").inner_text()
    found = re.search(r"(\d+) solutions? found", text)
    assert found, text
    return int(found.group(1))


def hits(page: Page):
    return page.locator("ol.search-hits > li")


def test_reader_searches_filters_sorts_pages_and_opens_a_solution(page: Page):
    page.goto("/exchange/")
    page.get_by_label("Search solutions").fill("ciudadanía")
    page.get_by_label("Search solutions").press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Search urban solutions")
    expect(page.get_by_label("Words")).to_have_value("ciudadanía")
    # Spanish words of a title are found and marked, whatever their accents
    expect(hits(page).first.locator("mark").first).to_have_text(re.compile("ciudadan", re.I))
    assert total(page) >= 1
    assert_accessible(page)

    # New words, typed and sent with the keyboard: htmx swaps the results in place
    words = page.get_by_label("Words")
    words.fill("city")
    words.press("Enter")
    expect(page).to_have_url(re.compile(r"[?&]q=city\b"))
    expect(hits(page).first.locator("mark").first).to_be_visible()
    expect(page.get_by_label("Sort by")).to_have_value("relevance")
    everything = total(page)
    assert everything > 1
    assert_accessible(page)

    # A facet value is a labelled checkbox; its count says what it leaves
    facet = page.locator("fieldset[data-facet=collection] li").first
    label = facet.locator("label")
    wanted = int(label.locator(".count").inner_text())
    name = label.inner_text().rsplit(" ", 1)[0].strip()
    assert 0 < wanted < everything, (wanted, everything)
    checkbox = page.get_by_role("checkbox", name=re.compile(re.escape(name)))
    checkbox.focus()
    page.keyboard.press("Space")
    expect(page.get_by_role("status").filter(has_text="found")).to_contain_text(
        f"{wanted} solution"
    )
    expect(page).to_have_url(re.compile(r"[?&]collection="))
    expect(page.get_by_role("checkbox", name=re.compile(re.escape(name)))).to_be_checked()
    # the swap gave the keyboard user their checkbox back, not the top of the page
    assert page.evaluate("document.activeElement.type") == "checkbox"
    expect(page.get_by_role("list", name="Chosen filters")).to_contain_text(name)
    assert hits(page).count() == min(wanted, 20)
    assert_accessible(page)

    # Sort by title: the order follows
    page.get_by_label("Sort by").select_option("title")
    expect(page).to_have_url(re.compile(r"[?&]sort=title"))
    expect(page.get_by_label("Sort by")).to_have_value("title")
    titles = [t.strip().casefold() for t in hits(page).locator("a.title").all_inner_texts()]
    assert titles == sorted(titles), titles

    # Back to every collection, and to the second page when there is one
    page.get_by_role("link", name=re.compile("Remove all filters")).click()
    expect(page.get_by_role("status").filter(has_text="found")).to_contain_text(
        f"{everything} solutions found"
    )
    if everything > 20:
        page.get_by_role("navigation", name="Pages").get_by_role("link", name="Next").click()
        expect(page.get_by_role("navigation", name="Pages")).to_contain_text("Page 2 of")
        expect(hits(page)).to_have_count(min(everything - 20, 20))
        expect(page.get_by_role("status").filter(has_text="found")).to_contain_text("21–")
        assert_accessible(page)

    first = hits(page).first.locator("a.title")
    title = first.inner_text()
    first.click()
    expect(page).to_have_url(re.compile(r"/exchange/solutions/[\w-]+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    assert_accessible(page)


def test_french_search_page_passes_axe(page: Page):
    page.goto("/fr/exchange/search/?q=ville")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("status")).to_be_attached()
    assert_accessible(page)
