"""The empty state: what is missing and who fills it for everyone, the form's link only for
those who may; and on the pages, anonymous and staff wording."""

from __future__ import annotations

import pytest
from django.template import Context, Template

from tests.conftest import client_for

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
