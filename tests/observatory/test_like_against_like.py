"""Issue 17, "like against like" and "at least 5 peers": national proxies are a country's
figure, never ranked among metros; values are compared only with values of the same scale
and year; no percentile or rank rests on fewer than MIN_PEERS values."""

from __future__ import annotations

import re

import pytest

from metroscope.observatory import analytics, benchmarks, national, panel
from metroscope.observatory.models import Indicator, Observation, Status
from metroscope.observatory.services import ValueInput, observation_enter, observation_review
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

PM25 = "pm25_annual_mean"
LIFE = "life_expectancy_at_birth"


@pytest.fixture(autouse=True)
def fresh_panel():
    panel.clear()
    yield
    panel.clear()


def get(path: str, user=None):
    return client_for(user).get(path, HTTP_HOST="127.0.0.1")


def publish(staff, *values: ValueInput) -> None:
    observation_enter(user=staff, values=list(values))
    ids = Observation.objects.filter(status=Status.PROVISIONAL).values_list("pk", flat=True)
    observation_review(user=staff, observation_ids=list(ids), status=Status.PUBLISHED)


def pm25_2022(metro: str, value: float, scale: str = "core_city") -> ValueInput:
    """A 2022 PM2.5 value, at the WHO data's scale (the city's own monitors) by default."""
    return ValueInput(metro, PM25, 2022, value, scale=scale, source="ASPB")


def profile_row(path: str, indicator: str) -> dict:
    body = get(path).json()
    return next(r for r in body["indicators"] if r["indicator"] == indicator)


def count_in(indicator: str, year: int, scale: str = "core_city", **extra) -> int:
    return Observation.objects.filter(
        indicator__code=indicator,
        year=year,
        sex="total",
        status=Status.PUBLISHED,
        scale=scale,
        **extra,
    ).count()


# --- national proxies ----------------------------------------------------------------------


def test_min_peers_is_five_and_defined_once():
    assert analytics.MIN_PEERS == benchmarks.MIN_PEERS == 5
    assert analytics.newest_year_with_enough({2019: 5, 2020: 4, 2018: 9}, up_to=2026) == 2019
    assert analytics.newest_year_with_enough({2019: 5}, up_to=2026, among=[2018]) is None


def test_life_expectancy_page_lists_countries_once_and_ranks_no_metro():
    page = get(f"/observatory/indicators/{LIFE}/?all=1").content.decode()
    assert "A national figure, once per country" in page
    assert 'id="indicator-ranking"' not in page  # no ranking of metros on Spain's figure
    assert 'id="indicator-distribution"' not in page
    table = page[page.index('id="countries"') :]
    assert table.count("(ESP)</td>") == 1
    assert table.count("(CHN)</td>") == 1
    figures = national.national_figures(Indicator.objects.get(code=LIFE), members_only=False)
    assert len({f.iso3 for f in figures}) == len(figures)
    spain = next(f for f in figures if f.iso3 == "ESP")
    assert spain.metros >= 2  # copied onto Barcelona, Madrid, …
    assert spain.members  # the members whose own metro lies in Spain


def test_benchmark_api_never_ranks_national_proxies_as_metros():
    body = get(f"/api/v1/benchmarks?indicator={LIFE}&year=2019").json()
    assert body["scale"] == "national_proxy"
    assert body["reason"] == "national_proxy"
    assert body["values"] == []
    isos = [c["country_iso3"] for c in body["countries"]]
    assert len(isos) == len(set(isos)) > 20
    assert body["stats"]["count"] == len(isos)
    assert "percentile_rank" not in str(body)


def test_a_metros_benchmarks_state_the_countrys_figure_without_a_percentile():
    row = profile_row("/api/v1/metros/barcelona/profile", LIFE)
    assert row["scale"] == "national_proxy"
    assert row["reason"] == "national_proxy"
    for field in ("percentile_rank", "better_than", "peer_median", "peer_count"):
        assert field not in row
    page = get("/observatory/metros/barcelona/").content.decode()
    standing = page[page.index('id="standing"') : page.index('id="like-mine"')]
    assert "figure: not ranked among metros" in standing


