"""Imports of a user's files: all or nothing, precise reasons, idempotent, audited."""

from __future__ import annotations

import io
import math
import zipfile
from pathlib import Path

import openpyxl
import pytest

from metroscope.observatory.imports import ImportRejected, observation_import
from metroscope.observatory.models import (
    BatchKind,
    ImportBatch,
    Indicator,
    Metro,
    Observation,
    ObservationRevision,
    Status,
)
from metroscope.observatory.services import allowed_metros

pytestmark = pytest.mark.django_db

SOURCE = "Ajuntament de Barcelona - Departament d'Estadística"


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def value(metro: str, indicator: str, year: int, sex: str = "total") -> float:
    return Observation.objects.get(
        metro__code=metro, indicator__code=indicator, year=year, sex=sex
    ).value


def test_tidy_csv_imports_then_a_second_import_writes_nothing(tmp_path, staff):
    path = write(
        tmp_path,
        "tidy.csv",
        "metro,indicator,year,value,sex,source\n"
        f"barcelona,pm25_annual_mean,2024,11.5,total,{SOURCE}\n"
        f"SAO PAULO,life_expectancy_at_birth,2024,79.1,female,{SOURCE}\n",
    )
    first = observation_import(user=staff, path=path)
    assert (first.created, first.updated, first.unchanged) == (2, 0, 0)
    assert value("barcelona", "pm25_annual_mean", 2024) == 11.5
    obs = Observation.objects.get(
        metro__code="sao-paulo", indicator__code="life_expectancy_at_birth", year=2024, sex="female"
    )
    assert obs.status == Status.PUBLISHED
    assert obs.source.title == SOURCE
    assert obs.batch == first.batch
    assert obs.updated_by == staff
    batch = first.batch
    assert batch is not None
    assert (batch.user, batch.rows, batch.created, len(batch.sha256)) == (staff, 2, 2, 64)

    again = observation_import(user=staff, path=path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert again.same_file_as == batch
    assert again.shortcut  # proved unchanged by the hash and the batch's marks
    assert Observation.objects.get(pk=obs.pk).batch == batch  # row not rewritten

    checked = observation_import(user=staff, path=path, full=True)
    assert (checked.created, checked.updated, checked.unchanged) == (0, 0, 2)
    assert not checked.shortcut


def test_a_value_changed_since_makes_the_same_file_count_again(tmp_path, staff):
    path = write(
        tmp_path,
        "twice.csv",
        f"metro,indicator,year,value,source\nbarcelona,pm10_annual_mean,2024,30,{SOURCE}\n",
    )
    observation_import(user=staff, path=path)
    Observation.objects.filter(year=2024, indicator__code="pm10_annual_mean").update(
        value=31, batch=None
    )
    again = observation_import(user=staff, path=path)
    assert not again.shortcut
    assert (again.created, again.updated) == (0, 1)
    assert value("barcelona", "pm10_annual_mean", 2024) == 30
    other_status = observation_import(user=staff, path=path, status=Status.PROVISIONAL)
    assert not other_status.shortcut
    # The same value, provisional, over the published one: it neither hides the published
    # value nor proposes a change to it.
    assert (other_status.updated, other_status.proposed, other_status.unchanged) == (0, 0, 1)
    assert (
        Observation.objects.get(
            metro__code="barcelona", indicator__code="pm10_annual_mean", year=2024
        ).status
        == Status.PUBLISHED
    )


def test_a_change_keeps_the_old_value_in_the_history(tmp_path, staff):
    before = Observation.objects.get(
        metro__code="barcelona", indicator__code="pm25_annual_mean", year=2019
    )
    path = write(
        tmp_path,
        "fix.csv",
        f"metro,indicator,year,value,source\nbarcelona,pm25_annual_mean,2019,99.5,{SOURCE}\n",
    )
    result = observation_import(user=staff, path=path)
    assert result.updated == 1
    revision = ObservationRevision.objects.get(observation=before)
    assert revision.value == before.value
    assert revision.source == before.source
    assert revision.replaced_by == staff
    assert revision.replaced_by_batch == result.batch
    assert value("barcelona", "pm25_annual_mean", 2019) == 99.5


def test_bad_rows_are_all_reported_and_nothing_is_written(tmp_path, staff):
    path = write(
        tmp_path,
        "bad.csv",
        "metro,indicator,year,value,sex\n"
        "barcelona,pm25_annual_mean,2024,11.5,total\n"  # fine on its own
        "Xanadu-on-Sea,pm25_annual_mean,2024,11.5,total\n"
        "barcelona,pm2.5,2024,11.5,total\n"
        "barcelona,pm25_annual_mean,2024,eleven,female\n"
        "barcelona,poverty_headcount_3_00,1850,120,total\n"
        "barcelona,pm25_annual_mean,2023,-1,total\n",
    )
    count = Observation.objects.count()
    with pytest.raises(ImportRejected) as caught:
        observation_import(user=staff, path=path, source=SOURCE)
    found = {(p.row, p.column): p for p in caught.value.problems}
    assert "unknown metro 'Xanadu-on-Sea'" in found[(3, "metro")].reason
    assert "unknown indicator 'pm2.5'" in found[(4, "indicator")].reason
    assert found[(5, "value")].reason == "the value is not a number"
    assert "pm25_annual_mean is given for total only" in found[(5, "sex")].reason
    assert found[(6, "year")].reason == "the year is outside 1900–2100"
    assert "0 to 100" in found[(6, "value")].reason
    assert found[(7, "value")].value == "-1"
    assert caught.value.total == 7
    assert Observation.objects.count() == count
    assert not ImportBatch.objects.filter(kind=BatchKind.FILE).exists()


def test_the_same_key_twice_in_a_file_names_both_rows(tmp_path, staff):
    path = write(
        tmp_path,
        "dup.csv",
        "metro,country,indicator,year,value\nbarcelona,ESP,pm25_annual_mean,2024,1\n"
        "Barcelona,Spain,pm25_annual_mean,2024,2\n",
    )
    with pytest.raises(ImportRejected) as caught:
        observation_import(user=staff, path=path, source=SOURCE)
    (problem,) = caught.value.problems
    assert problem.row == 3
    assert "row(s) 2" in problem.reason
    assert not Observation.objects.filter(year=2024, indicator__code="pm25_annual_mean").exists()


def test_ambiguous_names_need_a_country_and_list_candidates(tmp_path, staff):
    path = write(
        tmp_path, "amb.csv", "metro,indicator,year,value\nBarcelona,pm25_annual_mean,2024,1\n"
    )
    assert Metro.objects.filter(folded="barcelona").count() >= 2
    with_country = write(
        tmp_path,
        "country.csv",
        "metro,country,indicator,year,value\nBarcelona,VEN,pm25_annual_mean,2024,3\n",
    )
    with pytest.raises(ImportRejected) as caught:
        observation_import(user=staff, path=path, source=SOURCE)
    reason = caught.value.problems[0].reason
    assert "names" in reason
    assert "(ESP, code barcelona)" in reason
    assert "VEN" in reason
    observation_import(user=staff, path=with_country, source=SOURCE)
    assert value("barcelona-ven", "pm25_annual_mean", 2024) == 3


def test_member_names_resolve_to_the_metro_they_operate_in(tmp_path, staff):
    path = write(
        tmp_path,
        "members.csv",
        "metro,indicator,year,value\nGuarulhos,pm25_annual_mean,2024,17\n",
    )
    observation_import(user=staff, path=path, source=SOURCE)
    # Guarulhos's own place, not the São Paulo urban centre it lies in
    assert value("guarulhos", "pm25_annual_mean", 2024) == 17


def test_wide_latin1_semicolon_file_with_decimal_comma(tmp_path, staff):
    path = write(
        tmp_path,
        "wide.csv",
        "metro;indicator;2022;2023\nSão Paulo;pm10_annual_mean;30,5;28,25\n",
        encoding="latin-1",
    )
    result = observation_import(user=staff, path=path, source=SOURCE)
    assert (result.file_format, result.encoding, result.created) == ("wide", "latin-1", 2)
    assert value("sao-paulo", "pm10_annual_mean", 2023) == 28.25


def test_sdmx_csv(tmp_path, staff):
    path = write(
        tmp_path,
        "sdmx.csv",
        "DATAFLOW,REF_AREA,INDICATOR,SEX,TIME_PERIOD,OBS_VALUE,UNIT_MEASURE\n"
        "MX:CITIES(1.0),barcelona,life_expectancy_at_birth,F: Female,2024,86.2,years\n",
    )
    result = observation_import(user=staff, path=path, source=SOURCE)
    assert result.file_format == "sdmx"
    assert value("barcelona", "life_expectancy_at_birth", 2024, "female") == 86.2


def test_xlsx_tidy_and_unit_mismatch(tmp_path, staff):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["metro", "indicator", "year", "value", "unit"])
    sheet.append(["barcelona", "pm25_annual_mean", 2024, 10.5, "µg/m³"])
    sheet.append(["barcelona", "pm10_annual_mean", 2024, 20, "%"])
    path = tmp_path / "values.xlsx"
    book.save(path)
    with pytest.raises(ImportRejected) as caught:
        observation_import(user=staff, path=path, source=SOURCE)
    (problem,) = caught.value.problems
    assert (problem.row, problem.column) == (3, "unit")
    assert "measured in µg/m³" in problem.reason


