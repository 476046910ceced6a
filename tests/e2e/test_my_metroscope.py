"""Issue 19, items 2 and 3: the pages of My Metroscope, the notifications, the password change
and reset, and the review queue, in English, French and Spanish at 1366 and 390 px, each
within the window's width and without serious or critical axe violation. The journeys
through them (an officer's value returned, corrected and published; the Secretariat's
review and request desk) are test_journey_officer.py and test_journey_secretariat.py."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from metroscope.observatory import services
from metroscope.observatory.models import Observation
from tests.conftest import BARCELONA, make_user
from tests.e2e.conftest import LAPTOP, PHONE, check, sign_in_as, sign_out
from tests.e2e.test_journey_officer import COMMENT, PM10, SOURCE, next_year

pytestmark = pytest.mark.e2e


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
        sign_in_as(page, user)
        for prefix in ("", "/fr", "/es"):
            for path in paths:
                page.goto(prefix + path)
                check(page, prefix[1:] or "en")
        sign_out(page)
    for prefix in ("", "/fr", "/es"):
        for path in ("/accounts/login/", "/accounts/password/reset/"):
            page.goto(prefix + path)
            check(page)
