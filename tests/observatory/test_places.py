"""Matching real places: no place twice, members attached to the place they operate in."""

from __future__ import annotations

from metroscope.core.text import fold
from metroscope.observatory.places import (
    CrosswalkLink,
    MemberPoint,
    Place,
    distance_km,
    match_agglomerations,
    name_variants,
    plan_metros,
)


def test_fold_ignores_accents_case_and_punctuation():
    assert fold("São Paulo") == fold("SAO-PAULO") == "sao paulo"
    assert fold("Ōsaka") == "osaka"
    assert fold("Düsseldorf") == fold("dusseldorf")


def test_name_variants_split_parenthesised_local_names():
    assert name_variants("Krung Thep (Bangkok)") == [
        "Krung Thep (Bangkok)",
        "Krung Thep",
        "Bangkok",
    ]
    assert name_variants("  ") == []


def test_distance_km_is_great_circle():
    # Barcelona to Madrid is about 505 km.
    assert 495 < distance_km(41.39, 2.17, 40.42, -3.70) < 515
    assert distance_km(10, 10, 10, 10) == 0


def _place(id_: int, name: str, lat: float, lon: float, iso3: str = "AAA") -> Place:
    return Place(id_, name, iso3, "Aland", lat, lon)


def test_agglomerations_match_by_name_within_radius_then_by_nearness():
    ghsl = {
        1: _place(1, "Bigtown", 0.0, 0.0),
        2: _place(2, "Othertown", 1.0, 1.0),
        3: _place(3, "Farville", 5.0, 5.0),
    }
    wup = {
        10: _place(10, "Big Town (Bigtown)", 0.1, 0.1),  # name variant + 15 km
        11: _place(11, "Other-Town", 1.02, 1.02),  # different spelling, 3 km away
        12: _place(12, "Farville", 9.0, 9.0),  # same name but 600 km away
        13: _place(13, "Bigtown", 0.0, 0.0, iso3="BBB"),  # another country
    }
    pairs = match_agglomerations(ghsl, wup, fixed={})
    assert pairs[10][:2] == (1, "country, name and distance")
    assert pairs[11][:2] == (2, "country and distance")
    assert 12 not in pairs
    assert 13 not in pairs


def test_fixed_pairs_win_and_a_centre_takes_one_agglomeration():
    ghsl = {1: _place(1, "Twin", 0.0, 0.0)}
    wup = {10: _place(10, "Twin", 0.0, 0.0), 11: _place(11, "Twin", 0.01, 0.01)}
    pairs = match_agglomerations(ghsl, wup, fixed={11: 1})
    assert pairs == {11: (1, "member crosswalk", 1.6)}


def test_members_sharing_a_centre_share_one_metro_and_no_place_appears_twice():
    ghsl = {1: _place(1, "Bigtown", 0.0, 0.0), 2: _place(2, "Lonely", 3.0, 3.0)}
    wup = {10: _place(10, "Bigtown", 0.0, 0.05), 20: _place(20, "Nowhere", 8.0, 8.0)}
    members = {
        "bigtown-city": MemberPoint("bigtown-city", "Bigtown", "AAA", "Aland", 0.0, 0.0),
        "bigtown-area": MemberPoint("bigtown-area", "Bigtown (area)", "AAA", "Aland", 0.0, 0.0),
        "islet": MemberPoint("islet", "Islet", "AAA", "Aland", 9.0, 9.0),
    }
    links = [
        CrosswalkLink("bigtown-city", "ghsl_ucdb2015", "1", "Bigtown", "primary", ""),
        CrosswalkLink("bigtown-area", "ghsl_ucdb2015", "1", "Bigtown", "primary", ""),
        CrosswalkLink("bigtown-city", "wup2018", "10", "Bigtown", "part_of", ""),
        CrosswalkLink("bigtown-area", "wup2018", "10", "Bigtown", "primary", ""),
        CrosswalkLink("islet", "ghsl_ucdb2015", "", "", "none", ""),
    ]
    specs = plan_metros(ghsl, wup, members, links)
    codes = [s.code for s in specs]
    assert len(codes) == len(set(codes))
    big = next(s for s in specs if s.ghsl_id == 1)
    assert set(big.own_members()) == {"bigtown-city", "bigtown-area"}
    assert big.wup_id == 10
    assert big.code == "bigtown"
    islet = next(s for s in specs if "islet" in s.members)
    assert islet.ghsl_id is None
    assert islet.kind == "core_city"
    assert islet.own_members() == ["islet"]
    alone = next(s for s in specs if s.wup_id == 20)
    assert alone.kind == "urban_agglomeration"
    assert alone.ghsl_id is None
    assert sum(1 for s in specs if s.ghsl_id == 2) == 1
    assert fold("Bigtown (area)") in big.aliases


