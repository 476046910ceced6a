"""Issue 19, items 7-8, in the browser: a member's page (its links, its kind once, its country
in the reader's language), the download links of the members directory, compare and the gender
lens, and the site search from the header, in English, French and Spanish, at 1366 and 390 px,
each page within the window's width and without serious or critical axe violation."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import CHARTS_DRAWN, LAPTOP, PHONE, assert_accessible, assert_fits

pytestmark = pytest.mark.e2e

LANGUAGES = {
    "": {"country": "South Korea", "search": "Search Metroscope", "excel": "CSV for Excel"},
    "/fr": {
        "country": "Corée du Sud",
        "search": "Rechercher dans Metroscope",
        "excel": "CSV pour Excel",
    },
    "/es": {
        "country": "Corea del Sur",
        "search": "Buscar en Metroscope",
        "excel": "CSV para Excel",
    },
}
DOWNLOAD_PAGES = (
    "/members/",
    "/observatory/compare/?metros=barcelona,seoul",
    "/observatory/gender/",
)


def _open(page: Page, url: str) -> None:
    page.goto(url)
    page.wait_for_function(CHARTS_DRAWN)


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["1366", "390"])
def test_member_page_downloads_and_site_search_in_every_language(page: Page, viewport):
    page.set_viewport_size(viewport)
    for prefix, words in LANGUAGES.items():
        # A member's page: its links across Metroscope, its country, its kind once.
        _open(page, f"{prefix}/members/seoul/")
        links = page.locator("nav.member-links")
        expect(links.locator('a[href$="/observatory/metros/seoul/"]')).to_be_visible()
        expect(links.locator('a[href*="/exchange/solutions/"]').first).to_be_visible()
        expect(links.locator('a[href*="/plan/activities/?member=seoul"]')).to_be_visible()
        expect(page.locator("dl.facts")).to_contain_text(words["country"])
        assert_fits(page)
        assert_accessible(page)

        # Every table page offers CSV, CSV for Excel and XLSX, keeping its filters.
        for path in DOWNLOAD_PAGES:
            _open(page, prefix + path)
            downloads = page.locator("p.downloads").first
            expect(downloads.get_by_role("link", name=words["excel"])).to_be_visible()
            for fmt in ("csv", "csv-excel", "xlsx"):
                href = downloads.locator(f'a[data-format="{fmt}"]').get_attribute("href") or ""
                response = page.request.get(href)
                assert response.ok, href
                assert response.body(), href
            assert_fits(page)
        assert_accessible(page)  # the gender lens: chart, sortable headers, downloads

        # The site search from the header (in the menu on a phone).
        _open(page, prefix + "/")
        toggle = page.locator(".menu-toggle")
        if toggle.is_visible():
            toggle.click()
        header_search = page.locator("form.site-search")
        if not header_search.locator("input").is_visible():  # one-row header: its button opens it
            header_search.locator("button").click()
            expect(header_search.locator("button")).to_have_attribute("aria-expanded", "true")
        field = page.get_by_label(words["search"]).first
        if viewport == LAPTOP:
            expect(field).to_be_focused()
        field.fill("Seoul")
        field.press("Enter")
        page.wait_for_url("**/search/?q=Seoul")
        expect(page.locator('section[data-kind="members"] a', has_text="Seoul")).to_be_visible()
        expect(page.locator('section[data-kind="metros"]')).to_contain_text(words["country"])
        expect(page.locator('section[data-kind="solutions"] li').first).to_be_visible()
        assert_fits(page)
        assert_accessible(page)
