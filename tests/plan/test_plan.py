from __future__ import annotations

import pytest

from metroscope.plan import models as m

pytestmark = pytest.mark.django_db


def test_framework_has_the_plan_structure():
    assert m.Theme.objects.count() == 5
    assert m.Challenge.objects.count() == 4
    assert m.ChallengeTopic.objects.count() == 13
    assert m.CrossCuttingFactor.objects.count() == 2
    assert m.OutcomeKind.objects.count() == 3
    axes = {line.code: line.axes.count() for line in m.ActionLine.objects.all()}
    assert axes == {"L1": 3, "L2": 3, "L3": 5}
    assert m.Outcome.objects.filter(axis__code="L3.3").count() == 4


def test_headline_averages_are_quoted_with_translations(client):
    rows = client.get("/api/v1/plan/headline-averages", {"lang": "fr"}).json()
    assert len(rows) == 6
    assert rows[5] == {"indicator": "Espérance de vie", "value": 73.7, "unit": "années", "note": ""}
    html = client.get("/plan/").content.decode()
    assert "Metropolitan metrics stated in the plan" in html


def test_plan_api_tree_in_spanish(client):
    body = client.get("/api/v1/plan", {"lang": "es"}).json()
    assert body["title"] == "Plan de Acción Estratégico 2021-2023"
    assert [line["code"] for line in body["action_lines"]] == ["L1", "L2", "L3"]
    assert len(body["action_lines"][2]["axes"]) == 5
    assert body["themes"][0]["name"] == m.Theme.objects.get(code="T-SUS").name_es


def test_outcomes_endpoint_filters_and_paginates(client):
    body = client.get("/api/v1/plan/outcomes", {"line": "L2", "limit": 5}).json()
    assert body["count"] == m.Outcome.objects.filter(axis__line__code="L2").count()
    assert len(body["items"]) == 5
    assert {i["line"] for i in body["items"]} == {"L2"}


def test_plan_page_is_a_tree_in_french(client):
    html = client.get("/fr/plan/").content.decode()
    line = m.ActionLine.objects.get(code="L1")
    assert line.name_fr in html
    assert 'lang="fr"' in html


def test_plan_page_query_count_is_pinned(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        client.get("/plan/")
