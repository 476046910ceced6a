"""Journey: a member's officer sees where their metro stands, changes the peers, saves the
metros like theirs as a peer group, shares it by link, and benchmarks against it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from metroscope.observatory import groups
from metroscope.observatory.models import PeerGroup
from tests.conftest import BARCELONA, make_user
from tests.e2e.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.e2e

POPULATION = "Population of the urban centre"


def standing_row(page: Page, indicator: str):
    table = page.locator("table").filter(
        has=page.get_by_role("columnheader", name="Percentile rank")
    )
    return table.get_by_role("row").filter(has=page.get_by_role("link", name=indicator, exact=True))


def api_row(page: Page, metro: str, peers: str, indicator: str) -> dict:
    response = page.request.get(f"/api/v1/metros/{metro}/profile?peers={peers}")
    assert response.ok
    return next(r for r in response.json()["indicators"] if r["indicator"] == indicator)


def cell_texts(row) -> list[str]:
    return [t.strip() for t in row.get_by_role("cell").all_inner_texts()]


def test_officer_picks_peers_saves_a_group_and_shares_it(page: Page):
    make_user("officer_bcn", ("officer", BARCELONA))
    sign_in(page, "officer_bcn")
    page.goto("/observatory/metros/barcelona/")
    expect(page.get_by_role("heading", name="Where it stands")).to_be_visible()
    assert_accessible(page)

    # Peers of the same size class: the page says what the API says.
    page.get_by_label("Compared with").select_option("size:5m-10m")
    page.get_by_role("button", name="Compare").click()
    expect(page).to_have_url(re.compile(r"peers=size%3A5m-10m"))
    expected = api_row(page, "barcelona", "size:5m-10m", "population_urban_centre")
    cells = cell_texts(standing_row(page, POPULATION))
    assert f"{expected['percentile_rank']:.0f}" in cells
    assert str(expected["peer_count"]) in cells

    # Metros like this one become a shared peer group.
    page.get_by_role("link", name="Save them as a peer group").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New peer group")
    metros = page.get_by_label("Metros", exact=True)
    expect(metros).to_have_value(re.compile(r"^barcelona\n"))
    assert len(metros.input_value().splitlines()) == 11  # Barcelona and its ten neighbours
    assert_accessible(page)
    page.get_by_label("Name", exact=True).fill("Like Barcelona")
    page.get_by_label("Shared: anyone with the link").check()
    page.get_by_role("button", name="Save the group").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Like Barcelona")
    group = PeerGroup.objects.get(name="Like Barcelona")
    assert group.metros.count() == 11
    share = page.get_by_label("Link to share")
    expect(share).to_have_value(re.compile(rf"/observatory/groups/{group.uid}/$"))
    assert_accessible(page)

    # Benchmark against the group.
    page.get_by_role("link", name="Profile of Barcelona against this group").click()
    expect(page.get_by_label("Compared with")).to_have_value(f"group:{group.uid}")
    expected = api_row(page, "barcelona", f"group:{group.uid}", "population_urban_centre")
    assert expected["peer_count"] <= 11
    cells = cell_texts(standing_row(page, POPULATION))
    assert str(expected["peer_count"]) in cells
    assert_accessible(page)

    # Anyone with the link sees it, signed in or not.
    page.get_by_role("button", name="Sign out").click()
    page.goto(f"/observatory/groups/{group.uid}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Like Barcelona")
    expect(page.get_by_role("link", name="Edit")).to_have_count(0)


def test_a_private_group_stays_private(page: Page):
    owner = make_user("analyst", ("secretariat", ""))
    group = groups.peer_group_save(
        user=owner, data=groups.GroupInput(name="Mine", metros="barcelona\nseoul")
    )
    response = page.goto(f"/observatory/groups/{group.uid}/")
    assert response is not None
    assert response.status == 404
    sign_in(page, "analyst")
    page.goto("/observatory/groups/")
    expect(page.get_by_role("link", name="Mine")).to_be_visible()
    assert_accessible(page)
