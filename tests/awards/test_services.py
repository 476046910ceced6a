"""Eligibility, conflicts and scores through the services."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from metroscope.awards import selectors, services
from metroscope.awards.models import Score, Submission
from metroscope.members.models import Member
from tests.awards.conftest import make_edition
from tests.conftest import BARCELONA, SEOUL

GOOD = {"title": "Superblocks", "description": "Streets given back.", "impact": "Less traffic."}


def test_an_officer_submits_for_their_member(officer_barcelona):
    edition = make_edition()
    member = Member.objects.get(code=BARCELONA)
    made = services.submission_create(
        user=officer_barcelona, edition=edition, member=member, data=GOOD
    )
    assert made.history.first().history_user == officer_barcelona


def test_an_officer_cannot_submit_for_another_member(officer_barcelona):
    with pytest.raises(PermissionDenied):
        services.submission_create(
            user=officer_barcelona,
            edition=make_edition(),
            member=Member.objects.get(code=SEOUL),
            data=GOOD,
        )


def test_every_failed_rule_is_listed(officer_barcelona):
    edition = make_edition()
    edition.closes_on = timezone.localdate() - timedelta(days=1)
    edition.opens_on = edition.closes_on - timedelta(days=5)
    edition.save()
    with pytest.raises(ValidationError) as caught:
        services.submission_create(
            user=officer_barcelona,
            edition=edition,
            member=Member.objects.get(code=BARCELONA),
            data={"title": "", "description": "x", "impact": " "},
        )
    errors = caught.value.message_dict
    assert set(errors) == {"__all__", "title", "impact"}
    assert "not open" in errors["__all__"][0]
    assert Submission.objects.count() == 0


def test_one_submission_per_city_per_edition(officer_barcelona):
    edition = make_edition()
    member = Member.objects.get(code=BARCELONA)
    services.submission_create(user=officer_barcelona, edition=edition, member=member, data=GOOD)
    with pytest.raises(ValidationError, match="already submitted"):
        services.submission_create(
            user=officer_barcelona, edition=edition, member=member, data=GOOD
        )


def _sheet(edition, values):
    return dict(zip(edition.criteria.values_list("pk", flat=True), values, strict=True))


def test_a_conflicted_juror_cannot_score(judging):
    edition, seoul = judging["edition"], judging["subs"][SEOUL]
    with pytest.raises(PermissionDenied):
        services.score_record(
            user=judging["juror_a"], submission=seoul, values=_sheet(edition, [5, 5, 5])
        )
    assert not Score.objects.exists()


def test_a_juror_is_assigned_only_unconflicted_submissions(judging):
    from metroscope.awards.models import Juror

    juror_a = Juror.objects.get(user=judging["juror_a"])
    assert [s.member.code for s in services.assignments(juror_a)] == [BARCELONA]


def test_an_outsider_cannot_score(judging, staff):
    with pytest.raises(PermissionDenied):
        services.score_record(user=staff, submission=judging["subs"][BARCELONA], values={})


def test_scores_out_of_range_are_named(judging):
    edition = judging["edition"]
    with pytest.raises(ValidationError) as caught:
        services.score_record(
            user=judging["juror_b"],
            submission=judging["subs"][BARCELONA],
            values=_sheet(edition, [11, 5, 5]),
        )
    assert len(caught.value.message_dict) == 1


def test_ranking_by_weighted_mean_with_spread(judging):
    edition, subs = judging["edition"], judging["subs"]
    # Barcelona: juror_a 40%×8+35%×6+25%×10 = 7.8; juror_b 40%×6+35%×6+25%×6 = 6 → mean 6.9
    services.score_record(
        user=judging["juror_a"], submission=subs[BARCELONA], values=_sheet(edition, [8, 6, 10])
    )
    services.score_record(
        user=judging["juror_b"], submission=subs[BARCELONA], values=_sheet(edition, [6, 6, 6])
    )
    # Seoul: juror_b only, 40%×9+35%×9+25%×9 = 9
    services.score_record(
        user=judging["juror_b"], submission=subs[SEOUL], values=_sheet(edition, [9, 9, 9])
    )
    rows = selectors.ranking(edition)
    assert [(r.submission.member.code, r.rank) for r in rows] == [(SEOUL, 1), (BARCELONA, 2)]
    barcelona = rows[1].summary
    assert barcelona.mean == pytest.approx(6.9)
    assert barcelona.stdev == pytest.approx(0.9)
    assert (barcelona.low, barcelona.high) == pytest.approx((6.0, 7.8))
