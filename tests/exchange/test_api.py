"""API of the exchange's reading side: one published solution, and the collections."""

from __future__ import annotations

import pytest
from django.test import Client

from metroscope.core import tokens
from metroscope.exchange import selectors
from metroscope.exchange.models import SolutionTranslation
from tests.conftest import client_for
from tests.exchange.conftest import SEOUL_SLUG, make_solution

pytestmark = pytest.mark.django_db


def test_one_solution_with_its_links_and_classification(client):
    body = client.get(f"/api/v1/solutions/{SEOUL_SLUG}").json()
    assert body["title"] == "The Sharing City, Seoul"
    assert body["collection"] == {"code": "use", "name": "Urban Solutions Exchange (USE)"}
    assert body["metro"] == "seoul"
    assert body["members"] == [{"code": "seoul", "name": "Seoul"}]
    assert {t["code"] for t in body["themes"]} == {"T-SUS", "T-SOC", "T-ECO"}
    assert {c["code"] for c in body["challenges"]} == {"C-GROWTH", "C-DIGIT"}
    assert body["sdgs"] == [10, 11, 12, 13]
    assert body["country_iso3"] == "KOR"
    assert body["year_started"] == 2012
    assert body["url"].endswith(f"/exchange/solutions/{SEOUL_SLUG}/")
    assert body["contact"] is None


def test_description_comes_as_markdown_and_sanitised_html(client):
    solution = make_solution(
        slug="api-markdown", description="**Bold** <script>x()</script> [a](javascript:y())"
    )
    SolutionTranslation.objects.create(
        solution=solution, language="es", title="Título", summary="Resumen", description="*sí*"
    )
    body = client.get("/api/v1/solutions/api-markdown").json()
    assert body["description_markdown"] == solution.description
    html = body["description_html"]
    assert "<strong>Bold</strong>" in html
    assert "<script" not in html
    assert 'href="javascript' not in html
    assert body["translations"] == [
        {
            "language": "es",
            "title": "Título",
            "summary": "Resumen",
            "description_markdown": "*sí*",
            "description_html": "<p><em>sí</em></p>\n",
        }
    ]


def test_unpublished_solution_is_404_even_for_its_author(client, draft, officer_barcelona):
    assert client.get(f"/api/v1/solutions/{draft.slug}").status_code == 404
    author = client_for(officer_barcelona)
    assert author.get(f"/api/v1/solutions/{draft.slug}").status_code == 404
    assert client.get("/api/v1/solutions/no-such-solution").status_code == 404


def test_contact_is_given_to_signed_in_officers_only(client, officer_seoul, board_member):
    make_solution(slug="api-contact")
    assert client.get("/api/v1/solutions/api-contact").json()["contact"] is None
    board = client_for(board_member).get("/api/v1/solutions/api-contact").json()
    assert board["contact"] is None
    body = client_for(officer_seoul).get("/api/v1/solutions/api-contact").json()
    assert body["contact"] == {
        "name": "Ada Contact",
        "role": "Head of innovation",
        "email": "ada.contact@example.org",
    }


def test_contact_is_given_with_an_officers_bearer_token(officer_seoul):
    make_solution(slug="api-contact")
    _token, plain = tokens.issue(officer_seoul)
    body = (
        Client().get("/api/v1/solutions/api-contact", HTTP_AUTHORIZATION=f"Bearer {plain}").json()
    )
    assert body["contact"]["email"] == "ada.contact@example.org"
    anonymous = Client().get("/api/v1/solutions/api-contact", HTTP_AUTHORIZATION="Bearer mts_x")
    assert anonymous.json()["contact"] is None


def test_collections_with_their_counters(client):
    body = client.get("/api/v1/collections").json()
    assert [c["code"] for c in body] == [
        "use",
        "cities-for-global-health",
        "guangzhou-award",
        "other",
    ]
    by_code = {c["code"]: c for c in body}
    assert by_code["guangzhou-award"]["solutions"] == 23
    assert sum(c["solutions"] for c in body) == 53
    for row in selectors.collections_with_counters():
        counted = selectors.counters(selectors.published().filter(collection=row.collection))
        assert by_code[row.collection.code]["solutions"] == counted.solutions
        assert by_code[row.collection.code]["cities"] == counted.cities
        assert by_code[row.collection.code]["countries"] == counted.countries


def test_collections_in_spanish(client):
    body = client.get("/api/v1/collections", {"lang": "es"}).json()
    assert body[2]["name"] == "Premio de Guangzhou"