def _capital_and_port() -> tuple[dict[int, Place], dict[int, Place], dict[str, MemberPoint]]:
    ghsl = {1: _place(1, "Capital", 0.0, 0.0)}
    wup = {10: _place(10, "Capital", 0.0, 0.01), 11: _place(11, "Port", 0.0, 0.2)}
    members = {
        "capital": MemberPoint("capital", "Capital", "AAA", "Aland", 0.0, 0.0),
        "a-port": MemberPoint("a-port", "Port", "AAA", "Aland", 0.0, 0.2),
    }
    return ghsl, wup, members


def test_a_member_inside_a_centre_owns_its_agglomeration_and_lies_in_the_centre():
    ghsl, wup, members = _capital_and_port()
    links = [
        CrosswalkLink("a-port", "ghsl_ucdb2015", "1", "Capital", "part_of", "inside"),
        CrosswalkLink("a-port", "wup2018", "11", "Port", "primary", ""),
        CrosswalkLink("capital", "ghsl_ucdb2015", "1", "Capital", "primary", ""),
        CrosswalkLink("capital", "wup2018", "10", "Capital", "primary", ""),
    ]
    specs = plan_metros(ghsl, wup, members, links)
    centre = next(s for s in specs if s.ghsl_id == 1)
    assert centre.wup_id == 10
    assert centre.members["capital"][0] == "own"
    assert centre.members["a-port"][0] == "part_of"
    port = next(s for s in specs if s.wup_id == 11)
    assert port.ghsl_id is None
    assert port.own_members() == ["a-port"]


def test_a_centre_two_members_call_their_own_pairs_with_neither_agglomeration():
    ghsl, wup, members = _capital_and_port()
    links = [
        CrosswalkLink("a-port", "ghsl_ucdb2015", "1", "Capital", "primary", ""),
        CrosswalkLink("a-port", "wup2018", "11", "Port", "primary", ""),
        CrosswalkLink("capital", "ghsl_ucdb2015", "1", "Capital", "primary", ""),
        CrosswalkLink("capital", "wup2018", "10", "Capital", "primary", ""),
    ]
    specs = plan_metros(ghsl, wup, members, links)
    centre = next(s for s in specs if s.ghsl_id == 1)
    assert centre.wup_id is None
    assert next(s for s in specs if s.wup_id == 10).own_members() == ["capital"]
    assert next(s for s in specs if s.wup_id == 11).own_members() == ["a-port"]


def test_a_member_made_of_components_gets_a_place_of_its_own_with_the_country_it_is_in():
    ghsl = {1: _place(1, "Border", 0.0, 0.0, iso3="BIG")}
    wup = {
        10: _place(10, "Border", 0.0, 0.01, iso3="AAA"),
        11: _place(11, "East", 0.0, 0.5),
        12: _place(12, "West", 0.0, -0.5),
    }
    members = {
        "border": MemberPoint("border", "Border", "AAA", "Aland", 0.0, 0.0),
        "province": MemberPoint("province", "Province", "AAA", "Aland", 0.0, 0.4, region=True),
    }
    links = [
        CrosswalkLink("border", "ghsl_ucdb2015", "1", "Border", "primary", ""),
        CrosswalkLink("border", "wup2018", "10", "Border", "primary", ""),
        CrosswalkLink("province", "ghsl_ucdb2015", "1", "Border", "overlap", ""),
        CrosswalkLink("province", "wup2018", "11", "East", "component", ""),
        CrosswalkLink("province", "wup2018", "12", "West", "component", ""),
    ]
    specs = plan_metros(ghsl, wup, members, links)
    border = next(s for s in specs if s.ghsl_id == 1)
    assert border.iso3 == "AAA"  # the member's and the agglomeration's, not GHSL's majority
    province = next(s for s in specs if "province" in s.own_members())
    assert province.kind == "region"
    assert province.components == [("wup2018", 11), ("wup2018", 12)]
    assert border.members["province"][0] == "overlap"
    assert next(s for s in specs if s.wup_id == 11).members["province"][0] == "component"
