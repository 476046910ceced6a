from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from metroscope.community.analytics import Candidate, rank
from metroscope.community.models import Expert, ExpertKind
from metroscope.community.selectors import expert_directory, experts_for
from metroscope.community.services import expert_opt_in, expert_withdraw
from metroscope.exchange.models import Need
from metroscope.members.models import Member
from metroscope.plan.models import Challenge, Theme
from tests.conftest import client_for


def cand(i: int, name: str, themes=(), challenges=(), topics=(), languages=("en",)) -> Candidate:
    return Candidate(
        i, name, frozenset(themes), frozenset(challenges), frozenset(topics), frozenset(languages)
    )


def test_rank_orders_by_overlap_and_gives_reasons():
    people = [
        cand(1, "Ana", themes={"T1"}),
        cand(2, "Bo", themes={"T1", "T2"}, topics={"water"}),
        cand(3, "Cy", challenges={"C9"}),
        cand(4, "Di", themes={"T1", "T2"}, topics={"water"}, languages={"fr"}),
    ]
    got = rank(people, themes={"T1", "T2"}, challenges=set(), topics={" Water "}, language="en")
    assert [(m.name, m.score) for m in got] == [("Bo", 3), ("Ana", 1)]
    assert got[0].themes == ["T1", "T2"]
    assert got[0].topics == ["water"]


def test_rank_ties_broken_by_name():
    got = rank(
        [cand(1, "Zed", themes={"T"}), cand(2, "Al", themes={"T"})],
        themes={"T"},
        challenges=set(),
        topics=set(),
    )
    assert [m.name for m in got] == ["Al", "Zed"]


def _expert(name: str, **kw) -> Expert:
    return expert_opt_in(name=name, kind=ExpertKind.PARTNER, consent=True, **kw)


@pytest.mark.django_db
def test_opt_in_requires_consent_and_writes_nothing():
    with pytest.raises(ValueError, match="Consent"):
        expert_opt_in(name="X", kind=ExpertKind.PARTNER, consent=False, languages=["en"])
    with pytest.raises(ValueError, match="klingon"):
        expert_opt_in(name="X", kind=ExpertKind.PARTNER, consent=True, languages=["klingon"])
    assert not Expert.objects.exists()


@pytest.mark.django_db
def test_withdrawal_hides_at_once_and_is_audited():
    theme = Theme.objects.first()
    expert = _expert("Ana", languages=["es"], themes=[theme], topics=["Water"])
    assert expert.consent_given_at is not None
    assert list(expert_directory(language="es")) == [expert]
    assert [m.name for m in experts_for(themes={theme.code})] == ["Ana"]
    expert_withdraw(expert=expert)
    assert not expert_directory().exists()
    assert experts_for(themes={theme.code}) == []
    assert expert.history.count() >= 2


@pytest.mark.django_db
def test_directory_filters():
    challenge = Challenge.objects.first()
    a = _expert("Ana", languages=["en", "fr"], challenges=[challenge], topics=["housing"])
    b = _expert("Bo", languages=["es"])
    assert list(expert_directory(language="fr")) == [a]
    assert list(expert_directory(challenge=challenge.code)) == [a]
    assert list(expert_directory(q="hous")) == [a]
    assert set(expert_directory()) == {a, b}


@pytest.mark.django_db
def test_api_contacts_only_for_staff_and_officers(staff, officer_barcelona, board_member):
    _expert("Ana", languages=["en"], email="ana@example.org")
    assert client_for(None).get("/api/v1/community/experts").status_code == 401
    for user, shown in ((staff, True), (officer_barcelona, True), (board_member, False)):
        rows = client_for(user).get("/api/v1/community/experts").json()
        assert rows[0]["name"] == "Ana"
        assert (rows[0]["email"] == "ana@example.org") is shown
    plain = get_user_model().objects.create_user(username="plain", password="x" * 12)
    assert client_for(plain).get("/api/v1/community/experts").json()[0]["email"] is None


@pytest.mark.django_db
def test_api_query_count_is_pinned(staff, django_assert_num_queries):
    for i in range(5):
        _expert(f"E{i}", languages=["en"], themes=Theme.objects.all()[:2])
    client = client_for(staff)
    client.get("/api/v1/community/experts")
    with django_assert_num_queries(7):
        assert len(client.get("/api/v1/community/experts").json()) == 5


def test_rank_finds_topics_in_the_words_of_a_text():
    people = [
        cand(1, "Ana", topics={"social housing"}),
        cand(2, "Bo", topics={"housing"}),
        cand(3, "Cy", topics={"ware"}),
    ]
    got = rank(people, themes=set(), challenges=set(), topics=set(), text="Social-housing waits")
    assert [(m.name, m.topics) for m in got] == [("Ana", ["social housing"]), ("Bo", ["housing"])]
    none = rank(people, themes=set(), challenges=set(), topics=set(), text="Warehousing")
    assert none == []  # whole words only


