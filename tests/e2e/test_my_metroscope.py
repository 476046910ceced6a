"""Issue 19, items 2 and 3, in the browser: an officer signs in and lands on My Metroscope,
enters a value; the Secretariat reviews it with its context and returns it with a comment;
the officer sees the notification and the comment, corrects the value; the Secretariat
publishes it (select all); the officer sees it published, with a notification. The whole
journey runs once per width (English on a laptop, Spanish on a phone); the pages themselves
are checked with axe and for width in English, French and Spanish at both widths."""

from __future__ import annotations

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import Page, expect

from metroscope.core.models import Notification
from metroscope.observatory import services
from metroscope.observatory.models import Indicator, Observation, Status
from tests.conftest import BARCELONA, PASSWORD, make_user
from tests.e2e.conftest import assert_accessible

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 900}
PM10 = "pm10_annual_mean"
SOURCE = "Agència de Salut Pública de Barcelona"
COMMENT = "310 µg/m³ looks like a unit slip: the ASPB reports about 31."


def assert_fits(page: Page) -> None:
    width, window = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
    assert width <= window, f"{page.url} is {width} px wide in a {window} px window"


def check(page: Page) -> None:
    assert_fits(page)
    assert_accessible(page)


def t(language: str, text: str) -> str:
    with translation.override(language):
        return gettext(text)


