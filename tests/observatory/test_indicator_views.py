"""The indicator page's distribution and time series, its embeddable pages, and the metro
profile's sparklines."""

from __future__ import annotations

import html
import json
import re
from collections import Counter

import pytest

from metroscope.observatory import panel, selectors
from metroscope.observatory.models import Indicator, Metro, Observation, Status
from metroscope.observatory.templatetags.observatory import figure
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

PM25 = "pm25_annual_mean"
POPULATION = "population_urban_agglomeration"
CHARTS = ["map", "ranking", "distribution", "series", "table"]


def get(path: str):
    return client_for(None).get(path, HTTP_HOST="127.0.0.1")


def spec(page: str, chart_id: str) -> dict:
    found = re.search(rf'<script id="{chart_id}-spec" type="application/json">(.*?)</script>', page)
    assert found, f"no spec {chart_id}"
    return json.loads(found.group(1))


def snippet(page: str, chart: str) -> str:
    found = re.search(rf'<textarea id="embed-{chart}"[^>]*>(.*?)</textarea>', page, re.S)
    assert found, f"no embed snippet for {chart}"
    return html.unescape(found.group(1))


def test_distribution_marks_the_chosen_metro_and_says_so():
    pm25 = Indicator.objects.get(code=PM25)
    # The page shows one scale: the WHO's core-city values (Gyeonggi's region figure apart).
    values = selectors.latest_values(pm25, members_only=True, scale="core_city")
    barcelona = next(obs for obs in values if obs.metro.code == "barcelona")
    page = get(f"/observatory/indicators/{PM25}/?metro=barcelona").content.decode()
    said = f"Marked: Barcelona, {barcelona.value:,.1f} µg/m³ in {barcelona.year}."
    assert said in page
    assert '<option value="barcelona" selected>Barcelona (ESP)</option>' in page
    chart = spec(page, "indicator-distribution")
    assert said in chart["description"]
    marked = [layer for layer in chart["layer"] if layer["mark"].get("color") == "#D55E00"]
    assert {layer["data"]["values"][0]["value"] for layer in marked} == {barcelona.value}
    # The select lists the shown metros, and only them.
    assert page.count('<option value="', page.index('id="id_metro"')) >= len(values)
    assert len(chart["layer"][0]["data"]["values"]) == len(values)


def test_distribution_marks_nothing_by_default_or_for_a_metro_not_shown():
    for query in ("", "?metro=atlantis", "?metro=does-not-exist"):
        page = get(f"/observatory/indicators/{PM25}/{query}").content.decode()
        assert "Marked:" not in page
        assert len(spec(page, "indicator-distribution")["layer"]) == 3


def test_series_draws_the_chosen_metros_and_lists_names_that_do_not_resolve():
    page = get(
        f"/observatory/indicators/{POPULATION}/?series=barcelona,Sao+Paulo,Xanadu-on-Sea"
    ).content.decode()
    chart = spec(page, "indicator-series")
    assert chart["encoding"]["color"]["scale"]["domain"] == ["Barcelona (ESP)", "São Paulo (BRA)"]
    assert "Not shown: unknown metro &#x27;Xanadu-on-Sea&#x27;" in page
    expected = Observation.objects.filter(
        indicator__code=POPULATION,
        metro__code="barcelona",
        sex="total",
        status=Status.PUBLISHED,
    )
    drawn = {
        (r["year"], r["value"])
        for r in chart["data"]["values"]
        if r["series"] == "Barcelona (ESP)" and not r.get("bridge")
    }
    assert drawn == {(o.year, o.value) for o in expected}
    projected = {
        r["year"]
        for r in chart["data"]["values"]
        if r["series"] == "Barcelona (ESP)" and r["segment"] == "projection" and not r.get("bridge")
    }
    assert projected == {o.year for o in expected if o.note == "UN projection"}
    assert projected  # the UN projections are drawn, dashed


