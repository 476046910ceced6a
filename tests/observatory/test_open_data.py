"""The open data as loaded: real values with their source, proxies flagged, nothing twice."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db.models import Count

from metroscope.observatory.models import Indicator, Metro, Observation, Scale, Status

pytestmark = pytest.mark.django_db

HEADLINES = {
    "gender_earnings_gap_urban",
    "population_density_urban_centre",
    "poverty_headcount_national_lines",
    "pm25_annual_mean",
    "own_revenue_share",
    "life_expectancy_at_birth",
}


def test_catalogue_holds_the_six_headline_indicators_in_three_languages():
    headlines = set(Indicator.objects.exclude(headline="").values_list("code", flat=True))
    assert headlines == HEADLINES
    for indicator in Indicator.objects.all():
        texts = [indicator.name_en, indicator.name_fr, indicator.name_es]
        texts += [indicator.methodology_en, indicator.methodology_fr, indicator.methodology_es]
        assert all(texts), indicator.code


def test_every_ghsl_centre_and_agglomeration_is_one_metro():
    assert Metro.objects.exclude(ghsl_id=None).count() == 13135
    assert Metro.objects.exclude(wup_id=None).count() == 1860
    assert Metro.objects.filter(memberships__relation="own").distinct().count() >= 120


def test_barcelona_city_and_metropolitan_area_share_one_metro():
    metro = Metro.objects.get(
        memberships__member__code="barcelona-city", memberships__relation="own"
    )
    assert set(metro.members.values_list("code", flat=True)) == {
        "barcelona-city",
        "barcelona-metropolitan-area",
    }
    assert metro.wup_id == 22525
    assert metro.ghsl_id == 2051


def test_country_figures_are_flagged_as_national_proxies_for_member_metros_only():
    life = Observation.objects.filter(indicator__code="life_expectancy_at_birth")
    assert set(life.values_list("scale", flat=True)) == {Scale.NATIONAL_PROXY}
    assert not life.exclude(metro__memberships__relation="own").exists()
    barcelona = life.filter(metro__code="barcelona", year=2020)
    assert set(barcelona.values_list("sex", flat=True)) == {"total", "female", "male"}


def test_city_values_keep_source_year_and_projection_note():
    obs = Observation.objects.get(
        metro__code="barcelona", indicator__code="population_urban_agglomeration", year=2030
    )
    assert obs.note == "UN projection"
    assert obs.source.code == "UN_WUP2018_F12"
    assert obs.status == Status.PUBLISHED
    assert obs.value == 5_811_896


def test_one_value_per_key_and_no_derivation_across_datasets():
    dup = (
        Observation.objects.values("metro", "indicator", "year", "sex")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    assert not dup.exists()
    # density comes only from the GHSL file, for the same polygon as its population
    density = Observation.objects.filter(indicator__code="population_density_urban_centre")
    assert set(density.values_list("source__code", flat=True)) == {"JRC_GHS_UCDB2015_R2019A_V1_2"}


def test_a_second_load_changes_nothing():
    before = Observation.objects.count()
    call_command("load_open_data", verbosity=0)
    assert Observation.objects.count() == before
    assert (
        not Observation.objects.filter(batch__isnull=False)
        .exclude(batch__kind="open_data")
        .exists()
    )


def test_on_delete_rules_hold_without_database_constraints():
    from django.db.models import ProtectedError

    from metroscope.observatory.models import Source

    metro = Metro.objects.get(code="victoria")
    assert metro.observations.exists()
    metro_id = metro.pk
    metro.delete()
    assert not Observation.objects.filter(metro_id=metro_id).exists()
    with pytest.raises(ProtectedError):
        Indicator.objects.get(code="pm25_annual_mean").delete()
    with pytest.raises(ProtectedError):
        Source.objects.get(code="WHO_AAQ_2022_v9").delete()
