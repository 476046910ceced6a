"""A member's page: links to its metro profile, solutions, activities and engagement; its kind
said once; its type of government and source line in the reader's language. The directory
downloads as CSV, CSV for Excel and XLSX with its filters."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from metroscope.accountability.activities.models import Activity
from metroscope.exchange.models import Solution, SolutionStatus
from metroscope.members.entity_types import entity_type_label, kind_detail
from metroscope.members.models import Member
from tests.conftest import BARCELONA, SEOUL, client_for

pytestmark = pytest.mark.django_db


def test_kind_detail_says_nothing_that_repeats_the_kind():
    assert kind_detail("city", "City", "city") == ""
    assert kind_detail("city", "City", "special city") == "special city"
    assert kind_detail("region", "Region, province or state", "region") == ""
    assert kind_detail("city", "City", "") == ""
    assert entity_type_label("a type nobody listed") == "a type nobody listed"


def test_member_page_links_to_its_metro_profile_solutions_and_activities(client):
    seoul = Member.objects.get(code=SEOUL)
    html = client.get(f"/members/{SEOUL}/").content.decode()
    assert 'href="/observatory/metros/seoul/"' in html
    solutions = Solution.objects.filter(members=seoul, status=SolutionStatus.PUBLISHED)
    assert solutions.exists()
    for solution in solutions:
        assert f'href="/exchange/solutions/{solution.slug}/"' in html
    activities = Activity.objects.filter(members=seoul).count()
    assert activities
    assert f'href="/plan/activities/?member={SEOUL}"' in html
    listed = client.get(f"/plan/activities/?member={SEOUL}").content.decode()
    assert listed.count('href="/plan/activities/') >= activities


def test_engagement_link_only_for_the_secretariat_and_own_officers(client, staff, officer_seoul):
    link = f'href="/community/engagement/{SEOUL}/"'
    assert link not in client.get(f"/members/{SEOUL}/").content.decode()
    assert link in client_for(staff).get(f"/members/{SEOUL}/").content.decode()
    assert link in client_for(officer_seoul).get(f"/members/{SEOUL}/").content.decode()
    assert link not in client_for(officer_seoul).get(f"/members/{BARCELONA}/").content.decode()


def test_the_kind_reads_once_and_the_type_of_government_is_translated(client):
    barcelona = client.get(f"/members/{BARCELONA}/").content.decode()
    assert "(city)</span>" not in barcelona
    seoul_fr = client.get(f"/fr/members/{SEOUL}/").content.decode()
    assert "Ville <span" in seoul_fr
    assert "(ville spéciale)" in seoul_fr


def test_the_source_line_is_in_the_readers_language(client):
    html = client.get(f"/es/members/{BARCELONA}/").content.decode()
    assert "Fuente: Plan de Acción Estratégico 2021-2023, anexo II" in html
    assert "Appendix II" not in html


def test_directory_downloads_with_its_filters_in_each_format(client):
    europe = Member.objects.filter(country__region__code="europe").count()
    plain = client.get("/members/download/csv/", {"region": "europe"})
    rows = list(csv.DictReader(io.StringIO(b"".join(plain.streaming_content).decode())))
    assert len(rows) == europe
    barcelona = next(r for r in rows if r["code"] == BARCELONA)
    assert barcelona["country"] == "Spain"
    assert barcelona["latitude"] == "41.38879"

    excel = client.get("/fr/members/download/csv-excel/", {"region": "europe"})
    text = b"".join(excel.streaming_content).decode("utf-8")
    assert text.startswith("\ufeffcode;name;")
    assert ";Espagne;Europe;41,38879;2,15899;" in text

    xlsx = client.get("/es/members/download/xlsx/", {"q": "barcelona"})
    sheet = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content)))["data"]
    assert sheet.max_row == 1 + Member.objects.filter(name__icontains="barcelona").count()
    assert client.get("/members/download/pdf/").status_code == 404


def test_directory_shows_the_download_links_with_its_filters(client):
    html = client.get("/members/", {"region": "europe"}).content.decode()
    for fmt in ("csv", "csv-excel", "xlsx"):
        assert f'href="/members/download/{fmt}/?region=europe"' in html