def test_series_takes_at_most_five_metros():
    names = "barcelona,seoul,tokyo,sao-paulo,berlin,montreal"
    page = get(f"/observatory/indicators/{POPULATION}/?series={names}").content.decode()
    assert "Showing the first 5 metros only." in page
    assert len(spec(page, "indicator-series")["encoding"]["color"]["scale"]["domain"]) <= 5


def _most_values(indicator: Indicator, sex: str) -> list[str]:
    members = set(Metro.objects.filter(memberships__isnull=False).values_list("pk", flat=True))
    counts = Counter(
        metro
        for metro in Observation.objects.filter(
            indicator=indicator, sex=sex, status=Status.PUBLISHED
        ).values_list("metro_id", flat=True)
        if metro in members
    )
    names = dict(Metro.objects.filter(pk__in=counts).values_list("pk", "name"))
    ranked = sorted(counts, key=lambda m: (-counts[m], names[m]))
    return [f"{names[m]} ({Metro.objects.get(pk=m).country_iso3})" for m in ranked]


def test_series_defaults_to_member_metros_with_most_values_or_the_marked_one_first():
    life = Indicator.objects.get(code="life_expectancy_at_birth")
    page = get(f"/observatory/indicators/{life.code}/?sex=female").content.decode()
    domain = spec(page, "indicator-series")["encoding"]["color"]["scale"]["domain"]
    assert domain == _most_values(life, "female")[:5]
    marked = get(f"/observatory/indicators/{life.code}/?sex=female&metro=guadalajara")
    domain = spec(marked.content.decode(), "indicator-series")["encoding"]["color"]["scale"]
    assert domain["domain"][0] == "Guadalajara (MEX)"
    assert len(domain["domain"]) == 5


@pytest.mark.parametrize("chart", CHARTS)
def test_embed_pages_have_no_site_chrome_and_may_be_framed(chart):
    response = get(f"/observatory/embed/indicators/{PM25}/{chart}/?metro=barcelona")
    page = response.content.decode()
    assert response.status_code == 200
    assert "X-Frame-Options" not in response.headers
    assert "<nav" not in page
    assert "<header" not in page
    assert "<footer" not in page
    assert re.search(r'<html lang="en">', page)
    assert "<main>" in page
    assert "<title>Annual mean PM2.5 concentration: " in page
    assert f'href="/observatory/indicators/{PM25}/?' in page  # back to the full page
    assert "World Health Organization" in page  # the source line


def test_the_normal_pages_still_refuse_to_be_framed():
    assert get(f"/observatory/indicators/{PM25}/").headers["X-Frame-Options"] == "DENY"
    assert get("/observatory/metros/barcelona/").headers["X-Frame-Options"] == "DENY"


def test_an_unknown_chart_or_indicator_is_not_found():
    assert get(f"/observatory/embed/indicators/{PM25}/pie/").status_code == 404
    assert get("/observatory/embed/indicators/nothing/map/").status_code == 404


@pytest.mark.parametrize("query", ["", "?all=1", "?year=2019"])
def test_embeds_show_the_values_of_the_page_and_the_selector(query):
    indicator = Indicator.objects.get(code=PM25)  # not a national proxy: ranked, one scale
    year = 2019 if "year" in query else None
    values = selectors.latest_values(
        indicator, members_only=query != "?all=1", sex="total", scale="core_city", year=year
    )
    expected = sorted((o.metro.code, o.year, o.value) for o in values)
    url = f"/observatory/embed/indicators/{indicator.code}"
    table = get(f"{url}/table/{query}").content.decode()
    rows = re.findall(
        r'<a href="/observatory/metros/([^/]+)/" target="_top">.*?<td class="num">([^<]+)</td>'
        r"<td>(\d{4})</td>",
        table,
        re.S,
    )
    assert sorted((code, int(year), value) for code, value, year in rows) == sorted(
        (code, year, figure(value, indicator)) for code, year, value in expected
    )
    distribution = spec(get(f"{url}/distribution/{query}").content.decode(), "embed-chart")
    dots = distribution["layer"][0]["data"]["values"]
    assert sorted(d["value"] for d in dots) == sorted(v for _, _, v in expected)
    ranking = spec(get(f"{url}/ranking/{query}").content.decode(), "embed-chart")
    assert [r["value"] for r in ranking["data"]["values"]] == [o.value for o in values[:30]]
    world = spec(get(f"{url}/map/{query}").content.decode(), "embed-chart")
    assert sorted(p["value"] for p in world["layer"][1]["data"]["values"]) == sorted(
        o.value for o in values if o.metro.latitude is not None
    )
    page = get(f"/observatory/indicators/{indicator.code}/{query}").content.decode()
    assert spec(page, "indicator-distribution") == distribution
    assert spec(page, "indicator-ranking") == ranking
    assert spec(page, "indicator-map") == world


