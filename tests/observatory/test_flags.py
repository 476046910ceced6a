"""A flagged value shows its flags everywhere it is shown: pages (a badge with its meaning, in
every language), the API (a `flags` list on every value) and every export (a flags column)."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import openpyxl
import pyarrow.parquet as pq
import pytest

from metroscope.members.models import Member
from metroscope.observatory.models import Observation, Status
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

FLAGS = "low_coverage,self_reported"
MARKED = "low_coverage,self_reported"


def KEY(obs: Observation) -> tuple[str, int, str]:  # noqa: N802 - reads as a constant's shape
    return ("pm25_annual_mean", obs.year, "total")


def by_key(rows, year=int) -> dict[tuple[str, int, str], str]:
    return {(r["indicator"], year(r["year"]), r["sex"]): r["flags"] for r in rows}


@pytest.fixture
def flagged() -> Observation:
    """Amman's latest published PM2.5 value, measured over too little of the year."""
    obs = (
        Observation.objects.filter(
            metro__code="amman",
            indicator__code="pm25_annual_mean",
            sex="total",
            status=Status.PUBLISHED,
        )
        .order_by("-year")
        .first()
    )
    assert obs is not None
    obs.flags = FLAGS
    obs.save(update_fields=["flags"])
    return obs


def get(path: str):
    # (XLSX, Parquet and data packages are jobs of the task queue: followed to their file)
    response = client_for(None).get(path, HTTP_HOST="127.0.0.1", follow=True)
    assert response.status_code == 200, path
    return response


def download(fmt: str) -> bytes:
    response = get(f"/observatory/download/{fmt}/?metro=amman")
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


@pytest.mark.parametrize(
    ("lang", "label"),
    [
        ("", "Low temporal coverage"),
        ("/fr", "Faible couverture temporelle"),
        ("/es", "Baja cobertura temporal"),
    ],
)
@pytest.mark.parametrize(
    "path",
    [
        "/observatory/metros/amman/",
        "/observatory/indicators/pm25_annual_mean/?all=1",
        "/observatory/compare/?metros=amman,barcelona",
    ],
)
def test_a_flagged_value_carries_its_badge_on_every_page(flagged, path, lang, label):
    page = get(lang + path).content.decode()
    assert 'data-flag="low_coverage"' in page
    assert 'data-flag="self_reported"' in page
    assert label in page
    assert "75 %" in page  # the tooltip and legend say what the flag means


def test_the_api_gives_every_value_its_flags(flagged):
    body = get("/api/v1/observations?metro=amman&limit=5000").json()
    flags = {(i["indicator"], i["year"], i["sex"]): i["flags"] for i in body["items"]}
    assert flags[KEY(flagged)] == ["low_coverage", "self_reported"]
    assert all(isinstance(f, list) for f in flags.values())
    assert [] in flags.values()  # an unflagged value says so with an empty list
    schema = get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert "flags" in schema["ObservationOut"]["required"]


def test_the_metro_profile_api_gives_the_latest_values_flags(flagged):
    body = get("/api/v1/metros/amman/profile").json()
    (row,) = [r for r in body["indicators"] if r["indicator"] == "pm25_annual_mean"]
    assert row["year"] == flagged.year
    assert row["flags"] == ["low_coverage", "self_reported"]


def test_every_export_has_a_flags_column(flagged):
    key = KEY(flagged)
    rows = by_key(csv.DictReader(io.StringIO(download("csv").decode())))
    assert rows[key] == MARKED
    assert "" in rows.values()

    assert by_key(json.loads(download("json"))["data"])[key] == MARKED

    book = openpyxl.load_workbook(io.BytesIO(download("xlsx")), read_only=True)
    sheet = list(book["data"].iter_rows(values_only=True))
    header = [str(h) for h in sheet[0]]
    assert by_key(dict(zip(header, r, strict=True)) for r in sheet[1:])[key] == MARKED

    assert by_key(pq.read_table(io.BytesIO(download("parquet"))).to_pylist())[key] == MARKED

    with zipfile.ZipFile(io.BytesIO(download("datapackage"))) as package:
        descriptor = json.loads(package.read("datapackage.json"))
        fields = descriptor["resources"][0]["schema"]["fields"]
        assert "flags" in [f["name"] for f in fields]
        data_name = next(n for n in package.namelist() if n.endswith(".csv"))
        packaged = by_key(csv.DictReader(io.StringIO(package.read(data_name).decode())))
    assert packaged[key] == MARKED


def test_a_members_page_flags_the_figures_of_its_own_place():
    obs = (
        Observation.objects.filter(
            metro__memberships__member__name="Amman",
            metro__memberships__relation="own",
            indicator__code="population_urban_centre",
            status=Status.PUBLISHED,
            sex="total",
            scale="metro",
        )
        .exclude(flags__contains="projection")
        .order_by("-year")
        .first()
    )
    assert obs is not None
    obs.flags = "source_boundary"
    obs.save(update_fields=["flags"])
    code = Member.objects.get(name="Amman").code
    for lang in ("", "/fr", "/es"):
        page = get(f"{lang}/members/{code}/").content.decode()
        assert 'data-flag="source_boundary"' in page, lang
