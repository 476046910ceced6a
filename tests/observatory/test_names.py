"""Names a person would use: the WHO's own city names with a country column import whole,
an officer's own scope narrows a shared name, ambiguity lists candidates with codes, and
generic words are never names of a metro."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from metroscope.members.models import Member
from metroscope.observatory.imports import ImportRejected, observation_import
from metroscope.observatory.models import (
    BatchKind,
    ImportBatch,
    Metro,
    MetroAlias,
    MetroMember,
    Observation,
    PlaceRelation,
    Status,
)
from metroscope.observatory.resolve import MetroResolver, Unresolved, member_names
from metroscope.observatory.services import allowed_metros
from metroscope.settings import BASE_DIR
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

DATA = BASE_DIR / "data" / "observatory"


def _crosswalk(dataset: str) -> dict[str, list[dict[str, str]]]:
    """Member name -> its `primary` links to `dataset`."""
    links: dict[str, list[dict[str, str]]] = {}
    with (DATA / "member_crosswalk.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["dataset"] == dataset and row["match_type"] == "primary":
                links.setdefault(row["member_name"], []).append(row)
    return links


def who_members_file(tmp_path: Path) -> tuple[Path, list[dict[str, str]]]:
    """The WHO PM2.5 2019 values of the members, under the WHO's own names, with a country."""
    entities = {
        link["entity_id"]: member
        for member, links in _crosswalk("who_aaq2022").items()
        for link in links
    }
    with (DATA / "city_air_quality_who2022.csv").open(encoding="utf-8") as fh:
        rows = [
            r
            for r in csv.DictReader(fh)
            if r["entity_id"] in entities
            and r["indicator"] == "pm25_annual_mean"
            and r["year"] == "2019"
        ]
    path = tmp_path / "who_pm25_2019_members.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["city", "country", "indicator", "year", "value", "unit", "source"])
        for r in rows:
            out.writerow(
                [r["entity"], r["country_iso3"], "pm25_annual_mean", 2019, r["value"], r["unit"]]
                + [r["source"]]
            )
    return path, rows


def own_place(member_name: str) -> Metro:
    return MetroMember.objects.get(member__name=member_name, relation=PlaceRelation.OWN).metro


def test_who_city_names_with_a_country_import_every_row_then_none(tmp_path, staff):
    path, rows = who_members_file(tmp_path)
    names = {r["entity"] for r in rows}
    assert {"Shenzhen", "Karaj", "Incheon", "Barcelona", "Guarulhos", "Gyeonggi-Do"} <= names
    assert "City Of Johannesburg" in names

    first = observation_import(user=staff, path=path, full=True)

    assert first.rows == len(rows) == 50
    assert first.created + first.updated + first.unchanged == len(rows)
    assert first.created + first.updated > 0
    resolver = MetroResolver()
    placed = {r["entity"]: resolver.resolve(r["entity"], r["country_iso3"]) for r in rows}
    assert len(set(placed.values())) == len(rows)  # fifty rows, fifty places
    for r in rows:
        obs = Observation.objects.get(
            metro_id=placed[r["entity"]], indicator__code="pm25_annual_mean", year=2019
        )
        assert obs.value == float(r["value"])
    # The WHO's names land on the members' own places, not the centres they lie in.
    for who_name, member in [
        ("Shenzhen", "Shenzhen"),
        ("Karaj", "Karaj"),
        ("Incheon", "Incheon"),
        ("Guarulhos", "Guarulhos"),
        ("Gyeonggi-Do", "Gyeonggi"),
        ("Seoul", "Seoul"),
    ]:
        assert placed[who_name] == own_place(member).pk, who_name
    assert resolver.refs[placed["City Of Johannesburg"]].code == "johannesburg"

    again = observation_import(user=staff, path=path, full=True)
    assert (again.created, again.updated, again.unchanged) == (0, 0, len(rows))


def test_a_name_ambiguous_within_its_country_lists_the_candidates_and_writes_nothing(
    tmp_path, staff
):
    twins = [
        Metro.objects.create(
            code=f"villanueva-{n}",
            name="Villanueva",
            folded="villanueva",
            country_iso3="ESP",
            kind="core_city",
            wup_match="",
        )
        for n in (1, 2)
    ]
    path = tmp_path / "amb.csv"
    path.write_text(
        "metro,country,indicator,year,value,source\n"
        "Madrid,ESP,pm25_annual_mean,2031,9,WHO_AAQ_2022_v9\n"
        "Villanueva,ESP,pm25_annual_mean,2031,10,WHO_AAQ_2022_v9\n",
        encoding="utf-8",
    )
    with pytest.raises(ImportRejected) as caught:
        observation_import(user=staff, path=path)
    (problem,) = caught.value.problems
    assert (problem.row, problem.column, problem.value) == (3, "metro", "Villanueva")
    assert "even with the country" in problem.reason
    for twin in twins:
        assert f"Villanueva (ESP, code {twin.code})" in problem.reason
    assert "column" not in problem.reason
    assert not Observation.objects.filter(year=2031).exists()


