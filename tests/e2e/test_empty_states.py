"""Issue 19, items 4 and 5, in the browser: the events calendar lists the real past events,
and the accountability pages draw no chart without data and no "0.000000" on an axis or a
legend; in English, French and Spanish, at 1366 and 390 px, never wider than the window,
with axe finding no serious or critical violation."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import make_user
from tests.e2e.conftest import CHARTS_DRAWN, WIDTHS, assert_accessible, sign_in

pytestmark = pytest.mark.e2e

SIZES = ({"width": 1366, "height": 900}, {"width": 390, "height": 844})
LANGUAGES = ("", "/fr", "/es")  # English has no prefix
PAGES = (
    "/events/",
    "/plan/money/",
    "/plan/carbon/",
    "/plan/people/",
    "/plan/matrix/",
    "/plan/risks/",  # the Board's and the Secretariat's: signed in below
)
# Each chart on the page: its id, whether every data block of its spec (each layer's) holds a
# row, and whether it drew.
CHARTS = """() => [...document.querySelectorAll('[data-chart]')].map(e => {
    const spec = JSON.parse(document.getElementById(e.dataset.chart).textContent);
    const sizes = [];
    const walk = o => { if (o && typeof o === 'object') {
        if (Array.isArray(o.values)) sizes.push(o.values.length);
        Object.values(o).forEach(walk); } };
    walk(spec.data); (spec.layer || []).forEach(l => walk(l.data));
    return [e.id, sizes.length > 0 && sizes.every(n => n > 0), !!e.dataset.ready,
            !!e.querySelector('svg')];
})"""
SVG_TEXT = "() => [...document.querySelectorAll('svg text')].map(t => t.textContent)"


def check(page: Page, url: str, *, axe: bool) -> None:
    page.goto(url)
    page.wait_for_function(CHARTS_DRAWN)
    width, window = page.evaluate(WIDTHS)
    assert width <= window, f"{url} is {width} px wide in a {window} px window"
    for chart, has_rows, ready, svg in page.evaluate(CHARTS):
        assert has_rows, f"{url}: the chart {chart} is drawn without data"
        assert ready, f"{url}: the chart {chart} did not draw"
        assert svg, f"{url}: the chart {chart} has no picture"
    texts = page.evaluate(SVG_TEXT) + [page.inner_text("body")]
    assert not [t for t in texts if "0.000000" in t], f"{url} shows 0.000000"
    if axe:
        assert_accessible(page)


def test_the_calendar_and_the_accountability_pages_have_no_empty_chart(page: Page):
    make_user("staff", ("secretariat", ""))
    sign_in(page, "staff")  # the Secretariat sees every page, with the empty states' links
    for n, path in enumerate(PAGES):
        for size in SIZES:
            page.set_viewport_size(size)
            for i, language in enumerate(LANGUAGES):
                check(page, language + path, axe=i == n % len(LANGUAGES))


def test_a_visitor_sees_the_real_past_events_and_no_link_to_record(page: Page):
    page.goto("/events/")
    past = page.locator("#past").locator("xpath=..")
    expect(
        past.get_by_role("link", name="Award ceremony of the 6th Guangzhou Award")
    ).to_be_visible()
    expect(page.get_by_text("No past event")).to_have_count(0)
    expect(page.get_by_test_id("upcoming-empty")).to_be_visible()
    expect(page.get_by_role("link", name="Add an event")).to_have_count(0)
    page.get_by_role("link", name="Strategic Meeting opening the participatory process").click()
    expect(page.get_by_test_id("no-registration")).to_be_visible()
    expect(page.get_by_text("place not given by the source")).to_be_visible()
    assert_accessible(page)
