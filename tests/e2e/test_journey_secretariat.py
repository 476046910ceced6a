"""Issue 19's Secretariat journey, in English, French and Spanish at 1366 and 390 px: a member
of staff signs in and lands on My Metroscope with the queues waiting for her; opens the review
queue, where each value stands with its name, unit, source and previous value; returns one
with a comment; once Barcelona's officer has corrected it (through the services), selects all
and publishes; answers a member's request at the request desk; opens the Board report and
downloads its PDF in the page's language, whose text holds the title of every outcome of the
plan in that language. The PDF takes seconds to make, so it is downloaded once per language
(at 1366 px); at 390 px the report page is checked like every other. After every page, the
page is in the journey's language, within the window's width, and axe finds no serious or
critical violation."""

from __future__ import annotations

import pytest
from django.utils import translation
from django.utils.translation import ngettext
from playwright.sync_api import Page, expect

from metroscope.core.models import Notification
from metroscope.listening import services as listening
from metroscope.listening.models import RequestStatus, SupportRequest
from metroscope.members.models import Member
from metroscope.observatory import services
from metroscope.observatory.models import Observation, Status
from metroscope.plan.models import Outcome
from tests.accountability.test_board_report import text_of
from tests.conftest import BARCELONA, make_user
from tests.e2e.conftest import JOURNEY_CASES, LAPTOP, check, prefix, sign_in_as, tr
from tests.e2e.test_journey_officer import COMMENT, PM10, SOURCE, next_year, pm10_name

pytestmark = pytest.mark.e2e

SUBJECT = "PM10 series for the 2024 air-quality report"
ANSWER = "The Observatory's PM10 series for Barcelona is on its profile; the ASPB is the source."


def values_entered_by_the_officer(officer, year: int) -> tuple[Observation, Observation]:
    services.observation_enter(
        user=officer,
        values=[
            services.ValueInput(metro="barcelona", indicator=PM10, year=y, value=v, source=SOURCE)
            for y, v in ((year, 310), (year + 1, 32))
        ],
    )
    found = Observation.objects.filter(metro__code="barcelona", indicator__code=PM10)
    return found.get(year=year), found.get(year=year + 1)


def queue(page: Page, language: str, path: str):
    """A queue of My Metroscope: its link (to `path`, in the page's language)."""
    return page.locator(f'ul.queues a[href="{prefix(language)}{path}"]')