def sign_in(page: Page, prefix: str, username: str) -> None:
    page.goto(f"{prefix}/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"**{prefix}/me/")  # everyone lands on My Metroscope


def open_menu(page: Page) -> None:
    """On a phone the account links sit in the collapsed menu: open it (once the page's
    script is ready to open it)."""
    page.wait_for_load_state()
    toggle = page.locator(".menu-toggle")
    if toggle.is_visible() and toggle.get_attribute("aria-expanded") == "false":
        toggle.click()
        expect(toggle).to_have_attribute("aria-expanded", "true")


def sign_out(page: Page) -> None:
    open_menu(page)
    page.locator("nav.account form button").click()
    expect(page.locator("nav.account form button")).to_have_count(0)


def next_year() -> int:
    latest = (
        Observation.objects.filter(
            metro__code="barcelona", indicator__code=PM10, sex="total", status=Status.PUBLISHED
        )
        .order_by("-year")
        .values_list("year", flat=True)
        .first()
    )
    assert latest is not None, "the open data has Barcelona's PM10"
    return latest + 1


@pytest.mark.parametrize(
    ("language", "viewport"), [("en", LAPTOP), ("es", PHONE)], ids=["en-1366", "es-390"]
)
def test_a_value_returned_with_a_comment_is_corrected_and_published(
    page: Page, language: str, viewport: dict[str, int]
):
    prefix = "" if language == "en" else f"/{language}"
    page.set_viewport_size(viewport)
    make_user("officer_barcelona", ("officer", BARCELONA))
    make_user("staff", ("secretariat", ""))
    year = next_year()
    with translation.override(language):
        pm10_name = Indicator.objects.get(code=PM10).name

    # The officer lands on My Metroscope and enters a value.
    sign_in(page, prefix, "officer_barcelona")
    expect(page.get_by_role("heading", level=1)).to_have_text(t(language, "My Metroscope"))
    check(page)
    page.get_by_role("link", name=t(language, "Enter a value")).click()
    page.locator("#id_metro").select_option("barcelona")
    page.locator("#id_indicator").select_option(PM10)
    page.locator("#id_year").fill(str(year))
    page.locator("#id_value").fill("310")
    page.locator("#id_source").fill(SOURCE)
    check(page)
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_role("status")).to_be_visible()
    obs = Observation.objects.get(metro__code="barcelona", indicator__code=PM10, year=year)
    assert (obs.status, obs.value) == (Status.PROVISIONAL, 310.0)
    sign_out(page)

    # The Secretariat sees the queue with its context and returns the value with a comment.
    sign_in(page, prefix, "staff")
    queue = page.locator(f'ul.queues a[href="{prefix}/observatory/review/#new"]')
    expect(queue.locator(".figure")).to_have_text(
        str(Observation.objects.filter(status__in=["provisional", "validated"]).count())
    )
    check(page)
    queue.click()
    row = page.locator("table.review-queue tr", has=page.locator(f"#obs-{obs.pk}"))
    expect(row).to_contain_text(pm10_name)
    expect(row).to_contain_text("µg/m³")
    expect(row).to_contain_text(f"({year - 1})")  # the previous published value's year
    check(page)
    page.locator(f"#obs-{obs.pk}").check()
    page.locator("#id_comment").fill(COMMENT)
    page.locator('button[name="action"][value="returned"]').click()
    expect(page.get_by_role("status")).to_be_visible()
    obs.refresh_from_db()
    assert obs.status == Status.RETURNED
    expect(page.locator("main")).to_contain_text(COMMENT)  # under "Returned for correction"
    check(page)
    sign_out(page)

    # The officer sees the notification and the comment, and corrects the value.
    sign_in(page, prefix, "officer_barcelona")
    open_menu(page)
    bell = page.locator("nav.account a.notifications-link")
    expect(bell).to_have_accessible_name(
        t(language, "Notifications, %(counter)s unread") % {"counter": 1}
    )
    returned = page.locator("ul.values li.returned")
    expect(returned).to_contain_text(COMMENT)
    expect(returned).to_contain_text(pm10_name)
    expect(page.locator("#notifications-heading + ul.notifications")).to_contain_text(COMMENT)
    check(page)
    returned.get_by_role("link").click()
    expect(page.locator("#id_value")).to_have_value("310.0")
    expect(page.locator(".returned-note")).to_contain_text(COMMENT)
    check(page)
    page.locator("#id_value").fill("31")
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_role("status")).to_be_visible()
    obs.refresh_from_db()
    assert (obs.status, obs.value) == (Status.PROVISIONAL, 31.0)
    page.goto(f"{prefix}/me/notifications/")
    check(page)
    page.locator('form[action$="/me/notifications/read/"] button').click()
    expect(page.get_by_role("status")).to_be_visible()
    expect(page.locator("ul.notifications li.unread")).to_have_count(0)
    sign_out(page)

    # The Secretariat selects all and publishes.
    sign_in(page, prefix, "staff")
    page.goto(f"{prefix}/observatory/review/")
    select_all = page.locator("input[data-select-all]")
    expect(select_all).to_be_visible()
    select_all.check()
    boxes = page.locator('input[name="ids"]')
    assert boxes.count() >= 1
    assert all(boxes.nth(i).is_checked() for i in range(boxes.count()))
    page.locator('button[name="action"][value="published"]').click()
    expect(page.get_by_role("status")).to_be_visible()
    obs.refresh_from_db()
    assert obs.status == Status.PUBLISHED
    sign_out(page)

    # The officer sees it published, with a notification.
    sign_in(page, prefix, "officer_barcelona")
    published = page.locator("#published + ul.values")
    expect(published).to_contain_text(pm10_name)
    expect(page.locator("#notifications-heading + ul.notifications li")).to_have_count(1)
    assert Notification.objects.filter(
        recipient__username="officer_barcelona", kind="observatory.published", read_at=None
    ).exists()
    check(page)


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["1366", "390"])
def test_the_pages_fit_and_pass_axe_in_every_language(page: Page, viewport: dict[str, int]):
    officer = make_user("officer_barcelona", ("officer", BARCELONA))
    staff = make_user("staff", ("secretariat", ""))
    services.observation_enter(
        user=officer,
        values=[
            services.ValueInput(
                metro="barcelona", indicator=PM10, year=next_year(), value=310, source=SOURCE
            ),
            services.ValueInput(
                metro="barcelona", indicator=PM10, year=next_year() + 1, value=32, source=SOURCE
            ),
        ],
    )
    first = Observation.objects.filter(metro__code="barcelona", indicator__code=PM10).order_by(
        "-updated_at", "year"
    )[0]
    services.observation_return(user=staff, observation_ids=[first.pk], comment=COMMENT)
    page.set_viewport_size(viewport)
    for user, paths in (
        ("officer_barcelona", ("/me/", "/me/notifications/", "/accounts/password/change/")),
        ("staff", ("/me/", "/observatory/review/")),
    ):
        sign_in(page, "", user)
        for prefix in ("", "/fr", "/es"):
            for path in paths:
                page.goto(prefix + path)
                expect(page.locator("html")).to_have_attribute("lang", prefix[1:] or "en")
                check(page)
        sign_out(page)
    for prefix in ("", "/fr", "/es"):
        for path in ("/accounts/login/", "/accounts/password/reset/"):
            page.goto(prefix + path)
            check(page)
