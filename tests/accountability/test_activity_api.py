"""GET /api/v1/workplans, /api/v1/activities and /api/v1/activities/{id}."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_work_plans(client):
    rows = client.get("/api/v1/workplans").json()
    assert [r["year"] for r in rows] == [2018, 2019, 2020, 2021, 2022, 2023]
    assert rows[0] == {"year": 2018, "status": "draft", "approved_on": None, "activity_count": 7}


def test_activities_filter_and_paginate(client):
    body = client.get("/api/v1/activities", {"year": 2023, "limit": 2}).json()
    assert body["count"] == 6
    assert len(body["items"]) == 2
    assert body["items"][0]["title"] == "Launch of the 6th Guangzhou Award"
    assert body["items"][0]["program"] == "P-GZA"
    assert body["items"][0]["axis"] == "L2.2"
    board = client.get("/api/v1/activities", {"type": "statutory_meeting"}).json()
    assert board["count"] == 5


def test_unknown_filter_value_is_a_400(client):
    response = client.get("/api/v1/activities", {"status": "dreaming"})
    assert response.status_code == 400
    assert "unknown status" in response.json()["detail"]


def test_activity_detail_with_results(client, activity_with_result):
    body = client.get(f"/api/v1/activities/{activity_with_result.pk}").json()
    assert body["themes"] == ["T-GEN"]
    assert body["outcomes"] == ["L1.2.1"]
    assert body["gender_marker"] == 1
    assert body["results"][0]["periods"] == [
        {"year": 2021, "baseline": 0.0, "target": 10.0, "actual": 12.0, "progress": "on_track"}
    ]
    assert client.get("/api/v1/activities/999999").status_code == 404
