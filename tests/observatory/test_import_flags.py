"""An import keeps what a file does not speak of: without a flags or note column, each value
keeps its flags and note (a UN projection stays a projection); with the column, the file sets
them. So the Observatory's own download, imported back unchanged, changes nothing."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from metroscope.core.models import Job
from metroscope.observatory.imports import (
    FLAG_CODES,
    ImportRejected,
    observation_import,
    outlier_ceiling,
    parse_flags,
)
from metroscope.observatory.models import (
    Decision,
    Flag,
    Indicator,
    Observation,
    ObservationRevision,
    ProposedValue,
    Status,
)
from metroscope.observatory.services import proposal_decide
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

NOTE = 'Census 2021, "final" figures'  # a comma and quotes: the CSV must quote it


@pytest.fixture
def metro() -> str:
    """A metro with published UN World Urbanization Prospects projections (real open data),
    given a note on one value and two flags on another."""
    projected = Observation.objects.filter(flags=Flag.PROJECTION, status=Status.PUBLISHED)
    obs = projected.order_by("metro__code", "indicator__code", "year").first()
    assert obs is not None
    obs.note = NOTE
    obs.save(update_fields=["note"])
    other = (
        Observation.objects.filter(metro=obs.metro, status=Status.PUBLISHED)
        .exclude(pk=obs.pk)
        .order_by("indicator__code", "year")
        .first()
    )
    assert other is not None
    other.flags, other.note = "low_coverage,self_reported", "measured at 3 stations"
    other.save(update_fields=["flags", "note"])
    return obs.metro.code


def held(metro: str) -> dict[tuple[str, int, str], tuple[float, str, str, str]]:
    return {
        (o.indicator.code, o.year, o.sex): (o.value, o.status, o.note, o.flags)
        for o in Observation.objects.filter(metro__code=metro).select_related("indicator")
    }


def download(metro: str, fmt: str = "csv") -> bytes:
    # (XLSX is a job of the task queue, run at once in tests: the page sends to the file)
    response = client_for(None).get(
        f"/observatory/download/{fmt}/?metro={metro}", HTTP_HOST="127.0.0.1", follow=True
    )
    assert response.status_code == 200
    if response.streaming:
        return b"".join(response.streaming_content)  # type: ignore[attr-defined]
    return response.content


def rows_of(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"))))


def write_rows(path: Path, rows: list[dict[str, str]], drop: tuple[str, ...] = ()) -> Path:
    columns = [c for c in rows[0] if c not in drop]
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_download_imported_back_changes_nothing(tmp_path, staff, metro, fmt):
    before = held(metro)
    assert {f for *_, f in before.values()} >= {"projection", "low_coverage,self_reported"}
    assert len(before) > 5
    path = tmp_path / f"download.{fmt}"
    path.write_bytes(download(metro, fmt))

    result = observation_import(user=staff, path=path)

    assert (result.created, result.updated, result.proposed) == (0, 0, 0)
    assert result.unchanged == result.rows == len(before)
    assert result.kept == []
    assert held(metro) == before


def test_a_file_without_flags_or_note_columns_keeps_them(tmp_path, staff, metro):
    before = held(metro)
    rows = rows_of(download(metro))
    path = write_rows(tmp_path / "bare.csv", rows, drop=("flags", "note"))
    assert "flags" not in path.read_text().splitlines()[0]

    result = observation_import(user=staff, path=path)

    assert (result.created, result.updated, result.unchanged) == (0, 0, len(rows))
    assert result.kept == ["note", "flags"]
    assert held(metro) == before


def test_a_flags_column_changing_one_flag_changes_one_value(tmp_path, staff, metro):
    before = held(metro)
    rows = rows_of(download(metro))
    changed = next(r for r in rows if r["flags"] == "projection")
    changed["flags"] = " Projection , LOW-coverage,projection"  # case, spaces, repeats forgiven
    path = write_rows(tmp_path / "one-flag.csv", rows)

    result = observation_import(user=staff, path=path)

    assert (result.created, result.updated, result.unchanged) == (0, 1, len(rows) - 1)
    key = (changed["indicator"], int(changed["year"]), changed["sex"])
    after = held(metro)
    assert after[key][3] == "projection,low_coverage"
    assert after[key][2] == before[key][2]  # the note the file repeats is untouched
    assert {k: v for k, v in after.items() if k != key} == {
        k: v for k, v in before.items() if k != key
    }
    revision = ObservationRevision.objects.get(replaced_by_batch=result.batch)
    assert revision.flags == "projection"  # the history keeps what the value was


def test_an_empty_cell_still_clears(tmp_path, staff, metro):
    rows = rows_of(download(metro))
    target = next(r for r in rows if r["note"] == NOTE)
    target["flags"] = target["note"] = ""
    path = write_rows(tmp_path / "cleared.csv", [target])

    result = observation_import(user=staff, path=path)

    assert result.updated == 1
    obs = Observation.objects.get(
        metro__code=metro, indicator__code=target["indicator"], year=target["year"]
    )
    assert (obs.note, obs.flags) == ("", "")


def test_a_new_value_from_a_file_without_flags_has_none(tmp_path, staff):
    path = tmp_path / "new.csv"
    path.write_text("metro,indicator,year,value,source\nseoul,pm25_annual_mean,2031,20.5,Seoul\n")

    result = observation_import(user=staff, path=path)

    assert result.created == 1
    obs = Observation.objects.get(
        metro__code="seoul", indicator__code="pm25_annual_mean", year=2031
    )
    assert (obs.note, obs.flags) == ("", "")


def test_a_changed_value_without_the_columns_keeps_its_flags_and_note(tmp_path, staff, metro):
    obs = Observation.objects.get(metro__code=metro, note=NOTE)
    path = tmp_path / "value.csv"
    path.write_text(
        "metro,indicator,year,value,sex,scale,source\n"
        f"{metro},{obs.indicator.code},{obs.year},{obs.value + 1!r},{obs.sex},{obs.scale},"
        f"{obs.source.code}\n"
    )

    result = observation_import(user=staff, path=path)

    assert result.updated == 1
    obs.refresh_from_db()
    assert (obs.note, obs.flags) == (NOTE, Flag.PROJECTION)


def test_an_unknown_flag_is_a_problem_naming_the_codes(tmp_path, staff, metro):
    before = held(metro)
    rows = rows_of(download(metro))
    rows[1]["flags"] = "projection,estimated"
    path = write_rows(tmp_path / "bad.csv", rows)

    with pytest.raises(ImportRejected) as caught:
        observation_import(user=staff, path=path)

    (problem,) = caught.value.problems
    assert (problem.row, problem.column, problem.value) == (3, "flags", "projection,estimated")
    assert "'estimated'" in problem.reason
    assert all(code in problem.reason for code in FLAG_CODES)
    assert held(metro) == before


def test_parse_flags_forgives_case_spaces_and_repeats():
    assert parse_flags(" Sum of components,PROJECTION , projection,") == (
        "sum_of_components,projection",
        [],
    )
    assert parse_flags("") == ("", [])
    assert parse_flags("projection, forecast") == ("projection", ["forecast"])


def test_a_proposal_over_a_published_value_keeps_its_flags_and_note(tmp_path, officer_seoul):
    obs = (
        Observation.objects.filter(metro__code="seoul", status=Status.PUBLISHED)
        .order_by("indicator__code", "year")
        .first()
    )
    assert obs is not None
    obs.flags, obs.note = Flag.SELF_REPORTED, "reported by the city"
    obs.save(update_fields=["flags", "note"])
    line = f"seoul,{obs.indicator.code},{obs.year},{obs.value + 1!r},{obs.sex},{obs.scale}"
    bare = tmp_path / "bare.csv"
    bare.write_text(f"metro,indicator,year,value,sex,scale\n{line}\n")

    result = observation_import(
        user=officer_seoul, path=bare, status=Status.PROVISIONAL, source=obs.source.code
    )

    assert (result.proposed, result.updated) == (1, 0)
    proposal = ProposedValue.objects.get(observation=obs, decision=Decision.PENDING)
    assert (proposal.flags, proposal.note) == (Flag.SELF_REPORTED, "reported by the city")

    # A file with the columns sets them on the waiting proposal; one without keeps the
    # proposal's own.
    flagged = tmp_path / "flagged.csv"
    flagged.write_text(f"metro,indicator,year,value,sex,scale,flags,note\n{line},,new note\n")
    observation_import(
        user=officer_seoul, path=flagged, status=Status.PROVISIONAL, source=obs.source.code
    )
    proposal.refresh_from_db()
    assert (proposal.flags, proposal.note) == ("", "new note")
    other = f"seoul,{obs.indicator.code},{obs.year},{obs.value + 2!r},{obs.sex},{obs.scale}"
    bare.write_text(f"metro,indicator,year,value,sex,scale\n{other}\n")  # another value
    observation_import(
        user=officer_seoul, path=bare, status=Status.PROVISIONAL, source=obs.source.code
    )
    proposal.refresh_from_db()
    assert (proposal.flags, proposal.note) == ("", "new note")
    published = Observation.objects.get(pk=obs.pk)
    assert (published.flags, published.note) == (Flag.SELF_REPORTED, "reported by the city")


def test_approving_a_proposal_without_the_columns_keeps_the_flags(tmp_path, staff):
    obs = Observation.objects.filter(flags=Flag.PROJECTION, status=Status.PUBLISHED).first()
    assert obs is not None
    path = tmp_path / "proposal.csv"
    key = f"{obs.metro.code},{obs.indicator.code},{obs.year}"
    path.write_text(
        f"metro,indicator,year,value,sex,scale\n{key},{obs.value + 1!r},{obs.sex},{obs.scale}\n"
    )
    observation_import(user=staff, path=path, status=Status.PROVISIONAL, source=obs.source.code)
    proposal = ProposedValue.objects.get(observation=obs, decision=Decision.PENDING)

    proposal_decide(user=staff, proposal_ids=[proposal.pk], approve=True)

    obs.refresh_from_db()
    assert (obs.value, obs.flags, obs.status) == (proposal.value, Flag.PROJECTION, "published")


def test_an_outlier_adds_check_value_to_the_flags_it_keeps(tmp_path, staff):
    no2 = Indicator.objects.get(code="no2_annual_mean")
    ceiling = outlier_ceiling(no2)
    assert ceiling is not None
    suspicious = round((ceiling + no2.valid_range()[1]) / 2, 1)
    head = "metro,indicator,year,value,source"
    first = tmp_path / "first.csv"
    first.write_text(f"{head},flags\nbarcelona,no2_annual_mean,2031,30,AQ,self_reported\n")
    observation_import(user=staff, path=first, status=Status.PROVISIONAL)
    odd = tmp_path / "odd.csv"
    odd.write_text(f"{head}\nbarcelona,no2_annual_mean,2031,{suspicious},AQ\n")

    result = observation_import(user=staff, path=odd, status=Status.PROVISIONAL)

    assert (result.flagged, result.updated) == (1, 1)
    obs = Observation.objects.get(metro__code="barcelona", indicator=no2, year=2031)
    assert obs.flags == "self_reported,check_value"
    again = observation_import(user=staff, path=odd, status=Status.PROVISIONAL, full=True)
    assert (again.updated, again.unchanged) == (0, 1)  # check_value is not added twice
    obs.refresh_from_db()
    assert obs.flags == "self_reported,check_value"
    # Corrected, the value is no longer far out: the flag the import judged goes, the rest stays.
    odd.write_text(f"{head}\nbarcelona,no2_annual_mean,2031,31.5,AQ\n")
    fixed = observation_import(user=staff, path=odd, status=Status.PROVISIONAL)
    assert (fixed.flagged, fixed.updated) == (0, 1)
    obs.refresh_from_db()
    assert (obs.value, obs.flags) == (31.5, "self_reported")


def test_the_api_keeps_the_note_and_flags_when_none_are_sent(officer_seoul):
    obs = (
        Observation.objects.filter(metro__code="seoul", status=Status.PUBLISHED)
        .order_by("indicator__code", "year")
        .first()
    )
    assert obs is not None
    obs.note, obs.flags = "kept", Flag.PROJECTION
    obs.save(update_fields=["note", "flags"])
    body = [
        {
            "metro": "seoul",
            "indicator": obs.indicator.code,
            "year": obs.year,
            "sex": obs.sex,
            "scale": obs.scale,
            "value": obs.value + 1,
            "source": obs.source.code,
        }
    ]
    response = client_for(officer_seoul).post(
        "/api/v1/observations", body, content_type="application/json", HTTP_HOST="127.0.0.1"
    )
    assert response.status_code == 200, response.content
    assert response.json()["proposed"] == 1
    proposal = ProposedValue.objects.get(observation=obs, decision=Decision.PENDING)
    assert (proposal.value, proposal.note, proposal.flags) == (
        obs.value + 1,
        "kept",
        Flag.PROJECTION,
    )


@pytest.mark.parametrize(
    ("prefix", "kept", "help_text"),
    [
        ("", "The file has no flags column", "comma-separated codes: projection, low_coverage"),
        ("/fr", "pas de colonne flags", "codes séparés par des virgules"),
        ("/es", "El archivo no tiene columna flags", "códigos separados por comas"),
    ],
)
def test_the_import_page_documents_the_columns_and_its_preview_says_what_is_kept(
    staff, prefix, kept, help_text
):
    client = client_for(staff)
    form = client.get(f"{prefix}/observatory/import/", HTTP_HOST="127.0.0.1").content.decode()
    assert help_text in form
    upload = SimpleUploadedFile(
        "values.csv", b"metro,indicator,year,value,source,note\nseoul,pm25_annual_mean,2031,2,X,\n"
    )
    staged = client.post(f"{prefix}/observatory/import/", {"file": upload}, HTTP_HOST="127.0.0.1")
    assert staged.status_code == 302
    page = client.get(staged["Location"], HTTP_HOST="127.0.0.1").content.decode()
    assert kept in page
    assert "note" not in Job.objects.get().result["kept"]