@pytest.mark.django_db
def test_directory_filter_by_whole_topic():
    a = _expert("Ana", languages=["en"], topics=["water", "housing"])
    _expert("Bo", languages=["en"], topics=["waterfronts"])
    assert list(expert_directory(topic="Water")) == [a]


@pytest.mark.django_db
def test_directory_page_is_for_signed_in_users_with_contacts_as_the_api(
    staff, officer_barcelona, board_member
):
    _expert("Ana", languages=["en"], email="ana@example.org", topics=["water"])
    assert client_for(None).get("/community/experts/").status_code == 302
    for user, shown in ((staff, True), (officer_barcelona, True), (board_member, False)):
        html = client_for(user).get("/community/experts/").content.decode()
        assert "Ana" in html
        assert ("ana@example.org" in html) is shown
    html = client_for(board_member).get("/community/experts/?topic=housing").content.decode()
    assert "No expert matches these filters." in html
    html = client_for(board_member).get("/community/experts/?theme=nope&topic=water").content
    assert b"Select a valid choice" in html  # the bad filter is named and dropped
    assert b"Ana" in html  # the good one still applies


@pytest.mark.django_db
def test_directory_page_query_count_is_pinned(staff, django_assert_num_queries):
    client = client_for(staff)
    _expert("E0", languages=["en"], themes=Theme.objects.all()[:2])
    client.get("/community/experts/")
    with django_assert_num_queries(DIRECTORY_QUERIES):
        client.get("/community/experts/?language=en")
    for i in range(1, 6):
        _expert(f"E{i}", languages=["en"], themes=Theme.objects.all()[:2])
    with django_assert_num_queries(DIRECTORY_QUERIES):
        client.get("/community/experts/?language=en")


DIRECTORY_QUERIES = 13  # + the header's unread notifications


@pytest.mark.django_db
def test_opt_in_edit_and_withdraw_through_the_page(board_member):
    client = client_for(board_member)
    assert client_for(None).get("/community/experts/me/").status_code == 302
    theme = Theme.objects.first()
    data = {"name": "Bea Board", "languages": ["en", "fr"], "topics": "Water, housing"}
    response = client.post("/community/experts/me/", {**data, "themes": [theme.pk]})
    assert "Tick the consent box" in response.content.decode()
    assert not Expert.objects.exists()  # nothing written without consent
    client.post("/community/experts/me/", {**data, "themes": [theme.pk], "consent": "on"})
    expert = Expert.objects.get(user=board_member)
    assert expert.listed
    assert expert.kind == ExpertKind.PARTNER
    assert expert.topic_list == ["housing", "water"]
    given = expert.consent_given_at
    client.post("/community/experts/me/", {**data, "name": "Bea B.", "consent": "on"})
    expert.refresh_from_db()
    assert expert.name == "Bea B."
    assert expert.consent_given_at == given
    assert not expert.themes.exists()
    assert client.get("/community/experts/me/withdraw/").status_code == 405
    client.post("/community/experts/me/withdraw/")
    expert.refresh_from_db()
    assert not expert.listed
    assert "You withdrew on" in client.get("/community/experts/me/").content.decode()
    assert not expert_directory().exists()


@pytest.mark.django_db
def test_opt_in_names_the_bad_field(board_member):
    response = client_for(board_member).post(
        "/community/experts/me/", {"name": "Bea", "consent": "on", "topics": "x" * 61}
    )
    html = response.content.decode()
    assert "Choose at least one language you can help in." in html
    assert "Each topic is at most 60 characters" in html
    assert not Expert.objects.exists()


@pytest.mark.django_db
def test_need_page_shows_experts_who_can_help_and_why(officer_barcelona):

    theme, challenge = Theme.objects.first(), Challenge.objects.first()
    need = Need.objects.create(
        member=Member.objects.get(code="seoul"), title="Cheaper social housing near transit"
    )
    need.themes.add(theme)
    need.challenges.add(challenge)
    _expert("Ana", languages=["en"], themes=[theme], email="ana@example.org")
    _expert("Bo", languages=["es"], topics=["social housing"], challenges=[challenge])
    _expert("Cy", languages=["en"], topics=["ports"])
    client = client_for(officer_barcelona)
    html = client.get(f"/exchange/needs/{need.pk}/").content.decode()
    assert "Experts who can help" in html
    panel = html[html.index('id="need-experts"') :]
    assert panel.index("Bo") < panel.index("Ana")  # two reasons before one
    assert "Knows the topics: social housing" in panel
    assert f"Shares the plan themes: {theme.name}" in panel
    assert "Cy" not in panel
    assert "ana@example.org" in panel  # officers see contacts
    with CaptureQueriesContext(connection) as before:
        client.get(f"/exchange/needs/{need.pk}/")
    for i in range(4):
        _expert(f"More {i}", languages=["en"], themes=[theme], challenges=[challenge])
    with CaptureQueriesContext(connection) as after:
        client.get(f"/exchange/needs/{need.pk}/")
    assert len(after) == len(before)


