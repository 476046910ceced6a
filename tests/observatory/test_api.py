"""API v1 of the Observatory: filters, cursor pagination, staff-only statuses, writes."""

from __future__ import annotations

import json

import pytest

from metroscope.observatory.models import Observation, Status
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def get(path: str, user=None):
    return client_for(user).get(path, HTTP_HOST="127.0.0.1")


def post(path: str, payload, user=None):
    return client_for(user).post(
        path, data=json.dumps(payload), content_type="application/json", HTTP_HOST="127.0.0.1"
    )


def test_indicators_with_coverage_in_the_asked_language():
    body = get("/api/v1/indicators?lang=es").json()
    pm25 = next(i for i in body if i["code"] == "pm25_annual_mean")
    assert pm25["unit"] == "ug_m3"
    assert pm25["metro_count"] > 80
    assert pm25["name"] != get("/api/v1/indicators/pm25_annual_mean").json()["name"]
    assert get("/api/v1/indicators/nope").status_code == 404


def test_metros_search_is_accent_insensitive_and_lists_members():
    body = get("/api/v1/metros?q=sao%20paulo").json()
    (metro,) = [m for m in body["items"] if m["country_iso3"] == "BRA"]
    assert {m["code"] for m in metro["members"]} == {"sao-paulo", "guarulhos"}
    detail = get("/api/v1/metros/sao-paulo").json()
    assert "São Paulo" in detail["aliases"]


def test_observations_filter_and_cursor_pagination_walks_every_row_once():
    query = "/api/v1/observations?indicator=life_expectancy_at_birth&country=ESP&year_from=2015"
    expected = Observation.objects.filter(
        indicator__code="life_expectancy_at_birth",
        metro__country_iso3="ESP",
        year__gte=2015,
        status=Status.PUBLISHED,
    ).count()
    assert expected > 10
    seen: list[int] = []
    cursor = ""
    while True:
        body = get(f"{query}&limit=7&cursor={cursor}").json()
        seen += [item["id"] for item in body["items"]]
        assert all(item["scale"] == "national_proxy" for item in body["items"])
        if not body["next_cursor"]:
            break
        cursor = body["next_cursor"]
    assert len(seen) == len(set(seen)) == expected


def test_observations_by_member_region_and_sex():
    body = get("/api/v1/observations?member=guarulhos&sex=female&limit=5000").json()
    assert body["items"]
    # Guarulhos's own place, not the São Paulo urban centre it lies in
    assert {i["metro"] for i in body["items"]} == {"guarulhos"}
    assert {i["sex"] for i in body["items"]} == {"female"}
    africa = get("/api/v1/observations?region=africa&indicator=pm25_annual_mean").json()
    assert africa["items"]
    assert all(i["country_iso3"] != "ESP" for i in africa["items"])


def test_unpublished_values_are_for_staff_only(staff):
    assert get("/api/v1/observations?status=provisional").status_code == 403
    assert get("/api/v1/observations?status=provisional", staff).status_code == 200
    assert get("/api/v1/observations?cursor=***").status_code == 400


def test_officer_writes_own_metro_provisional_and_is_refused_elsewhere(officer_barcelona):
    payload = [
        {
            "metro": "barcelona",
            "indicator": "pm25_annual_mean",
            "year": 2024,
            "value": 12.5,
            "source": "Agència de Salut Pública de Barcelona",
        }
    ]
    assert post("/api/v1/observations", payload).status_code == 401
    response = post("/api/v1/observations", payload, officer_barcelona)
    assert response.status_code == 200, response.content
    assert response.json()["created"] == 1
    obs = Observation.objects.get(
        metro__code="barcelona", year=2024, indicator__code="pm25_annual_mean"
    )
    assert obs.status == Status.PROVISIONAL
    assert obs.updated_by == officer_barcelona
    public = get("/api/v1/observations?metro=barcelona&indicator=pm25_annual_mean&year_from=2024")
    assert public.json()["items"] == []

    elsewhere = [dict(payload[0], metro="seoul")]
    refused = post("/api/v1/observations", elsewhere, officer_barcelona)
    assert refused.status_code == 422
    assert "your member's metros" in refused.json()["problems"][0]["reason"]
    out_of_range = [dict(payload[0], value=-3)]
    assert post("/api/v1/observations", out_of_range, officer_barcelona).status_code == 422


def test_staff_publish_and_the_public_then_sees_the_value(staff, officer_barcelona):
    payload = [
        {
            "metro": "barcelona",
            "indicator": "pm10_annual_mean",
            "year": 2024,
            "value": 20.0,
            "source": "ASPB",
        }
    ]
    post("/api/v1/observations", payload, officer_barcelona)
    obs = Observation.objects.get(
        metro__code="barcelona", year=2024, indicator__code="pm10_annual_mean"
    )
    denied = post(
        "/api/v1/observations/review", {"ids": [obs.pk], "status": "published"}, officer_barcelona
    )
    assert denied.status_code == 403
    done = post("/api/v1/observations/review", {"ids": [obs.pk], "status": "published"}, staff)
    assert done.json() == {"changed": 1}
    items = get("/api/v1/observations?metro=barcelona&indicator=pm10_annual_mean&year_from=2024")
    assert [i["value"] for i in items.json()["items"]] == [20.0]
    assert obs.revisions.get().status == Status.PROVISIONAL


def test_every_observatory_endpoint_is_in_the_openapi_schema():
    paths = get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/indicators",
        "/api/v1/indicators/{code}",
        "/api/v1/metros",
        "/api/v1/metros/{code}",
        "/api/v1/observations",
        "/api/v1/observations/review",
    ):
        assert path in paths
    assert "post" in paths["/api/v1/observations"]
