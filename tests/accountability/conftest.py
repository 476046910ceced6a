from __future__ import annotations

import pytest

from metroscope.accountability.activities.models import Activity, Measure, ResultIndicator
from metroscope.plan.models import Outcome, Theme


@pytest.fixture
def activity_with_result(db):
    """A loaded activity given (in this test only) a theme, an outcome, a gender marker and a
    result indicator with a met 2021 target: test data, never shipped."""
    activity = Activity.objects.get(title__startswith="World Metropolitan Day 2021")
    activity.gender_marker = 1
    activity.save()
    activity.themes.add(Theme.objects.get(code="T-GEN"))
    activity.outcomes.add(Outcome.objects.get(code="L1.2.1"))
    indicator = ResultIndicator.objects.create(
        activity=activity, title="Test indicator", measure=Measure.UNIT
    )
    indicator.periods.create(year=2021, baseline=0, target=10, actual=12)
    return activity
