"""Peer benchmarking through the API: the numbers equal a direct computation on the data."""

from __future__ import annotations

import numpy as np
import pytest

from metroscope.observatory import analytics, panel
from metroscope.observatory.models import Metro, Observation, Status
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_panel():
    panel.clear()
    yield
    panel.clear()


def get(path: str):
    return client_for(None).get(path, HTTP_HOST="127.0.0.1")


def published(indicator: str, year: int, **extra) -> dict[str, float]:
    rows = Observation.objects.filter(
        indicator__code=indicator, year=year, sex="total", status=Status.PUBLISHED, **extra
    ).values_list("metro__code", "value")
    return dict(rows)


def test_benchmark_statistics_and_ranks_equal_numpy_over_the_peers():
    body = get("/api/v1/benchmarks?indicator=pm25_annual_mean&year=2019&peers=members").json()
    assert body["scale"] == "core_city"  # the WHO's monitors: the scale most values have
    values = published(
        "pm25_annual_mean", 2019, metro__memberships__isnull=False, scale="core_city"
    )
    data = np.array(list(values.values()))
    assert body["stats"]["count"] == len(values) > 20
    assert body["stats"]["median"] == pytest.approx(np.median(data))
    assert body["stats"]["p25"] == pytest.approx(np.percentile(data, 25))
    lahore = next(v for v in body["values"] if v["metro"] == "lahore")
    rank = (
        100 * ((data < lahore["value"]).sum() + 0.5 * (data == lahore["value"]).sum()) / data.size
    )
    assert lahore["percentile_rank"] == pytest.approx(rank)
    assert lahore["better_than"] == pytest.approx(100 - rank)  # lower PM2.5 is better


def test_peer_groups_restrict_the_values():
    spain = get("/api/v1/benchmarks?indicator=population_urban_centre&year=2015&peers=country:ESP")
    assert {v["country_iso3"] for v in spain.json()["values"]} == {"ESP"}
    chosen = get(
        "/api/v1/benchmarks?indicator=population_urban_centre&year=2015"
        "&peers=metros:barcelona,sao-paulo,seoul"
    ).json()
    assert sorted(v["metro"] for v in chosen["values"]) == ["barcelona", "sao-paulo", "seoul"]
    big = get("/api/v1/benchmarks?indicator=population_urban_centre&year=2015&peers=size:ge10m")
    metros = {v["metro"] for v in big.json()["values"]}
    assert "tokyo" in metros  # the UN's 37 million
    assert "barcelona" not in metros  # 5.6 million: class 5m-10m
    assert (
        get("/api/v1/benchmarks?indicator=pm25_annual_mean&year=2019&peers=nope").status_code == 400
    )
    assert get("/api/v1/benchmarks?indicator=nope&year=2019").status_code == 404


def test_profile_uses_each_indicators_latest_year_and_ranks_within_peers():
    body = get("/api/v1/metros/barcelona/profile?peers=members").json()
    rows = {r["indicator"]: r for r in body["indicators"]}
    pm25 = rows["pm25_annual_mean"]
    latest = (
        Observation.objects.filter(
            metro__code="barcelona", indicator__code="pm25_annual_mean", status=Status.PUBLISHED
        )
        .order_by("-year")
        .first()
    )
    assert latest is not None
    assert (pm25["year"], pm25["value"]) == (latest.year, latest.value)
    peers = published(
        "pm25_annual_mean", latest.year, metro__memberships__isnull=False, scale=pm25["scale"]
    )
    assert pm25["peer_count"] == len(peers)
    expected = analytics.percentile_rank(latest.value, np.array(list(peers.values())))
    assert pm25["percentile_rank"] == pytest.approx(expected)
    assert rows["population_urban_agglomeration"]["year"] <= 2026  # no projection as latest
    assert rows["life_expectancy_at_birth"]["scale"] == "national_proxy"


def test_similar_metros_share_at_least_half_the_indicators_and_say_why():
    body = get("/api/v1/metros/barcelona/similar?k=5").json()
    assert len(body["neighbours"]) == 5
    assert all(n["shared_indicators"] * 2 >= len(body["indicators"]) for n in body["neighbours"])
    assert all(n["closest_on"] for n in body["neighbours"])
    distances = [n["distance"] for n in body["neighbours"]]
    assert distances == sorted(distances)
    assert "barcelona" not in [n["metro"] for n in body["neighbours"]]
    bad = get("/api/v1/metros/barcelona/similar?indicators=nope")
    assert bad.status_code == 400


def test_panel_cache_follows_new_data(staff):
    from metroscope.observatory.services import ValueInput, observation_enter, observation_review

    first = get("/api/v1/benchmarks?indicator=pm10_annual_mean&year=2024&peers=all").json()
    assert first["stats"]["count"] == 0
    result = observation_enter(
        user=staff, values=[ValueInput("barcelona", "pm10_annual_mean", 2024, 21.0, source="ASPB")]
    )
    assert result.created == 1
    obs = Observation.objects.get(
        metro=Metro.objects.get(code="barcelona"), year=2024, indicator__code="pm10_annual_mean"
    )
    observation_review(user=staff, observation_ids=[obs.pk], status=Status.PUBLISHED)
    again = get("/api/v1/benchmarks?indicator=pm10_annual_mean&year=2024&peers=all").json()
    assert again["stats"]["count"] == 1