@pytest.mark.parametrize(("language", "viewport"), JOURNEY_CASES)
def test_the_secretariat_reviews_answers_and_reports(
    page: Page, language: str, viewport: dict[str, int]
):
    page.set_viewport_size(viewport)
    officer = make_user("officer_barcelona", ("officer", BARCELONA))
    make_user("staff", ("secretariat", ""))
    year, name = next_year(), pm10_name(language)
    returned, other = values_entered_by_the_officer(officer, year)
    asked = listening.request_create(
        user=officer,
        member=Member.objects.get(code=BARCELONA),
        subject=SUBJECT,
        body="Where do we find the PM10 series the Observatory publishes for Barcelona?",
        category="data",
        language=language,
    )
    heading = page.get_by_role("heading", level=1)

    # My Metroscope: the queues waiting for the Secretariat, with their counts.
    sign_in_as(page, "staff", language)
    expect(heading).to_have_text(tr(language, "My Metroscope"))
    review = queue(page, language, "/observatory/review/#new")
    waiting = Observation.objects.filter(status__in=[Status.PROVISIONAL, Status.VALIDATED])
    expect(review.locator(".figure")).to_have_text(str(waiting.count()))
    requests = queue(page, language, "/listening/requests/?status=open")
    open_requests = SupportRequest.objects.filter(status=RequestStatus.OPEN).count()
    expect(requests.locator(".figure")).to_have_text(str(open_requests))
    check(page, language)

    # The review queue, with each value's context.
    review.click()
    expect(heading).to_have_text(tr(language, "Values waiting for review"))
    row = page.locator("table.review-queue tr", has=page.locator(f"#obs-{returned.pk}"))
    expect(row).to_contain_text(name)
    expect(row).to_contain_text("µg/m³")
    expect(row).to_contain_text(f"({year - 1})")  # the previous published value's year
    expect(row.locator("td.source")).to_contain_text(SOURCE)
    check(page, language)

    # Return one value with a comment.
    page.locator(f"#obs-{returned.pk}").check()
    page.locator("#id_comment").fill(COMMENT)
    page.get_by_role("button", name=tr(language, "Return with this comment")).click()
    with translation.override(language):
        done = ngettext(
            "%(count)s value returned with your comment; whoever entered it is told.",
            "%(count)s values returned with your comment; whoever entered them is told.",
            1,
        ) % {"count": 1}
    expect(page.get_by_role("status")).to_have_text(done)
    expect(page.locator("#returned + .table-box")).to_contain_text(COMMENT)
    returned.refresh_from_db()
    assert returned.status == Status.RETURNED
    check(page, language)

    # (Barcelona's officer corrects it.) Select all, and publish.
    services.observation_enter(
        user=officer,
        values=[
            services.ValueInput(
                metro="barcelona", indicator=PM10, year=year, value=31, source=SOURCE
            )
        ],
    )
    page.reload()
    page.locator('input[data-select-all="ids"]').check()
    boxes = page.locator('input[name="ids"]')
    expect(boxes).to_have_count(waiting.count())
    assert all(boxes.nth(i).is_checked() for i in range(boxes.count()))
    page.get_by_role("button", name=tr(language, "Publish"), exact=True).click()
    with translation.override(language):
        done = str(Status.PUBLISHED.label)
    expect(page.get_by_role("status")).to_contain_text(done)
    for obs in (returned, other):
        obs.refresh_from_db()
        assert obs.status == Status.PUBLISHED
    assert returned.value == 31.0
    check(page, language)

    # The request desk: answer the member's request.
    page.goto(f"{prefix(language)}/me/")
    requests.click()
    expect(heading).to_have_text(tr(language, "Requests to the Secretariat"))
    check(page, language)
    page.get_by_role("link", name=SUBJECT).click()
    expect(heading).to_have_text(SUBJECT)
    expect(page.get_by_role("heading", level=2, name=tr(language, "Answer"))).to_be_visible()
    check(page, language)
    page.locator("#id_body").fill(ANSWER)
    page.get_by_role("button", name=tr(language, "Send")).click()
    expect(page.get_by_role("status")).to_have_text(tr(language, "Your message is sent."))
    expect(page.locator("article.message").last).to_contain_text(ANSWER)
    asked.refresh_from_db()
    assert asked.status == RequestStatus.ANSWERED
    assert asked.first_response_at is not None
    assert Notification.objects.filter(recipient=officer, kind="listening.answer").exists()
    check(page, language)

    # The Board report, in the page's language.
    page.goto(f"{prefix(language)}/plan/report/")
    expect(heading).to_have_text(tr(language, "Board report"))
    form = page.get_by_test_id("year-report")
    expect(form.locator("#id_lang")).to_have_value(language)
    check(page, language)
    if viewport != LAPTOP:
        return  # the PDF once per language
    with page.expect_download(timeout=120_000) as info:
        form.get_by_role("button", name=tr(language, "Download the PDF")).click()
    with open(info.value.path(), "rb") as handle:
        pdf = handle.read()
    assert pdf.startswith(b"%PDF-")
    assert info.value.suggested_filename.endswith(f"-{language}.pdf")
    text = text_of(pdf)
    progress = text[text.index(tr(language, "Progress against the plan")) :]
    outcomes = list(Outcome.objects.all())
    assert len(outcomes) >= 20
    missing = [
        o.code for o in outcomes if " ".join(getattr(o, f"text_{language}").split()) not in progress
    ]
    assert missing == [], f"outcomes without their {language} title in the PDF: {missing}"