def _need_for_experts(status: str = "open") -> tuple[Need, Theme, Challenge]:
    theme, challenge = Theme.objects.first(), Challenge.objects.first()
    need = Need.objects.create(
        member=Member.objects.get(code="seoul"),
        title="Cheaper social housing near transit",
        status=status,
    )
    need.themes.add(theme)
    need.challenges.add(challenge)
    return need, theme, challenge


@pytest.mark.django_db
def test_needs_api_lists_the_pages_experts_with_why(officer_barcelona, board_member):
    """GET /api/v1/needs/{id}/experts: the experts the need's page lists, in its order, each
    with the page's reasons (in the language asked) and contacts under the directory's rule."""
    need, theme, challenge = _need_for_experts()
    _expert("Ana", languages=["en"], themes=[theme], email="ana@example.org")
    _expert("Bo", languages=["es"], topics=["social housing"], challenges=[challenge])
    _expert("Cy", languages=["en"], topics=["ports"])
    withdrawn = _expert("Di", languages=["en"], themes=[theme], challenges=[challenge])
    expert_withdraw(expert=withdrawn)
    url = f"/api/v1/needs/{need.pk}/experts"
    rows = client_for(officer_barcelona).get(url).json()
    assert [r["name"] for r in rows] == ["Bo", "Ana"]  # as on the page: two reasons first
    bo, ana = rows
    assert (bo["score"], bo["matched_topics"], bo["shared_challenges"]) == (
        2,
        ["social housing"],
        [challenge.code],
    )
    assert bo["reasons"] == [
        f"Shares the plan challenges: {challenge.name}",
        "Knows the topics: social housing",
    ]
    assert ana["reasons"] == [f"Shares the plan themes: {theme.name}"]
    assert ana["shared_themes"] == [theme.code]
    assert ana["email"] == "ana@example.org"  # an officer sees contacts
    html = client_for(officer_barcelona).get(f"/exchange/needs/{need.pk}/").content.decode()
    panel = html[html.index('id="need-experts"') :]
    assert [panel.index(n) for n in ("Bo", "Ana")] == sorted(panel.index(n) for n in ("Bo", "Ana"))
    for reason in bo["reasons"] + ana["reasons"]:
        assert reason in panel
    # the Board sees who, not how to reach them; in Spanish, the reasons are in Spanish
    board = client_for(board_member).get(url + "?lang=es").json()
    assert board[1]["email"] is None
    assert board[1]["reasons"] == [f"Comparte los temas del plan: {theme.name_es}"]


@pytest.mark.django_db
def test_needs_api_experts_follow_the_needs_visibility(officer_barcelona, officer_seoul, staff):
    from metroscope.core import tokens

    need, theme, _challenge = _need_for_experts(status="closed")
    _expert("Ana", languages=["en"], themes=[theme])
    url = f"/api/v1/needs/{need.pk}/experts"
    assert client_for(None).get(url).status_code == 401
    # a closed need is seen by its member's officers and staff only, as on the pages
    assert client_for(officer_barcelona).get(url).status_code == 404
    assert client_for(officer_barcelona).get(f"/exchange/needs/{need.pk}/").status_code == 404
    assert [r["name"] for r in client_for(officer_seoul).get(url).json()] == ["Ana"]
    assert client_for(staff).get(url).status_code == 200
    assert client_for(staff).get("/api/v1/needs/999999/experts").status_code == 404
    _token, plain = tokens.issue(officer_seoul)
    bearer = client_for(None).get(url, HTTP_AUTHORIZATION=f"Bearer {plain}")
    assert bearer.status_code == 200


@pytest.mark.django_db
def test_needs_api_experts_query_count_is_pinned(staff, django_assert_num_queries):
    need, theme, challenge = _need_for_experts()
    _expert("Ana", languages=["en"], themes=[theme])
    client = client_for(staff)
    url = f"/api/v1/needs/{need.pk}/experts"
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for i in range(4):
        _expert(f"More {i}", languages=["en"], themes=[theme], challenges=[challenge])
    with CaptureQueriesContext(connection) as after:
        assert len(client.get(url).json()) == 5
    assert len(after) == len(before)