def test_dry_run_counts_but_writes_nothing(tmp_path, staff):
    path = write(
        tmp_path, "dry.csv", "metro,indicator,year,value\nbarcelona,pm25_annual_mean,2024,1\n"
    )
    result = observation_import(user=staff, path=path, source=SOURCE, dry_run=True)
    assert result.created == 1
    assert result.batch is None
    assert not Observation.objects.filter(year=2024, indicator__code="pm25_annual_mean").exists()
    assert not ImportBatch.objects.filter(kind=BatchKind.FILE).exists()


def test_officer_may_import_only_for_their_members_metros(tmp_path, officer_barcelona):
    path = write(
        tmp_path,
        "officer.csv",
        "metro,indicator,year,value\nbarcelona,pm25_annual_mean,2024,9\n"
        "seoul,pm25_annual_mean,2024,9\n",
    )
    with pytest.raises(ImportRejected) as caught:
        observation_import(
            user=officer_barcelona,
            path=path,
            source=SOURCE,
            status=Status.PROVISIONAL,
            allowed_metros=allowed_metros(officer_barcelona),
        )
    (problem,) = caught.value.problems
    assert problem.row == 3
    assert "your member's metros" in problem.reason


# --- files that must be refused whole ---------------------------------------------------------


def _rejected(path: Path, **kwargs) -> str:
    count = Observation.objects.count()
    with pytest.raises(ImportRejected) as caught:
        observation_import(user=None, path=path, source=SOURCE, **kwargs)
    assert Observation.objects.count() == count
    return str(caught.value.problems[0])


