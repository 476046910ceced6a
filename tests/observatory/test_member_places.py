"""Each member's figures come from the place it really governs (issue 17, items 1–5).

These run on the real open data the test database loads: they name real members."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from metroscope.members.models import Member
from metroscope.observatory.models import (
    Flag,
    Metro,
    MetroMember,
    Observation,
    PlaceRelation,
    Scale,
    Status,
)

pytestmark = pytest.mark.django_db


def own(name: str) -> Metro:
    return MetroMember.objects.get(member__name=name, relation=PlaceRelation.OWN).metro


def value(metro: Metro, code: str, year: int, sex: str = "total") -> Observation:
    return Observation.objects.get(metro=metro, indicator__code=code, year=year, sex=sex)


def test_every_member_has_exactly_one_own_place():
    assert Member.objects.count() == MetroMember.objects.filter(relation="own").count()
    assert not Member.objects.exclude(metro_links__relation="own").exists()


def test_tijuana_is_in_mexico_and_its_national_figures_are_mexicos():
    tijuana = own("Tijuana")
    assert tijuana.country_iso3 == "MEX"
    gdp = Observation.objects.filter(metro=tijuana, indicator__code="gdp_per_capita_ppp")
    mexico = Observation.objects.filter(
        metro=own("Mexico City"), indicator__code="gdp_per_capita_ppp"
    )
    assert gdp.exists()
    assert dict(gdp.values_list("year", "value")) == dict(mexico.values_list("year", "value"))
    assert set(gdp.values_list("scale", flat=True)) == {Scale.NATIONAL_PROXY}


@pytest.mark.parametrize(
    ("member", "wup_name", "population_2015"),
    [
        ("Incheon", "Incheon", 2_684_975),
        ("Goyang", "Goyang", 984_102),
        ("Karaj", "Karaj", 1_598_015),
        ("Shenzhen", "Shenzhen", 11_275_391),
        ("Taipei", "Taibei", 2_685_628),
        ("Wuxi", "Wuxi, Jiangsu", 2_986_721),
        ("Bogor", "Bogor", 1_051_351),
    ],
)
def test_members_inside_a_bigger_centre_show_their_own_agglomeration(
    member, wup_name, population_2015
):
    place = own(member)
    obs = value(place, "population_urban_agglomeration", 2015)
    assert round(obs.value) == population_2015
    assert place.aliases.filter(name=wup_name, origin="UN WUP 2018").exists()
    # ... and the urban centre they lie in is linked as such, never as their own
    wider = MetroMember.objects.filter(member__name=member).exclude(relation="own")
    assert all(link.metro != place for link in wider)


def test_the_shared_centre_keeps_its_own_figures_and_links_the_members_inside():
    seoul = own("Seoul")
    assert round(value(seoul, "population_urban_agglomeration", 2015).value) == 9_896_859
    relations = dict(seoul.memberships.values_list("member__name", "relation"))
    assert relations["Seoul"] == "own"
    assert relations["Incheon"] == relations["Goyang"] == "part_of"
    assert relations["Gyeonggi"] == "overlap"
    # Incheon's air is its own, not Seoul's
    incheon_pm = dict(
        Observation.objects.filter(
            metro=own("Incheon"), indicator__code="pm25_annual_mean"
        ).values_list("year", "note")
    )
    assert incheon_pm
    assert all("Incheon" in note for note in incheon_pm.values())


def test_gauteng_is_the_sum_of_its_six_agglomerations_said_as_such():
    gauteng = own("Gauteng")
    obs = value(gauteng, "population_urban_agglomeration", 2015)
    parts = MetroMember.objects.filter(member__name="Gauteng", relation="component")
    wup_ids = [22486, 22484, 22501, 23941, 22505, 22507]
    components = Observation.objects.filter(
        metro__wup_id__in=wup_ids, indicator__code="population_urban_agglomeration", year=2015
    )
    assert components.count() == 6
    assert obs.value == pytest.approx(sum(components.values_list("value", flat=True)))
    assert Flag.SUM_OF_COMPONENTS in obs.flags
    assert obs.note.startswith("Sum of 6 UN WUP 2018 agglomerations")
    assert parts.count() == 6


def test_brasilia_is_the_federal_districts_centres_not_the_plano_piloto():
    brasilia = own("Brasilia")
    population = value(brasilia, "population_urban_centre", 2015).value
    plano_piloto = value(Metro.objects.get(ghsl_id=1221), "population_urban_centre", 2015)
    assert plano_piloto.value < 300_000
    assert population > 2_000_000
    area = value(brasilia, "urban_centre_area", 2015).value
    density = value(brasilia, "population_density_urban_centre", 2015).value
    assert density == pytest.approx(population / area, rel=1e-3)
    # its UN agglomeration is its own, held once
    assert brasilia.wup_id == 20187
    assert Metro.objects.filter(wup_id=20187).count() == 1


def test_every_who_locality_of_a_member_is_kept():
    wuxi = Observation.objects.filter(metro=own("Wuxi"), indicator__code="pm25_annual_mean")
    assert wuxi.exists()
    xian = Observation.objects.filter(metro=own("Xi'an"), indicator__code="pm25_annual_mean")
    assert max(xian.values_list("year", flat=True)) == 2018
    brussels = own("Brussels")
    for code in ("pm25_annual_mean", "pm10_annual_mean", "no2_annual_mean"):
        assert Observation.objects.filter(metro=brussels, indicator__code=code, year=2010).exists()
    guarulhos = own("Guarulhos")
    assert guarulhos.kind == "core_city"
    assert Observation.objects.filter(metro=guarulhos, indicator__code="pm25_annual_mean").exists()


def test_city_monitor_records_are_labelled_core_city_and_low_coverage_is_flagged():
    who = Observation.objects.filter(source__code="WHO_AAQ_2022_v9")
    assert set(who.values_list("scale", flat=True)) <= {Scale.CORE_CITY, Scale.REGION}
    assert value(own("Barcelona (city)"), "pm25_annual_mean", 2019).scale == Scale.CORE_CITY
    assert value(own("Gyeonggi"), "pm25_annual_mean", 2019).scale == Scale.REGION
    amman = value(own("Amman"), "pm25_annual_mean", 2019)
    assert Flag.LOW_COVERAGE in amman.flags
    assert "15 %" in amman.note
    projection = value(own("Seoul"), "population_urban_agglomeration", 2030)
    assert Flag.PROJECTION in projection.flags


def test_a_seat_is_linked_as_a_seat_and_its_figures_stay_there():
    minas = own("Minas Gerais")
    assert minas.kind == "region"
    assert not Observation.objects.filter(metro=minas).exclude(scale="national_proxy").exists()
    seat = MetroMember.objects.get(member__name="Minas Gerais", relation="seat").metro
    assert Observation.objects.filter(metro=seat, indicator__code="pm10_annual_mean").exists()


def test_a_reload_removes_open_data_values_the_data_no_longer_gives(django_user_model):
    seoul = own("Seoul")
    stale = Observation.objects.filter(metro=seoul, indicator__code="pm25_annual_mean").first()
    assert stale is not None
    stale.year = 1901
    stale.save()
    user = django_user_model.objects.create_user("someone")
    kept = Observation.objects.create(
        metro=seoul,
        indicator=stale.indicator,
        year=1902,
        value=10,
        scale=Scale.CORE_CITY,
        source=stale.source,
        status=Status.PUBLISHED,
        updated_at=stale.updated_at,
        updated_by=user,
    )
    call_command("load_open_data", verbosity=0)
    assert not Observation.objects.filter(pk=stale.pk).exists()
    assert Observation.objects.filter(pk=kept.pk).exists()


def test_a_crosswalk_row_pointing_to_a_missing_entity_stops_the_load(tmp_path):
    import csv
    import shutil

    from django.conf import settings
    from django.core.management import CommandError

    data = tmp_path / "data"
    shutil.copytree(settings.DATA_DIR, data)
    path = data / "observatory" / "member_crosswalk_extra.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    header = list(rows[0])
    line = next(i for i, r in enumerate(rows) if r["dataset"] == "ghsl_ucdb2015")
    rows[line]["entity_id"] = "99999999"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
    before = Observation.objects.count()
    with pytest.raises(CommandError) as excinfo:
        call_command("load_open_data", data_dir=data, verbosity=0)
    message = str(excinfo.value)
    assert f"member_crosswalk_extra.csv, row {line + 2}, column 'entity_id'" in message
    assert "ghsl_ucdb2015 entity '99999999'" in message
    assert "is not in ghsl_ucdb2015_urban_centres.csv" in message
    assert Observation.objects.count() == before
