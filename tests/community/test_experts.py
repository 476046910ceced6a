from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from metroscope.community.analytics import Candidate, rank
from metroscope.community.models import Expert, ExpertKind
from metroscope.community.selectors import expert_directory, experts_for
from metroscope.community.services import expert_opt_in, expert_withdraw
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