def test_metros_like_mine_use_no_national_proxy():
    assert "gdp_per_capita_ppp" not in benchmarks.DEFAULT_SIMILAR
    body = get(
        "/api/v1/metros/barcelona/similar?indicators=population_urban_centre,"
        f"{PM25},builtup_area_urban_centre,{LIFE}"
    ).json()
    assert body["left_out"] == [LIFE]  # PM2.5 is compared among the WHO's core-city values
    assert LIFE not in body["indicators"]
    assert all(LIFE not in n["closest_on"] for n in body["neighbours"])


# --- at least five peers -------------------------------------------------------------------


def test_a_metro_alone_with_its_published_value_gets_no_percentile(staff):
    publish(staff, pm25_2022("barcelona", 11.0))
    row = profile_row("/api/v1/metros/barcelona/profile", PM25)
    assert (row["year"], row["value"]) == (2022, 11.0)
    assert row["reason"] == "too_few_peers"
    assert row["peer_count"] == 1
    assert "percentile_rank" not in row
    assert "better_than" not in row
    assert "peer_median" not in row
    enough = row["enough_year"]
    assert count_in(PM25, enough) >= 5
    assert count_in(PM25, enough, metro__code="barcelona") == 1
    # The newest such year: none between it and 2022 has both Barcelona and five values.
    for year in range(enough + 1, 2022):
        assert count_in(PM25, year) < 5 or not count_in(PM25, year, metro__code="barcelona")
    page = get("/observatory/metros/barcelona/").content.decode()
    assert "too few peers (1)" in page
    link = f"?peers=all&amp;years={PM25}:{enough}#standing"
    assert link in page
    then = profile_row(f"/api/v1/metros/barcelona/profile?years={PM25}:{enough}", PM25)
    assert then["year"] == enough
    assert then["peer_count"] == count_in(PM25, enough) >= 5
    assert then["percentile_rank"] is not None
    again = get(f"/observatory/metros/barcelona/{link.replace('&amp;', '&')}").content.decode()
    assert "too few peers" not in again[again.index('id="standing"') :]
    assert 'href="?peers=all#standing">latest year' in again  # and back


def test_four_peers_say_too_few_peers_4_and_link_a_year_with_enough(staff):
    publish(
        staff,
        pm25_2022("barcelona", 11.0),
        pm25_2022("madrid", 9.0),
        pm25_2022("paris", 12.0),
        pm25_2022("seoul", 19.0),
    )
    page = get("/observatory/metros/barcelona/").content.decode()
    assert "too few peers (4)" in page
    found = re.search(rf"years={PM25}:(\d{{4}})#standing", page)
    assert found
    assert count_in(PM25, int(found.group(1))) >= 5
    # The benchmark API: no rank field among 4, a reason and a year that has enough.
    body = get(f"/api/v1/benchmarks?indicator={PM25}&year=2022").json()
    assert body["peer_count"] == 4
    assert body["reason"] == "too_few_peers"
    assert all("percentile_rank" not in v and "better_than" not in v for v in body["values"])
    stats = body["stats"]
    assert (stats["count"], stats["median"], stats["p25"]) == (4, None, None)
    assert count_in(PM25, body["enough_year"]) >= 5
    ranked = get(f"/api/v1/benchmarks?indicator={PM25}&year={body['enough_year']}").json()
    assert "reason" not in ranked
    assert all(v["percentile_rank"] is not None for v in ranked["values"])
    # The indicator page: no ranking of four, a link to the newest year with enough.
    four = get(f"/observatory/indicators/{PM25}/?all=1&year=2022").content.decode()
    assert 'id="indicator-ranking"' not in four
    dots = re.search(r'id="indicator-distribution-spec"[^>]*>(.*?)</script>', four, re.S)
    assert dots
    assert "median" not in dots.group(1).lower()  # a median is a percentile: none among four
    assert "too few peers (4)" in four
    year = re.search(r"year=(\d{4})#ranking", four)
    assert year
    assert count_in(PM25, int(year.group(1))) >= 5
    enough = get(f"/observatory/indicators/{PM25}/?all=1&year={year.group(1)}").content.decode()
    assert 'id="indicator-ranking"' in enough


