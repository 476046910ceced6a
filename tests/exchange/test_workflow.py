"""The review of a solution is a state machine: every valid step moves it and leaves a
ReviewStep; every other step is refused with a clear error and changes nothing."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from metroscope.exchange import services, solution_input
from metroscope.exchange.models import (
    ReviewAction,
    ReviewStep,
    Solution,
    SolutionStatus,
    SolutionText,
)
from tests.conftest import BARCELONA, SEOUL, make_user
from tests.exchange.drafting import draft_data, make_draft, member

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """The services speak the active language; a test before may have left another one."""
    with translation.override("en"):
        yield


S = SolutionStatus
A = ReviewAction
ALL_ACTIONS = [A.SUBMIT, A.REQUEST_CHANGES, A.PUBLISH, A.REJECT, A.ARCHIVE]
VALID = {
    A.SUBMIT: {S.DRAFT: S.SUBMITTED, S.CHANGES_REQUESTED: S.SUBMITTED},
    A.REQUEST_CHANGES: {S.SUBMITTED: S.CHANGES_REQUESTED},
    A.PUBLISH: {S.SUBMITTED: S.PUBLISHED, S.ARCHIVED: S.PUBLISHED},
    A.REJECT: {S.SUBMITTED: S.REJECTED},
    A.ARCHIVE: {S.PUBLISHED: S.ARCHIVED},
}
CASES = [(a, s) for a in ALL_ACTIONS for s in S.values]


def _run(action: str, user, solution: Solution, comment: str = "Because of reasons.") -> Solution:
    if action == A.SUBMIT:
        return services.solution_submit(user=user, solution=solution, comment=comment)
    return services.solution_review(user=user, solution=solution, action=action, comment=comment)


@pytest.fixture
def draft(officer_barcelona) -> Solution:
    return make_draft(officer_barcelona)


def test_create_draft_keeps_author_member_clean_data_and_a_first_step(draft, officer_barcelona):
    assert draft.status == S.DRAFT
    assert draft.author == officer_barcelona
    assert list(draft.members.values_list("code", flat=True)) == [BARCELONA]
    assert draft.slug == "superblocks-for-the-workflow-suite"
    assert draft.country_iso3 == "ESP"
    assert draft.tags == ["mobility", "public space"]
    assert draft.sdgs == [3, 11]
    step = draft.steps.get()
    assert (step.action, step.from_status, step.to_status, step.actor) == (
        A.CREATE,
        "",
        S.DRAFT,
        officer_barcelona,
    )
    assert draft.history.first().history_user == officer_barcelona


def test_slugs_are_unique_with_a_number(officer_barcelona, staff):
    slugs = [make_draft(officer_barcelona).slug for _ in range(2)] + [make_draft(staff).slug]
    assert slugs == [
        "superblocks-for-the-workflow-suite",
        "superblocks-for-the-workflow-suite-2",
        "superblocks-for-the-workflow-suite-3",
    ]


def test_a_title_without_latin_letters_still_gets_an_address(officer_barcelona):
    assert make_draft(officer_barcelona, title="公共空间").slug == "solution"


@pytest.mark.parametrize(("action", "status"), CASES)
def test_each_step_moves_only_from_its_statuses(draft, staff, action, status):
    Solution.objects.filter(pk=draft.pk).update(status=status)
    draft.refresh_from_db()
    steps_before = draft.steps.count()
    target = VALID[action].get(status)
    if target is None:
        with pytest.raises(services.InvalidTransition) as refused:
            _run(action, staff, draft)
        assert str(S(status).label).lower() in str(refused.value)
        draft.refresh_from_db()
        assert draft.status == status
        assert draft.steps.count() == steps_before
        return
    _run(action, staff, draft)
    draft.refresh_from_db()
    assert draft.status == target
    step = draft.steps.order_by("-pk").first()
    assert (step.action, step.from_status, step.to_status, step.actor) == (
        action,
        status,
        target,
        staff,
    )
    assert step.comment == "Because of reasons."


@pytest.mark.parametrize("action", [A.REQUEST_CHANGES, A.REJECT])
def test_asking_for_changes_and_rejecting_need_a_comment(draft, officer_barcelona, staff, action):
    services.solution_submit(user=officer_barcelona, solution=draft)
    with pytest.raises(ValidationError) as refused:
        services.solution_review(user=staff, solution=draft, action=action, comment="   ")
    assert "comment" in refused.value.message_dict
    draft.refresh_from_db()
    assert draft.status == S.SUBMITTED


def test_unknown_review_action_is_refused(draft, staff):
    with pytest.raises(services.InvalidTransition, match="must be one of"):
        services.solution_review(user=staff, solution=draft, action="delete", comment="")


def test_the_whole_review_is_kept_step_by_step(draft, officer_barcelona, staff):
    services.solution_submit(user=officer_barcelona, solution=draft, comment="Ready for you.")
    services.solution_request_changes(
        user=staff, solution=draft, comment="Add the results, please."
    )
    services.solution_update(
        user=officer_barcelona, solution=draft, data={"results": "Fewer cars, more trees."}
    )
    services.solution_submit(user=officer_barcelona, solution=draft)
    services.solution_publish(user=staff, solution=draft)
    first_published = draft.published_at
    services.solution_archive(user=staff, solution=draft, comment="Outdated.")
    services.solution_publish(user=staff, solution=draft)
    steps = list(
        ReviewStep.objects.filter(solution=draft)
        .order_by("pk")
        .values_list("action", "from_status", "to_status", "actor__username", "comment")
    )
    assert steps == [
        (A.CREATE, "", S.DRAFT, "officer_barcelona", ""),
        (A.SUBMIT, S.DRAFT, S.SUBMITTED, "officer_barcelona", "Ready for you."),
        (A.REQUEST_CHANGES, S.SUBMITTED, S.CHANGES_REQUESTED, "staff", "Add the results, please."),
        (A.SUBMIT, S.CHANGES_REQUESTED, S.SUBMITTED, "officer_barcelona", ""),
        (A.PUBLISH, S.SUBMITTED, S.PUBLISHED, "staff", ""),
        (A.ARCHIVE, S.PUBLISHED, S.ARCHIVED, "staff", "Outdated."),
        (A.PUBLISH, S.ARCHIVED, S.PUBLISHED, "staff", ""),
    ]
    draft.refresh_from_db()
    assert draft.published_at == first_published  # published again: its first date stays
    assert draft.submitted_at is not None
    assert draft.results == "Fewer cars, more trees."
    users = {h.history_user.username for h in draft.history.all() if h.history_user}
    assert users == {"officer_barcelona", "staff"}


def test_search_index_follows_publication(draft, officer_barcelona, staff):
    in_index = SolutionText.objects.filter(solution_id=draft.pk).exists
    services.solution_submit(user=officer_barcelona, solution=draft)
    assert not in_index()
    services.solution_publish(user=staff, solution=draft)
    assert in_index()
    services.solution_archive(user=staff, solution=draft)
    assert not in_index()


def test_update_changes_only_the_given_fields_and_keeps_the_address(draft, officer_barcelona):
    services.solution_update(
        user=officer_barcelona, solution=draft, data={"title": "A new title", "sdgs": [17]}
    )
    draft.refresh_from_db()
    assert (draft.title, draft.slug, draft.sdgs) == (
        "A new title",
        "superblocks-for-the-workflow-suite",
        [17],
    )
    assert draft.summary.startswith("Streets given back")


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"sdgs": [18]}, "sdgs"),
        ({"country_iso3": "XXZ"}, "country_iso3"),
        ({"country_iso3": "Spain"}, "country_iso3"),
        ({"title": ""}, "title"),
        ({"language": "de"}, "language"),
        ({"tags": ["x" * 61]}, "tags"),
        ({"views": 10}, "views"),
    ],
)
def test_bad_data_is_refused_by_field(draft, officer_barcelona, data, field):
    with pytest.raises(ValidationError) as refused:
        services.solution_update(user=officer_barcelona, solution=draft, data=data)
    assert field in refused.value.message_dict


def test_metro_is_resolved_from_a_name(officer_barcelona):
    metro = solution_input.resolve_metro("Barcelona", "ESP")
    solution = make_draft(officer_barcelona, metro=metro)
    assert solution.metro == metro
    with pytest.raises(ValidationError):
        solution_input.resolve_metro("Nowhere-upon-Nothing", "ESP")


def test_officer_of_two_members_must_choose(db):
    both = make_user("two_hats", ("officer", BARCELONA), ("officer", SEOUL))
    with pytest.raises(ValidationError) as refused:
        make_draft(both)
    assert "members" in refused.value.message_dict
    solution = make_draft(both, members=[member(SEOUL)])
    assert list(solution.members.values_list("code", flat=True)) == [SEOUL]


def test_a_submitted_solution_is_locked_for_its_author(draft, officer_barcelona, staff):
    services.solution_submit(user=officer_barcelona, solution=draft)
    with pytest.raises(services.InvalidTransition, match="submitted"):
        services.solution_update(user=officer_barcelona, solution=draft, data={"title": "Sneaky"})
    services.solution_update(user=staff, solution=draft, data={"title": "Fixed by the Secretariat"})
    draft.refresh_from_db()
    assert draft.title == "Fixed by the Secretariat"


def test_officer_cannot_review_even_their_own(draft, officer_barcelona):
    services.solution_submit(user=officer_barcelona, solution=draft)
    for action in services.REVIEW_ACTIONS:
        with pytest.raises(PermissionDenied):
            services.solution_review(
                user=officer_barcelona, solution=draft, action=action, comment="ok"
            )
    draft.refresh_from_db()
    assert draft.status == S.SUBMITTED


def test_allowed_actions(draft, officer_barcelona, officer_seoul, staff):
    assert services.allowed_actions(officer_barcelona, draft) == ["submit"]
    assert services.allowed_actions(officer_seoul, draft) == []
    services.solution_submit(user=officer_barcelona, solution=draft)
    assert services.allowed_actions(officer_barcelona, draft) == []
    assert services.allowed_actions(staff, draft) == ["request_changes", "publish", "reject"]


def test_draft_data_is_not_changed_by_the_services(officer_barcelona):
    data = draft_data()
    services.solution_create(user=officer_barcelona, data=data)
    assert data["tags"] == "mobility, public space, mobility"
