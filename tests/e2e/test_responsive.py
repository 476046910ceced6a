"""Issue 19, responsive layout: on a 390 px phone and at 1366 px, in English, French and
Spanish, no page is wider than the window, the menu opens from a real button (keyboard too),
the header holds one row on a laptop, wide tables scroll in their own focusable box, and axe
finds no serious or critical violation. Without JavaScript the menu's links stay open."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.conftest import make_user
from tests.e2e.conftest import (
    CHARTS_DRAWN,
    LAPTOP,
    PHONE,
    assert_accessible,
    assert_fits,
    sign_in,
)

pytestmark = pytest.mark.e2e

LANGUAGES = ("", "/fr", "/es")  # English has no prefix

# The pages that were wider than a phone (issue 19): 454 px to 958 px at 390.
PAGES = (
    "/",
    "/observatory/",
    "/observatory/indicators/pm25_annual_mean/",
    "/observatory/metros/seoul/",
    "/members/",
    "/members/seoul/",
    "/exchange/",
    "/plan/people/",
    "/events/",
)


def open_page(page: Page, url: str) -> None:
    page.goto(url)
    page.wait_for_function(CHARTS_DRAWN)


def test_on_a_phone_every_page_fits_and_the_menu_opens_from_its_button(page: Page):
    page.set_viewport_size(PHONE)
    for n, path in enumerate(PAGES):
        for i, language in enumerate(LANGUAGES):
            open_page(page, language + path)
            assert_fits(page)
            if i == n % len(LANGUAGES):  # axe once per page, the languages in turn
                assert_accessible(page)

    # The menu: closed, then opened by its button (mouse, then keyboard), closed by Escape.
    page.goto("/fr/")
    button = page.get_by_role("button", name="Menu")
    nav = page.get_by_role("navigation", name="Principal")
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(button).to_have_attribute("aria-controls", "site-menu")
    expect(nav).to_be_hidden()
    button.click()
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(nav.get_by_role("link", name="Membres")).to_be_visible()
    expect(page.get_by_role("link", name="Español")).to_be_visible()
    assert_accessible(page)
    page.keyboard.press("Escape")
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(button).to_be_focused()
    expect(nav).to_be_hidden()
    page.keyboard.press("Enter")
    expect(button).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("Tab")
    expect(nav.get_by_role("link", name="Membres")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Membres")
    expect(page.get_by_role("button", name="Menu")).to_have_attribute("aria-expanded", "false")

    # A wide table scrolls inside its own box, which the keyboard can reach.
    box = page.locator(".table-box").first
    expect(box).to_have_attribute("tabindex", "0")
    expect(box).to_have_attribute("role", "region")
    assert box.evaluate("b => b.scrollWidth > b.clientWidth")
    assert_fits(page)

    # Signed in: the Secretariat's review queues and the Listening pages fit too.
    make_user("staff", ("secretariat", ""))
    page.set_viewport_size(LAPTOP)
    sign_in(page, "staff")
    page.set_viewport_size(PHONE)
    for url in ("/exchange/review/", "/fr/observatory/review/", "/es/listening/"):
        open_page(page, url)
        assert_fits(page)
    assert_accessible(page)


def test_on_a_laptop_the_header_is_one_row_in_every_language(page: Page):
    page.set_viewport_size(LAPTOP)
    make_user("staff", ("secretariat", ""))
    for signed_in in (False, True):
        if signed_in:
            sign_in(page, "staff")
        for language in LANGUAGES:
            open_page(page, language + "/observatory/")
            assert_fits(page)
            expect(page.locator(".menu-toggle")).to_be_hidden()
            # brand, every menu link, the languages and the account on one line
            tops = page.locator("header.site .bar").evaluate(
                "bar => [...bar.querySelectorAll('.brand, a, button:not(.menu-toggle)')]"
                ".map(e => e.getBoundingClientRect()).map(r => r.top + r.height / 2)"
            )
            assert max(tops) - min(tops) < 12, f"the header wraps on {page.url}"
    assert_accessible(page)
    # A table that fits is no tab stop and no landmark.
    open_page(page, "/members/")
    box = page.locator(".table-box").first
    expect(box).not_to_have_attribute("tabindex", "0")
    expect(box).not_to_have_attribute("role", "region")


def test_without_javascript_the_menu_stays_open(browser: Browser, live_server, open_data):
    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, java_script_enabled=False
    )
    try:
        page = context.new_page()
        page.goto("/es/members/")
        expect(page.locator(".menu-toggle")).to_be_hidden()
        nav = page.get_by_role("navigation", name="Principal")
        expect(nav.get_by_role("link", name="Miembros")).to_be_visible()
        expect(page.get_by_role("link", name="English")).to_be_visible()
        assert_fits(page)
    finally:
        context.close()
