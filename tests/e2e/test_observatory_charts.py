"""A reader marks a metro in an indicator's distribution, draws the metros they choose over
time, copies the embed code and opens the embeddable chart (alone and in an <iframe>); a
metro's profile shows each indicator's trend."""

from __future__ import annotations

import html
import re

import pytest
from playwright.sync_api import Page, expect

from metroscope.observatory import selectors
from metroscope.observatory.models import Indicator
from tests.e2e.conftest import assert_accessible

pytestmark = pytest.mark.e2e

PM25 = "pm25_annual_mean"
POPULATION = "population_urban_agglomeration"


def snippet_src(page: Page, section: str) -> str:
    """Open a chart's "Embed" details and read the <iframe> address from its snippet."""
    details = page.locator(f"#{section} details.embed-code")
    details.locator("summary").click()
    code = details.get_by_role("textbox").input_value()
    assert code.startswith("<iframe ")
    assert 'loading="lazy"' in code
    found = re.search(r'src="([^"]+)"', code)
    assert found is not None
    return html.unescape(found.group(1))


def rendered(page: Page, chart_id: str):
    """The chart's container once Vega drew an SVG in it; Vega names the container with the
    spec's description."""
    chart = page.locator(f"#{chart_id}")
    expect(chart).to_have_attribute("data-ready", "1")
    expect(chart.locator("svg").first).to_be_visible()
    return chart


def test_reader_marks_a_metro_draws_series_and_embeds_the_charts(page: Page):
    pm25 = Indicator.objects.get(code=PM25)
    values = selectors.latest_values(pm25, members_only=True)
    barcelona = next(obs for obs in values if obs.metro.code == "barcelona")

    page.goto(f"/observatory/indicators/{PM25}/")
    rendered(page, "indicator-distribution")
    expect(page.get_by_text(re.compile("^Marked:"))).to_have_count(0)
    assert_accessible(page)

    page.get_by_label("Mark a metro").select_option("barcelona")
    page.get_by_role("button", name="Mark", exact=True).click()
    expect(page).to_have_url(re.compile(r"[?&]metro=barcelona"))
    said = f"Marked: Barcelona, {barcelona.value:,.1f} µg/m³ in {barcelona.year}."
    expect(page.get_by_text(said, exact=True)).to_be_visible()
    distribution = rendered(page, "indicator-distribution")
    expect(distribution).to_have_attribute("aria-label", re.compile(re.escape(said)))
    expect(distribution).to_contain_text(f"Barcelona: {barcelona.value:,.1f}")  # the label
    expect(distribution).to_contain_text("Network median: ")
    expect(page.get_by_label("Mark a metro")).to_have_value("barcelona")
    assert_accessible(page)

    # The time series: the marked metro is drawn first; the reader picks others by name.
    series = page.get_by_label("Metros (up to 5, separated by commas)")
    expect(series).to_have_value(re.compile(r"^barcelona, "))
    series.fill("barcelona, Sao Paulo, Xanadu-on-Sea")
    page.get_by_role("button", name="Update the chart").click()
    expect(page.get_by_role("alert")).to_contain_text("unknown metro 'Xanadu-on-Sea'")
    lines = rendered(page, "indicator-series")
    expect(lines).to_contain_text("Barcelona (ESP)")  # the legend
    expect(lines).to_contain_text("São Paulo (BRA)")
    expect(lines).to_have_attribute("aria-label", re.compile("for Barcelona .ESP., São Paulo"))
    expect(page.get_by_label("Mark a metro")).to_have_value("barcelona")  # kept
    assert_accessible(page)

    # Copy the distribution's embed code, then open it.
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    src = snippet_src(page, "distribution")
    assert src.startswith(page.url.split("/observatory/")[0])  # an absolute address
    assert "metro=barcelona" in src
    details = page.locator("#distribution details.embed-code")
    details.get_by_role("button", name=re.compile("^Copy")).click()
    expect(details.get_by_role("status")).to_have_text("Copied.")
    assert (
        page.evaluate("navigator.clipboard.readText()")
        == details.get_by_role("textbox").input_value()
    )
    assert_accessible(page)
    series_src = snippet_src(page, "series")
    assert "series=barcelona%2Csao-paulo" in series_src

    page.goto(src)
    expect(page.locator("header, nav, footer")).to_have_count(0)
    expect(page.get_by_role("heading", level=1)).to_have_text(pm25.name)
    embedded = rendered(page, "embed-chart")
    expect(embedded).to_have_attribute("aria-label", re.compile(re.escape(said)))
    expect(page.get_by_text("World Health Organization")).to_be_visible()
    back = page.get_by_role("link", name="See the full indicator page on Metroscope")
    expect(back).to_have_attribute("target", "_top")
    assert_accessible(page)

    page.goto(series_src)
    lines = rendered(page, "embed-chart")
    expect(lines).to_contain_text("São Paulo (BRA)")
    assert_accessible(page)

    # Another site frames the chart; the full page itself refuses to be framed.
    page.set_content(
        f'<main><iframe src="{src}" title="Embedded chart" width="720" height="400"></iframe>'
        f'<iframe src="{page.url.split("/observatory/")[0]}/observatory/indicators/{PM25}/" '
        'title="Full page" width="720" height="400"></iframe></main>'
    )
    framed = page.frame_locator('iframe[title="Embedded chart"]')
    expect(framed.locator("#embed-chart")).to_have_attribute("data-ready", "1")
    expect(framed.locator("#embed-chart svg").first).to_be_visible()
    full = page.locator('iframe[title="Full page"]').element_handle()
    assert full is not None
    refused = full.content_frame()
    assert refused is not None
    refused.wait_for_load_state("load")
    # Blocked by X-Frame-Options: DENY, the frame holds the browser's error page instead.
    assert refused.get_by_text(pm25.name).count() == 0
    assert framed.get_by_role("heading", name=pm25.name).count() == 1


