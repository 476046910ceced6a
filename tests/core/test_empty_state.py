"""The empty state: what is missing and who fills it for everyone, the form's link only for
those who may; and on the pages, anonymous and staff wording."""

from __future__ import annotations

import pytest
from django.template import Context, Template

from metroscope.members.models import Contact, Mandate, StatutoryBody
from tests.awards.conftest import make_edition
from tests.community.groups_fixtures import add, make_group
from tests.conftest import client_for, persona_user

TAG = (
    "{% load metroscope %}"
    '{% empty_state "Nothing yet." "Staff record it." can=can url="/form/" action="Record it" %}'
)


@pytest.mark.parametrize("can", [True, False])
def test_the_link_is_shown_only_to_those_who_may(can):
    html = Template(TAG).render(Context({"can": can}))
    assert "<strong>Nothing yet.</strong> Staff record it." in html
    assert ('href="/form/"' in html) is can
    assert ("Record it" in html) is can


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "testid", "link"),
    [
        ("/plan/money/", "funding-empty", "/admin/accountability/fundingsource/add/"),
        ("/plan/money/", "fees-empty", "/admin/accountability/membershipfee/add/"),
        ("/plan/carbon/", "trips-empty", "Choose an activity to record a trip"),
        ("/plan/people/", "panels-empty", "/plan/people/panel/"),
        ("/events/", "upcoming-empty", "/plan/activities/new/"),
    ],
)
def test_an_empty_list_says_so_to_everyone_and_links_the_form_for_staff(staff, path, testid, link):
    public = client_for(None).get(path).content.decode()
    assert f'data-testid="{testid}"' in public
    assert link not in public
    for_staff = client_for(staff).get(path).content.decode()
    assert f'data-testid="{testid}"' in for_staff
    assert link in for_staff


@pytest.mark.django_db
def test_the_risk_register_empty_state_links_the_form_for_staff(staff):
    page = client_for(staff).get("/plan/risks/").content.decode()
    assert 'data-testid="risk-register-empty"' in page
    assert 'data-testid="heat-map-empty"' in page
    assert 'id="risk-heat-map-spec"' not in page  # no open risk: no heat map
    assert 'href="/plan/risks/record/"' in page


# Issue 19, item 4, on the lists that still said one line: each says what is missing and who
# fills it to everyone who sees it, and links the form only for someone who may use it.
# (path, testid, the form's address, who may, who may not; "plain" is signed in, no role)
PAGES = [
    ("/community/groups/", "groups-empty", "/community/groups/new/", "staff", "anonymous"),
    ("/community/experts/", "experts-empty", "/community/experts/me/", "plain", None),
    ("/exchange/needs/", "needs-empty", "/exchange/needs/new/", "officer_barcelona", "plain"),
    ("/exchange/introductions/", "introductions-empty", 'href="/exchange/"',
     "officer_barcelona", "plain"),
    ("/exchange/mine/", "my-solutions-empty", "/exchange/submit/", "staff", "plain"),
    ("/listening/requests/", "requests-empty", "/listening/requests/new/",
     "officer_barcelona", "staff"),
    ("/listening/", "open-surveys-empty", "/admin/listening/survey/add/", "staff",
     "officer_barcelona"),
    ("/listening/results/", "published-results-empty", 'href="/listening/surveys/"', "staff",
     "anonymous"),
    ("/observatory/groups/", "peer-groups-empty", 'href="/observatory/groups/new/"', "plain",
     None),
    ("/events/registrations/", "registrations-empty", 'href="/events/"', "plain", None),
    ("/members/barcelona-city/", "contacts-empty", "/members/barcelona-city/contacts/add/",
     "officer_barcelona", None),
    ("/bodies/", "mandates-empty", "/admin/members/mandate/add/", "staff", "anonymous"),
]  # fmt: skip


def _empty_state(page: str, testid: str) -> str:
    start = page.index(f'data-testid="{testid}"')
    return page[start : page.index("</div>", start)]


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "testid", "link", "can", "cannot"), PAGES)
def test_each_empty_list_says_who_fills_it_and_links_the_form_for_who_may(
    request, path, testid, link, can, cannot
):
    Contact.objects.filter(member__code="barcelona-city").delete()
    Mandate.objects.filter(body=StatutoryBody.objects.order_by("order").last()).delete()
    may = client_for(persona_user(request, can)).get(path)
    assert may.status_code == 200
    shown = _empty_state(may.content.decode(), testid)
    assert shown.count("<p>") == 2, shown  # what is missing, then who fills it and how
    assert link in shown
    if cannot is not None:
        other = client_for(persona_user(request, cannot)).get(path)
        assert other.status_code == 200
        shown = _empty_state(other.content.decode(), testid)
        assert link not in shown
        assert "<strong>" in shown  # the same words, without the form's link


@pytest.mark.django_db
def test_a_new_groups_empty_sections_say_who_fills_them_above_the_forms(staff, officer_barcelona):
    group = make_group(staff)
    page = client_for(staff).get(f"/community/groups/{group.pk}/").content.decode()
    for testid in ("meetings-empty", "group-members-empty", "documents-empty", "posts-empty"):
        shown = _empty_state(page, testid)
        assert "</strong> Any member" in shown or "</strong> The group's coordinators" in shown
        assert "href" not in shown  # the form follows the words: no link to jump to it
    assert page.index('data-testid="meetings-empty"') < page.index("/meetings/")
    add(staff, group, officer_barcelona)
    member = client_for(officer_barcelona).get(f"/community/groups/{group.pk}/").content.decode()
    assert 'data-testid="meetings-empty"' in member
    assert f"/community/groups/{group.pk}/meetings/" not in member  # coordinators add them
    assert 'data-testid="posts-empty"' in member
    assert f"/community/groups/{group.pk}/posts/" in member  # every member posts


@pytest.mark.django_db
def test_an_edition_without_submissions_or_results_says_what_comes(staff):
    edition = make_edition(year=2031, status="judging")
    ranking = client_for(staff).get(f"/awards/{edition.year}/ranking/").content.decode()
    assert f'href="/awards/{edition.year}/"' in _empty_state(ranking, "ranking-empty")
    assert "Save the shortlist" not in ranking  # no form over no rows
    public = client_for(None).get(f"/awards/{edition.year}/").content.decode()
    assert "/ranking/" not in _empty_state(public, "results-empty")
    for_staff = client_for(staff).get(f"/awards/{edition.year}/").content.decode()
    assert f"/awards/{edition.year}/ranking/" in _empty_state(for_staff, "results-empty")
    # a juror of no edition is told who appoints the jury
    seats = client_for(staff).get("/awards/jury/").content.decode()
    assert "The Secretariat appoints the jury" in _empty_state(seats, "seats-empty")