def test_with_a_country_the_members_own_place_wins_among_places_of_its_name():
    member = Member.objects.get(name="Barcelona (city)")
    MetroMember.objects.update_or_create(
        member=member,
        metro=Metro.objects.get(code="barcelona"),
        defaults={"relation": PlaceRelation.OWN},
    )
    Metro.objects.create(
        code="barcelona-twin",
        name="Barcelona",
        folded="barcelona",
        country_iso3="ESP",
        kind="core_city",
        wup_match="",
    )
    resolver = MetroResolver()
    assert resolver.refs[resolver.resolve("Barcelona", "ESP")].code == "barcelona"
    with pytest.raises(Unresolved):  # without a country, Venezuela's stays a candidate
        resolver.resolve("Barcelona")


def test_officer_of_barcelona_spain_imports_barcelona_without_a_country(
    tmp_path, officer_barcelona
):
    path = tmp_path / "officer.csv"
    path.write_text(
        "metro,indicator,year,value,source\nBarcelona,pm25_annual_mean,2031,12,WHO_AAQ_2022_v9\n",
        encoding="utf-8",
    )
    result = observation_import(
        user=officer_barcelona,
        path=path,
        status=Status.PROVISIONAL,
        allowed_metros=allowed_metros(officer_barcelona),
    )
    assert result.created == 1
    obs = Observation.objects.get(year=2031, indicator__code="pm25_annual_mean")
    assert obs.metro.code == "barcelona"
    assert obs.metro.country_iso3 == "ESP"


def test_ambiguous_without_a_country_offers_candidates_with_codes():
    with pytest.raises(Unresolved) as caught:
        MetroResolver().resolve("Barcelona")
    codes = {ref.code for ref in caught.value.candidates}
    assert {"barcelona", "barcelona-ven"} <= codes
    assert "column" not in str(caught.value)
    assert "code barcelona-ven" in str(caught.value)


def test_resolution_order_code_then_name_in_country_then_own_place_then_alias():
    guarulhos = own_place("Guarulhos")
    resolver = MetroResolver()
    assert resolver.resolve(guarulhos.code) == guarulhos.pk  # a code first
    # Guarulhos lies in São Paulo, whose metro also holds its name as an alias: the
    # member's own place wins over the alias.
    assert resolver.resolve("Guarulhos", "BRA") == guarulhos.pk
    assert resolver.resolve("Guarulhos") == guarulhos.pk
    assert resolver.refs[resolver.resolve("Sao Paulo", "Brazil")].code == "sao-paulo"
    # A member's name that is no metro's: its own place.
    city = own_place("Barcelona (city)")
    assert resolver.resolve("Barcelona (city)") == city.pk
    # Only an alias knows it.
    assert resolver.refs[resolver.resolve("Torino", "ITA")].code == "turin"
    # A name dressed with the kind of government, known once undressed.
    assert resolver.resolve("Gyeonggi-Do", "KOR") == own_place("Gyeonggi").pk
    assert resolver.resolve("Shenzhen Shi", "CHN") == own_place("Shenzhen").pk


def test_a_members_name_is_read_without_its_generic_qualifier():
    assert member_names("Barcelona (city)") == {"barcelona city", "barcelona"}
    assert member_names("Barcelona (metropolitan area)") == {
        "barcelona metropolitan area",
        "barcelona",
    }
    assert member_names("Santiago (Chile)") == {"santiago chile"}


def test_generic_words_are_never_names_of_a_metro():
    assert MetroAlias.objects.filter(folded__in=["city", "metropolitan area"]).exists()
    resolver = MetroResolver()
    for word in ("city", "City", "metropolitan area", "Metropolitan Area"):
        with pytest.raises(Unresolved):
            resolver.resolve(word)
        with pytest.raises(Unresolved):
            resolver.resolve(word, "ESP")


def test_generic_words_are_not_shown_as_other_names_of_a_metro():
    client = client_for(None)
    page = client.get("/observatory/metros/barcelona/", HTTP_HOST="127.0.0.1").content.decode()
    also = page.split("Also known as</dt><dd>", 1)[1].split("</dd>", 1)[0]
    shown = {name.strip() for name in also.split(";")}
    assert "Barcelona" in shown
    assert not {"city", "metropolitan area"} & shown
    api = client.get("/api/v1/metros/barcelona", HTTP_HOST="127.0.0.1").json()
    assert "Barcelona" in api["aliases"]
    assert not {"city", "metropolitan area"} & set(api["aliases"])


def test_unknown_name_lists_the_closest_with_codes(tmp_path, staff):
    path = tmp_path / "typo.csv"
    path.write_text(
        "metro,country,indicator,year,value,source\n"
        "Barcelonna,ESP,pm25_annual_mean,2031,10,WHO_AAQ_2022_v9\n",
        encoding="utf-8",
    )
    with pytest.raises(ImportRejected) as caught:
        observation_import(user=staff, path=path)
    (problem,) = caught.value.problems
    assert problem.row == 2
    assert "unknown metro 'Barcelonna'" in problem.reason
    assert "Barcelona (ESP, code barcelona)" in problem.reason
    assert not ImportBatch.objects.filter(kind=BatchKind.FILE).exists()