def test_projections_are_dashed_in_the_series_and_every_embed_opens(page: Page):
    page.goto(f"/observatory/indicators/{POPULATION}/?series=barcelona,seoul")
    lines = rendered(page, "indicator-series")
    # Two solid lines and two dashed ones (the UN projections), in the metros' colours.
    drawn = lines.locator("g.mark-line path")
    expect(drawn).to_have_count(4)
    expect(drawn.and_(page.locator("[stroke-dasharray='6,4']"))).to_have_count(2)
    expect(lines).to_contain_text("projection")  # the legend of the dashes
    assert_accessible(page)
    for section in ("map", "ranking", "table"):
        src = snippet_src(page, section)
        embed = page.context.new_page()
        embed.goto(src)
        if section == "table":
            expect(embed.get_by_role("table").get_by_role("row")).not_to_have_count(0)
        else:
            rendered(embed, "embed-chart")
        expect(embed.locator("header, nav, footer")).to_have_count(0)
        assert_accessible(embed)
        embed.close()


def test_metro_profile_shows_a_trend_per_indicator(page: Page):
    page.goto("/observatory/metros/barcelona/")
    standing = page.locator("table").filter(
        has=page.get_by_role("columnheader", name="Percentile rank")
    )
    expect(standing.get_by_role("columnheader", name="Trend")).to_be_visible()
    life = standing.get_by_role("row").filter(
        has=page.get_by_role("link", name="Life expectancy at birth", exact=True)
    )
    trend = life.get_by_role("img")
    expect(trend).to_have_accessible_name(re.compile(r"^Life expectancy at birth, \d+ values"))
    expect(trend.locator("polyline")).to_have_count(1)
    expect(trend.locator("circle")).to_have_count(1)
    rows = standing.locator("tbody tr")
    expect(standing.locator("tbody svg.sparkline")).to_have_count(rows.count())
    assert_accessible(page)
