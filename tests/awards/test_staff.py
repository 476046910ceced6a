"""The staff's side: the rubric's weights sum to 100 (service, page and admin), the ranking
by weighted mean and spread, the shortlist and winners, and publishing winners as Exchange
solutions."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from metroscope.awards import services
from metroscope.awards.admin import CriterionInline
from metroscope.awards.forms import CriterionFormSet, RubricFormSet
from metroscope.awards.models import Criterion, EditionStatus, Submission
from metroscope.exchange.models import Solution, SolutionStatus
from tests.awards.conftest import make_edition
from tests.conftest import BARCELONA, SEOUL, client_for

pytestmark = pytest.mark.django_db
Row = services.CriterionRow


def _sheet(edition, value):
    return {c.pk: value for c in edition.criteria.all()}


def test_the_service_refuses_weights_that_do_not_sum_to_100(staff):
    edition = make_edition(year=2034, status="draft")
    with pytest.raises(ValidationError) as refused:
        services.rubric_save(user=staff, edition=edition, rows=[Row("A", 40), Row("B", 40)])
    assert "The weights sum to 80, not 100." in refused.value.messages
    assert list(edition.criteria.values_list("weight", flat=True)) == [40, 35, 25]


def test_the_service_saves_a_rubric_of_100(staff):
    edition = make_edition(year=2034, status="draft")
    services.rubric_save(user=staff, edition=edition, rows=[Row("A", 60), Row("B", 40)])
    assert list(edition.criteria.values_list("name", "weight")) == [("A", 60), ("B", 40)]
    assert Criterion.history.filter(history_user=staff).exists()


def test_only_staff_save_a_rubric(officer_barcelona):
    with pytest.raises(PermissionDenied):
        services.rubric_save(user=officer_barcelona, edition=make_edition(), rows=[Row("A", 100)])


def test_the_rubric_is_frozen_once_scored(judging, staff):
    services.score_record(
        user=judging["juror_b"],
        submission=judging["subs"][BARCELONA],
        values=_sheet(judging["edition"], 5),
    )
    with pytest.raises(ValidationError, match="started scoring"):
        services.rubric_save(user=staff, edition=judging["edition"], rows=[Row("A", 100)])


def _formset_data(edition, weights):
    data = {
        "criteria-TOTAL_FORMS": str(len(weights)),
        "criteria-INITIAL_FORMS": str(edition.criteria.count()),
        "criteria-MIN_NUM_FORMS": "0",
        "criteria-MAX_NUM_FORMS": "1000",
    }
    existing = list(edition.criteria.all())
    for i, weight in enumerate(weights):
        data[f"criteria-{i}-name"] = f"Criterion {i}"
        data[f"criteria-{i}-weight"] = str(weight)
        data[f"criteria-{i}-order"] = str(i)
        if i < len(existing):
            data[f"criteria-{i}-id"] = str(existing[i].pk)
            data[f"criteria-{i}-edition"] = str(edition.pk)
    return data


def test_the_page_refuses_weights_that_do_not_sum_to_100(staff):
    edition = make_edition(year=2034, status="draft")
    answer = client_for(staff).post(
        f"/awards/{edition.year}/rubric/", _formset_data(edition, [50, 30, 10])
    )
    assert answer.status_code == 200
    assert "The weights sum to 90, not 100." in answer.content.decode()
    assert list(edition.criteria.values_list("weight", flat=True)) == [40, 35, 25]


def test_the_page_saves_a_rubric_of_100(staff):
    edition = make_edition(year=2034, status="draft")
    answer = client_for(staff).post(
        f"/awards/{edition.year}/rubric/", _formset_data(edition, [50, 30, 20])
    )
    assert answer.status_code == 302
    assert list(edition.criteria.values_list("weight", flat=True)) == [50, 30, 20]


def test_the_admin_uses_the_same_check():
    assert issubclass(CriterionInline.formset, RubricFormSet)
    edition = make_edition(year=2034, status="draft")
    formset = CriterionFormSet(
        _formset_data(edition, [50, 30, 30]), instance=edition, prefix="criteria"
    )
    assert not formset.is_valid()
    assert "The weights sum to 110, not 100." in formset.non_form_errors()


def test_the_admin_page_refuses_weights_that_do_not_sum_to_100(admin_user):
    edition = make_edition(year=2034, status="draft")
    client = client_for(admin_user)
    page = client.get(f"/admin/awards/edition/{edition.pk}/change/")
    form = page.context["adminform"].form
    data = {
        "year": edition.year,
        "status": edition.status,
        "opens_on": edition.opens_on.isoformat(),
        "closes_on": edition.closes_on.isoformat(),
        "submissions_total": "",
        "jurors-TOTAL_FORMS": "0",
        "jurors-INITIAL_FORMS": "0",
        "jurors-MIN_NUM_FORMS": "0",
        "jurors-MAX_NUM_FORMS": "1000",
    }
    assert "year" in form.fields
    data.update(_formset_data(edition, [50, 30, 30]))
    answer = client.post(f"/admin/awards/edition/{edition.pk}/change/", data)
    assert answer.status_code == 200
    assert "The weights sum to 110, not 100." in answer.content.decode()
    assert list(edition.criteria.values_list("weight", flat=True)) == [40, 35, 25]


def test_the_ranking_shows_the_weighted_mean_and_spread(judging, staff):
    barcelona = judging["subs"][BARCELONA]
    services.score_record(
        user=judging["juror_a"], submission=barcelona, values=_sheet(judging["edition"], 6)
    )
    services.score_record(
        user=judging["juror_b"], submission=barcelona, values=_sheet(judging["edition"], 8)
    )
    answer = client_for(staff).get(f"/awards/{judging['edition'].year}/ranking/")
    row = next(r for r in answer.context["rows"] if r.submission == barcelona)
    assert (row.rank, row.summary.mean, row.summary.stdev) == (1, 7.0, 1.0)
    body = answer.content.decode()
    assert "7.00" in body
    assert "1.00" in body
    assert "6.00 – 8.00" in body


def _select(staff, edition, shortlisted, winners):
    return client_for(staff).post(
        f"/awards/{edition.year}/ranking/",
        {"action": "select", "shortlisted": shortlisted, "winners": winners},
    )


def test_a_winner_must_be_shortlisted(judging, staff):
    barcelona = judging["subs"][BARCELONA]
    answer = _select(staff, judging["edition"], [], [barcelona.pk])
    assert answer.status_code == 302
    barcelona.refresh_from_db()
    assert (barcelona.shortlisted, barcelona.winner) == (False, False)


def test_publishing_winners_creates_exchange_solutions(judging, staff):
    edition, barcelona = judging["edition"], judging["subs"][BARCELONA]
    _select(staff, edition, [barcelona.pk, judging["subs"][SEOUL].pk], [barcelona.pk])
    before = Solution.objects.count()
    answer = client_for(staff).post(
        f"/awards/{edition.year}/ranking/", {"action": "publish"}, follow=True
    )
    assert "1 winner is published in the exchange" in answer.content.decode()
    assert Solution.objects.count() == before + 1
    barcelona.refresh_from_db()
    solution = barcelona.solution
    assert solution is not None
    assert (solution.collection.code, solution.status) == ("guangzhou-award", "published")
    assert solution.title == barcelona.title
    assert list(solution.members.values_list("code", flat=True)) == [BARCELONA]
    assert [s.action for s in solution.steps.order_by("pk")] == ["create", "submit", "publish"]
    edition.refresh_from_db()
    assert edition.status == EditionStatus.PUBLISHED
    page = client_for(None).get(f"/awards/{edition.year}/").content.decode()
    assert f"/exchange/solutions/{solution.slug}/" in page
    again = _select(staff, edition, [], [])
    assert again.status_code == 302
    assert Submission.objects.get(pk=barcelona.pk).winner  # the choice is made


def test_publishing_needs_a_winner(judging, staff):
    with pytest.raises(ValidationError, match="at least one winner"):
        services.winners_publish(user=staff, edition=judging["edition"])
    assert judging["edition"].status == "judging"


def test_only_staff_publish(judging, officer_barcelona):
    Submission.objects.filter(pk=judging["subs"][BARCELONA].pk).update(
        shortlisted=True, winner=True
    )
    with pytest.raises(PermissionDenied):
        services.winners_publish(user=officer_barcelona, edition=judging["edition"])
    assert not Solution.objects.filter(title__startswith="Initiative of").exists()


def test_published_solutions_are_published_and_public(judging, staff):
    Submission.objects.filter(pk=judging["subs"][SEOUL].pk).update(shortlisted=True, winner=True)
    [made] = services.winners_publish(user=staff, edition=judging["edition"])
    assert made.solution.status == SolutionStatus.PUBLISHED
    assert client_for(None).get(f"/exchange/solutions/{made.solution.slug}/").status_code == 200


def test_winners_and_finalists_stay_private_until_published(judging, staff, officer_seoul):
    """Saving the shortlist and the winners while the jury works shows nothing to the public
    (nor to the officers): the edition's pages name them once the winners are published."""
    edition, barcelona, seoul = (
        judging["edition"],
        judging["subs"][BARCELONA],
        judging["subs"][SEOUL],
    )
    _select(staff, edition, [barcelona.pk, seoul.pk], [barcelona.pk])
    for path in (f"/awards/{edition.year}/", "/awards/"):
        html = client_for(None).get(path).content.decode()
        assert barcelona.title not in html, path
        assert seoul.title not in html, path
        # Seoul's officer sees their own submission, not that Barcelona won
        assert barcelona.title not in client_for(officer_seoul).get(path).content.decode()
    services.winners_publish(user=staff, edition=edition)
    html = client_for(None).get(f"/awards/{edition.year}/").content.decode()
    winners = html.split('id="new-winners-h"', 1)[1].split("</section>", 1)[0]
    finalists = html.split('id="new-finalists-h"', 1)[1].split("</section>", 1)[0]
    assert barcelona.title in winners
    assert seoul.title not in winners
    assert seoul.title in finalists
    assert barcelona.title not in finalists
    assert barcelona.member.name in client_for(None).get("/awards/").content.decode()
