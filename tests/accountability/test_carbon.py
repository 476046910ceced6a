"""Travel emissions computations against known distances and hand-worked totals."""

from __future__ import annotations

import pytest

from metroscope.accountability.carbon import analytics as carbon

BARCELONA = (41.3874, 2.1686)
SEOUL = (37.5665, 126.9780)
LONDON = (51.5074, -0.1278)
NEW_YORK = (40.7128, -74.0060)
PARIS = (48.8566, 2.3522)


def test_haversine_matches_known_city_pairs():
    # Great-circle distances between city centres, mean Earth radius 6371.0088 km.
    assert carbon.haversine_km(*BARCELONA, *SEOUL) == pytest.approx(9602, abs=3)
    assert carbon.haversine_km(*LONDON, *NEW_YORK) == pytest.approx(5570, abs=3)
    assert carbon.haversine_km(*PARIS, *LONDON) == pytest.approx(343.6, abs=0.5)


def test_haversine_is_symmetric_and_zero_on_the_spot():
    assert carbon.haversine_km(*SEOUL, *BARCELONA) == pytest.approx(
        carbon.haversine_km(*BARCELONA, *SEOUL)
    )
    assert carbon.haversine_km(*PARIS, *PARIS) == 0


def test_antipodes_are_half_the_circumference():
    assert carbon.haversine_km(0, 0, 0, 180) == pytest.approx(3.141592653589793 * 6371.0088)


def test_flights_get_the_eight_percent_uplift_and_surface_travel_none():
    assert carbon.travelled_km(1000, "air") == pytest.approx(1080)
    assert carbon.travelled_km(1000, "rail") == 1000


def test_haul_band():
    assert carbon.haul(3699) == "short"
    assert carbon.haul(3700) == "long"


FACTORS = {
    ("air", "long", "economy"): 0.15,
    ("air", "short", "economy"): 0.156,
    ("rail", "", ""): 0.035,
}


def trip(**kw):
    base = {
        "activity": 1,
        "year": 2021,
        "line": "L1",
        "distance_km": 1000.0,
        "mode": "air",
        "cabin_class": "economy",
        "passengers": 1,
        "round_trip": False,
    }
    return carbon.TripIn(**{**base, **kw})


def test_trip_emissions_by_hand():
    # 9602 km × 1.08 × 2 passengers × 2 legs × 0.15
    out = carbon.trip_emissions(trip(distance_km=9602, passengers=2, round_trip=True), FACTORS)
    assert out.passenger_km == pytest.approx(9602 * 1.08 * 4)
    assert out.kg_co2e == pytest.approx(9602 * 1.08 * 4 * 0.15)
    rail = carbon.trip_emissions(trip(mode="rail", cabin_class="", distance_km=600), FACTORS)
    assert rail.kg_co2e == pytest.approx(21.0)


def test_a_trip_without_a_factor_is_not_counted_but_reported():
    outs = [
        carbon.trip_emissions(trip(cabin_class="business"), FACTORS),
        carbon.trip_emissions(trip(), FACTORS),
    ]
    assert outs[0].kg_co2e is None
    assert carbon.uncovered(outs) == 1
    assert carbon.totals(outs, "year") == {2021: pytest.approx(1000 * 1.08 * 0.156)}


def test_totals_by_activity_year_and_line():
    outs = [
        carbon.trip_emissions(trip(activity=1, line="L1", mode="rail", cabin_class=""), FACTORS),
        carbon.trip_emissions(
            trip(activity=2, year=2022, line="L2", mode="rail", cabin_class=""), FACTORS
        ),
        carbon.trip_emissions(
            trip(activity=2, year=2022, line="L2", mode="rail", cabin_class=""), FACTORS
        ),
    ]
    assert carbon.totals(outs, "activity") == {1: pytest.approx(35), 2: pytest.approx(70)}
    assert carbon.totals(outs, "line") == {"L1": pytest.approx(35), "L2": pytest.approx(70)}
    assert carbon.totals(outs, "year") == {2021: pytest.approx(35), 2022: pytest.approx(70)}


def test_against_target_follows_a_straight_path_from_the_baseline():
    target = carbon.Target(baseline_year=2019, target_year=2023, reduction=0.4)
    rows = carbon.against_target({2019: 100.0, 2021: 90.0, 2023: 50.0, 2018: 120.0}, target)
    by_year = {r.year: r for r in rows}
    assert by_year[2019].change == 0
    assert by_year[2021].change == pytest.approx(-0.1)
    assert by_year[2021].allowed_kg == pytest.approx(80.0)
    assert by_year[2023].allowed_kg == pytest.approx(60.0)
    assert by_year[2018].allowed_kg is None


def test_against_target_without_baseline_gives_no_change():
    rows = carbon.against_target({2021: 10.0}, carbon.Target(2019, 2023, 0.5))
    assert rows[0].change is None
    assert rows[0].allowed_kg is None


def test_online_activities_are_credited_with_in_person_editions_of_their_type():
    activities = [
        carbon.ActivityMode(1, "event", online=False),
        carbon.ActivityMode(2, "event", online=False),
        carbon.ActivityMode(3, "training", online=False),
        carbon.ActivityMode(4, "event", online=True),
        carbon.ActivityMode(5, "publication", online=True),
    ]
    savings = carbon.online_savings(activities, {1: 100.0, 2: 300.0, 3: 50.0})
    assert savings[4] == pytest.approx(200.0)
    assert savings[5] == pytest.approx(150.0)  # no in-person publication: all in-person
    assert carbon.online_savings(activities, {}) == {}


@pytest.mark.django_db
def test_open_data_loads_the_emission_factors_with_their_source_and_unchecked_flag():
    from metroscope.accountability.carbon.models import EmissionFactor

    factors = EmissionFactor.objects.all()
    assert factors.count() == 3
    rail = factors.get(mode="rail")
    assert str(rail.kg_co2e_per_pkm) == "0.03546"
    assert "DESNZ" in rail.source
    assert not any(f.checked for f in factors)


@pytest.mark.django_db
def test_a_bad_emission_factor_row_stops_the_load_with_its_row_and_column(tmp_path):
    from metroscope.accountability.carbon.factors import load_emission_factors
    from metroscope.core.loading import LoadError, LoadReport

    (tmp_path / "plan").mkdir()
    (tmp_path / "plan" / "emission_factors.csv").write_text(
        "mode,haul,cabin_class,year,kg_co2e_per_pkm,source,table,checked,note\n"
        "rail,,,2024,0.03546,S,T1,false,\n"
        "boat,,,2024,0.1,S,T2,false,\n",
        encoding="utf-8",
    )
    with pytest.raises(LoadError) as error:
        load_emission_factors(tmp_path, LoadReport())
    assert str(error.value) == "emission_factors.csv, row 3, column 'mode': unknown mode 'boat'"
