"""Custom peer groups: the builder, who sees a group, and benchmarking against it."""

from __future__ import annotations

import numpy as np
import pytest

from metroscope.core import tokens
from metroscope.observatory import groups, panel
from metroscope.observatory.models import GroupVisibility, Metro, PeerGroup
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_panel():
    panel.clear()
    yield
    panel.clear()


def get(path: str, user=None, **extra):
    return client_for(user).get(path, HTTP_HOST="127.0.0.1", **extra)


def make_group(user, metros: str, visibility=GroupVisibility.PRIVATE, name="Ports") -> PeerGroup:
    return groups.peer_group_save(
        user=user, data=groups.GroupInput(name=name, metros=metros, visibility=visibility)
    )


def test_metros_resolve_by_code_name_alias_and_country_in_order():
    ids, problems = groups.resolve_metros("barcelona\nSao Paulo\n  seoul \nbarcelona")
    assert problems == []
    codes = list(Metro.objects.filter(pk__in=ids).values_list("code", flat=True))
    assert sorted(codes) == ["barcelona", "sao-paulo", "seoul"]
    assert Metro.objects.get(pk=ids[1]).code == "sao-paulo"  # the order given, repeats dropped
    # One line of commas is a list (as in compare links) …
    assert len(groups.resolve_metros("barcelona,seoul,tokyo")[0]) == 3
    # … unless it reads as "name, country".
    valencia, problems = groups.resolve_metros("Valencia, ESP")
    assert problems == []
    assert Metro.objects.get(pk=valencia[0]).country_iso3 == "ESP"


def test_every_unknown_or_ambiguous_line_is_reported_and_nothing_is_saved(staff):
    with pytest.raises(groups.GroupInvalid) as caught:
        make_group(staff, "barcelona\nAtlantis-on-Sea\nValencia")
    problems = caught.value.problems
    assert any(p.startswith("Line 2 (Atlantis-on-Sea)") and "unknown metro" in p for p in problems)
    assert any(p.startswith("Line 3 (Valencia)") and "metros" in p for p in problems)
    assert not PeerGroup.objects.exists()


def test_a_group_needs_a_name_and_two_metros(staff):
    with pytest.raises(groups.GroupInvalid) as caught:
        groups.peer_group_save(user=staff, data=groups.GroupInput(name=" ", metros="barcelona"))
    assert len(caught.value.problems) == 2


def test_only_the_owner_changes_a_group(staff, officer_seoul):
    group = make_group(staff, "barcelona\nseoul")
    with pytest.raises(PermissionError):
        groups.peer_group_save(
            user=officer_seoul,
            data=groups.GroupInput(name="x", metros="tokyo\nseoul"),
            group=group,
        )
    group = groups.peer_group_save(
        user=staff, data=groups.GroupInput(name="Asia", metros="tokyo\nseoul"), group=group
    )
    assert sorted(group.metros.values_list("code", flat=True)) == ["seoul", "tokyo"]
    # Every change is audited, the list of metros included.
    assert group.history.earliest().name == "Ports"
    latest = group.history.latest()
    assert latest.name == "Asia"
    assert sorted(m.metro.code for m in latest.metros.all()) == ["seoul", "tokyo"]


def test_only_the_owner_deletes_a_group(staff, officer_seoul):
    group = make_group(staff, "barcelona\nseoul")
    with pytest.raises(PermissionError):
        groups.peer_group_delete(user=officer_seoul, group=group)
    assert PeerGroup.objects.filter(pk=group.pk).exists()
    groups.peer_group_delete(user=staff, group=group)
    assert not PeerGroup.objects.filter(pk=group.pk).exists()


