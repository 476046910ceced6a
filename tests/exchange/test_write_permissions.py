"""Who may write what in the exchange, as a matrix over the personas (anonymous, officer of
Barcelona, officer of Seoul, secretariat staff, board member), through access.py (and the
rules registry that mirrors it), the services and the pages."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.utils import translation

from metroscope.exchange import access, services
from metroscope.exchange.models import Solution, SolutionStatus
from tests.conftest import BARCELONA, SEOUL, client_for, make_user
from tests.exchange.drafting import draft_data, make_draft, member

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """The services speak the active language; a test before may have left another one."""
    with translation.override("en"):
        yield


S = SolutionStatus
PERSONAS = ("anonymous", "officer_barcelona", "officer_seoul", "staff", "board_member")


@pytest.fixture
def people(officer_barcelona, officer_seoul, staff, board_member):
    return {
        "anonymous": AnonymousUser(),
        "officer_barcelona": officer_barcelona,
        "officer_seoul": officer_seoul,
        "staff": staff,
        "board_member": board_member,
    }


@pytest.fixture
def draft(people) -> Solution:
    return make_draft(people["officer_barcelona"])


def _with_status(solution: Solution, status: str) -> Solution:
    Solution.objects.filter(pk=solution.pk).update(status=status)
    solution.refresh_from_db()
    return solution


# anonymous, officer of Barcelona (author's member), officer of Seoul, staff, board member
MATRIX = [
    ("exchange.submit_solution", None, (False, True, True, True, False)),
    ("exchange.review_solutions", None, (False, False, False, True, False)),
    ("exchange.edit_solution", S.DRAFT, (False, True, False, True, False)),
    ("exchange.edit_solution", S.CHANGES_REQUESTED, (False, True, False, True, False)),
    ("exchange.edit_solution", S.SUBMITTED, (False, False, False, True, False)),
    ("exchange.edit_solution", S.PUBLISHED, (False, False, False, True, False)),
    ("exchange.edit_solution", S.REJECTED, (False, False, False, True, False)),
    ("exchange.view_solution", S.DRAFT, (False, True, False, True, False)),
    ("exchange.view_solution", S.SUBMITTED, (False, True, False, True, False)),
    ("exchange.view_solution", S.REJECTED, (False, True, False, True, False)),
    ("exchange.view_solution", S.ARCHIVED, (False, True, False, True, False)),
    ("exchange.view_solution", S.PUBLISHED, (True, True, True, True, True)),
]


ASKS = {
    "exchange.submit_solution": lambda user, _: access.can_submit_solutions(user),
    "exchange.review_solutions": lambda user, _: access.can_review_solutions(user),
    "exchange.edit_solution": access.can_edit_solution,
    "exchange.view_solution": access.can_view_solution,
}


@pytest.mark.parametrize(("perm", "status", "expected"), MATRIX)
def test_permission_matrix(people, draft, perm, status, expected):
    obj = _with_status(draft, status) if status else None
    got = tuple(ASKS[perm](people[p], obj) for p in PERSONAS)
    assert got == expected
    # The registry under the permission's name, kept for the admin and a shell, agrees.
    registry = tuple(
        people[p].has_perm(perm, obj) if obj else people[p].has_perm(perm) for p in PERSONAS
    )
    assert registry == expected


def test_the_navigation_asks_both_rules_at_once_with_the_same_answers(people):
    for user in people.values():
        both = access.can_submit_and_review_solutions(user)
        assert both == (access.can_submit_solutions(user), access.can_review_solutions(user))


def test_another_officer_of_the_same_member_may_edit_and_submit(draft):
    colleague = make_user("colleague", ("officer", BARCELONA))
    services.solution_update(
        user=colleague, solution=draft, data={"summary": "Improved by a colleague."}
    )
    services.solution_submit(user=colleague, solution=draft)
    assert draft.steps.last().actor == colleague


def test_officer_cannot_submit_for_another_member(officer_barcelona):
    with pytest.raises(PermissionDenied, match=SEOUL):
        make_draft(officer_barcelona, members=[member(SEOUL)])
    assert not Solution.objects.filter(title=draft_data()["title"]).exists()


def test_officer_cannot_edit_or_submit_another_members_solution(draft, officer_seoul):
    with pytest.raises(PermissionDenied):
        services.solution_update(user=officer_seoul, solution=draft, data={"title": "Taken over"})
    with pytest.raises(PermissionDenied):
        services.solution_submit(user=officer_seoul, solution=draft)
    draft.refresh_from_db()
    assert (draft.title, draft.status) == (draft_data()["title"], S.DRAFT)


def test_officer_cannot_add_another_member_to_their_solution(draft, officer_barcelona):
    with pytest.raises(PermissionDenied):
        services.solution_update(
            user=officer_barcelona,
            solution=draft,
            data={"members": [member(BARCELONA), member(SEOUL)]},
        )
    assert list(draft.members.values_list("code", flat=True)) == [BARCELONA]


def test_officer_keeps_the_members_of_others_on_a_joint_solution(officer_barcelona, staff):
    joint = make_draft(staff, members=[member(BARCELONA), member(SEOUL)])
    services.solution_update(
        user=officer_barcelona, solution=joint, data={"members": [member(BARCELONA)]}
    )
    assert set(joint.members.values_list("code", flat=True)) == {BARCELONA, SEOUL}


def test_board_member_and_anonymous_cannot_draft(board_member):
    for user in (board_member, AnonymousUser()):
        with pytest.raises(PermissionDenied):
            make_draft(user)


def test_staff_may_draft_for_any_member(staff):
    solution = make_draft(staff, members=[member(SEOUL)])
    assert list(solution.members.values_list("code", flat=True)) == [SEOUL]


# --- the pages -----------------------------------------------------------------------------


def get(path: str, user=None):
    return client_for(user).get(path, HTTP_HOST="127.0.0.1")


def post(path: str, user, data=None):
    return client_for(user).post(path, data or {}, HTTP_HOST="127.0.0.1")


def test_drafts_are_invisible_to_the_public(draft):
    assert get(f"/exchange/solutions/{draft.slug}/").status_code == 404
    assert get(f"/exchange/solutions/{draft.slug}/status/").status_code == 302  # to sign in


@pytest.mark.parametrize(
    ("persona", "code"),
    [("officer_barcelona", 200), ("officer_seoul", 404), ("staff", 200), ("board_member", 404)],
)
def test_status_and_edit_pages_only_for_those_who_work_on_it(people, draft, persona, code):
    user = people[persona]
    assert get(f"/exchange/solutions/{draft.slug}/status/", user).status_code == code
    assert get(f"/exchange/solutions/{draft.slug}/edit/", user).status_code == code


def test_new_solution_page_for_officers_and_staff_only(people):
    assert get("/exchange/submit/").status_code == 302
    assert get("/exchange/submit/", people["officer_barcelona"]).status_code == 200
    assert get("/exchange/submit/", people["staff"]).status_code == 200
    assert get("/exchange/submit/", people["board_member"]).status_code == 403


def test_review_queue_is_for_the_secretariat(people):
    assert get("/exchange/review/").status_code == 302
    for persona in ("officer_barcelona", "officer_seoul", "board_member"):
        assert get("/exchange/review/", people[persona]).status_code == 403
    assert get("/exchange/review/", people["staff"]).status_code == 200


def test_officer_cannot_publish_through_the_page(draft, officer_barcelona):
    services.solution_submit(user=officer_barcelona, solution=draft)
    client = client_for(officer_barcelona)
    page = client.post(
        f"/exchange/solutions/{draft.slug}/publish/", HTTP_HOST="127.0.0.1", follow=True
    )
    assert page.redirect_chain[-1][0].endswith(f"/solutions/{draft.slug}/status/")
    assert "Only the Secretariat reviews solutions." in page.content.decode()
    draft.refresh_from_db()
    assert draft.status == S.SUBMITTED


def test_other_officer_cannot_submit_through_the_page(draft, officer_seoul):
    response = post(f"/exchange/solutions/{draft.slug}/submit/", officer_seoul)
    assert response.status_code == 404
    draft.refresh_from_db()
    assert draft.status == S.DRAFT


def test_transitions_only_by_post(draft, staff):
    assert get(f"/exchange/solutions/{draft.slug}/publish/", staff).status_code == 405


def test_submitted_solution_edit_page_sends_the_author_to_its_status(draft, officer_barcelona):
    services.solution_submit(user=officer_barcelona, solution=draft)
    response = get(f"/exchange/solutions/{draft.slug}/edit/", officer_barcelona)
    assert response.status_code == 302
    assert response.url.endswith(f"/solutions/{draft.slug}/status/")