def test_empty_file(tmp_path):
    assert "empty" in _rejected(write(tmp_path, "empty.csv", ""))


def test_header_only(tmp_path):
    assert "no data rows" in _rejected(write(tmp_path, "h.csv", "metro,indicator,year,value\n"))


def test_file_over_the_size_limit_is_refused_before_reading(tmp_path):
    path = write(tmp_path, "big.csv", "metro,indicator,year,value\n" + "x,y,2000,1\n" * 2000)
    assert "MB" in _rejected(path, max_bytes=1024)


def test_mixed_encodings(tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_bytes(
        "metro,indicator,year,value,note\nbarcelona,pm25_annual_mean,2024,1,café\n".encode()
        + b"barcelona,pm10_annual_mean,2024,1,caf\xe9\n"
    )
    assert "mixed encodings" in _rejected(path)


def test_xlsx_zip_bomb(tmp_path, settings):
    settings.METROSCOPE_IMPORT_MAX_XLSX_UNCOMPRESSED = 1024 * 1024
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (8 * 1024 * 1024))
    assert "MB" in _rejected(path) or "compress" in _rejected(path)


def test_xlsx_with_external_entities(tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["metro", "indicator", "year", "value"])
    book.active.append(["barcelona", "pm25_annual_mean", 2024, 1])
    buffer = io.BytesIO()
    book.save(buffer)
    evil = tmp_path / "evil.xlsx"
    with (
        zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as src,
        zipfile.ZipFile(evil, "w") as dst,
    ):
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                doctype = '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
                text = data.decode()
                if text.startswith("<?xml"):
                    head, rest = text.split("?>", 1)
                    text = f"{head}?>{doctype}{rest}"
                else:
                    text = doctype + text
                data = text.replace("barcelona", "&e;").encode()
            dst.writestr(item, data)
    assert "entit" in _rejected(evil).lower()


def test_a_value_past_the_hard_range_is_refused_with_its_row_and_column(tmp_path, staff):
    path = write(
        tmp_path,
        "huge.csv",
        "metro,indicator,year,value\n"
        "barcelona,pm25_annual_mean,2024,11.5\n"
        "barcelona,pm25_annual_mean,2023,1e308\n",
    )
    count = Observation.objects.count()
    with pytest.raises(ImportRejected) as caught:
        observation_import(user=staff, path=path, source=SOURCE)
    (problem,) = caught.value.problems
    assert (problem.row, problem.column, problem.value) == (3, "value", "1e308")
    assert problem.reason == "pm25_annual_mean takes values from 0 to 1,000 (µg/m³)"
    assert Observation.objects.count() == count


def test_every_indicator_has_a_finite_range():
    for indicator in Indicator.objects.all():
        low, high = indicator.valid_range()
        assert math.isfinite(low), indicator.code
        assert math.isfinite(high), indicator.code
        assert low < high, indicator.code
        assert indicator.max_value is not None, indicator.code
    density = Indicator.objects.get(code="population_density_urban_centre")
    assert density.valid_range() == (0, 500_000)