def test_benchmarks_against_a_group_use_exactly_its_metros(staff):
    group = make_group(staff, "barcelona\nsao-paulo\nseoul\ntokyo", GroupVisibility.LINK)
    body = get(
        f"/api/v1/benchmarks?indicator=population_urban_centre&year=2015&peers=group:{group.uid}"
    ).json()
    assert body["peers"] == f"group:{group.uid}"
    assert sorted(v["metro"] for v in body["values"]) == [
        "barcelona",
        "sao-paulo",
        "seoul",
        "tokyo",
    ]
    values = np.array([v["value"] for v in body["values"]])
    assert body["stats"]["mean"] == pytest.approx(np.mean(values))
    # Four metros are too few peers: no median, quartile or rank rests on them.
    assert (body["stats"]["median"], body["reason"]) == (None, "too_few_peers")
    assert all("percentile_rank" not in v for v in body["values"])


def test_a_private_group_is_the_owners_alone(staff, officer_seoul):
    group = make_group(staff, "barcelona\nseoul")
    path = f"/api/v1/metros/barcelona/profile?peers=group:{group.uid}"
    assert get(path).status_code == 400  # anonymous
    assert get(path, officer_seoul).status_code == 400  # someone else
    assert "unknown peer group" in get(path, officer_seoul).json()["detail"]
    mine = get(path, staff).json()
    assert mine["peers"] == f"group:{group.uid}"
    assert all(row.get("peer_count", 0) <= 2 for row in mine["indicators"])
    # Two metros are too few peers for a rank: no row carries one.
    assert all("percentile_rank" not in row for row in mine["indicators"])
    _, plain = tokens.issue(staff, "script")
    assert get(path, HTTP_AUTHORIZATION=f"Bearer {plain}").status_code == 200
    assert get(path, HTTP_AUTHORIZATION="Bearer wrong").status_code == 400
    # Pages: not found for others, shown to the owner.
    assert get(f"/observatory/groups/{group.uid}/").status_code == 404
    assert get(f"/observatory/groups/{group.uid}/", officer_seoul).status_code == 404
    assert get(f"/observatory/groups/{group.uid}/", staff).status_code == 200


def test_a_group_shared_by_link_works_for_anyone(staff):
    group = make_group(staff, "barcelona\nseoul\ntokyo", GroupVisibility.LINK, name="Shared")
    page = get(f"/observatory/groups/{group.uid}/").content.decode()
    assert "Shared" in page
    assert "Seoul" in page
    assert f"group:{group.uid}" in page
    profile = get(f"/observatory/metros/barcelona/?peers=group:{group.uid}").content.decode()
    assert f'<option value="group:{group.uid}" selected>Shared</option>' in profile


def test_the_builder_saves_edits_and_deletes(staff):
    client = client_for(staff)
    form = client.get("/observatory/groups/new/?metros=barcelona,seoul", HTTP_HOST="127.0.0.1")
    assert "barcelona\nseoul" in form.content.decode()  # prefilled from the link
    response = client.post(
        "/observatory/groups/new/",
        {
            "name": "Two",
            "visibility": "private",
            "metros": "barcelona\nXyzzyville",
            "description": "",
        },
        HTTP_HOST="127.0.0.1",
    )
    assert response.status_code == 200
    assert "Line 2 (Xyzzyville)" in response.content.decode()
    assert not PeerGroup.objects.exists()
    response = client.post(
        "/observatory/groups/new/",
        {"name": "Two", "visibility": "link", "metros": "barcelona\nseoul", "description": ""},
        HTTP_HOST="127.0.0.1",
    )
    group = PeerGroup.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"/groups/{group.uid}/")
    listing = client.get("/observatory/groups/", HTTP_HOST="127.0.0.1").content.decode()
    assert f"group:{group.uid}" in listing
    picker = client.get("/observatory/metros/tokyo/", HTTP_HOST="127.0.0.1").content.decode()
    assert f'<option value="group:{group.uid}">Two</option>' in picker
    client.post(f"/observatory/groups/{group.uid}/delete/", HTTP_HOST="127.0.0.1")
    assert not PeerGroup.objects.exists()


def test_builder_pages_need_sign_in():
    assert get("/observatory/groups/").status_code == 302
    assert get("/observatory/groups/new/").status_code == 302