def test_the_page_offers_an_iframe_snippet_per_chart_that_opens_the_same_chart():
    page = get(f"/observatory/indicators/{POPULATION}/?metro=barcelona&all=1").content.decode()
    for chart in CHARTS:
        code = snippet(page, chart)
        assert code.startswith('<iframe src="http://127.0.0.1/observatory/embed/indicators/')
        assert 'loading="lazy"' in code
        assert re.search(
            r'title="Population of the urban agglomeration: [^"]+ \(Metroscope\)"', code
        )
        src = html.unescape(re.search(r'src="([^"]+)"', code).group(1))
        assert src.startswith(
            f"http://127.0.0.1/observatory/embed/indicators/{POPULATION}/{chart}/"
        )
        assert "sex=total" in src
    distribution = html.unescape(
        re.search(r'src="([^"]+)"', snippet(page, "distribution")).group(1)
    )
    assert "metro=barcelona" in distribution
    assert "all=1" in distribution
    embedded = get(distribution.removeprefix("http://127.0.0.1")).content.decode()
    assert (
        spec(embedded, "embed-chart")["description"]
        == spec(page, "indicator-distribution")["description"]
    )
    series = html.unescape(re.search(r'src="([^"]+)"', snippet(page, "series")).group(1))
    assert "series=barcelona%2C" in series  # the marked metro first, then four others
    embedded = get(series.removeprefix("http://127.0.0.1")).content.decode()
    assert spec(embedded, "embed-chart")["data"] == spec(page, "indicator-series")["data"]


def test_the_embed_says_when_a_shown_metro_is_synthetic():
    url = f"/observatory/embed/indicators/{PM25}/table/"
    assert "synthetic (made for a benchmark)" not in get(url).content.decode()
    Metro.objects.filter(code="barcelona").update(synthetic=True)
    page = get(url).content.decode()
    assert '<span class="badge">synthetic</span> Some values shown are synthetic' in page
    series = get(f"/observatory/embed/indicators/{PM25}/series/?series=barcelona")
    assert "Some values shown are synthetic" in series.content.decode()


@pytest.mark.parametrize(
    ("path", "first", "then"),
    [
        # indicator, its themes, challenges and references; sexes; the scales' counts; latest
        # values; series metros; series values; coverage (4); with the data version read by
        # each kept count (sexes, scales, coverage: 3) and the member metros (scales, coverage:
        # 2). Then the sexes, the scales' counts and 3 of the coverage's come from
        # page_figures: 5 fewer.
        (f"/observatory/indicators/{PM25}/", 17, 12),
        (f"/observatory/indicators/{PM25}/?metro=barcelona&series=barcelona,seoul", 17, 12),
        # indicator, sexes, the scales' counts, latest values; data version (2), member metros
        (f"/observatory/embed/indicators/{PM25}/map/", 7, 5),
        (f"/observatory/embed/indicators/{PM25}/ranking/", 7, 5),
        (f"/observatory/embed/indicators/{PM25}/table/", 7, 5),
        (f"/observatory/embed/indicators/{PM25}/distribution/?metro=barcelona", 7, 5),
        # indicator, sexes, the scales' counts, latest values, series metros, series values;
        # data version (2), member metros
        (f"/observatory/embed/indicators/{PM25}/series/", 9, 7),
        (f"/observatory/embed/indicators/{PM25}/series/?series=barcelona,seoul", 9, 7),
    ],
)
def test_query_counts_of_the_indicator_page_and_embeds(
    path, first, then, django_assert_num_queries
):
    with django_assert_num_queries(first):
        assert get(path).status_code == 200
    with django_assert_num_queries(then):  # the same data version: its counts are kept
        assert get(path).status_code == 200