def test_values_of_another_scale_are_not_peers(staff):
    """A metro-scale value is compared with metro-scale values only, and says so; the WHO's
    core-city values are compared among themselves."""
    publish(
        staff,
        pm25_2022("barcelona", 11.0),
        *(
            pm25_2022(code, 10.0 + i)
            for i, code in enumerate(("madrid", "paris", "seoul", "lahore"))
        ),
        pm25_2022("sao-paulo", 15.0, scale="metro"),
    )
    body = get(f"/api/v1/benchmarks?indicator={PM25}&year=2022").json()
    assert body["scale"] == "core_city"
    assert body["peer_count"] == 5
    assert body["other_scales"] == {"metro": 1}
    assert "sao-paulo" not in [v["metro"] for v in body["values"]]
    assert all(v["percentile_rank"] is not None for v in body["values"])
    alone = profile_row("/api/v1/metros/sao-paulo/profile", PM25)
    assert (alone["scale"], alone["reason"], alone["peer_count"]) == ("metro", "too_few_peers", 1)
    mixed = get(f"/api/v1/benchmarks?indicator={PM25}&year=2022&scale=metro").json()
    assert [v["metro"] for v in mixed["values"]] == ["sao-paulo"]
    # The indicator page compares core-city values, says so, and offers the metro's apart.
    page = get(f"/observatory/indicators/{PM25}/?all=1").content.decode()
    assert "only values of one scale are compared here (Core city)" in page
    assert "scale=metro#latest" in page
    assert "Metro: 1 metro" in page
    table = page[page.index('id="table"') :]
    assert "15.0" not in re.findall(r'sao-paulo/".*?<td class="num">([^<]+)', table, re.S)
    metro_page = get(f"/observatory/indicators/{PM25}/?all=1&scale=metro").content.decode()
    metro_table = metro_page[metro_page.index('id="table"') :]
    assert re.findall(r'href="/observatory/metros/([^/]+)/"', metro_table) == ["sao-paulo"]
    assert "too few peers (1)" in metro_page


def digits(html: str, start: str) -> list[str]:
    """The figures of a page's table cells from `start` on, digits only (so 1,234.5 in
    English, 1 234,5 in French and 1.234,5 in Spanish read the same)."""
    cells = re.findall(r'<td class="num">([^<]*)</td>', html[html.index(start) :])
    return [re.sub(r"\D", "", cell) for cell in cells]


def test_french_and_spanish_pages_say_it_with_the_same_figures(staff):
    publish(staff, pm25_2022("barcelona", 11.0))
    said = {"": "too few peers (1)", "/fr": "trop peu de pairs (1)", "/es": "muy pocos pares (1)"}
    metro, countries = {}, {}
    for prefix, text in said.items():
        page = get(f"{prefix}/observatory/metros/barcelona/").content.decode()
        assert text in page
        metro[prefix] = (
            re.findall(rf"years={PM25}:(\d{{4}})", page),
            digits(page, 'id="standing"'),
        )
        life = get(f"{prefix}/observatory/indicators/{LIFE}/?all=1").content.decode()
        assert life.count("(ESP)</td>") == 1
        countries[prefix] = digits(life, 'id="countries"')
    assert metro[""][0]  # the link to a year with enough peers
    assert metro["/fr"] == metro["/es"] == metro[""]
    assert countries["/fr"] == countries["/es"] == countries[""]
    assert len(countries[""]) > 40
