from __future__ import annotations

import pytest

from metroscope.members.models import Member, Region
from tests.conftest import BARCELONA, client_for

pytestmark = pytest.mark.django_db


def test_home_counts_come_from_the_registry(client):
    html = client.get("/").content.decode()
    members = Member.objects.count()
    countries = Member.objects.values("country").distinct().count()
    assert f'data-testid="member-count">{members}<' in html
    assert f'data-testid="country-count">{countries}<' in html
    assert 'data-testid="region-count">5<' in html
    assert "/static/geo/countries-110m.json" in html
    assert "cdn" not in html.lower()


def test_directory_filters_by_region_and_search(client):
    html = client.get("/members/", {"region": "europe"}).content.decode()
    europe = Member.objects.filter(country__region__code="europe").count()
    assert f"{europe} members found" in html
    html = client.get("/members/", {"q": "gauteng"}).content.decode()
    assert "1 member found" in html
    html = client.get("/members/", {"q": "zzzz"}).content.decode()
    assert "0 members found" in html


def test_directory_htmx_request_gets_only_the_results(client):
    response = client.get("/members/", {"kind": "national_agency"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html
    assert "New Delhi-NIUA" in html


def test_directory_query_count_is_pinned(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        client.get("/members/")


def test_home_query_count_is_pinned(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        client.get("/")


def test_edit_form_shows_field_errors_and_keeps_input(officer_barcelona):
    client = client_for(officer_barcelona)
    response = client.post(
        f"/members/{BARCELONA}/edit/",
        {"description_en": "Kept text", "website": "not a url"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Enter a valid URL." in html
    assert "Kept text" in html
    assert not Member.objects.get(code=BARCELONA).description_en


def test_staff_sees_registry_fields_officer_does_not(staff, officer_barcelona):
    assert (
        'name="latitude"' in client_for(staff).get(f"/members/{BARCELONA}/edit/").content.decode()
    )
    html = client_for(officer_barcelona).get(f"/members/{BARCELONA}/edit/").content.decode()
    assert 'name="latitude"' not in html
    assert 'name="description_fr"' in html


def test_history_page_shows_old_and_new_values(staff):
    client = client_for(staff)
    client.post(
        f"/members/{BARCELONA}/edit/",
        {
            "description_en": "New words",
            "institution": "Ajuntament de Barcelona",
            "kind": "city",
            "entity_type": "city",
            "latitude": "41.38879",
            "longitude": "2.15899",
        },
    )
    member = Member.objects.get(code=BARCELONA)
    html = client.get(f"/history/members/member/{member.pk}/").content.decode()
    assert "New words" in html
    assert "staff" in html


def test_bodies_page_lists_presidents_with_sources(client):
    html = client.get("/bodies/").content.decode()
    assert "Joan Clos" in html
    assert "Appendix I" in html


def test_regions_exist_in_three_languages():
    for region in Region.objects.all():
        assert all((region.name_en, region.name_fr, region.name_es))


def test_refusal_and_missing_pages_use_the_site_layout(officer_seoul):
    html = client_for(officer_seoul).get(f"/members/{BARCELONA}/edit/").content.decode()
    assert "Not allowed" in html
    assert "Officers can change only their own member" in html
    response = client_for(None).get("/fr/members/atlantis/")
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


def test_sorted_column_links_to_the_reverse_order_and_says_so(client):
    html = client.get("/members/", {"region": "asia", "sort": "country"}).content.decode()
    assert 'aria-sort="ascending"' in html
    assert "?region=asia&amp;sort=-country" in html or "?region=asia&sort=-country" in html
    assert "?region=asia&amp;sort=name" in html or "?region=asia&sort=name" in html