def test_metro_profile_draws_a_sparkline_per_row_without_a_query_per_row(
    django_assert_num_queries,
):
    path = "/observatory/metros/barcelona/"
    get(path)  # the peer arrays are cached per process after a first read
    # 11 of them are the exchange's section (solutions of peers that do better); the data
    # version is one query (it was two, asked by the profile, "like mine" and the headline);
    # "like mine" names its neighbours from the cached metro references (one query fewer);
    # country names come from CLDR, not the countries table (one fewer); the values' indicators,
    # sources and batches are read once each instead of joined to every value (three more,
    # a third of the page's time less); the figures shown are those of a version read once more
    # (observatory.figures: the newest complete one, with Redis).
    with django_assert_num_queries(29):
        page = get(path).content.decode()
    standing = page[page.index('id="standing"') : page.index('id="like-mine"')]
    rows = standing.count("<tr><td>")
    assert rows > 20
    assert standing.count('<svg class="sparkline" role="img"') == rows


def test_sparkline_draws_the_published_values_up_to_the_row_year():
    panel.clear()
    page = get("/observatory/metros/barcelona/").content.decode()
    values = Observation.objects.filter(
        metro__code="barcelona",
        indicator__code="life_expectancy_at_birth",
        sex="total",
        status=Status.PUBLISHED,
    ).order_by("year")
    first, last = values.first(), values.last()
    title = (
        f"<title>Life expectancy at birth, {values.count()} values from {first.year} to "
        f"{last.year}: {first.value:,.1f} to {last.value:,.1f} years</title>"
    )
    assert title in page
    svg = page[page.index(title) : page.index("</svg>", page.index(title))]
    points = re.search(r'points="([^"]+)"', svg).group(1).split()
    assert len(points) == values.count()
    assert re.search(r'<circle cx="[\d.]+" cy="[\d.]+" r="2.5"', svg)  # the last value, dotted


def test_sparkline_coordinates_are_not_localised():
    page = get("/fr/observatory/metros/barcelona/").content.decode()
    svgs = re.findall(r'<svg class="sparkline".*?</svg>', page, re.S)
    assert svgs
    for svg in svgs:
        points = re.search(r'points="([^"]+)"', svg).group(1)
        assert re.fullmatch(r"[\d.]+,[\d.]+( [\d.]+,[\d.]+)*", points)
        assert re.search(r'cx="[\d.]+" cy="[\d.]+"', svg)


def test_sparkline_leaves_out_values_waiting_for_review(officer_barcelona, staff):
    from metroscope.observatory import services

    services.observation_enter(
        user=officer_barcelona,
        values=[
            services.ValueInput(
                metro="barcelona", indicator="pm10_annual_mean", year=2009, value=1, source="ASPB"
            )
        ],
    )
    published = Observation.objects.filter(
        metro__code="barcelona",
        indicator__code="pm10_annual_mean",
        sex="total",
        status=Status.PUBLISHED,
    ).count()
    page = client_for(staff).get("/observatory/metros/barcelona/", HTTP_HOST="127.0.0.1")
    html_page = page.content.decode()
    assert "2009" in html_page  # staff see the provisional value in the metro's table
    found = re.search(r"<title>Annual mean PM10 concentration, (\d+) values from (\d+)", html_page)
    assert found is not None
    assert (int(found.group(1)), found.group(2)) == (published, "2010")
