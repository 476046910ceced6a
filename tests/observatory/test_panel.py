"""The per-process peer arrays know when they are stale: the metro table's version token,
changed by database triggers on every write however it is made."""

from __future__ import annotations

import numpy as np
import pytest

from metroscope.observatory import panel
from metroscope.observatory.models import AreaKind, Metro, Observation, Status

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_panel():
    panel.clear()
    yield
    panel.clear()


def new_metro(code: str) -> Metro:
    return Metro.objects.create(
        code=code, name=code.title(), folded=code, country_iso3="ESP", kind=AreaKind.URBAN_CENTRE
    )


def test_every_kind_of_write_to_the_metro_table_changes_the_version():
    seen = {panel.data_version()}
    metro = new_metro("version-test")  # insert
    seen.add(panel.data_version())
    Metro.objects.filter(pk=metro.pk).update(name="Renamed")  # a queryset update, no signal
    seen.add(panel.data_version())
    metro.refresh_from_db()
    metro.name = "Renamed again"
    metro.save()  # an ORM save
    seen.add(panel.data_version())
    Metro.objects.filter(pk=metro.pk).delete()  # a delete
    seen.add(panel.data_version())
    assert len(seen) == 5


def test_reading_other_tables_leaves_the_version_alone():
    before = panel.data_version()
    list(Metro.objects.all()[:10])
    Observation.objects.filter(status=Status.PUBLISHED).count()
    assert panel.data_version() == before


def test_a_deleted_metro_leaves_the_cached_series_and_names():
    observation = Observation.objects.filter(status=Status.PUBLISHED, sex="total").first()
    assert observation is not None
    metro_id, indicator_id = observation.metro_id, observation.indicator_id
    assert metro_id in panel.series(indicator_id).metros
    assert metro_id in panel.metro_refs()
    Metro.objects.filter(pk=metro_id).delete()  # cascades to its observations
    assert metro_id not in panel.series(indicator_id).metros
    assert metro_id not in panel.metro_refs()


def test_a_renamed_metro_shows_its_new_name():
    metro = Metro.objects.get(code="barcelona")
    assert panel.metro_refs()[metro.pk][1] == metro.name
    Metro.objects.filter(pk=metro.pk).update(name="Barcelona (renamed)")
    assert panel.metro_refs()[metro.pk][1] == "Barcelona (renamed)"


def test_a_series_keeps_each_values_scale_and_splits_by_it():
    series = panel.Series(
        metros=np.array([1, 2, 3, 1, 2], np.int64),
        years=np.array([2019, 2019, 2019, 2020, 2020], np.int64),
        values=np.array([10.0, 20.0, 30.0, 11.0, 21.0]),
        scales=np.array([0, 1, 0, 3, 0], np.int8),
    )
    assert panel.SCALES[:4] == ("metro", "core_city", "region", "national_proxy")
    assert series.scales_present() == ["metro", "core_city", "national_proxy"]
    metro = series.of_scale("metro")
    assert metro.metros.tolist() == [1, 3, 2]
    assert metro.year(2019)[1].tolist() == [10.0, 30.0]
    assert metro.year_counts() == {2019: 2, 2020: 1}
    assert series.of_scale("national_proxy").values.tolist() == [11.0]
    assert series.of_scale("region").values.size == 0
    assert series.of_scale("metro") is metro  # kept with the series
