"""Issue 19's visitor journey, in English, French and Spanish at 1366 and 390 px: from the home
page (switched to French or Spanish with the language switcher), through the menu to the
Observatory, an indicator, a metro, the comparison with its nearest metros, and the download
of that table for Excel, whose content is read back: a byte-order mark, the language's
separators, the names in the page's language and the values of the database. After every
page, the page is in the journey's language, within the window's width, and axe finds no
serious or critical violation."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.utils import translation
from playwright.sync_api import Page, expect

from metroscope.core.countries import country_name
from metroscope.observatory.models import Indicator, Observation
from tests.e2e.conftest import JOURNEY_CASES, check, open_menu, prefix, tr

pytestmark = pytest.mark.e2e

PM25 = "pm25_annual_mean"


@pytest.mark.parametrize(("language", "viewport"), JOURNEY_CASES)
def test_a_visitor_goes_from_the_home_page_to_a_download(
    page: Page, language: str, viewport: dict[str, int]
):
    page.set_viewport_size(viewport)
    pm25 = getattr(Indicator.objects.get(code=PM25), f"name_{language}")
    heading = page.get_by_role("heading", level=1)

    # The home page, in the visitor's language.
    page.goto("/")
    if language != "en":
        open_menu(page)
        page.locator(f'nav.lang a[hreflang="{language}"]').click()
        page.wait_for_url(f"**{prefix(language)}/")
    expect(heading).to_have_text(tr(language, "The Metropolis network at a glance"))
    check(page, language)

    # The Observatory, from the menu; an indicator.
    open_menu(page)
    page.locator("nav.main").get_by_role("link", name=tr(language, "Observatory")).click()
    expect(heading).to_have_text(tr(language, "Observatory"))
    check(page, language)
    page.get_by_role("link", name=pm25, exact=True).first.click()
    expect(heading).to_have_text(pm25)
    expect(page).to_have_url(re.compile(rf"{prefix(language)}/observatory/indicators/{PM25}/$"))
    check(page, language)

    # A metro, from the indicator's table.
    page.locator("main table").get_by_role("link", name="Barcelona", exact=True).first.click()
    expect(heading).to_have_text("Barcelona")
    expect(page.locator("html")).to_have_attribute("lang", language)
    check(page, language)

    # Compare it with its nearest metros.
    page.get_by_role("link", name=tr(language, "Compare with the four nearest")).click()
    expect(heading).to_have_text(tr(language, "Compare metros"))
    header = page.locator("main table thead")
    expect(header.get_by_role("link", name="Barcelona", exact=True)).to_be_visible()
    expect(header.get_by_role("columnheader")).to_have_count(6)  # indicators, then 5 metros
    check(page, language)

    # Download the table for Excel, and read it.
    downloads = page.locator("p.downloads").first
    with page.expect_download() as info:
        downloads.get_by_role("link", name=tr(language, "CSV for Excel")).click()
    assert info.value.suggested_filename.endswith("-excel.csv")
    with open(info.value.path(), "rb") as handle:
        raw = handle.read()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with a byte-order mark, for Excel
    comma = language in ("fr", "es")  # a decimal comma, so cells part on ";"
    rows = list(csv.DictReader(io.StringIO(raw[3:].decode()), delimiter=";" if comma else ","))
    metros = {r["metro"] for r in rows}
    assert "barcelona" in metros
    assert len(metros) == 5
    (row,) = [r for r in rows if r["metro"] == "barcelona" and r["indicator"] == PM25]
    assert row["indicator_name"] == pm25
    with translation.override(language):
        assert row["country"] == country_name("ESP")
    if language != "en":
        assert row["country"] != "Spain"
    shown = Observation.objects.get(
        metro__code="barcelona", indicator__code=PM25, year=int(row["year"]), sex="total"
    )
    assert ("," in row["value"]) is (comma and not shown.value.is_integer())
    assert float(row["value"].replace(",", ".")) == shown.value
