"""The third data drop: CDP-ICLEI inventories, CEADs CO2, GHSL 2025 hospital access and SDG
5.5.1b, from the extraction script's tidy files through the reviewed crosswalk to the pages,
exports and the coverage report. Figures are the sources' own (see the drop's README)."""

from __future__ import annotations

import csv
import importlib.util
import io
import shutil
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from metroscope.core.loading import LoadError
from metroscope.observatory import coverage, selectors
from metroscope.observatory.loaders import third_drop
from metroscope.observatory.models import Flag, MetroMember, Observation, Scale
from tests.conftest import client_for

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data" / "observatory"
CDP_CITATION = (
    "This data was collected in partnership by CDP and ICLEI - Local Governments for Sustainability"
)


def _script():
    spec = importlib.util.spec_from_file_location(
        "extract_third_drop", ROOT / "scripts" / "extract_third_drop.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


extract = _script()


def own_metro(member: str) -> int:
    return MetroMember.objects.get(
        member__name=member, relation__in=third_drop.OWN_RELATIONS
    ).metro_id


def tidy(name: str, **match: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8") as fh:
        return [r for r in csv.DictReader(fh) if all(r[k] == v for k, v in match.items())]


# --- the extraction script (no database) ---------------------------------------------------


def test_each_cdp_year_names_its_columns_differently_and_the_script_maps_them():
    row_2016 = {
        "Account Number": "1",
        "City Name": "City of X",
        "Reporting Year": "2016",
        "Measurement Year": "12/31/2014 12:00:00 AM",
        "Boundary": "Administrative boundary of a local government",
        "Total City-wide Emissions (metric tonnes CO2e)": "1000",
        "Current Population": "100",
        "Current Population Year": "2015",
    }
    row_2020 = {
        "Year Reported to CDP": "2020",
        "Account Number": "1",
        "Organization": "City of X",
        "Accounting year": "2018-01-01 - 2018-12-31",
        "Administrative city boundary": "Metropolitan area",
        "Inventory boundary (compared to Administrative city boundary)": (
            "Larger – covers the whole city and adjoining areas"
        ),
        extract._DIRECT_20: "600",
        extract._INDIRECT_GEN_20: "150",  # scope 2 filed in the grid-generation row
        "Population": "",
        "Population Year": "",
    }
    old = extract.cdp_inventory(2016, row_2016)
    new = extract.cdp_inventory(2020, row_2020)
    assert (old.year, old.total, old.summed, old.population) == (2014, 1000, False, 100)
    assert (old.scale, old.extent) == ("", "")
    assert (new.year, new.total, new.summed, new.population) == (2018, 750, True, None)
    assert (new.scale, new.extent) == ("metro", "larger")
    assert extract.cdp_inventory(2020, {**row_2020, extract._DIRECT_20: ""}) is None


def test_accounting_period_gives_the_year_it_ends_and_notes_odd_periods():
    assert extract.accounting_period("2014-01-01 - 2014-12-31") == (2014, "")
    assert extract.accounting_period("2017-04-01 - 2018-03-31")[0] == 2018
    assert "2018-03-31" in extract.accounting_period("2017-04-01 - 2018-03-31")[1]
    assert extract.accounting_period("06/30/2015 12:00:00 AM")[0] == 2015
    assert extract.accounting_period("-") is None


def test_the_latest_report_of_an_accounting_year_wins():
    # Paris 2014 was reported in 2016 (scope 1+2: 5,195,663) and restated as GPC BASIC in
    # 2017-2019: the README's check figure is 5.49 MtCO2e.
    paris = tidy("city_ghg_emissions_cdp.csv", entity_id="31175", year="2014")
    total = next(r for r in paris if r["indicator"] == "ghg_emissions_total")
    assert float(total["value"]) == 5_489_249
    assert total["reporting_year"] == "2019"
    per = next(r for r in paris if r["indicator"] == "ghg_emissions_per_capita")
    assert float(per["value"]) == pytest.approx(5_489_249 / 2_249_975, rel=1e-5)


def test_ceads_and_ghsl_tidy_values_match_the_readme_checks():
    beijing = tidy("city_co2_ceads.csv", entity_id="北京", year="2015")[0]
    assert float(beijing["value"]) == pytest.approx(92.8, abs=0.05)
    shanghai = tidy("city_co2_ceads.csv", entity_id="上海", year="2015")[0]
    assert float(shanghai["value"]) == pytest.approx(195.3, abs=0.05)
    sofia = tidy("city_health_ghsl2025.csv", entity="Sofia", indicator="hospital_access_1km")
    assert float(sofia[0]["value"]) == pytest.approx(53.6, abs=0.05)
    assert not tidy("city_health_ghsl2025.csv", indicator="pharmacy_access_1km")


def test_inventory_scale_follows_the_stated_boundary():
    assert third_drop.inventory_scale("core_city", "", "same") == Scale.CORE_CITY
    assert third_drop.inventory_scale("core_city", "region", "") == Scale.REGION
    assert third_drop.inventory_scale("core_city", "", "larger") == Scale.METRO
    assert third_drop.inventory_scale("metro", "", "larger") == Scale.METRO
    assert third_drop.inventory_scale("core_city", "core_city", "smaller") is None
    assert third_drop.inventory_scale("core_city", "", "partial") is None
    # a government's own "metropolitan area" is its administrative territory
    assert third_drop.inventory_scale("region", "metro", "") == Scale.REGION
    assert third_drop.inventory_scale("core_city", "metro", "same") == Scale.CORE_CITY
    assert third_drop.inventory_scale("core_city", "metro", "larger") == Scale.METRO


def _link(member: str, match: str, entity: str) -> third_drop.Link:
    return third_drop.Link(2, member, third_drop.GHSL2025, entity, "", match, "metro", "")


def test_centre_values_go_where_the_places_change_will_put_members():
    centres = {10, 20}  # metros of 2015 urban centres; 11, 21 are members' narrower places
    own_of = {"dakar": 10, "bcn-city": 11, "karaj": 21, "bogor": 20}
    centre_of = {"dakar": 10, "bcn-city": 10, "karaj": 20, "bogor": 20}
    placed: dict[int, str] = {}

    def where(member: str, match: str, entity: str) -> int | None:
        return third_drop.centre_metro(
            _link(member, match, entity), own_of, centre_of, centres, placed
        )

    assert where("dakar", "own", "39") == 10  # its own place is its urban centre
    placed[10] = "39"
    assert where("bcn-city", "own", "39") == 10  # a city inside the centre: the centre
    assert where("bogor", "part_of", "5472") == 20
    placed[20] = "5472"
    assert where("karaj", "own", "4992") == 21  # its own 2025 centre, not Tehran's
    # today's fallback: own and centre are the same metro
    fallback = third_drop.member_places(
        {
            "member_of": {"a": 1, "b": 1, "c": 2},
            "ghsl_relation": {"a": "primary", "b": "part_of", "c": "overlap"},
        }
    )
    assert fallback == ({"a": 1}, {"a": 1, "b": 1})


# --- the load --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_cdp_values_keep_the_accounting_year_citation_and_self_reported_flag():
    values = Observation.objects.filter(
        metro_id=own_metro("Buenos Aires"), indicator__code="ghg_emissions_total"
    ).select_related("source")
    by_year = {o.year: o for o in values}
    # 2015 as restated in the 2018 report (the 2017 report said 13,193,864)
    assert by_year[2015].value == 13_113_673
    assert by_year[2015].scale == Scale.CORE_CITY
    assert by_year[2015].source.code == "CDP_ICLEI_CITYWIDE_2018"
    for obs in values:
        assert obs.source.citation == CDP_CITATION
        assert Flag.SELF_REPORTED in obs.flags.split(",")
        assert Flag.SOURCE_BOUNDARY in obs.flags.split(",")


@pytest.mark.django_db
def test_a_metropolitan_authority_does_not_get_the_city_councils_inventory():
    for member in ("Barcelona (metropolitan area)", "Greater Paris", "Torino", "Gauteng"):
        rows = tidy("member_crosswalk_third_drop.csv", member_name=member)
        cdp = next(r for r in rows if r["dataset"] == "cdp_citywide_2016_2021")
        assert cdp["match_type"] == "none", member
    assert not Observation.objects.filter(
        metro__memberships__member__name="Greater Paris",
        metro__memberships__relation__in=third_drop.OWN_RELATIONS,
        indicator__code="ghg_emissions_total",
    ).exists()


@pytest.mark.django_db
def test_ceads_values_are_region_scale_on_the_chinese_members_own_metro():
    beijing = Observation.objects.get(
        metro_id=own_metro("Beijing"), indicator__code="co2_emissions_ceads", year=2015
    )
    assert beijing.value == pytest.approx(92.8, abs=0.05)
    assert beijing.scale == Scale.REGION
    assert "prefecture-level city" in beijing.note
    wuhan = Observation.objects.get(
        metro_id=own_metro("Wuhan"), indicator__code="co2_emissions_ceads", year=2015
    )
    raw = tidy("city_co2_ceads.csv", entity_id="湖北武汉", year="2015")[0]
    assert wuhan.value == float(raw["value"])


@pytest.mark.django_db
def test_hospital_access_is_the_2025_urban_centres_share():
    dakar = Observation.objects.get(
        metro_id=own_metro("Dakar"), indicator__code="hospital_access_1km", year=2025
    )
    assert dakar.value == pytest.approx(63.6, abs=0.05)
    assert dakar.scale == Scale.METRO
    assert dakar.flags == Flag.SOURCE_BOUNDARY
    assert dakar.note.startswith("2025 urban-centre boundary")
    barcelona = Observation.objects.get(
        metro_id=own_metro("Barcelona (city)"), indicator__code="hospital_access_1km"
    )
    assert barcelona.value == pytest.approx(41.2, abs=0.05)


@pytest.mark.django_db
def test_women_council_seats_are_a_national_proxy():
    values = Observation.objects.filter(indicator__code="women_local_council_seats_share")
    assert set(values.values_list("scale", flat=True)) == {Scale.NATIONAL_PROXY}
    spain = tidy("country_women_local_seats_sdg551b.csv", country_iso3="ESP")
    newest = max(spain, key=lambda r: int(r["year"]))
    madrid = values.get(metro_id=own_metro("Madrid"), year=int(newest["year"]))
    assert madrid.value == float(newest["value"])


@pytest.mark.django_db
def test_a_crosswalk_row_pointing_to_a_missing_entity_stops_the_load(tmp_path):
    for name in (*third_drop.TIDY_FILES.values(), third_drop.SDG_FILE):
        shutil.copy(DATA / name, tmp_path / name)
    with (DATA / third_drop.CROSSWALK).open(encoding="utf-8") as fh:
        text = fh.read()
    text += "Dakar,ghsl_ucdb2025_health,999999,Nowhere,SEN,own,metro,,2026-12-07\n"
    (tmp_path / third_drop.CROSSWALK).write_text(text, encoding="utf-8")
    lines = text.count("\n")
    with pytest.raises(LoadError) as caught:
        third_drop.add_third_drop(tmp_path, {"member_of": {}}, rows=None)
    error = caught.value
    assert error.path.name == third_drop.CROSSWALK
    assert error.row == lines
    assert "999999 (Nowhere) is not in city_health_ghsl2025.csv" in error.reason


def test_the_citation_is_in_every_export_row_of_cdp_values(db):
    response = client_for(None).get(
        "/observatory/download/csv/?indicator=ghg_emissions_total", HTTP_HOST="127.0.0.1"
    )
    text = b"".join(response.streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) > 50
    assert {r["citation"] for r in rows} == {CDP_CITATION}
    assert all("self_reported" in r["flags"] for r in rows)


def test_the_metro_page_shows_the_citation_with_the_value(db):
    from metroscope.observatory.models import Metro

    code = Metro.objects.get(pk=own_metro("Buenos Aires")).code
    page = client_for(None).get(f"/observatory/metros/{code}/", HTTP_HOST="127.0.0.1")
    assert page.status_code == 200
    assert CDP_CITATION in page.content.decode()


# --- the coverage report ---------------------------------------------------------------------


def test_summarise_counts_emissions_at_city_or_region_scale_on_own_places_only():
    rows = [
        coverage.CoverageRow(
            "A", "ESP", "own", "ghg_emissions_total", "x", "core_city", 2018, True
        ),
        coverage.CoverageRow("B", "ESP", "own", "ghg_emissions_total", "x", "metro", 2018, True),
        coverage.CoverageRow("C", "CHN", "own", "co2_emissions_ceads", "x", "region", 2019, True),
        coverage.CoverageRow("D", "KOR", "part_of", "co2_emissions_ceads", "x", "region", 2019, 1),
        coverage.CoverageRow("D", "KOR", "part_of", "hospital_access_1km", "x", "metro", 2025, 0),
        coverage.CoverageRow("E", "ZAF", "overlap", "hospital_access_1km", "x", "metro", 2025, 0),
    ]
    names = [(n, "") for n in "ABCDE"]
    report = coverage.summarise(names, rows)
    assert report.emissions_city_or_region == ["A", "C"]
    assert report.emissions_any_scale == ["A", "B", "C"]
    assert report.hospital_access == ["D"]
    assert report.hospital_access_lies_in == ["D"]
    member_a = next(m for m in report.members if m.member == "A")
    assert member_a.cells == {"core_city": {"emissions": 2018}}


@pytest.mark.django_db
def test_data_coverage_command_reports_the_floors(tmp_path):
    out = tmp_path / "coverage.md"
    call_command("data_coverage", out=out, stdout=io.StringIO())
    text = out.read_text(encoding="utf-8")
    members, rows = selectors.member_coverage()
    report = coverage.summarise(members, rows)
    assert len(report.hospital_access) >= 120
    assert len(report.emissions_city_or_region) >= 55
    assert "Beijing" in report.emissions_city_or_region
    assert "Buenos Aires" in report.emissions_city_or_region
    assert f"| {len(report.hospital_access)} of 141 |" in text
    assert "| Dakar | SEN |" in text


@pytest.mark.skipif(not extract.DEFAULT_SOURCE.exists(), reason="the raw drop is not here")
def test_the_tidy_files_are_what_the_script_makes_from_the_raw_drop(tmp_path):
    extract.main(["--out", str(tmp_path)])
    for name in (*third_drop.TIDY_FILES.values(), third_drop.SDG_FILE):
        made = (tmp_path / name).read_bytes()
        assert made == (DATA / name).read_bytes(), f"{name}: run scripts/extract_third_drop.py"
