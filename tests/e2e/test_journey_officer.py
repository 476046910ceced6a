"""Issue 19's officer journey, in English, French and Spanish at 1366 and 390 px: Barcelona's
officer signs in and lands on My Metroscope, enters a value; the Secretariat returns it with a
comment; she sees it returned with the comment and a notification, corrects it and submits it
again; the Secretariat publishes it; she sees it published, with a notification, and marks
her notifications read. The Secretariat's steps go through the services (its pages are
test_journey_secretariat.py's); after every page, the page is in the journey's language,
within the window's width, and axe finds no serious or critical violation."""

from __future__ import annotations

import pytest
from django.utils import translation
from playwright.sync_api import Page, expect

from metroscope.core import notifications
from metroscope.core.models import Notification
from metroscope.observatory import services
from metroscope.observatory.models import Indicator, Observation, Status
from tests.conftest import BARCELONA, make_user
from tests.e2e.conftest import JOURNEY_CASES, check, open_menu, prefix, sign_in_as, tr

pytestmark = pytest.mark.e2e

PM10 = "pm10_annual_mean"
SOURCE = "Agència de Salut Pública de Barcelona"
COMMENT = "310 µg/m³ looks like a unit slip: the ASPB reports about 31."


def next_year() -> int:
    """The year after Barcelona's latest published PM10: a value nobody has entered."""
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


def pm10_name(language: str) -> str:
    name = getattr(Indicator.objects.get(code=PM10), f"name_{language}")
    assert name, f"the catalogue names PM10 in {language}"
    return name


@pytest.mark.parametrize(("language", "viewport"), JOURNEY_CASES)
def test_an_officer_corrects_a_returned_value_and_sees_it_published(
    page: Page, language: str, viewport: dict[str, int]
):
    page.set_viewport_size(viewport)
    make_user("officer_barcelona", ("officer", BARCELONA))
    staff = make_user("staff", ("secretariat", ""))
    year, name, at = next_year(), pm10_name(language), prefix(language)
    heading = page.get_by_role("heading", level=1)

    # She signs in and lands on My Metroscope, in her language.
    sign_in_as(page, "officer_barcelona", language)
    expect(heading).to_have_text(tr(language, "My Metroscope"))
    check(page, language)

    # She enters a value.
    page.get_by_role("link", name=tr(language, "Enter a value")).click()
    expect(heading).to_have_text(tr(language, "Enter a value"))
    page.locator("#id_metro").select_option("barcelona")
    page.locator("#id_indicator").select_option(PM10)
    page.locator("#id_year").fill(str(year))
    page.locator("#id_value").fill("310")
    page.locator("#id_source").fill(SOURCE)
    check(page, language)
    save = page.get_by_role("button", name=tr(language, "Save as provisional"))
    save.click()
    saved = tr(language, "The value was saved as provisional; the Secretariat will review it.")
    expect(page.get_by_role("status")).to_have_text(saved)
    check(page, language)  # Barcelona's profile, where the form leads back
    obs = Observation.objects.get(metro__code="barcelona", indicator__code=PM10, year=year)
    assert (obs.status, obs.value) == (Status.PROVISIONAL, 310.0)

    # (The Secretariat returns it with a comment.)
    services.observation_return(user=staff, observation_ids=[obs.pk], comment=COMMENT)

    # She sees it returned, with the comment, and the notification.
    page.goto(f"{at}/me/")
    open_menu(page)
    unread = tr(language, "Notifications, %(counter)s unread") % {"counter": 1}
    expect(page.locator("nav.account a.notifications-link")).to_have_accessible_name(unread)
    returned = page.locator("ul.values li.returned")
    expect(returned).to_contain_text(name)
    expect(returned.locator("blockquote")).to_contain_text(COMMENT)
    note = Notification.objects.get(recipient__username="officer_barcelona")
    with translation.override(language):
        told = notifications.notification_text(note)
    assert COMMENT in told
    expect(page.locator("#notifications-heading + ul.notifications")).to_contain_text(told)
    check(page, language)

    # She corrects it and submits it again.
    returned.get_by_role("link", name=tr(language, "Correct and submit again")).click()
    expect(page.locator("#returned-heading")).to_have_text(
        tr(language, "Value returned to you for correction")
    )
    expect(page.locator(".returned-note blockquote")).to_have_text(COMMENT)
    expect(page.locator("#id_value")).to_have_value("310.0")
    check(page, language)
    page.locator("#id_value").fill("31")
    save.click()
    expect(page.get_by_role("status")).to_have_text(saved)
    obs.refresh_from_db()
    assert (obs.status, obs.value) == (Status.PROVISIONAL, 31.0)

    # (The Secretariat publishes it.)
    services.observation_review(user=staff, observation_ids=[obs.pk], status=Status.PUBLISHED)

    # She sees it published, with a notification, and marks her notifications read.
    page.goto(f"{at}/me/")
    expect(page.locator("#published")).to_have_text(tr(language, "Published after review"))
    expect(page.locator("#published + ul.values li").first).to_contain_text(f"{name} · {year}")
    expect(page.locator("ul.values li.returned")).to_have_count(0)
    published = Notification.objects.get(
        recipient__username="officer_barcelona", kind="observatory.published"
    )
    with translation.override(language):
        told = notifications.notification_text(published)
    assert name in told
    expect(page.locator("#notifications-heading + ul.notifications")).to_contain_text(told)
    check(page, language)
    page.goto(f"{at}/me/notifications/")
    page.locator('form[action$="/me/notifications/read/"] button').click()
    expect(page.get_by_role("status")).to_be_visible()
    expect(page.locator("ul.notifications li.unread")).to_have_count(0)
    check(page, language)
